"""The law as data: every rule with its article, its source and the dates it was in force.

Versions of one rule share a `key` ("custody_credit") and differ in their dates. A rule whose
figure was not checked against the text of the law is `verified=False`; one whose figure is
checked but whose start day is not has `dates_verified=False`. Pages show both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from deadlines.engine.counting import WorkingCalendar

CC = "Criminal Code of the Republic of Kazakhstan (3 July 2014 No. 226-V)"
CPC = "Criminal Procedure Code of the Republic of Kazakhstan (4 July 2014 No. 231-V)"
PEC = "Penal Execution Code of the Republic of Kazakhstan (5 July 2014 No. 234-V)"
REFUGEES = "Law of the Republic of Kazakhstan on Refugees (4 December 2009 No. 216-IV)"
CODES_2014_IN_FORCE = date(2015, 1, 1)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    key: str
    title: str
    article: str
    legal_source: str
    in_force_from: date | None = None
    in_force_until: date | None = None
    verified: bool = True
    dates_verified: bool = True
    note: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

    def in_force_on(self, day: date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= day) and (
            self.in_force_until is None or day <= self.in_force_until
        )

    @property
    def caveat(self) -> str:
        """What a reader must know before relying on this rule, or ""."""
        if not self.verified:
            return f"{self.article}: not verified against the text of the law"
        if not self.dates_verified:
            return f"{self.article}: the day it came into force is not verified"
        return ""

    def cite(self) -> str:
        return f"{self.article}, {self.title}"


class RuleSet:
    """The rules of one jurisdiction, with its working-day calendar."""

    def __init__(self, jurisdiction: str, rules: tuple[Rule, ...], *, time_zone: str) -> None:
        self.jurisdiction = jurisdiction
        self.time_zone = ZoneInfo(time_zone)  # where hours of detention are read
        self.rules = rules
        self.calendar = WorkingCalendar(jurisdiction)
        self.by_id = {rule.id: rule for rule in rules}

    def versions(self, key: str) -> list[Rule]:
        found = [rule for rule in self.rules if rule.key == key]
        if not found:
            raise KeyError(f"no rule {key!r} for {self.jurisdiction}")
        return sorted(found, key=lambda rule: rule.in_force_from or date.min)

    def at(self, key: str, day: date) -> Rule:
        """The version in force on `day`; the nearest one when none was."""
        versions = self.versions(key)
        for rule in versions:
            if rule.in_force_on(day):
                return rule
        earlier = [rule for rule in versions if (rule.in_force_from or date.min) <= day]
        return earlier[-1] if earlier else versions[0]

    def in_force_between(self, key: str, first: date, last: date) -> list[Rule]:
        """Every version in force on some day from `first` to `last`."""
        return [
            rule
            for rule in self.versions(key)
            if (rule.in_force_from or date.min) <= last
            and (rule.in_force_until is None or rule.in_force_until >= first)
        ]


SECURITY_LEVELS = ("minimum", "medium", "maximum", "special", "settlement")

KAZAKHSTAN = RuleSet(
    "KZ",
    (
        Rule(
            id="kz.cc.62.3@2015",
            key="custody_credit",
            title="credit for pretrial custody",
            article="Criminal Code Art. 62(3)",
            legal_source=CC + ", text in force in 2019",
            in_force_from=CODES_2014_IN_FORCE,
            in_force_until=date(2020, 1, 9),
            dates_verified=False,
            note="One day of custody counts as one day of imprisonment, whatever the institution.",
            params={"ratio": {level: Fraction(1) for level in SECURITY_LEVELS}},
        ),
        Rule(
            id="kz.cc.62.3@2020",
            key="custody_credit",
            title="credit for pretrial custody",
            article="Criminal Code Art. 62(3)",
            legal_source=CC + ", as amended by the Law of 27 December 2019 No. 292-VI",
            in_force_from=date(2020, 1, 10),
            dates_verified=False,
            note=(
                "One day of custody counts as one day in maximum security or stricter, one and a "
                "half days in medium security, two days in minimum security. The amendment came "
                "into force in early January 2020; the exact day is not verified."
            ),
            params={
                "ratio": {
                    "minimum": Fraction(2),
                    "settlement": Fraction(2),
                    "medium": Fraction(3, 2),
                    "maximum": Fraction(1),
                    "special": Fraction(1),
                }
            },
        ),
        Rule(
            id="kz.cc.62.4",
            key="house_arrest_credit",
            title="credit for house arrest",
            article="Criminal Code Art. 62(4)",
            legal_source=CC,
            in_force_from=CODES_2014_IN_FORCE,
            note="Two days of house arrest count as one day of imprisonment.",
            params={"ratio": Fraction(1, 2)},
        ),
        Rule(
            id="kz.cc.62.window",
            key="credit_window",
            title="custody is credited until the verdict enters into force",
            article="Criminal Code Art. 62(3)",
            legal_source=CC,
            in_force_from=CODES_2014_IN_FORCE,
            note="Days held after the verdict, until it enters into force, still count at the "
            "custody rate.",
        ),
        Rule(
            id="kz.cc.6",
            key="lenient_law",
            title="a more lenient law applies retroactively",
            article="Criminal Code Art. 6",
            legal_source=CC,
            in_force_from=CODES_2014_IN_FORCE,
        ),
        Rule(
            id="kz.cc.46.5",
            key="institution",
            title="minimum security for a first intentional crime with up to two years",
            article="Criminal Code Art. 46(5)",
            legal_source=CC,
            in_force_from=CODES_2014_IN_FORCE,
        ),
        Rule(
            id="kz.cc.11",
            key="gravity",
            title="gravity of offences",
            article="Criminal Code Art. 11",
            legal_source=CC,
            in_force_from=CODES_2014_IN_FORCE,
            note="Gravity follows from the maximum penalty of the offence.",
            params={
                "offences": {
                    ("392", "1"): "small",
                    ("392", "2"): "medium",
                    ("392", ""): "small",
                },
                "unverified_offences": {("174", "1"): "grave", ("174", ""): "grave"},
            },
        ),
        Rule(
            id="kz.cc.72",
            key="parole",
            title="parole (conditional early release)",
            article="Criminal Code Art. 72",
            legal_source=CC,
            in_force_from=CODES_2014_IN_FORCE,
            note="After serving a third (small or medium gravity), a half (grave) or two thirds "
            "(especially grave) of the term; never before six months actually served.",
            params={
                "fraction": {
                    "small": Fraction(1, 3),
                    "medium": Fraction(1, 3),
                    "grave": Fraction(1, 2),
                    "especially_grave": Fraction(2, 3),
                },
                "minimum_actual_months": 6,
            },
        ),
        Rule(
            id="kz.cc.63",
            key="restriction_start",
            title="terms of probation and restrictions run from the verdict's entry into force",
            article="Criminal Code Art. 63 and 44",
            legal_source=CC,
            in_force_from=CODES_2014_IN_FORCE,
            verified=False,
        ),
        Rule(
            id="kz.cpc.48",
            key="counting",
            title="counting of procedural terms",
            article="Criminal Procedure Code Art. 48",
            legal_source=CPC,
            in_force_from=CODES_2014_IN_FORCE,
            note="The start day is not counted; non-working days count; a term ending on a day "
            "off moves to the next working day, except custody and house-arrest terms, which "
            "count the first day and never move.",
        ),
        Rule(
            id="kz.cpc.131",
            key="arrest_cap",
            title="detention on arrest",
            article="Criminal Procedure Code Art. 131",
            legal_source=CPC,
            in_force_from=CODES_2014_IN_FORCE,
            note="48 hours; 72 hours in the listed cases, remoteness among them.",
            params={"hours": 48, "extended_hours": 72},
        ),
        Rule(
            id="kz.cpc.151",
            key="pretrial_cap",
            title="terms of pretrial custody",
            article="Criminal Procedure Code Art. 151",
            legal_source=CPC,
            in_force_from=CODES_2014_IN_FORCE,
            note="Two months; extensions up to 3 and 9 months, then 12 and 18 months for the "
            "gravest cases only; then immediate release.",
            params={
                "months": 2,
                "extensions": (
                    (3, ("small", "medium", "grave", "especially_grave")),
                    (9, ("small", "medium", "grave", "especially_grave")),
                    (12, ("grave", "especially_grave")),
                    (18, ("especially_grave",)),
                ),
            },
        ),
        Rule(
            id="kz.cpc.151.request",
            key="pretrial_extension_request",
            title="an extension of custody is requested before the current term ends",
            article="Criminal Procedure Code Art. 151",
            legal_source=CPC,
            in_force_from=CODES_2014_IN_FORCE,
            verified=False,
            note="The lead time of the request is not verified: the last possible day is shown.",
        ),
        Rule(
            id="kz.cpc.107",
            key="custody_order_appeal",
            title="appeal against a custody or house-arrest order",
            article="Criminal Procedure Code Art. 107",
            legal_source=CPC,
            in_force_from=CODES_2014_IN_FORCE,
            note="Three days; the appeal court rules within three days.",
            params={"days": 3, "ruling_days": 3},
        ),
        Rule(
            id="kz.cpc.418",
            key="verdict_appeal",
            title="appeal against a verdict",
            article="Criminal Procedure Code Art. 418",
            legal_source=CPC,
            in_force_from=CODES_2014_IN_FORCE,
            note="15 days from the announcement; for a convict in custody, 15 days from the day "
            "the copy of the verdict was received.",
            params={"days": 15},
        ),
        Rule(
            id="kz.cpc.copy",
            key="verdict_copy",
            title="a convict in custody receives a copy of the verdict",
            article="Criminal Procedure Code (delivery of the verdict)",
            legal_source=CPC,
            in_force_from=CODES_2014_IN_FORCE,
            verified=False,
            note="Taken as at most five days after the announcement, to bound the window.",
            params={"days": 5},
        ),
        Rule(
            id="kz.cpc.470",
            key="entry_into_force",
            title="when a verdict enters into force",
            article="Criminal Procedure Code Art. 470",
            legal_source=CPC,
            in_force_from=CODES_2014_IN_FORCE,
            note="When the appeal term ends unappealed, or on the day of the appeal ruling.",
        ),
        Rule(
            id="kz.pec.165",
            key="release",
            title="release at the end of the term",
            article="Penal Execution Code Art. 165",
            legal_source=PEC,
            in_force_from=CODES_2014_IN_FORCE,
            note="The last day of the term is the day before the anniversary date; on a weekend "
            "or public holiday, release is on the preceding working day.",
        ),
        Rule(
            id="kz.refugees.10",
            key="asylum_application",
            title="applying for asylum and registering the claim",
            article="Law on Refugees Art. 10",
            legal_source=REFUGEES,
            note="Apply within 5 calendar days of arrival (24 hours after a forced crossing away "
            "from a checkpoint); for a detainee, the authority is told within 1 day and "
            "registers the claim within 2 calendar days.",
            params={
                "apply_days": 5,
                "forced_crossing_hours": 24,
                "notify_days": 1,
                "register_days": 2,
            },
        ),
        Rule(
            id="kz.refugees.11",
            key="asylum_decision",
            title="decision on an asylum claim",
            article="Law on Refugees Art. 11",
            legal_source=REFUGEES,
            note="Within 3 months of registration, extendable to 1 year.",
            params={"months": 3, "extended_months": 12},
        ),
        Rule(
            id="kz.refugees.8-18",
            key="leave_after_refusal",
            title="stay until the procedure ends; one month to leave after a final refusal",
            article="Law on Refugees Art. 8 and 18",
            legal_source=REFUGEES,
            params={"months": 1},
        ),
        Rule(
            id="cn-kz.border-2006",
            key="treaty_handover",
            title="hand-over of border violators",
            article="China–Kazakhstan border agreement of 2006",
            legal_source="Agreement between Kazakhstan and China on the border regime (2006)",
            verified=False,
            note="Hand-over of border violators within 7 days. Not verified; overridden while an "
            "asylum claim is pending (Law on Refugees Art. 8, Refugee Convention Art. 33).",
            params={"days": 7},
        ),
    ),
    time_zone="Asia/Almaty",
)

RULESETS: dict[str, RuleSet] = {"KZ": KAZAKHSTAN}
RULES_BY_ID: dict[str, Rule] = {
    rule.id: rule for ruleset in RULESETS.values() for rule in ruleset.rules
}

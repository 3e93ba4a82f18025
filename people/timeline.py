"""One person's story as a single chronological list: "What happened".

`build_timeline` is pure: it takes records that are already fetched (with their citations
prefetched) and returns entries sorted by date, undated ones last. `person_timeline` gathers
those records from a person fetched by `core.access.get_person_for_user`, whose related
managers hold only what the user may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from cases.models import AsylumStatus
from core.display import country_name, date_label
from core.partial_dates import PartialDate

if TYPE_CHECKING:
    from cases.models import AsylumClaim, Case, Charge, CustodyInterval
    from hearings.models import Hearing, Sentence
    from people.models import LifeEvent, Person, Statement
    from sources.models import Citation


@dataclass(frozen=True)
class Entry:
    """One thing that happened, when (as precisely as the sources say), and who says so."""

    date: PartialDate | None
    kind: str
    title: str
    details: tuple[str, ...] = ()
    quote: str = ""
    case: Case | None = None
    anchor: str = ""
    citations: tuple[Citation, ...] = ()

    @property
    def url(self) -> str:
        """The case page, at this entry's place on it when it has one."""
        if self.case is None:
            return ""
        return self.case.get_absolute_url() + (f"#{self.anchor}" if self.anchor else "")


# Order of kinds that share a date: what happened to the person before the court's response.
KIND_ORDER = (
    "life_event",
    "custody_start",
    "asylum",
    "charge",
    "hearing",
    "sentence",
    "verdict_in_force",
    "custody_end",
    "statement",
)


def _sort_key(entry: Entry) -> tuple[bool, tuple[date, date] | tuple[()], int]:
    rank = KIND_ORDER.index(entry.kind) if entry.kind in KIND_ORDER else len(KIND_ORDER)
    return (entry.date is None, entry.date.sort_key if entry.date else (), rank)


def _cites(record: Any, *, only: Iterable[str] = (), but: Iterable[str] = ()) -> tuple[Any, ...]:
    """The record's prefetched citations, restricted to some fields or excluding some."""
    only, but = set(only), set(but)
    return tuple(
        c for c in record.citations.all() if (not only or c.field in only) and c.field not in but
    )


def _text(*parts: str) -> tuple[str, ...]:
    return tuple(part for part in parts if part)


def _life_event(event: LifeEvent) -> Entry:
    route = ""
    if event.from_country and event.to_country:
        route = _("From %(origin)s to %(destination)s") % {
            "origin": country_name(event.from_country),
            "destination": country_name(event.to_country),
        }
    return Entry(
        date=event.date,
        kind="life_event",
        title=event.get_kind_display(),
        details=_text(event.place, route, event.description),
        case=event.case,
        citations=_cites(event),
    )


def _custody(interval: CustodyInterval) -> list[Entry]:
    authority = interval.authority.name if interval.authority else ""
    details = _text(interval.place, authority, interval.notes)
    kind = interval.get_kind_display()
    if interval.start is None and interval.end is None:
        return [
            Entry(
                None, "custody_start", kind, details, case=interval.case, citations=_cites(interval)
            )
        ]
    entries = [
        Entry(
            date=interval.start,
            kind="custody_start",
            title=_("%(kind)s began") % {"kind": kind},
            details=details,
            case=interval.case,
            citations=_cites(interval, but=["end"]),
        )
    ]
    if interval.end is None and interval.end_unknown:
        entries.append(
            Entry(
                date=None,
                kind="custody_end",
                title=_("%(kind)s ended (no source dates it)") % {"kind": kind},
                details=_text(interval.place),
                case=interval.case,
            )
        )
    if interval.end is not None:
        entries.append(
            Entry(
                date=interval.end,
                kind="custody_end",
                title=_("%(kind)s ended") % {"kind": kind},
                details=_text(interval.place),
                case=interval.case,
                citations=_cites(interval, only=["end"]),
            )
        )
    return entries


def _charge(charge: Charge) -> Entry:
    return Entry(
        date=charge.filed,
        kind="charge",
        title=_("Charged under %(provision)s") % {"provision": charge.provision},
        details=_text(
            _("Status: %(status)s") % {"status": charge.get_status_display()},
            charge.description,
            charge.disposition,
        ),
        case=charge.case,
        anchor=f"charge-{charge.pk}",
        citations=_cites(charge),
    )


def _hearing(hearing: Hearing, case: Case) -> Entry:
    details = [hearing.outcome]
    if hearing.adjourned_to is not None:
        details.append(_("Adjourned to %(date)s") % {"date": date_label(hearing.adjourned_to.date)})
    return Entry(
        date=hearing.date,
        kind="hearing",
        title=_("%(kind)s, %(case)s: %(status)s")
        % {
            "kind": hearing.get_kind_display(),
            "case": case.title,
            "status": hearing.get_status_display().lower(),
        },
        details=_text(*details, hearing.adjournment_reason),
        case=case,
        anchor=f"hearing-{hearing.pk}",
        citations=_cites(hearing),
    )


def _sentence(sentence: Sentence) -> list[Entry]:
    title = ", ".join(_text(sentence.get_kind_display(), sentence.term_label()))
    entries = [
        Entry(
            date=sentence.pronounced,
            kind="sentence",
            title=_("Sentenced: %(sentence)s") % {"sentence": title},
            details=_text(
                sentence.get_institution_type_display() if sentence.institution_type else "",
                sentence.get_custody_credit_display() if sentence.custody_credit else "",
                _("Expulsion: %(expulsion)s")
                % {"expulsion": sentence.get_expulsion_display().lower()}
                if sentence.expulsion
                else "",
            ),
            case=sentence.case,
            anchor=f"sentence-{sentence.pk}",
            citations=_cites(sentence, but=["entered_into_force"]),
        )
    ]
    if sentence.entered_into_force is not None:
        entries.append(
            Entry(
                date=sentence.entered_into_force,
                kind="verdict_in_force",
                title=_("Verdict entered into force"),
                case=sentence.case,
                anchor=f"sentence-{sentence.pk}",
                citations=_cites(sentence, only=["entered_into_force"]),
            )
        )
    return entries


def _asylum(claim: AsylumClaim) -> list[Entry]:
    """The filing (merged with a "filed" step, if one records it), then every other step; the
    claim's own registration and decision dates when no step records them."""
    steps = list(claim.steps.all())
    filed_steps = [step for step in steps if step.status == AsylumStatus.FILED]
    filed_date = claim.filed or next((s.date for s in filed_steps if s.date), None)
    entries = [
        Entry(
            date=filed_date,
            kind="asylum",
            title=_("Asylum claim filed in %(country)s")
            % {"country": country_name(claim.host_country)},
            details=_text(
                claim.authority.name if claim.authority else "",
                _("Current status: %(status)s") % {"status": claim.get_status_display().lower()},
                *(step.note for step in filed_steps),
                claim.notes,
            ),
            case=claim.case,
            citations=_cites(claim, but=["registered", "decided"])
            + tuple(c for step in filed_steps for c in _cites(step)),
        )
    ]
    stepped = {step.status for step in steps}
    if claim.registered is not None and AsylumStatus.REGISTERED not in stepped:
        entries.append(
            Entry(
                date=claim.registered,
                kind="asylum",
                title=_("Asylum claim registered"),
                case=claim.case,
                citations=_cites(claim, only=["registered"]),
            )
        )
    if claim.decided is not None and claim.status not in stepped:
        entries.append(
            Entry(
                date=claim.decided,
                kind="asylum",
                title=_("Asylum claim decided: %(status)s")
                % {"status": claim.get_status_display().lower()},
                case=claim.case,
                citations=_cites(claim, only=["decided"]),
            )
        )
    entries.extend(
        Entry(
            date=step.date,
            kind="asylum",
            title=_("Asylum claim: %(status)s") % {"status": step.get_status_display().lower()},
            details=_text(step.note),
            case=claim.case,
            citations=_cites(step),
        )
        for step in steps
        if step.status != AsylumStatus.FILED
    )
    return entries


def _statement(statement: Statement, person: Person | None) -> Entry:
    speaker = statement.speaker
    if person is not None and speaker.pk == person.pk:
        title = _("Said: %(stance)s") % {"stance": statement.get_stance_display().lower()}
    else:
        title = _("%(speaker)s said: %(stance)s") % {
            "speaker": speaker.display_name,
            "stance": statement.get_stance_display().lower(),
        }
    return Entry(
        date=statement.date,
        kind="statement",
        title=title,
        details=_text(
            statement.office,
            statement.organization.name if statement.organization else "",
            statement.medium,
        ),
        quote=statement.quote,
        citations=_cites(statement),
    )


def build_timeline(
    *,
    person: Person | None = None,
    life_events: Iterable[LifeEvent] = (),
    custody_intervals: Iterable[CustodyInterval] = (),
    charges: Iterable[Charge] = (),
    hearings: Iterable[tuple[Hearing, Case]] = (),
    sentences: Iterable[Sentence] = (),
    asylum_claims: Iterable[AsylumClaim] = (),
    statements: Iterable[Statement] = (),
) -> list[Entry]:
    """Every record as one or more dated entries, oldest first, undated last."""
    entries: list[Entry] = [_life_event(event) for event in life_events]
    for interval in custody_intervals:
        entries.extend(_custody(interval))
    entries.extend(_charge(charge) for charge in charges)
    entries.extend(_hearing(hearing, case) for hearing, case in hearings)
    for sentence in sentences:
        entries.extend(_sentence(sentence))
    for claim in asylum_claims:
        entries.extend(_asylum(claim))
    entries.extend(_statement(statement, person) for statement in statements)
    return sorted(entries, key=_sort_key)


def person_timeline(person: Person) -> list[Entry]:
    """The timeline of a person fetched with `core.access.get_person_for_user`."""
    cases: dict[int, Case] = {}
    for participation in person.participations.all():
        cases.setdefault(participation.case_id, participation.case)
    hearings: list[tuple[Hearing, Case]] = [
        (hearing, case) for case in cases.values() for hearing in case.hearings.all()
    ]
    statements: dict[int, Statement] = {s.pk: s for s in person.statements.all()}
    for statement in person.statements_about.all():
        statements.setdefault(statement.pk, statement)
    return build_timeline(
        person=person,
        life_events=person.life_events.all(),
        custody_intervals=person.custody_intervals.all(),
        charges=person.charges.all(),
        hearings=hearings,
        sentences=person.sentences.all(),
        asylum_claims=person.asylum_claims.all(),
        statements=statements.values(),
    )

"""One person's story as a single chronological list: "What happened".

`build_timeline` is pure: it takes records that are already fetched (with their citations
prefetched) and returns entries sorted by date, undated ones last, with one more entry for the
publication of each source they cite. `person_timeline` gathers those records from a person
fetched by `core.access.get_person_for_user`, whose related managers hold only what the user may
see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from cases.models import AsylumStatus
from core.display import country_name, date_label
from core.partial_dates import PartialDate
from sources.disputes import Disagreement, disagreements

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from cases.models import AsylumClaim, Case, Charge, CustodyInterval
    from hearings.models import Hearing, Sentence
    from people.models import LifeEvent, Person, Statement
    from sources.models import Citation, Source

# -- labels and links, computed once: a 1,000-entry timeline asks for the same few thousands of
# times (`get_FOO_display` rebuilds its choices and translates on every call; `reverse` walks
# the URL patterns).

_DISPLAYS: dict[tuple[str | None, type[Any], str, Any], str] = {}


def _display(record: Any, field: str) -> str:
    """`record.get_<field>_display()`, remembered per language, model, field and value."""
    value = getattr(record, field)
    key = (get_language(), type(record), field, value)
    label = _DISPLAYS.get(key)
    if label is None:
        label = _DISPLAYS[key] = str(getattr(record, f"get_{field}_display")())
    return label


_PK_MARK = 2_147_483_600
_URL_PATTERNS: dict[tuple[Any, ...], tuple[str, str]] = {}


def url_for(name: str, *args: Any) -> str:
    """`reverse(name, args=args)`, reversed once per URL name, leading arguments, script prefix
    and URL configuration: the last argument (a primary key, a deadline's key) is put in place
    of a marker and quoted as `reverse` quotes it."""
    *head, pk = args
    key = (get_script_prefix(), get_urlconf(), name, *head)
    pattern = _URL_PATTERNS.get(key)
    if pattern is None:
        before, after = reverse(name, args=[*head, _PK_MARK]).split(str(_PK_MARK))
        pattern = _URL_PATTERNS[key] = (before, after)
    return f"{pattern[0]}{quote(str(pk), safe=RFC3986_SUBDELIMS + '/~:@')}{pattern[1]}"


# How a deadline stands on the day the page is drawn (the deadline engine's statuses).
STATUS_LABELS: dict[str, StrOrPromise] = {
    "upcoming": gettext_lazy("Upcoming"),
    "due": gettext_lazy("Due"),
    "overdue": gettext_lazy("Overdue"),
    "passed": gettext_lazy("Passed"),
    "suppressed": gettext_lazy("Set aside"),
}


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
    # The cited field `date` comes from ("start" of a custody interval): sources that disagree
    # on it are shown at the date.
    date_field: str = ""
    # A custody start carries its interval's end, or `ongoing`, for the strip's bars.
    until: PartialDate | None = None
    ongoing: bool = False
    # Cases besides `case` the entry belongs to: a publication, those of the facts it supports.
    other_cases: frozenset[int] = frozenset()
    # Deadlines: how one stands today (STATUS_LABELS); `link` leads to its own page.
    status: str = ""
    link: str = ""
    # The record behind the entry, for the link to its history.
    record: Any = field(default=None, compare=False)

    @property
    def case_url(self) -> str:
        """The case page, at this entry's place on it when it has one."""
        if self.case is None:
            return ""
        return url_for("case_detail", self.case.pk) + (f"#{self.anchor}" if self.anchor else "")

    @property
    def history_url(self) -> str:
        """The history page of the record behind the entry; "" for none."""
        record = self.record
        if record is None or record.pk is None:
            return ""
        opts = record._meta
        return url_for("record_history", opts.app_label, opts.model_name, record.pk)

    @property
    def url(self) -> str:
        return self.link or self.case_url

    @property
    def case_ids(self) -> frozenset[int]:
        return self.other_cases | ({self.case.pk} if self.case is not None else set())

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @cached_property
    def date_dispute(self) -> Disagreement[Citation] | None:
        """Sources that disagree on this entry's own date, when they do."""
        if not self.date_field:
            return None
        found = disagreements(self.citations)
        return next((d for d in found if d.field == self.date_field), None)


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
    "deadline",
    "source",  # reports come after what they report
)


def _sort_key(entry: Entry) -> tuple[bool, tuple[date, date] | tuple[()], int]:
    rank = KIND_ORDER.index(entry.kind) if entry.kind in KIND_ORDER else len(KIND_ORDER)
    return (entry.date is None, entry.date.sort_key if entry.date else (), rank)


def in_order(entries: Iterable[Entry]) -> list[Entry]:
    """Oldest first, kinds that share a date in KIND_ORDER, undated last."""
    return sorted(entries, key=_sort_key)


def _cites(record: Any, *, only: Iterable[str] = (), but: Iterable[str] = ()) -> tuple[Any, ...]:
    """The record's prefetched citations, restricted to some fields or excluding some."""
    only, but = set(only), set(but)
    # Read straight from the prefetch cache when it holds them: `record.citations` builds a
    # related manager each time, a cost that shows on a thousand facts.
    cached = getattr(record, "_prefetched_objects_cache", {}).get("citations")
    citations = cached if cached is not None else record.citations.all()
    return tuple(c for c in citations if (not only or c.field in only) and c.field not in but)


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
        title=_display(event, "kind"),
        details=_text(event.place, route, event.description),
        case=event.case,
        citations=_cites(event),
        date_field="date",
        record=event,
    )


def _custody(interval: CustodyInterval) -> list[Entry]:
    authority = interval.authority.name if interval.authority else ""
    details = _text(interval.place, authority, interval.notes)
    kind = _display(interval, "kind")
    ongoing = interval.end is None and not interval.end_unknown
    if interval.start is None and interval.end is None:
        return [
            Entry(
                None,
                "custody_start",
                kind,
                details,
                case=interval.case,
                citations=_cites(interval),
                ongoing=ongoing,
                record=interval,
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
            date_field="start",
            until=interval.end,
            ongoing=ongoing,
            record=interval,
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
                record=interval,
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
                date_field="end",
                record=interval,
            )
        )
    return entries


def _charge(charge: Charge) -> Entry:
    return Entry(
        date=charge.filed,
        kind="charge",
        title=_("Charged under %(provision)s") % {"provision": charge.provision},
        details=_text(
            _("Status: %(status)s") % {"status": _display(charge, "status")},
            charge.description,
            charge.disposition,
        ),
        case=charge.case,
        anchor=f"charge-{charge.pk}",
        citations=_cites(charge),
        date_field="filed",
        record=charge,
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
            "kind": _display(hearing, "kind"),
            "case": case.title,
            "status": _display(hearing, "status").lower(),
        },
        details=_text(*details, hearing.adjournment_reason),
        case=case,
        anchor=f"hearing-{hearing.pk}",
        citations=_cites(hearing),
        date_field="date",
        record=hearing,
    )


def _sentence(sentence: Sentence) -> list[Entry]:
    title = ", ".join(_text(_display(sentence, "kind"), sentence.term_label()))
    entries = [
        Entry(
            date=sentence.pronounced,
            kind="sentence",
            title=_("Sentenced: %(sentence)s") % {"sentence": title},
            details=_text(
                _display(sentence, "institution_type") if sentence.institution_type else "",
                _display(sentence, "custody_credit") if sentence.custody_credit else "",
                _("Expulsion: %(expulsion)s")
                % {"expulsion": _display(sentence, "expulsion").lower()}
                if sentence.expulsion
                else "",
            ),
            case=sentence.case,
            anchor=f"sentence-{sentence.pk}",
            citations=_cites(sentence, but=["entered_into_force"]),
            date_field="pronounced",
            record=sentence,
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
                date_field="entered_into_force",
                record=sentence,
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
                _("Current status: %(status)s") % {"status": _display(claim, "status").lower()},
                *(step.note for step in filed_steps),
                claim.notes,
            ),
            case=claim.case,
            citations=_cites(claim, but=["registered", "decided"])
            + tuple(c for step in filed_steps for c in _cites(step)),
            date_field="filed" if claim.filed else "date",
            record=claim,
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
                date_field="registered",
                record=claim,
            )
        )
    if claim.decided is not None and claim.status not in stepped:
        entries.append(
            Entry(
                date=claim.decided,
                kind="asylum",
                title=_("Asylum claim decided: %(status)s")
                % {"status": _display(claim, "status").lower()},
                case=claim.case,
                citations=_cites(claim, only=["decided"]),
                date_field="decided",
                record=claim,
            )
        )
    entries.extend(
        Entry(
            date=step.date,
            kind="asylum",
            title=_("Asylum claim: %(status)s") % {"status": _display(step, "status").lower()},
            details=_text(step.note),
            case=claim.case,
            citations=_cites(step),
            date_field="date",
            record=step,
        )
        for step in steps
        if step.status != AsylumStatus.FILED
    )
    return entries


def _statement(statement: Statement, person: Person | None) -> Entry:
    speaker = statement.speaker
    if person is not None and speaker.pk == person.pk:
        title = _("Said: %(stance)s") % {"stance": _display(statement, "stance").lower()}
    else:
        title = _("%(speaker)s said: %(stance)s") % {
            "speaker": speaker.display_name,
            "stance": _display(statement, "stance").lower(),
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
        date_field="date",
        record=statement,
    )


def _publication(source: Source, cases: frozenset[int]) -> Entry:
    return Entry(
        date=source.published,
        kind="source",
        title=_("Published: %(title)s") % {"title": source.title},
        details=_text(source.publisher.name if source.publisher else "", _display(source, "kind")),
        other_cases=cases,
        link=url_for("source_detail", source.pk),
    )


def publications(entries: Iterable[Entry], citations: Iterable[Citation] = ()) -> list[Entry]:
    """One entry per source cited by the entries or by `citations` (those of the person and
    their names, ages, affiliations), belonging to the cases of the entries that cite it."""
    sources: dict[int, Source] = {}
    cases: dict[int, set[int]] = {}
    for entry in entries:
        for citation in entry.citations:
            sources.setdefault(citation.source_id, citation.source)
            cases.setdefault(citation.source_id, set()).update(entry.case_ids)
    for citation in citations:
        sources.setdefault(citation.source_id, citation.source)
    return [_publication(source, frozenset(cases.get(pk, ()))) for pk, source in sources.items()]


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
    other_citations: Iterable[Citation] = (),
) -> list[Entry]:
    """Every record as one or more dated entries, then the publication of every source cited
    by them or by `other_citations`; oldest first, undated last."""
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
    entries.extend(publications(entries, other_citations))
    return in_order(entries)


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
        other_citations=_person_citations(person),
    )


def _person_citations(person: Person) -> list[Citation]:
    """The prefetched citations of the person and of the facts about them outside the
    timeline: names, reported ages, affiliations."""
    citations = list(person.citations.all())
    for related in (person.names.all(), person.reported_ages.all(), person.affiliations.all()):
        for record in related:
            citations.extend(record.citations.all())
    return citations

"""Recording what happened at a hearing: one named write, one transaction.

`record_hearing_outcome` takes what the lawyer typed (already validated by the form) and writes
the hearing, the next hearing, the charges, the sentences and their citations together, or
nothing. It refuses a save based on a hearing someone else has changed since the form was
opened (`StaleHearing`), so no one overwrites a colleague's record unawares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import TYPE_CHECKING

import pghistory
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from cases.models import Case, Charge
from core.partial_dates import PartialDate
from hearings.models import Hearing, HearingKind, HearingStatus, Sentence
from sources.models import Citation, Source, SourceKind

if TYPE_CHECKING:
    from accounts.models import User
    from people.models import Organization, Person

# The fields a colleague's save may have changed, shown when a later save is refused.
COMPARED_FIELDS = (
    "status",
    "date",
    "time",
    "outcome",
    "adjournment_reason",
    "judge",
    "prosecutor",
    "defence_present",
    "attendance",
    "notes",
    "adjourned_to",
)


@dataclass(frozen=True)
class SentenceInput:
    kind: str
    years: int = 0
    months: int = 0
    days: int = 0
    institution_type: str = ""
    custody_credit: str = ""
    expulsion: str = ""
    fine_amount: Decimal | None = None
    fine_currency: str = ""
    probation_months: int | None = None


@dataclass(frozen=True)
class DefendantVerdict:
    """The ruling for one defendant."""

    person: Person
    charges: dict[int, str] = field(default_factory=dict)  # charge id → ChargeStatus value
    sentences: Sequence[SentenceInput] = ()
    copy_received: date | None = None


@dataclass(frozen=True)
class SourceChoice:
    """Where the record comes from: an existing source, or the lawyer's own record."""

    source: Source | None = None
    own_record: bool = False
    confidential: bool = False
    quote: str = ""


@dataclass(frozen=True)
class Outcome:
    status: str  # held, adjourned or cancelled
    outcome: str = ""
    reason: str = ""
    next_date: PartialDate | None = None
    next_time: time | None = None
    next_kind: str = HearingKind.TRIAL
    verdict_announced: date | None = None
    verdicts: Sequence[DefendantVerdict] = ()
    judge: Person | None = None
    prosecutor: Person | None = None
    defence_present: bool | None = None
    attendance: str = ""
    notes: str = ""
    source: SourceChoice = SourceChoice()


@dataclass
class OutcomeResult:
    hearing: Hearing
    next_hearing: Hearing | None = None
    sentences: list[Sentence] = field(default_factory=list)
    source: Source | None = None


class StaleHearing(Exception):
    """Someone saved this hearing after the form was opened."""

    def __init__(self, current: Hearing, changed: list[str]) -> None:
        super().__init__(f"hearing {current.pk} changed since it was read")
        self.current = current
        self.changed = changed


def can_record(user: User, case: Case) -> bool:
    """Admins, and lawyers assigned to the case."""
    return Case.objects.writable_by(user).filter(pk=case.pk).exists()


def record_hearing_outcome(
    hearing: Hearing, *, user: User, outcome: Outcome, expected_version: int, today: date
) -> OutcomeResult:
    """Write the outcome of `hearing` as `user`, all or nothing."""
    if not can_record(user, hearing.case):
        raise PermissionDenied
    validate_outcome(hearing, outcome, today=today)
    with transaction.atomic(), pghistory.context(user=user.pk, action="record_hearing_outcome"):
        current = Hearing.objects.select_for_update().get(pk=hearing.pk)
        if current.version != expected_version:
            raise StaleHearing(current, _changed_fields(hearing, current))
        result = OutcomeResult(hearing=current)
        result.source = _source_for(current, user, outcome.source)
        current.status = outcome.status
        current.outcome = outcome.outcome
        current.adjournment_reason = outcome.reason
        current.judge = outcome.judge
        current.prosecutor = outcome.prosecutor
        current.defence_present = outcome.defence_present
        current.attendance = outcome.attendance
        current.notes = outcome.notes
        if outcome.status == HearingStatus.ADJOURNED and outcome.next_date is not None:
            result.next_hearing = _next_hearing(current, outcome)
            current.adjourned_to = result.next_hearing
        elif outcome.status != HearingStatus.ADJOURNED:
            current.adjourned_to = None
        current.version = models.F("version") + 1
        current.full_clean(exclude=["version"])
        current.save()
        current.refresh_from_db()
        announced = outcome.verdict_announced or current.date.earliest
        for verdict in outcome.verdicts:
            _apply_charges(current.case, verdict)
            result.sentences.extend(
                _sentence(current, verdict, sentence, announced) for sentence in verdict.sentences
            )
        _cite(result, current, outcome.source.quote or current.outcome)
    return result


def validate_outcome(hearing: Hearing, outcome: Outcome, *, today: date) -> None:
    """The rules an outcome must keep, with messages naming the field they concern."""
    errors: dict[str, list[str]] = {}

    def error(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    if outcome.status not in (
        HearingStatus.HELD,
        HearingStatus.ADJOURNED,
        HearingStatus.CANCELLED,
    ):
        error("status", _("Choose held, adjourned or cancelled."))
    happened = outcome.status in (HearingStatus.HELD, HearingStatus.ADJOURNED)
    if happened and hearing.date.earliest > today:
        error(
            "status",
            _("This hearing is set for %(date)s: record what happened on the day or after.")
            % {"date": hearing.date.label()},
        )
    if outcome.status == HearingStatus.ADJOURNED:
        if outcome.next_date is None:
            error("next_date", _("Give the date it was adjourned to."))
        elif outcome.next_date.latest <= hearing.date.earliest:
            error(
                "next_date",
                _("The new date must be after this hearing (%(date)s).")
                % {"date": hearing.date.label()},
            )
    if outcome.status == HearingStatus.CANCELLED and not outcome.reason.strip():
        error("reason", _("Say why the hearing was cancelled."))
    opened = hearing.case.opened
    if opened is not None and hearing.date.latest < opened.earliest:
        error(
            "status",
            _("This hearing (%(hearing)s) is dated before the case opened (%(opened)s).")
            % {"hearing": hearing.date.label(), "opened": opened.label()},
        )
    verdict_expected = hearing.kind == HearingKind.VERDICT or outcome.verdict_announced is not None
    if verdict_expected and outcome.status == HearingStatus.HELD and not outcome.verdicts:
        error("verdicts", _("A verdict needs at least one defendant."))
    for verdict in outcome.verdicts:
        for sentence in verdict.sentences:
            _validate_sentence(sentence, verdict.person, error)
    if errors:
        raise ValidationError(errors)


def _validate_sentence(
    sentence: SentenceInput, person: Person, error: Callable[[str, str], None]
) -> None:
    who = person.display_name
    parts = (sentence.years, sentence.months, sentence.days)
    has_term = sentence.kind in ("imprisonment", "restriction", "suspended", "ban")
    if has_term and (min(parts) < 0 or sum(parts) <= 0):
        error("verdicts", _("%(who)s: give the term, in years, months or days.") % {"who": who})
    if sentence.kind == "imprisonment" and not sentence.institution_type:
        error("verdicts", _("%(who)s: imprisonment needs an institution type.") % {"who": who})
    if sentence.kind == "fine" and (sentence.fine_amount is None or sentence.fine_amount <= 0):
        error("verdicts", _("%(who)s: a fine needs its amount.") % {"who": who})
    if sentence.fine_amount is not None and not sentence.fine_currency:
        error("verdicts", _("%(who)s: a fine needs its currency.") % {"who": who})


def schedule_hearing(
    case: Case,
    *,
    user: User,
    when: PartialDate,
    at: time | None = None,
    kind: str = HearingKind.TRIAL,
    court: Organization | None = None,
    notes: str = "",
    source: SourceChoice = SourceChoice(),
) -> Hearing:
    """A hearing announced for later."""
    if not can_record(user, case):
        raise PermissionDenied
    with transaction.atomic(), pghistory.context(user=user.pk, action="schedule_hearing"):
        hearing = Hearing(
            case=case,
            date=when,
            time=at,
            kind=kind,
            court=court or case.court,
            status=HearingStatus.SCHEDULED,
            notes=notes,
        )
        hearing.full_clean(exclude=["version"])
        hearing.save()
        chosen = _source_for(hearing, user, source)
        if chosen is not None:
            Citation.objects.create(
                source=chosen,
                content_type=ContentType.objects.get_for_model(Hearing),
                object_id=hearing.pk,
                field="date",
                quote=source.quote or _("Hearing set for %(date)s") % {"date": when.label()},
                reported_date=when,
            )
    return hearing


# -- the parts of one save ---------------------------------------------------------------------


def _changed_fields(seen: Hearing, current: Hearing) -> list[str]:
    return [name for name in COMPARED_FIELDS if _value(seen, name) != _value(current, name)]


def _value(hearing: Hearing, name: str) -> object:
    field_object = Hearing._meta.get_field(name)
    attname = getattr(field_object, "attname", name)
    return getattr(hearing, attname)


def _next_hearing(current: Hearing, outcome: Outcome) -> Hearing:
    assert outcome.next_date is not None
    if current.adjourned_to is not None:
        later = current.adjourned_to
        later.date = outcome.next_date
        later.time = outcome.next_time
    else:
        later = Hearing(
            case=current.case,
            court=current.court,
            judge=current.judge,
            date=outcome.next_date,
            time=outcome.next_time,
            kind=outcome.next_kind,
            status=HearingStatus.SCHEDULED,
        )
    later.full_clean(exclude=["version"])
    later.save()
    return later


def _apply_charges(case: Case, verdict: DefendantVerdict) -> None:
    if not verdict.charges:
        return
    charges = Charge.objects.filter(case=case, defendant=verdict.person, pk__in=verdict.charges)
    for charge in charges:
        charge.status = verdict.charges[charge.pk]
        charge.full_clean()
        charge.save(update_fields=["status", "updated_at"])


def _sentence(
    hearing: Hearing, verdict: DefendantVerdict, data: SentenceInput, announced: date
) -> Sentence:
    sentence = Sentence(
        case=hearing.case,
        defendant=verdict.person,
        hearing=hearing,
        pronounced=PartialDate.of(announced),
        kind=data.kind,
        term_years=data.years,
        term_months=data.months,
        term_days=data.days,
        institution_type=data.institution_type,
        custody_credit=data.custody_credit,
        expulsion=data.expulsion,
        fine_amount=data.fine_amount,
        fine_currency=data.fine_currency,
        probation_months=data.probation_months,
        copy_received=verdict.copy_received,
    )
    sentence.full_clean()
    sentence.save()
    return sentence


def _source_for(hearing: Hearing, user: User, choice: SourceChoice) -> Source | None:
    if choice.source is not None:
        return choice.source
    if not choice.own_record:
        return None
    return Source.objects.create(
        kind=SourceKind.LAWYER_RECORD,
        title=_("Own record of %(name)s: %(case)s, hearing of %(date)s")
        % {
            "name": user.get_full_name() or user.username,
            "case": hearing.case.title,
            "date": hearing.date.label(),
        },
        confidential=choice.confidential,
        created_by=user,
    )


def _cite(result: OutcomeResult, hearing: Hearing, quote: str) -> None:
    """The chosen source supports the outcome and each sentence."""
    if result.source is None:
        return
    quote = quote.strip() or _("Outcome recorded by the lawyer")
    facts: list[tuple[models.Model, str]] = [(hearing, "outcome")]
    facts += [(sentence, "") for sentence in result.sentences]
    if result.next_hearing is not None:
        facts.append((result.next_hearing, "date"))
    for fact, field_name in facts:
        Citation.objects.get_or_create(
            source=result.source,
            content_type=ContentType.objects.get_for_model(type(fact)),
            object_id=fact.pk,
            field=field_name,
            quote=quote[:2000],
        )

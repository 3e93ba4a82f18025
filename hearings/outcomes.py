"""Recording what happened at a hearing: one named write, one transaction.

`record_hearing_outcome` takes what the lawyer typed (already validated by the form) and writes
the hearing, the next hearing, the charges, the sentences and their citations together, or
nothing. It refuses a save based on a hearing someone else has changed since the form was
opened (`StaleHearing`), so no one overwrites a colleague's record unawares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pghistory
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from cases.models import Case, Charge, CustodyInterval, CustodyKind
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
    after_verdict: str = ""  # "held" (stays in custody), "released" (in the courtroom) or ""


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
    """Someone saved this hearing after the form was opened.

    `changed` names the fields that differ from the version the form was opened on (read
    from the hearing's history), `saved_by` and `saved_at` tell who saved last and when."""

    def __init__(
        self,
        current: Hearing,
        changed: list[str],
        *,
        saved_by: User | None = None,
        saved_at: datetime | None = None,
    ) -> None:
        super().__init__(f"hearing {current.pk} changed since it was read")
        self.current = current
        self.changed = changed
        self.saved_by = saved_by
        self.saved_at = saved_at


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
            # The caller's `hearing` was usually read after the colleague's save (a web
            # form is posted long after it was opened): compare with the version the
            # form was opened on, as history kept it.
            seen = _as_of_version(current, expected_version) or hearing
            raise StaleHearing(
                current,
                _changed_fields(seen, current),
                saved_by=last_editor(current),
                saved_at=current.updated_at,
            )
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
        elif outcome.status != HearingStatus.ADJOURNED and current.adjourned_to is not None:
            _withdraw(current.adjourned_to, current)
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
            _custody_after_verdict(current.case, verdict, announced)
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
    opened_problem = _before_case_opened(hearing.case, hearing.date)
    if opened_problem:
        error("date", opened_problem)
    verdict_expected = outcome.verdict_announced is not None or (
        # A verdict hearing whose sentences are already recorded may be saved again (to
        # correct its notes, say) without entering them twice.
        hearing.kind == HearingKind.VERDICT and not hearing.sentences.exists()
    )
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
    for message in sentence_errors(sentence).values():
        error(
            "verdicts",
            _("%(who)s: %(problem)s") % {"who": person.display_name, "problem": message},
        )


def sentence_errors(sentence: SentenceInput) -> dict[str, str]:
    """What is wrong with one sentence line, by the `SentenceInput` field it concerns, so a
    form can show each message beside its field."""
    errors: dict[str, str] = {}
    parts = (sentence.years, sentence.months, sentence.days)
    has_term = sentence.kind in ("imprisonment", "restriction", "suspended", "ban")
    if min(parts) < 0:
        errors["years"] = _("A term cannot be negative.")
    elif has_term and sum(parts) <= 0:
        errors["years"] = _("Give the term, in years, months or days.")
    if sentence.kind == "imprisonment" and not sentence.institution_type:
        errors["institution_type"] = _("Imprisonment needs an institution type.")
    if sentence.kind == "fine" and sentence.fine_amount is None:
        errors["fine_amount"] = _("A fine needs its amount.")
    elif sentence.fine_amount is not None and sentence.fine_amount <= 0:
        errors["fine_amount"] = _("A fine is more than zero.")
    if sentence.fine_amount is not None and not sentence.fine_currency:
        errors["fine_currency"] = _("A fine needs its currency.")
    if sentence.probation_months is not None and sentence.kind != "suspended":
        errors["probation_months"] = _("Only a suspended sentence has probation.")
    elif sentence.probation_months is not None and sentence.probation_months <= 0:
        errors["probation_months"] = _("Probation lasts at least a month.")
    return errors


def _before_case_opened(case: Case, when: PartialDate) -> str:
    opened = case.opened
    if opened is not None and when.latest < opened.earliest:
        return _("This hearing (%(hearing)s) is dated before the case opened (%(opened)s).") % {
            "hearing": when.label(),
            "opened": opened.label(),
        }
    return ""


def validate_schedule(case: Case, when: PartialDate) -> None:
    """A hearing announced for later: not before its case opened."""
    problem = _before_case_opened(case, when)
    if problem:
        raise ValidationError({"when": [problem]})


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
    validate_schedule(case, when)
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


def _changed_fields(seen: Any, current: Hearing) -> list[str]:
    return [name for name in COMPARED_FIELDS if _value(seen, name) != _value(current, name)]


def _value(hearing: Any, name: str) -> object:
    """A compared field of a hearing or of one of its history events (same attnames)."""
    field_object = Hearing._meta.get_field(name)
    attname = getattr(field_object, "attname", name)
    return getattr(hearing, attname)


def _as_of_version(hearing: Hearing, version: int) -> Any:
    """The hearing as it stood at `version`, from its history; None if history lacks it."""
    return hearing.events.filter(version=version).order_by("-pgh_id").first()  # type: ignore[attr-defined]


def last_editor(hearing: Hearing) -> User | None:
    """Who last changed the hearing, as its history says (None when it does not say)."""
    event = (
        hearing.events.select_related("pgh_context")  # type: ignore[attr-defined]
        .order_by("-pgh_id")
        .first()
    )
    metadata = event.pgh_context.metadata if event and event.pgh_context else None
    user_pk = (metadata or {}).get("user")
    if not user_pk:
        return None
    user: User | None = get_user_model()._default_manager.filter(pk=user_pk).first()
    return user


def _withdraw(later: Hearing, earlier: Hearing) -> None:
    """The hearing an adjournment created, once the adjournment is corrected away: cancelled
    with the reason, unless something was already recorded about it."""
    if later.status != HearingStatus.SCHEDULED or later.outcome:
        return
    later.status = HearingStatus.CANCELLED
    later.adjournment_reason = _(
        "The hearing of %(date)s was recorded as adjourned to this date, then corrected."
    ) % {"date": earlier.date.label()}
    later.version = models.F("version") + 1
    later.save()


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


def _custody_after_verdict(case: Case, verdict: DefendantVerdict, announced: date) -> None:
    """Custody follows the verdict: pretrial custody ends that day, and a prison term begins
    for someone who stays in custody under a prison sentence."""
    if verdict.after_verdict not in ("held", "released"):
        return
    day = PartialDate.of(announced)
    still_open = CustodyInterval.objects.filter(
        case=case,
        person=verdict.person,
        kind__in=[CustodyKind.ARREST, CustodyKind.PRETRIAL, CustodyKind.HOUSE_ARREST],
        end__isnull=True,
        end_unknown=False,
    )
    for interval in still_open:
        interval.end = day
        interval.full_clean()
        interval.save(update_fields=["end", "updated_at"])
    imprisoned = any(s.kind == "imprisonment" for s in verdict.sentences)
    if verdict.after_verdict == "held" and imprisoned:
        CustodyInterval.objects.create(
            case=case, person=verdict.person, kind=CustodyKind.PRISON, start=day
        )


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

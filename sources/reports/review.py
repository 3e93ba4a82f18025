"""Accepting and rejecting proposals: the facts an admin confirms become cited records.

`accept` writes, in one transaction, the record(s) of the proposal's kind, each with a citation
of the quoted passage and the value as the report gave it, or only the citation when the fact
is already recorded (`linked`), so that two sources that disagree both stay visible. Values the
database would refuse are reported as a `ValidationError` keyed by form field, and nothing is
written. The proposal row is locked first, so of two admins accepting at once the second is
told it was already reviewed.

Keys of `Proposal.values` read here (those of `sources.reports.facts`, plus the edit form's):
hearing: status, adjourned_to (ISO date), hearing_kind, case_id; verdict: sentence_kind,
term_years, term_months, term_days, institution_type, custody_credit, expulsion,
probation_months, fine_amount, fine_currency, case_id (the kind of sentence as `kind` or
`sentence_kind`); custody: custody_kind, edge (start/end), place, case_id; statement:
speaker_id, stance, office, medium, quote (the words said); asylum_step: status,
host_country; border_crossing and flight: from_country, to_country, place; new_person and
new_variant: name, person_id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from cases.models import (
    AsylumClaim,
    AsylumClaimStep,
    AsylumStatus,
    Case,
    CustodyInterval,
    CustodyKind,
)
from core.partial_dates import PartialDate, PartialDateError
from hearings.models import (
    Expulsion,
    Hearing,
    HearingKind,
    HearingStatus,
    Sentence,
    SentenceKind,
)
from people.models import LifeEvent, LifeEventKind, NameVariant, Person, Stance, Statement
from sources.models import Citation, Proposal, ProposalKind, ProposalStatus, Source
from sources.reports.linking import CUSTODY_KINDS, FactQuery, LinkIndex, Match, variant_text

if TYPE_CHECKING:
    from accounts.models import User


class AlreadyReviewed(Exception):
    """Someone else accepted or rejected the proposal first."""

    def __init__(self, proposal: Proposal) -> None:
        who = proposal.reviewed_by or "someone"
        super().__init__(
            f"This proposal was already {proposal.get_status_display().lower()} by {who}."
        )
        self.proposal = proposal


@dataclass(frozen=True)
class Edits:
    """What the admin changed in the edit form; None keeps the proposal's own."""

    date: PartialDate | None = None
    person_ids: tuple[int, ...] | None = None
    values: dict[str, Any] = field(default_factory=dict)
    clear_date: bool = False


def reject(proposal: Proposal, user: User) -> Proposal:
    with transaction.atomic():
        locked = _lock(proposal)
        locked.status = ProposalStatus.REJECTED
        locked.reviewed_by = user
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return locked


def accept(proposal: Proposal, user: User, edits: Edits | None = None) -> Proposal:
    """Write the cited fact(s); `ValidationError` (nothing written) when values do not hold."""
    try:
        with transaction.atomic():
            locked = _lock(proposal)
            fact = _fact_of(locked, edits)
            written = _Writer(locked, fact).run()
            locked.status = ProposalStatus.ACCEPTED
            locked.reviewed_by = user
            locked.reviewed_at = timezone.now()
            locked.created_records = written
            if edits is not None:
                locked.date = fact.date
                locked.values = fact.values
                locked.persons.set(fact.person_ids)
            locked.save()
    except IntegrityError as error:
        raise ValidationError(f"The database refused these values: {error}") from error
    return locked


def _lock(proposal: Proposal) -> Proposal:
    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("source", "reviewed_by")
        .get(pk=proposal.pk)
    )
    if locked.status != ProposalStatus.PENDING:
        raise AlreadyReviewed(locked)
    return locked


def _fact_of(proposal: Proposal, edits: Edits | None) -> FactQuery:
    date = proposal.date
    person_ids = tuple(proposal.persons.values_list("pk", flat=True))
    values = dict(proposal.values)
    if edits is not None:
        if edits.date is not None or edits.clear_date:
            date = edits.date
        if edits.person_ids is not None:
            person_ids = edits.person_ids
        values.update({k: v for k, v in edits.values.items() if v not in (None, "")})
    return FactQuery(proposal.kind, date, person_ids, values)


def _person(found: Match) -> int:
    if found.person_id is None:
        raise ValidationError({"persons": "Choose the person this fact is about."})
    return found.person_id


def _int(values: dict[str, Any], key: str, default: int = 0) -> int:
    value = values.get(key)
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return default


def _decimal(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        raise ValidationError({"fine_amount": "The fine is not a number."}) from None


def _choice(value: object, choices: type[models.TextChoices], default: str) -> str:
    text = str(value or "")
    return text if text in choices.values else default


class _Writer:
    def __init__(self, proposal: Proposal, fact: FactQuery) -> None:
        self.proposal = proposal
        self.fact = fact
        self.source: Source = proposal.source
        self.written: list[dict[str, Any]] = []
        self.index = LinkIndex([fact], source_id=self.source.pk)

    def run(self) -> list[dict[str, Any]]:
        kind = self.fact.kind
        if kind in (ProposalKind.NEW_PERSON, ProposalKind.NEW_VARIANT):
            self._name()
            return self.written
        needs_person = kind != ProposalKind.STATEMENT
        if needs_person and not self.fact.person_ids:
            raise ValidationError({"persons": "Choose the person or persons this fact is about."})
        if self.fact.date is None and kind != ProposalKind.ASYLUM_STEP:
            raise ValidationError({"date": "Give the date, as precise as the report."})
        handler = {
            ProposalKind.BORDER_CROSSING: self._life_event,
            ProposalKind.FLIGHT: self._life_event,
            ProposalKind.CUSTODY: self._custody,
            ProposalKind.VERDICT: self._verdict,
            ProposalKind.HEARING: self._hearing,
            ProposalKind.STATEMENT: self._statement,
            ProposalKind.ASYLUM_STEP: self._asylum_step,
        }[ProposalKind(kind)]
        for found in self.index.matches(self.fact):
            handler(found)
        return self.written

    # -- citations -----------------------------------------------------------------------------
    def _save(self, record: models.Model, *, exclude: list[str] | None = None) -> None:
        record.full_clean(exclude=exclude)
        record.save()
        self._note(record, "created")

    def _note(self, record: models.Model, action: str) -> None:
        self.written.append({"model": record._meta.label_lower, "id": record.pk, "action": action})

    def _cite(self, record: models.Model, date_field: str, *, fill_blank: bool = True) -> None:
        """A citation of the passage on `record`; a blank date on the record is filled."""
        blank = date_field and getattr(record, date_field, None) is None
        if fill_blank and blank and self.fact.date is not None:
            setattr(record, date_field, self.fact.date)
            record.full_clean()
            record.save()
        with_date = bool(date_field) and self.fact.date is not None
        Citation.objects.get_or_create(
            source=self.source,
            content_type=ContentType.objects.get_for_model(type(record)),
            object_id=record.pk,
            field=date_field if with_date else "",
            quote=self.proposal.quote,
            defaults={
                "reported_value": (self.proposal.date_text if with_date else "")[:300],
                "reported_date": self.fact.date if with_date else None,
            },
        )
        if not any(
            w["id"] == record.pk and w["model"] == record._meta.label_lower for w in self.written
        ):
            self._note(record, "cited")

    def _case(self, found: Match, person_id: int | None = None) -> Case:
        case_id = found.case_id or self.index.default_case(self.fact, person_id)
        if case_id is None:
            raise ValidationError({"case": "Choose the case: the person is in none or in several."})
        try:
            return Case.objects.get(pk=case_id)
        except Case.DoesNotExist:
            raise ValidationError({"case": "That case does not exist."}) from None

    # -- kinds ---------------------------------------------------------------------------------
    def _life_event(self, found: Match) -> None:
        if found.record is not None:
            self._cite(found.record, "date")
            return
        values = self.fact.values
        event = LifeEvent(
            person_id=_person(found),
            kind=_choice(self.fact.kind, LifeEventKind, LifeEventKind.OTHER),
            date=self.fact.date,
            place=str(values.get("place", ""))[:300],
            from_country=str(values.get("from_country", "")),
            to_country=str(values.get("to_country", "")),
            case_id=self.index.default_case(self.fact, found.person_id),
        )
        self._save(event, exclude=["person", "case"])
        self._cite(event, "date")

    def _custody(self, found: Match) -> None:
        if found.record is not None:
            self._cite(found.record, found.date_field)
            return
        values = self.fact.values
        wanted = CUSTODY_KINDS.get(str(values.get("custody_kind", "")), ())
        kind = wanted[0] if wanted else _choice(values.get("custody_kind"), CustodyKind, "")
        if not kind:
            raise ValidationError({"custody_kind": "Choose the kind of custody."})
        edge = self.fact.edge
        interval = CustodyInterval(
            person_id=_person(found),
            case_id=found.case_id,
            kind=kind,
            place=str(values.get("place", ""))[:300],
        )
        if edge == "end":
            interval.end = self.fact.date
        else:
            interval.start = self.fact.date
        self._save(interval, exclude=["person", "case"])
        self._cite(interval, edge)

    def _hearing(self, found: Match) -> None:
        if found.record is not None:
            self._cite(found.record, "date")
            return
        values = self.fact.values
        case = self._case(found)
        status = _choice(values.get("status"), HearingStatus, HearingStatus.HELD)
        hearing = Hearing(
            case=case,
            date=self.fact.date,
            kind=_choice(values.get("hearing_kind"), HearingKind, HearingKind.TRIAL),
            status=status,
        )
        later_text = values.get("adjourned_to")
        if later_text and status == HearingStatus.ADJOURNED:
            try:
                later_date = PartialDate.parse(str(later_text))
            except PartialDateError as error:
                raise ValidationError({"adjourned_to": str(error)}) from error
            later = next(
                (h for h in self.index.hearings.get(case.pk, []) if h.date.overlaps(later_date)),
                None,
            )
            if later is None:
                later = Hearing(case=case, date=later_date, status=HearingStatus.SCHEDULED)
                self._save(later, exclude=["case"])
                self._cite(later, "date", fill_blank=False)
            hearing.adjourned_to = later
        self._save(hearing, exclude=["case"])
        self._cite(hearing, "date")

    def _verdict(self, found: Match) -> None:
        if found.record is not None:
            self._cite(found.record, "pronounced")
            return
        values = self.fact.values
        case = self._case(found, found.person_id)
        hearing = next(
            (
                h
                for h in Hearing.objects.filter(case=case)
                if self.fact.date is not None and h.date.overlaps(self.fact.date)
            ),
            None,
        )
        if hearing is None:
            hearing = Hearing(
                case=case, date=self.fact.date, kind=HearingKind.VERDICT, status=HearingStatus.HELD
            )
            self._save(hearing, exclude=["case"])
            self._cite(hearing, "date")
        years, months, days = (_int(values, k) for k in ("term_years", "term_months", "term_days"))
        default_kind = SentenceKind.IMPRISONMENT if (years or months or days) else ""
        kind = _choice(
            values.get("sentence_kind") or values.get("kind"), SentenceKind, default_kind
        )
        if not kind:
            raise ValidationError({"sentence_kind": "Choose the kind of sentence."})
        expulsion = str(values.get("expulsion") or "")
        expulsion = {
            "not_expelled": Expulsion.RULED_OUT,
            "ruled_out": Expulsion.RULED_OUT,
            "expelled": Expulsion.ORDERED,
            "ordered": Expulsion.ORDERED,
        }.get(expulsion, Expulsion.NOT_ADDRESSED)
        probation = _int(values, "probation_months") or None
        sentence = Sentence(
            case=case,
            defendant_id=_person(found),
            hearing=hearing,
            pronounced=self.fact.date,
            kind=kind,
            term_years=years,
            term_months=months,
            term_days=days,
            institution_type=str(values.get("institution_type") or ""),
            custody_credit=str(values.get("custody_credit") or ""),
            expulsion=expulsion,
            probation_months=probation if kind == SentenceKind.SUSPENDED else None,
            fine_amount=_decimal(values.get("fine_amount")),
            fine_currency=str(values.get("fine_currency") or "")[:3],
        )
        self._save(sentence, exclude=["case", "defendant", "hearing"])
        self._cite(sentence, "pronounced")

    def _statement(self, found: Match) -> None:
        if found.record is not None:
            self._cite(found.record, "date")
            return
        values = self.fact.values
        speaker_id = self.fact.value_id("speaker_id")
        if speaker_id is None:
            raise ValidationError({"speaker": "Choose who said it."})
        statement = Statement(
            speaker_id=speaker_id,
            office=str(values.get("office", ""))[:300],
            date=self.fact.date,
            medium=str(values.get("medium", ""))[:200],
            quote=str(values.get("quote") or self.proposal.quote),
            language=self.source.language,
            stance=_choice(values.get("stance"), Stance, Stance.OTHER),
        )
        self._save(statement, exclude=["speaker"])
        statement.about_persons.set(self.fact.person_ids)
        self._cite(statement, "date")

    def _asylum_step(self, found: Match) -> None:
        if found.record is not None:
            self._cite(found.record, "date")
            return
        values = self.fact.values
        status = _choice(values.get("status"), AsylumStatus, AsylumStatus.FILED)
        claim = found.claim
        if claim is None:
            host = str(values.get("host_country") or "")
            if not host:
                raise ValidationError(
                    {"host_country": "Give the host country (e.g. KZ) for a new asylum claim."}
                )
            claim = AsylumClaim(
                person_id=_person(found),
                host_country=host,
                filed=self.fact.date if status == AsylumStatus.FILED else None,
                status=status,
            )
            self._save(claim, exclude=["person"])
            self._cite(claim, "filed" if claim.filed else "", fill_blank=False)
        step = AsylumClaimStep(claim=claim, status=status, date=self.fact.date)
        self._save(step, exclude=["claim"])
        self._cite(step, "date")

    def _name(self) -> None:
        text = variant_text(self.fact.values)
        if not text:
            raise ValidationError({"name": "Give the name as the report writes it."})
        if self.fact.kind == ProposalKind.NEW_PERSON:
            person = Person(display_name=text[:200])
            self._save(person)
            self._cite(person, "", fill_blank=False)
        else:
            person_id = self.fact.value_id("person_id") or next(iter(self.fact.person_ids), None)
            if person_id is None:
                raise ValidationError({"persons": "Choose the person this spelling belongs to."})
            person = Person.objects.get(pk=person_id)
        variant, created = NameVariant.objects.get_or_create(
            person=person, text=text[:300], defaults={"source": self.source}
        )
        if created:
            self._note(variant, "created")
        self._cite(variant, "", fill_blank=False)

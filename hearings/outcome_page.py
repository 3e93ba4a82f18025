"""The outcome page as a whole: the hearing's form, one form per defendant and per sentence
line (`hearings.forms`), bound together by `OutcomeEntry`, which checks what needs more than
one of them, turns the whole into `hearings.outcomes.Outcome`, and puts the errors
`validate_outcome` raises beside the field they concern. `StaleNotice` tells a lawyer what a
colleague saved meanwhile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cases.models import (
    CaseParticipant,
    Charge,
    ChargeStatus,
    ParticipantRole,
)
from core.display import date_label, field_label
from core.partial_dates import PartialDate
from hearings.forms import (
    DEFENCE_CHOICES,
    MAX_LINES,
    DefendantForm,
    DefendantRow,
    OutcomeForm,
    SentenceForm,
)
from hearings.models import (
    Hearing,
    HearingKind,
    HearingStatus,
    Sentence,
)
from hearings.outcomes import (
    DefendantVerdict,
    Outcome,
    StaleHearing,
)
from people.models import Person

if TYPE_CHECKING:
    from accounts.models import User


# -- the whole page ----------------------------------------------------------------------------


class OutcomeEntry:
    """Everything typed on the outcome page, with the records it needs to show the form."""

    def __init__(self, hearing: Hearing, user: User, data: QueryDict | None = None) -> None:
        self.hearing = hearing
        self.case = hearing.case
        self.data = data
        self.date_errors: list[str] = []
        self.verdict_errors: list[str] = []
        participants = list(
            CaseParticipant.objects.filter(
                case=self.case,
                role__in=[
                    ParticipantRole.DEFENDANT,
                    ParticipantRole.JUDGE,
                    ParticipantRole.PROSECUTOR,
                ],
            )
            .select_related("person")
            .order_by("person__display_name", "pk")
        )
        by_role: dict[str, list[Person]] = {}
        for participant in participants:
            people = by_role.setdefault(participant.role, [])
            if participant.person not in people:
                people.append(participant.person)
        judges = _with(by_role.get(ParticipantRole.JUDGE, []), hearing.judge)
        prosecutors = _with(by_role.get(ParticipantRole.PROSECUTOR, []), hearing.prosecutor)
        self.defendants = by_role.get(ParticipantRole.DEFENDANT, [])

        self.form = OutcomeForm(data, initial=self._initial())
        self.form.setup_people(judges, prosecutors)
        self.form.setup_sources(user, self.case)

        charges: dict[int, list[Charge]] = {}
        for charge in (
            Charge.objects.filter(case=self.case, defendant__in=self.defendants)
            .select_related("provision")
            .order_by("provision__instrument", "provision__article", "provision__part", "pk")
        ):
            charges.setdefault(charge.defendant_id, []).append(charge)
        recorded: dict[int, list[Sentence]] = {}
        for sentence in hearing.sentences.all():
            recorded.setdefault(sentence.defendant_id, []).append(sentence)
        adding = data.get("add_line", "") if data is not None else ""
        self.adding_line = int(adding) if adding.isdigit() else None
        self.rows = [
            self._row(person, charges.get(person.pk, []), recorded.get(person.pk, []), data)
            for person in self.defendants
        ]
        if self.adding_line is not None:
            # Only one more line asked for: show what was typed, judge none of it yet.
            for form in self._forms():
                form._errors = ErrorDict()  # type: ignore[attr-defined]
                form.cleaned_data = {}

    def _forms(self) -> list[forms.Form]:
        found: list[forms.Form] = [self.form]
        for row in self.rows:
            found.append(row.form)
            found.extend(row.lines)
        return found

    def _initial(self) -> dict[str, Any]:
        hearing = self.hearing
        later = hearing.adjourned_to
        initial: dict[str, Any] = {
            "status": "" if hearing.status == HearingStatus.SCHEDULED else hearing.status,
            "outcome": hearing.outcome,
            "reason": hearing.adjournment_reason,
            "next_date": later.date if later else None,
            "next_time": later.time if later else None,
            "next_kind": later.kind if later else hearing.kind,
            "verdict": hearing.kind == HearingKind.VERDICT and not hearing.sentences.all(),
            "verdict_announced": hearing.date.earliest if hearing.date.is_exact else None,
            "judge": hearing.judge_id or "",
            "prosecutor": hearing.prosecutor_id or "",
            "defence_present": _yes_no(hearing.defence_present),
            "attendance": hearing.attendance,
            "notes": hearing.notes,
            "version": hearing.version,
        }
        return initial

    def _row(
        self,
        person: Person,
        charges: list[Charge],
        recorded: list[Sentence],
        data: QueryDict | None,
    ) -> DefendantRow:
        prefix = f"d{person.pk}"
        form = DefendantForm(data, prefix=prefix, charges=charges, initial={"lines": 1})
        count = 1
        if data is not None:
            raw = str(data.get(f"{prefix}-lines", "1"))
            count = min(max(int(raw), 1), MAX_LINES) if raw.isdigit() else 1
        added = self.adding_line == person.pk and count < MAX_LINES
        lines = [SentenceForm(data, prefix=f"{prefix}-s{n}") for n in range(count)]
        if added and data is not None:
            new_line = SentenceForm(prefix=f"{prefix}-s{count}")
            new_line.fields["kind"].widget.attrs["autofocus"] = True
            lines.append(new_line)
            # The hidden count goes out with the new line included.
            counted = data.copy()
            counted[f"{prefix}-lines"] = str(count + 1)
            form.data = counted
        return DefendantRow(person, form, lines, recorded, added_line=added)

    def row(self, person_pk: int) -> DefendantRow | None:
        return next((row for row in self.rows if row.pk == person_pk), None)

    # -- checking -----------------------------------------------------------------------------

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        for row in self.rows:
            valid = row.form.is_valid() and valid
            for line in row.lines:
                valid = line.is_valid() and valid
        return self._check_verdict() and valid

    def _verdict_rows(self) -> list[DefendantRow]:
        return [row for row in self.rows if row.has_data()]

    def has_verdict(self) -> bool:
        return bool(self.form.cleaned_data.get("verdict")) or bool(self._verdict_rows())

    def _check_verdict(self) -> bool:
        cleaned = getattr(self.form, "cleaned_data", {})
        if not (cleaned.get("verdict") or self._verdict_rows()):
            return True
        ok = True
        status = cleaned.get("status")
        if status and status != HearingStatus.HELD:
            self.verdict_errors.append(
                _("A verdict is announced at a hearing that was held: choose “Held”.")
            )
            ok = False
        announced = self.announced()
        if announced is not None and announced < self.hearing.date.earliest:
            self.form.add_error(
                "verdict_announced",
                _("The verdict cannot come before the hearing (%(date)s).")
                % {"date": date_label(self.hearing.date)},
            )
            ok = False
        for row in self._verdict_rows():
            copy = getattr(row.form, "cleaned_data", {}).get("copy_received")
            if copy is not None and announced is not None and copy < announced:
                row.form.add_error(
                    "copy_received",
                    _("The copy cannot arrive before the verdict was announced (%(date)s).")
                    % {"date": date_label(PartialDate.of(announced))},
                )
                ok = False
            sentenced = any(line.has_data() for line in row.lines)
            statuses = [
                getattr(row.form, "cleaned_data", {}).get(row.form.charge_field(c), c.status)
                for c in row.form.charges
            ]
            if sentenced and statuses and ChargeStatus.CONVICTED not in statuses:
                row.errors.append(_("A sentence follows a conviction: mark the charge convicted."))
                ok = False
        return ok

    def announced(self) -> date | None:
        cleaned: dict[str, Any] = getattr(self.form, "cleaned_data", {})
        value = cleaned.get("verdict_announced")
        if isinstance(value, date):
            return value
        return self.hearing.date.earliest if self.hearing.date.is_exact else None

    # -- the result ---------------------------------------------------------------------------

    def outcome(self) -> Outcome:
        data = self.form.cleaned_data
        status = data["status"]
        verdict = status == HearingStatus.HELD and self.has_verdict()
        return Outcome(
            status=status,
            outcome=data.get("outcome", "").strip(),
            reason=data.get("reason", "").strip()
            if status in (HearingStatus.ADJOURNED, HearingStatus.CANCELLED)
            else "",
            next_date=data.get("next_date") if status == HearingStatus.ADJOURNED else None,
            next_time=data.get("next_time") if status == HearingStatus.ADJOURNED else None,
            next_kind=data.get("next_kind") or HearingKind.TRIAL,
            verdict_announced=self.announced() if verdict else None,
            verdicts=[
                DefendantVerdict(
                    person=row.person,
                    charges=row.form.changed_charges(),
                    sentences=row.sentences(),
                    copy_received=row.form.cleaned_data.get("copy_received"),
                    after_verdict=row.form.cleaned_data.get("after_verdict", ""),
                )
                for row in (self._verdict_rows() if verdict else [])
            ],
            judge=self.form._person("judge"),
            prosecutor=self.form._person("prosecutor"),
            defence_present={"yes": True, "no": False}.get(data.get("defence_present", "")),
            attendance=data.get("attendance", "").strip(),
            notes=data.get("notes", "").strip(),
            source=self.form.source_choice(),
        )

    def add_errors(self, error: ValidationError) -> None:
        """Put the errors of `validate_outcome` (or of a model's checks) beside their field."""
        if not hasattr(error, "error_dict"):
            self.form.add_error(None, error.messages)
            return
        aliases = {"adjourned_to": "next_date", "adjournment_reason": "reason"}
        for key, messages in error.message_dict.items():
            name = aliases.get(key, key)
            if name == "date":
                self.date_errors.extend(messages)
            elif name == "verdicts":
                self.verdict_errors.extend(messages)
            elif name in self.form.fields and name in getattr(self.form, "cleaned_data", {}):
                self.form.add_error(name, messages)
            else:
                self.form.add_error(None, messages)

    def with_version(self, version: int) -> None:
        """After a refused save: the form now carries the version the lawyer has seen."""
        if self.data is None:
            return
        data = self.data.copy()
        data[self.form.add_prefix("version")] = str(version)
        self.form.data = data

    @property
    def verdict_shown(self) -> bool:
        """Whether the verdict section stays open whatever outcome is chosen: it holds
        something typed or an error."""
        return bool(
            self.verdict_errors
            or self.form["verdict_announced"].errors
            or any(row.is_open for row in self.rows)
        )

    @property
    def has_errors(self) -> bool:
        return bool(
            self.date_errors
            or self.verdict_errors
            or self.form.errors
            or any(row.has_errors for row in self.rows)
        )


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _with(people: list[Person], current: Person | None) -> list[Person]:
    """The case's judges (say), and the hearing's own one even when not a participant."""
    if current is not None and current not in people:
        return [current, *people]
    return people


# -- a refused save ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StaleNotice:
    """What a colleague saved while the lawyer was typing."""

    editor: str
    saved_at: datetime | None
    changes: list[tuple[str, str]]


def stale_notice(error: StaleHearing) -> StaleNotice:
    current = error.current
    editor = _("Someone")
    if error.saved_by is not None:
        editor = error.saved_by.get_full_name() or error.saved_by.get_username()
    changes = [
        (capfirst(field_label(Hearing, name)), _shown(current, name)) for name in error.changed
    ]
    return StaleNotice(editor, error.saved_at, changes)


def _shown(hearing: Hearing, name: str) -> str:
    """A hearing's field as the page shows it."""
    empty = _("(empty)")
    match name:
        case "status":
            return str(hearing.get_status_display())
        case "date":
            return date_label(hearing.date)
        case "time":
            return hearing.time.strftime("%H:%M") if hearing.time else empty
        case "judge" | "prosecutor":
            person = getattr(hearing, name)
            return person.display_name if person is not None else empty
        case "defence_present":
            return str(dict(DEFENCE_CHOICES)[_yes_no(hearing.defence_present)])
        case "adjourned_to":
            later = hearing.adjourned_to
            return date_label(later.date) if later is not None else empty
    return str(getattr(hearing, name, "")) or empty

"""The forms of the hearing pages: what happened at a hearing, and a hearing announced for later.

An outcome is one page holding several small Django forms: the hearing itself (`OutcomeForm`),
one `DefendantForm` per defendant (charges, the day the copy of the verdict arrived) and one
`SentenceForm` per sentence line. `OutcomeEntry` binds them together, checks what needs more
than one of them, turns the whole into `hearings.outcomes.Outcome`, and puts the errors
`validate_outcome` raises beside the field they concern.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import (
    Case,
    CaseParticipant,
    Charge,
    ChargeStatus,
    CustodyInterval,
    ParticipantRole,
)
from core.display import date_label, field_label
from core.fields import PartialDateFormField
from core.partial_dates import PartialDate, PartialDateError
from hearings.models import (
    CustodyCredit,
    Expulsion,
    Hearing,
    HearingKind,
    HearingStatus,
    InstitutionType,
    Sentence,
    SentenceKind,
)
from hearings.outcomes import (
    DefendantVerdict,
    Outcome,
    SentenceInput,
    SourceChoice,
    StaleHearing,
    sentence_errors,
)
from people.models import Organization, OrganizationKind, Person
from sources.models import Citation, Source

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from accounts.models import User

MAX_LINES = 5  # sentence lines per defendant: imprisonment, a fine, a ban, …
SOURCE_CHOICES_CITED = 30
SOURCE_CHOICES_RECENT = 15
DAY_PLACEHOLDER = gettext_lazy("21 January 2020")


class DayField(forms.CharField):
    """One day, typed as 2020-01-21 or 21 January 2020."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": DAY_PLACEHOLDER}))
        super().__init__(**kwargs)
        self.validators = []  # the length validators would run on the parsed date

    def prepare_value(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        if isinstance(value, date):
            return value
        text = super().to_python(value)
        if not text:
            return None
        try:
            parsed = PartialDate.parse(text)
        except PartialDateError as error:
            raise ValidationError(str(error), code="invalid") from error
        if not parsed.is_exact:
            raise ValidationError(
                _("Give the day, not only %(date)s: 21 January 2020 or 2020-01-21.")
                % {"date": parsed.label()},
                code="not_a_day",
            )
        return parsed.earliest


class SourceField(forms.ChoiceField):
    """A source id from a short list; any source the user may read is accepted (the form
    checks which), so the list can stay short."""

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit()


def _small_int(label: StrOrPromise, **attrs: Any) -> forms.IntegerField:
    # No min_value: a negative term gets the rule's own message (see `sentence_errors`).
    return forms.IntegerField(
        label=label,
        required=False,
        max_value=999,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 3, **attrs}),
    )


def _choice(
    label: StrOrPromise, choices: Iterable[tuple[str, Any]], **kwargs: Any
) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=list(choices), required=False, **kwargs)


# -- one sentence line, one defendant ----------------------------------------------------------


class SentenceForm(forms.Form):
    """One sentence line: imprisonment, or a fine beside it, or a ban."""

    kind = _choice(
        gettext_lazy("Sentence"),
        [("", gettext_lazy("— none —")), *SentenceKind.choices],
        widget=forms.Select(attrs={"class": "sentence-kind"}),
    )
    years = _small_int(gettext_lazy("Years"))
    months = _small_int(gettext_lazy("Months"))
    days = _small_int(gettext_lazy("Days"))
    institution_type = _choice(
        gettext_lazy("Institution"),
        [("", gettext_lazy("— choose —")), *InstitutionType.choices[1:]],
    )
    custody_credit = _choice(gettext_lazy("Custody credit"), CustodyCredit.choices)
    expulsion = _choice(gettext_lazy("Expulsion"), Expulsion.choices)
    fine_amount = forms.DecimalField(
        label=gettext_lazy("Fine"),
        required=False,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    fine_currency = forms.CharField(
        label=gettext_lazy("Currency"),
        required=False,
        max_length=3,
        widget=forms.TextInput(attrs={"size": 4, "placeholder": "KZT", "autocapitalize": "on"}),
    )
    probation_months = _small_int(gettext_lazy("Probation, months"))

    def has_data(self) -> bool:
        """Whether the lawyer typed anything in this line (read from the raw data, so a line
        with errors still counts)."""
        defaults = {"kind": "", "custody_credit": "", "expulsion": "", "institution_type": ""}
        for name in self.fields:
            raw = self.data.get(self.add_prefix(name), "")
            if str(raw).strip() not in ("", "0", defaults.get(name, "")):
                return True
        return False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.has_data():
            return cleaned
        if not cleaned.get("kind"):
            self.add_error("kind", _("Choose the kind of sentence."))
            return cleaned
        if self.errors:
            return cleaned
        for name, message in sentence_errors(self.sentence_input()).items():
            self.add_error(name, message)
        return cleaned

    def sentence_input(self) -> SentenceInput:
        data = self.cleaned_data
        return SentenceInput(
            kind=data["kind"],
            years=data.get("years") or 0,
            months=data.get("months") or 0,
            days=data.get("days") or 0,
            institution_type=data.get("institution_type") or "",
            custody_credit=data.get("custody_credit") or "",
            expulsion=data.get("expulsion") or "",
            fine_amount=data.get("fine_amount"),
            fine_currency=(data.get("fine_currency") or "").strip().upper(),
            probation_months=data.get("probation_months"),
        )


class DefendantForm(forms.Form):
    """A defendant's part of the verdict: a status per charge, and when the copy arrived."""

    # How many sentence lines the page shows; read (and bounded) by `OutcomeEntry`.
    lines = forms.CharField(widget=forms.HiddenInput, required=False)
    copy_received = DayField(
        label=gettext_lazy("Copy of the verdict received on"),
        required=False,
        help_text=gettext_lazy("For someone in custody this starts the 15-day appeal window."),
    )

    def __init__(self, *args: Any, charges: list[Charge], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.charges = charges
        for charge in charges:
            self.fields[self.charge_field(charge)] = forms.ChoiceField(
                label=str(charge.provision),
                choices=ChargeStatus.choices,
                initial=charge.status,
            )

    @staticmethod
    def charge_field(charge: Charge) -> str:
        return f"charge-{charge.pk}"

    def charge_fields(self) -> list[forms.BoundField]:
        return [self[self.charge_field(charge)] for charge in self.charges]

    def changed_charges(self) -> dict[int, str]:
        """Charge id → new status, for the charges whose status the lawyer changed."""
        data = getattr(self, "cleaned_data", {})
        return {
            charge.pk: data[self.charge_field(charge)]
            for charge in self.charges
            if data.get(self.charge_field(charge)) not in (None, charge.status)
        }


@dataclass
class DefendantRow:
    """What the page shows for one defendant."""

    person: Person
    form: DefendantForm
    lines: list[SentenceForm]
    recorded: list[Sentence] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    added_line: bool = False

    @property
    def pk(self) -> int:
        return self.person.pk

    def has_data(self) -> bool:
        if not self.form.is_bound:
            return False
        if any(line.has_data() for line in self.lines):
            return True
        if str(self.form.data.get(self.form.add_prefix("copy_received"), "")).strip():
            return True
        for charge in self.form.charges:
            name = self.form.add_prefix(self.form.charge_field(charge))
            if self.form.data.get(name, charge.status) != charge.status:
                return True
        return False

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.form.errors or any(line.errors for line in self.lines))

    @property
    def is_open(self) -> bool:
        return self.has_data() or self.has_errors or self.added_line

    @property
    def can_add_line(self) -> bool:
        return len(self.lines) < MAX_LINES

    def sentences(self) -> list[SentenceInput]:
        return [line.sentence_input() for line in self.lines if line.has_data()]


# -- the hearing -------------------------------------------------------------------------------

STATUS_CHOICES = [
    (HearingStatus.HELD, gettext_lazy("Held")),
    (HearingStatus.ADJOURNED, gettext_lazy("Adjourned")),
    (HearingStatus.CANCELLED, gettext_lazy("Cancelled")),
]
DEFENCE_CHOICES = [
    ("", gettext_lazy("Not recorded")),
    ("yes", gettext_lazy("Yes")),
    ("no", gettext_lazy("No")),
]


class SourceMixin(forms.Form):
    """Where the record comes from: a source the user may read, or their own record."""

    source = SourceField(label=gettext_lazy("Cite a source"), required=False)
    own_record = forms.BooleanField(
        label=gettext_lazy("My own record (I was there or saw the court's papers)"),
        required=False,
    )
    confidential = forms.BooleanField(
        label=gettext_lazy("Keep my record confidential (admins and me)"),
        required=False,
        initial=True,
    )
    quote = forms.CharField(
        label=gettext_lazy("Passage"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("The words of the source that support this, if any."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def setup_sources(self, user: User, case: Case) -> None:
        self.user = user
        cited, recent = sources_for(user, case)
        choices: list[tuple[Any, Any]] = [("", _("None"))]
        if cited:
            choices.append((_("Cited on this case"), [(s.pk, source_label(s)) for s in cited]))
        if recent:
            choices.append((_("Recent sources"), [(s.pk, source_label(s)) for s in recent]))
        source_field = self.fields["source"]
        assert isinstance(source_field, forms.ChoiceField)
        source_field.choices = choices

    def clean_source(self) -> Source | None:
        value = self.cleaned_data.get("source")
        if not value:
            return None
        found = Source.objects.visible_to(self.user).filter(pk=int(value)).first()
        if found is None:
            raise ValidationError(_("Choose one of the sources you may read."))
        return found

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("source") is not None and cleaned.get("own_record"):
            self.add_error("own_record", _("Choose a source or your own record, not both."))
        return cleaned

    def source_choice(self) -> SourceChoice:
        data = self.cleaned_data
        return SourceChoice(
            source=data.get("source"),
            own_record=bool(data.get("own_record")),
            confidential=bool(data.get("confidential")),
            quote=(data.get("quote") or "").strip(),
        )


class OutcomeForm(SourceMixin):
    status = forms.ChoiceField(
        label=gettext_lazy("The hearing was"),
        choices=STATUS_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose held, adjourned or cancelled.")},
    )
    outcome = forms.CharField(
        label=gettext_lazy("What happened, in a sentence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    next_date = PartialDateFormField(
        label=gettext_lazy("Adjourned to"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("Or only the month: January 2020."),
        widget=forms.TextInput(attrs={"placeholder": DAY_PLACEHOLDER}),
    )
    next_time = forms.TimeField(
        label=gettext_lazy("At (time, if known)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    next_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of the next hearing"), choices=HearingKind.choices
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Why it was adjourned or cancelled."),
    )
    verdict = forms.BooleanField(
        label=gettext_lazy("The court announced a verdict"), required=False
    )
    verdict_announced = DayField(
        label=gettext_lazy("Verdict announced on"),
        required=False,
        help_text=gettext_lazy("Blank: the day of the hearing."),
    )
    judge = _choice(gettext_lazy("Judge"), [])
    prosecutor = _choice(gettext_lazy("Prosecutor"), [])
    defence_present = _choice(
        gettext_lazy("Defence present"), DEFENCE_CHOICES, widget=forms.RadioSelect
    )
    attendance = forms.CharField(
        label=gettext_lazy("Who else was present"),
        required=False,
        help_text=gettext_lazy("Interpreter, observers, relatives, press, as noted on the day."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def setup_people(self, judges: list[Person], prosecutors: list[Person]) -> None:
        self.people = {person.pk: person for person in [*judges, *prosecutors]}
        for name, persons in (("judge", judges), ("prosecutor", prosecutors)):
            person_field = self.fields[name]
            assert isinstance(person_field, forms.ChoiceField)
            person_field.choices = [("", _("Not recorded"))] + [
                (person.pk, person.display_name) for person in persons
            ]

    def _person(self, name: str) -> Person | None:
        value = self.cleaned_data.get(name)
        return self.people.get(int(value)) if value else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("status") != HearingStatus.ADJOURNED:
            # Typed before the lawyer chose another outcome, and hidden since: not meant.
            for name in ("next_date", "next_time"):
                self.errors.pop(name, None)
                cleaned[name] = None
        return cleaned


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


# -- sources -----------------------------------------------------------------------------------


def sources_for(user: User, case: Case) -> tuple[list[Source], list[Source]]:
    """The sources to offer for a record of `case`: those already cited on the case's
    records first, then the most recent others, all among what the user may read."""
    types = ContentType.objects.get_for_models(Case, Hearing, Charge, Sentence, CaseParticipant)
    owned = Q(content_type=types[Case], object_id=case.pk)
    for model, rows in (
        (Hearing, Hearing.objects.filter(case=case)),
        (Charge, Charge.objects.filter(case=case)),
        (Sentence, Sentence.objects.filter(case=case)),
        (CaseParticipant, CaseParticipant.objects.filter(case=case)),
    ):
        owned |= Q(content_type=types[model], object_id__in=rows.values("pk"))
    custody = ContentType.objects.get_for_model(CustodyInterval)
    owned |= Q(
        content_type=custody,
        object_id__in=CustodyInterval.objects.filter(case=case).values("pk"),
    )
    cited_ids = Citation.objects.filter(owned).values("source_id")
    visible = Source.objects.visible_to(user).select_related("publisher")
    newest = (F("published").desc(nulls_last=True), F("created_at").desc())
    cited = list(visible.filter(pk__in=cited_ids).order_by(*newest)[:SOURCE_CHOICES_CITED])
    recent = list(visible.exclude(pk__in=cited_ids).order_by(*newest)[:SOURCE_CHOICES_RECENT])
    return cited, recent


def source_label(source: Source) -> str:
    parts = [Truncator(source.title).chars(70)]
    if source.publisher is not None:
        parts.append(source.publisher.name)
    if source.published is not None:
        parts.append(date_label(source.published))
    return " · ".join(parts)


# -- a hearing announced for later ---------------------------------------------------------------


class ScheduleForm(SourceMixin):
    when = PartialDateFormField(
        label=gettext_lazy("Date"),
        max_length=40,
        help_text=gettext_lazy("Or only the month, if no day was given: March 2020."),
        widget=forms.TextInput(attrs={"placeholder": DAY_PLACEHOLDER}),
    )
    at = forms.TimeField(
        label=gettext_lazy("Time, if known"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=HearingKind.choices, initial=HearingKind.TRIAL
    )
    court = forms.ModelChoiceField(
        label=gettext_lazy("Court"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=gettext_lazy("The case's court"),
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, case: Case, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        court_field = self.fields["court"]
        assert isinstance(court_field, forms.ModelChoiceField)
        court_field.queryset = Organization.objects.filter(kind=OrganizationKind.COURT).order_by(
            "name"
        )
        if case.court is not None:
            court_field.empty_label = _("The case's court: %(court)s") % {"court": case.court.name}
        self.setup_sources(user, case)

    def add_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            name = {"date": "when", "time": "at"}.get(key, key)
            self.add_error(name if name in self.cleaned_data else None, messages)


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

"""The forms of the hearing pages: what happened at a hearing, and a hearing announced for later.

An outcome is one page holding several small Django forms: the hearing itself (`OutcomeForm`),
one `DefendantForm` per defendant (charges, the day the copy of the verdict arrived) and one
`SentenceForm` per sentence line; `hearings.outcome_page.OutcomeEntry` binds them together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import (
    Case,
    CaseParticipant,
    Charge,
    ChargeStatus,
    CustodyInterval,
)
from core.display import date_label
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
    SentenceInput,
    SourceChoice,
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

    after_verdict = forms.ChoiceField(
        label=gettext_lazy("After the verdict"),
        required=False,
        choices=[
            ("", gettext_lazy("Not recorded")),
            ("held", gettext_lazy("Stays in custody")),
            ("released", gettext_lazy("Released in the courtroom")),
        ],
        help_text=gettext_lazy(
            "Ends the pretrial custody on the day of the verdict; for a prison sentence, "
            "the prison term begins that day."
        ),
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

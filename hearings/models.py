"""Court sessions and the sentences they pronounce."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.fields import DATE_HELP, PartialDateField
from core.models import CitedRecord, track


class HearingKind(models.TextChoices):
    PRELIMINARY = "preliminary", _("Preliminary hearing")
    TRIAL = "trial", _("Trial session")
    VERDICT = "verdict", _("Verdict")
    CUSTODY = "custody", _("Custody or restraint measure")
    APPEAL = "appeal", _("Appeal")
    OTHER = "other", _("Other")


class HearingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    ADJOURNED = "adjourned", _("Adjourned")
    CANCELLED = "cancelled", _("Cancelled")


@track()
class Hearing(CitedRecord):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="hearings")
    court = models.ForeignKey(
        "people.Organization",
        verbose_name=_("court"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hearings",
    )
    date = PartialDateField(_("date"), help_text=DATE_HELP)
    time = models.TimeField(_("time"), null=True, blank=True, help_text=_("Local time, if known."))
    judge = models.ForeignKey(
        "people.Person",
        verbose_name=_("judge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hearings_judged",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=HearingKind.choices, default=HearingKind.TRIAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=HearingStatus.choices, default=HearingStatus.SCHEDULED
    )
    outcome = models.TextField(_("outcome"), blank=True, help_text=_("What happened, briefly."))
    adjourned_to = models.OneToOneField(
        "self",
        verbose_name=_("adjourned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adjourned_from",
        help_text=_("The hearing this one was postponed to."),
    )
    adjournment_reason = models.CharField(
        _("reason"),
        max_length=300,
        blank=True,
        help_text=_("Why it was adjourned or cancelled."),
    )
    prosecutor = models.ForeignKey(
        "people.Person",
        verbose_name=_("prosecutor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hearings_prosecuted",
    )
    defence_present = models.BooleanField(
        _("defence present"),
        null=True,
        blank=True,
        help_text=_("Whether the defence lawyer was in the courtroom; blank when not recorded."),
    )
    attendance = models.TextField(
        _("who was present"),
        blank=True,
        help_text=_("Judge, prosecutor, defence, interpreter, observers, as noted on the day."),
    )
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_(
            "Raised by every save through the app, so two people editing the same "
            "hearing cannot overwrite each other unawares."
        ),
    )

    class Meta:
        ordering = ["date", "time"]
        indexes = [
            # Upcoming hearings (dashboard, calendar): the scheduled few among many held.
            models.Index(
                fields=["date", "time"],
                condition=Q(status=HearingStatus.SCHEDULED),
                name="hearing_scheduled_date",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(adjourned_to__isnull=True) | Q(status=HearingStatus.ADJOURNED),
                name="hearing_adjourned_to_needs_adjourned_status",
                violation_error_message=_("Only an adjourned hearing points to a later one."),
            ),
            models.CheckConstraint(
                condition=Q(adjourned_to__isnull=True) | ~Q(adjourned_to=F("pk")),
                name="hearing_not_adjourned_to_itself",
                violation_error_message=_("A hearing cannot be adjourned to itself."),
            ),
        ]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")

    def __str__(self) -> str:
        return f"{self.case}: {self.date} ({self.get_status_display()})"

    def clean(self) -> None:
        later = self.adjourned_to
        if later is None or later.pk == self.pk:  # pointing at itself: a constraint's message
            return
        if later.case_id != self.case_id:
            raise ValidationError({"adjourned_to": _("The later hearing belongs to another case.")})
        if self.date and later.date and later.date.latest <= self.date.earliest:
            raise ValidationError({"adjourned_to": _("A hearing is adjourned to a later date.")})


class SentenceKind(models.TextChoices):
    IMPRISONMENT = "imprisonment", _("Imprisonment")
    RESTRICTION_OF_LIBERTY = "restriction", _("Restriction of liberty")
    SUSPENDED = "suspended", _("Suspended sentence with probation")
    FINE = "fine", _("Fine")
    EXPULSION = "expulsion", _("Expulsion")
    BAN = "ban", _("Ban on activity or travel")
    OTHER = "other", _("Other")


TERM_KINDS = [
    SentenceKind.IMPRISONMENT,
    SentenceKind.RESTRICTION_OF_LIBERTY,
    SentenceKind.SUSPENDED,
]


class InstitutionType(models.TextChoices):
    NONE = "", _("Not applicable")
    MINIMUM = "minimum", _("Minimum security")
    MEDIUM = "medium", _("Medium security")
    MAXIMUM = "maximum", _("Maximum security")
    SPECIAL = "special", _("Special regime")
    SETTLEMENT = "settlement", _("Colony-settlement")


class CustodyCredit(models.TextChoices):
    UNSPECIFIED = "", _("Not stated")
    ONE_FOR_ONE = "1:1", _("1 day of custody = 1 day")
    ONE_AND_HALF = "1.5:1", _("1 day of custody = 1.5 days")
    TWO_FOR_ONE = "2:1", _("1 day of custody = 2 days")


class Expulsion(models.TextChoices):
    NOT_ADDRESSED = "", _("Not addressed")
    ORDERED = "ordered", _("Ordered")
    RULED_OUT = "ruled_out", _("Ruled out by the court")


@track()
class Sentence(CitedRecord):
    """What a court imposed on one defendant."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="sentences")
    defendant = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="sentences"
    )
    hearing = models.ForeignKey(
        Hearing,
        verbose_name=_("pronounced at"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sentences",
    )
    pronounced = PartialDateField(
        _("verdict announced"), help_text=_("The day the verdict was announced.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SentenceKind.choices)
    term_years = models.PositiveSmallIntegerField(_("years"), default=0)
    term_months = models.PositiveSmallIntegerField(_("months"), default=0)
    term_days = models.PositiveSmallIntegerField(_("days"), default=0)
    institution_type = models.CharField(
        _("institution"),
        max_length=20,
        choices=InstitutionType.choices,
        blank=True,
        default=InstitutionType.NONE,
        help_text=_("Required for imprisonment."),
    )
    custody_credit = models.CharField(
        _("custody credit"),
        max_length=10,
        choices=CustodyCredit.choices,
        blank=True,
        default=CustodyCredit.UNSPECIFIED,
        help_text=_("How the court counted days already in custody."),
    )
    fine_amount = models.DecimalField(
        _("fine"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    fine_currency = models.CharField(_("currency"), max_length=3, blank=True)
    expulsion = models.CharField(
        _("expulsion"), max_length=20, choices=Expulsion.choices, blank=True, default=""
    )
    probation_months = models.PositiveSmallIntegerField(
        _("probation months"), null=True, blank=True
    )
    copy_received = models.DateField(
        _("copy received"),
        null=True,
        blank=True,
        help_text=_("When a defendant in custody received the verdict: starts the appeal window."),
    )
    entered_into_force = PartialDateField(
        _("entered into force"), null=True, blank=True, help_text=DATE_HELP
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["case", "pronounced"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=TERM_KINDS)
                | Q(term_years__gt=0)
                | Q(term_months__gt=0)
                | Q(term_days__gt=0),
                name="sentence_term_positive",
                violation_error_message=_("A custodial or suspended sentence needs a term."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=SentenceKind.IMPRISONMENT) | ~Q(institution_type=""),
                name="sentence_imprisonment_has_institution",
                violation_error_message=_("Imprisonment needs an institution type."),
            ),
            models.CheckConstraint(
                condition=Q(fine_amount__isnull=True) | Q(fine_amount__gt=0),
                name="sentence_fine_positive",
            ),
            models.CheckConstraint(
                condition=~Q(kind=SentenceKind.FINE) | Q(fine_amount__isnull=False),
                name="sentence_fine_has_amount",
                violation_error_message=_("A fine needs its amount."),
            ),
            models.CheckConstraint(
                condition=Q(fine_amount__isnull=True) | ~Q(fine_currency=""),
                name="sentence_fine_has_currency",
                violation_error_message=_("A fine amount needs its currency."),
            ),
            models.CheckConstraint(
                condition=Q(probation_months__isnull=True) | Q(kind=SentenceKind.SUSPENDED),
                name="sentence_probation_only_when_suspended",
                violation_error_message=_("Only a suspended sentence has probation."),
            ),
        ]
        verbose_name = _("sentence")
        verbose_name_plural = _("sentences")

    def __str__(self) -> str:
        return f"{self.defendant}: {self.get_kind_display()} {self.term_label()}".strip()

    def term_label(self) -> str:
        parts = []
        for amount, one, many in (
            (self.term_years, _("year"), _("years")),
            (self.term_months, _("month"), _("months")),
            (self.term_days, _("day"), _("days")),
        ):
            if amount:
                parts.append(f"{amount} {one if amount == 1 else many}")
        return ", ".join(parts)

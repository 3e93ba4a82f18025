"""Proceedings and what they hold: participants, charges, custody and asylum claims."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.fields import DATE_HELP, PartialDateField
from core.models import CitedRecord, Record, end_not_before_start, track, track_links

if TYPE_CHECKING:
    from accounts.models import User


@track()
class LegalProvision(Record):
    """A provision of a legal instrument: Criminal Code of Kazakhstan, Art. 392 part 1."""

    instrument = models.CharField(
        _("instrument"),
        max_length=200,
        help_text=_(
            "The law or treaty, with its year where versions differ: Criminal Code (2014)."
        ),
    )
    jurisdiction = CountryField(
        _("jurisdiction"), blank=True, help_text=_("Blank for international instruments.")
    )
    article = models.CharField(_("article"), max_length=20)
    part = models.CharField(_("part"), max_length=20, blank=True)
    paragraph = models.CharField(_("paragraph"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    in_force_from = models.DateField(_("in force from"), null=True, blank=True)
    in_force_until = models.DateField(_("in force until"), null=True, blank=True)
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("predecessor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="successors",
        help_text=_("The same offence in the previous code (Art. 174 of 2014 ← Art. 164 of 1997)."),
    )

    class Meta:
        ordering = ["instrument", "article", "part"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "instrument", "article", "part", "paragraph"],
                name="provision_unique",
            ),
            models.CheckConstraint(
                condition=Q(in_force_until__isnull=True)
                | Q(in_force_from__isnull=True)
                | Q(in_force_until__gte=models.F("in_force_from")),
                name="provision_in_force_order",
            ),
        ]
        verbose_name = _("legal provision")
        verbose_name_plural = _("legal provisions")

    def __str__(self) -> str:
        parts = [f"Art. {self.article}"]
        if self.part:
            parts.append(f"part {self.part}")
        if self.paragraph:
            parts.append(f"para. {self.paragraph}")
        return f"{self.instrument}, {' '.join(parts)}"


class CaseKind(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal prosecution")
    ASYLUM = "asylum", _("Asylum procedure")
    EXTRADITION = "extradition", _("Extradition")
    DEPORTATION = "deportation", _("Deportation or expulsion")
    ADMINISTRATIVE = "administrative", _("Administrative case")
    CIVIL = "civil", _("Civil case")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUSPENDED = "suspended", _("Suspended")
    APPEAL = "appeal", _("On appeal")
    CLOSED = "closed", _("Closed")


def visible_case_ids(user: User) -> models.QuerySet[Any]:
    """The ids of the cases a staff member (not an admin) may see: one UNION of the cases
    assigned to the user and the cases their organization follows, so that each branch reads
    its own index instead of testing every case against an OR of EXISTS."""
    assigned = CaseAssignment.objects.filter(user=user).order_by().values("case_id")
    if user.organization_id is None:
        return assigned
    followed = Case.watched_by.through.objects.filter(organization=user.organization_id)
    return assigned.union(followed.order_by().values("case_id"))


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User) -> CaseQuerySet:
        """Admins see every case; lawyers the cases they are assigned to; NGO staff the cases
        their organization follows."""
        if not user.is_authenticated or not user.has_role:
            return self.none()
        if user.is_vigil_admin:
            return self
        return self.filter(pk__in=visible_case_ids(user))

    def writable_by(self, user: User) -> CaseQuerySet:
        """Cases whose hearings the user may record: assigned lawyers and admins."""
        if not user.is_authenticated or not user.has_role:
            return self.none()
        if user.is_vigil_admin:
            return self
        if not user.is_lawyer:
            return self.none()
        return self.filter(Exists(CaseAssignment.objects.filter(case=OuterRef("pk"), user=user)))


@track()
class Case(CitedRecord):
    """One proceeding in one jurisdiction."""

    title = models.CharField(
        _("title"), max_length=300, help_text=_("Short name: “Musakhanuly and Alimuly, border”.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    jurisdiction = CountryField(_("jurisdiction"))
    court = models.ForeignKey(
        "people.Organization",
        verbose_name=_("court or authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    reference = models.CharField(
        _("reference"), max_length=100, blank=True, help_text=_("The court's case number.")
    )
    opened = PartialDateField(_("opened"), null=True, blank=True, help_text=DATE_HELP)
    closed = PartialDateField(_("closed"), null=True, blank=True, help_text=DATE_HELP)
    summary = models.TextField(_("summary"), blank=True)
    watched_by = models.ManyToManyField(
        "people.Organization",
        verbose_name=_("followed by"),
        blank=True,
        related_name="followed_cases",
        help_text=_("NGOs whose staff may read this case."),
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened", "title"]
        constraints = [end_not_before_start("opened", "closed", "case_closed_after_opened")]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("case_detail", args=[self.pk])


class ParticipantRole(models.TextChoices):
    DEFENDANT = "defendant", _("Defendant")
    APPLICANT = "applicant", _("Applicant")
    DEFENCE_LAWYER = "defence_lawyer", _("Defence lawyer")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    JUDGE = "judge", _("Judge")
    WITNESS = "witness", _("Witness")
    VICTIM = "victim", _("Victim")
    INTERPRETER = "interpreter", _("Interpreter")
    RELATIVE = "relative", _("Relative")
    OBSERVER = "observer", _("Observer")
    OTHER = "other", _("Other")


@track()
class CaseParticipant(CitedRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(_("role"), max_length=20, choices=ParticipantRole.choices)
    organization = models.ForeignKey(
        "people.Organization",
        verbose_name=_("acting for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    start = PartialDateField(_("from"), null=True, blank=True, help_text=DATE_HELP)
    end = PartialDateField(_("until"), null=True, blank=True, help_text=DATE_HELP)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["case", "role", "person__display_name"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="participant_unique"),
            end_not_before_start("start", "end", "participant_end_after_start"),
        ]
        verbose_name = _("case participant")
        verbose_name_plural = _("case participants")

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


@track()
class CaseAssignment(models.Model):
    """A user who works on the case: lawyers may record its hearings."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="case_assignments",
        help_text=_("A lawyer assigned here may record this case's hearings."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="assignment_unique"),
        ]
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")

    def __str__(self) -> str:
        return f"{self.user} on {self.case}"


class ChargeStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DROPPED = "dropped", _("Dropped")
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")


@track()
class Charge(CitedRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="charges")
    defendant = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="charges")
    provision = models.ForeignKey(
        LegalProvision,
        verbose_name=_("provision"),
        on_delete=models.PROTECT,
        related_name="charges",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ChargeStatus.choices, default=ChargeStatus.PENDING
    )
    filed = PartialDateField(_("filed"), null=True, blank=True, help_text=DATE_HELP)
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("The charge in the source's words."),
    )
    disposition = models.TextField(
        _("disposition"), blank=True, help_text=_("How the charge ended, in a sentence.")
    )

    class Meta:
        ordering = ["case", "defendant", "provision"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "defendant", "provision"], name="charge_unique_per_provision"
            ),
        ]
        verbose_name = _("charge")
        verbose_name_plural = _("charges")

    def __str__(self) -> str:
        return f"{self.defendant}: {self.provision} ({self.get_status_display()})"


class CustodyKind(models.TextChoices):
    ARREST = "arrest", _("Detention on arrest")
    PRETRIAL = "pretrial", _("Pretrial custody")
    HOUSE_ARREST = "house_arrest", _("House arrest")
    PRISON = "prison", _("Prison term")
    ABROAD = "abroad", _("Detention abroad (as reported)")
    OTHER = "other", _("Other restriction")


class CustodyQuerySet(models.QuerySet["CustodyInterval"]):
    def open(self) -> CustodyQuerySet:
        """Still running: no end date, and not known to have ended."""
        return self.filter(end__isnull=True, end_unknown=False)


@track()
class CustodyInterval(CitedRecord):
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="custody_intervals"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="custody_intervals"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CustodyKind.choices)
    start = PartialDateField(
        _("start"),
        null=True,
        blank=True,
        help_text=_("Blank only when no source dates it (years in a camp abroad, say)."),
    )
    end = PartialDateField(
        _("end"), null=True, blank=True, help_text=_("Blank while the person is still held.")
    )
    end_unknown = models.BooleanField(
        _("ended, date unknown"),
        default=False,
        help_text=_("The detention is over but no source dates its end."),
    )
    started_at = models.DateTimeField(
        _("exact start time"),
        null=True,
        blank=True,
        help_text=_("When known: detention on arrest is counted in hours."),
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    authority = models.ForeignKey(
        "people.Organization",
        verbose_name=_("authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = CustodyQuerySet.as_manager()

    class Meta:
        ordering = ["person", "start"]
        indexes = [
            # "In custody now" (dashboard, filters): the few open intervals among many.
            models.Index(
                fields=["start"],
                condition=Q(end__isnull=True, end_unknown=False),
                name="custody_open_start",
            ),
        ]
        constraints = [
            end_not_before_start("start", "end", "custody_end_after_start"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end_unknown=False),
                name="custody_end_known_or_unknown",
                violation_error_message=_("Give an end date or mark the end unknown, not both."),
            ),
        ]
        verbose_name = _("custody interval")
        verbose_name_plural = _("custody intervals")

    def __str__(self) -> str:
        end = self.end or (_("end unknown") if self.end_unknown else _("ongoing"))
        return f"{self.get_kind_display()}: {self.start or '?'} – {end}"

    def clean(self) -> None:
        if self.started_at and self.start:
            local_day = timezone.localtime(self.started_at).date()
            if not self.start.contains(local_day):
                raise ValidationError(
                    {"started_at": _("The exact start time falls outside the start date.")}
                )


class AsylumStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    REGISTERED = "registered", _("Registered")
    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    APPEALED = "appealed", _("Appealed")


@track()
class AsylumClaim(CitedRecord):
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="asylum_claims"
    )
    host_country = CountryField(_("host country"))
    authority = models.ForeignKey(
        "people.Organization",
        verbose_name=_("authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("procedure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="asylum_claims",
    )
    filed = PartialDateField(_("filed"), null=True, blank=True, help_text=DATE_HELP)
    registered = PartialDateField(_("registered"), null=True, blank=True, help_text=DATE_HELP)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AsylumStatus.choices,
        default=AsylumStatus.FILED,
        help_text=_("The latest step; the steps below keep the history."),
    )
    decided = PartialDateField(_("decided"), null=True, blank=True, help_text=DATE_HELP)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["person", "filed"]
        constraints = [
            end_not_before_start("filed", "registered", "asylum_registered_after_filed"),
            end_not_before_start("filed", "decided", "asylum_decided_after_filed"),
        ]
        verbose_name = _("asylum claim")
        verbose_name_plural = _("asylum claims")

    def __str__(self) -> str:
        return f"{self.person}: {self.get_host_country_display()} ({self.get_status_display()})"


@track()
class AsylumClaimStep(CitedRecord):
    """One step in a claim's history: filed, registered, refused, appealed…"""

    claim = models.ForeignKey(AsylumClaim, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(_("status"), max_length=20, choices=AsylumStatus.choices)
    date = PartialDateField(_("date"), null=True, blank=True, help_text=DATE_HELP)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["claim", "date"]
        verbose_name = _("asylum claim step")
        verbose_name_plural = _("asylum claim steps")

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.date or '?'})"


track_links(Case.watched_by.through, app_label="cases", model_name="CaseFollowerEvent")

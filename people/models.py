"""People, their names in every script, organizations, affiliations and what officials said."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.fields import DATE_HELP, PartialDateField
from core.models import CitedRecord, end_not_before_start, track, track_links
from core.scripts import Script, detect_script
from people.names import match_key

if TYPE_CHECKING:
    from accounts.models import User


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: User) -> PersonQuerySet:
        """Admins see everyone; others see the people in cases they may see, the people their
        organization follows, and public figures (officials, judges, researchers)."""
        if not user.is_authenticated or not user.has_role:
            return self.none()
        if user.is_vigil_admin:
            return self
        from cases.models import Case, CaseParticipant

        # Correlated EXISTS keeps the check of one person (a person page, a custody row) cheap;
        # to list many visible people, filter by `private_ids_visible_to` instead.
        visible_cases = Case.objects.visible_to(user)
        in_visible_case = Exists(
            CaseParticipant.objects.filter(person=OuterRef("pk"), case__in=visible_cases)
        )
        followed = (
            Q(pk__in=[])
            if user.organization_id is None
            else Exists(
                Person.watched_by.through.objects.filter(
                    person=OuterRef("pk"), organization=user.organization_id
                )
            )
        )
        return self.filter(Q(is_public_figure=True) | in_visible_case | followed)

    def private_ids_visible_to(self, user: User) -> models.QuerySet[Any]:
        """The ids of the people a staff member (not an admin) may see apart from public
        figures: one UNION of the participants of the cases they may see and the people their
        organization follows, each branch read through its own index. (Public figures, which
        everyone sees, are left to the caller.)"""
        from cases.models import CaseParticipant, visible_case_ids

        ids = (
            CaseParticipant.objects.filter(case__in=visible_case_ids(user))
            .order_by()
            .values("person_id")
        )
        if user.organization_id is None:
            return ids
        followed = Person.watched_by.through.objects.filter(organization=user.organization_id)
        return ids.union(followed.order_by().values("person_id"))


@track()
class Person(CitedRecord):
    display_name = models.CharField(
        _("display name"),
        max_length=200,
        help_text=_("The name shown in lists, in the script it is usually written in."),
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = PartialDateField(_("birth date"), null=True, blank=True, help_text=DATE_HELP)
    citizenships = CountryField(_("citizenships"), multiple=True, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=100, blank=True)
    is_public_figure = models.BooleanField(
        _("public figure"),
        default=False,
        help_text=_(
            "Officials, judges and researchers acting in public: visible to every staff member."
        ),
    )
    watched_by = models.ManyToManyField(
        "people.Organization",
        verbose_name=_("followed by"),
        blank=True,
        related_name="followed_persons",
        help_text=_("NGOs whose staff may read this person's file."),
    )
    notes = models.TextField(_("notes"), blank=True)
    # Sensitive (core/sensitive.py): only admins and the lawyers on one of the person's cases
    # read these three; every other page, export, feed and search leaves them out.
    address = models.TextField(
        _("address"),
        blank=True,
        help_text=_("Where the person lives or can be reached. Confidential."),
    )
    relatives = models.TextField(
        _("relatives"),
        blank=True,
        help_text=_(
            "Relatives and where they are, e.g. family still in the country the person fled. "
            "Confidential."
        ),
    )
    risk_notes = models.TextField(
        _("risk notes"),
        blank=True,
        help_text=_("Threats, surveillance, what must not be disclosed and why. Confidential."),
    )
    search_key = models.CharField(
        _("search key"),
        max_length=600,
        blank=True,
        editable=False,
        help_text=_(
            "The display name in the match-key space of people/names.py, set on save, so a "
            "person is found by name even before any variant is recorded."
        ),
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]
        indexes = [
            GinIndex(fields=["search_key"], opclasses=["gin_trgm_ops"], name="person_key_trgm"),
            # Equal keys (`=`, `IN`): exact and transliterated matches, report mentions; in
            # id order, so the first of thousands of namesakes are read without a sort.
            models.Index(fields=["search_key", "id"], name="person_key_eq"),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = match_key(self.display_name)
        update_fields = kwargs.get("update_fields")
        if isinstance(update_fields, list | tuple | set | frozenset) and (
            "display_name" in update_fields
        ):
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("person_detail", args=[self.pk])


class VariantKind(models.TextChoices):
    AS_REPORTED = "as_reported", _("As reported")
    TRANSLITERATION = "transliteration", _("Transliteration")
    LEGAL = "legal", _("Legal name")
    ALIAS = "alias", _("Alias or nickname")
    MISSPELLING = "misspelling", _("Misspelling in a source")


class NameFields(models.Model):
    text = models.CharField(_("name"), max_length=300)
    script = models.CharField(
        _("script"),
        max_length=10,
        choices=[(s.value, s.name.title()) for s in Script],
        blank=True,
        help_text=_("Detected from the text when left blank."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("ISO 639 code of the language the spelling belongs to: kk, ru, en, zh, ug."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=VariantKind.choices, default=VariantKind.AS_REPORTED
    )
    source = models.ForeignKey(
        "sources.Source",
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The source that first used this spelling; citations may add others."),
    )

    search_key = models.CharField(
        _("search key"),
        max_length=600,
        blank=True,
        editable=False,
        help_text=_(
            "The name transliterated to one Latin key space (people/names.py), set on save; "
            "searched by equality and by trigram similarity."
        ),
    )

    citations = GenericRelation("sources.Citation")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.text

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.script:
            self.script = detect_script(self.text)
        self.search_key = match_key(self.text)
        update_fields = kwargs.get("update_fields")
        if isinstance(update_fields, list | tuple | set | frozenset) and "text" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)  # type: ignore[arg-type]


@track()
class NameVariant(NameFields):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")

    class Meta:
        ordering = ["person", "kind", "text"]
        constraints = [
            models.UniqueConstraint(fields=["person", "text"], name="name_variant_unique"),
        ]
        indexes = [
            GinIndex(
                fields=["search_key"], opclasses=["gin_trgm_ops"], name="name_variant_key_trgm"
            ),
            models.Index(fields=["search_key", "person"], name="name_variant_key_eq"),
        ]
        verbose_name = _("name variant")
        verbose_name_plural = _("name variants")


@track()
class ReportedAge(CitedRecord):
    """Sources give ages, not birth dates: "Musakhanuly, 31"."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reported_ages")
    age = models.PositiveSmallIntegerField(_("age"))
    as_of = PartialDateField(
        _("as of"), help_text=_("When the age was true, usually the report's date.")
    )

    class Meta:
        ordering = ["as_of"]
        constraints = [
            models.CheckConstraint(condition=Q(age__lte=130), name="reported_age_plausible"),
        ]
        verbose_name = _("reported age")
        verbose_name_plural = _("reported ages")

    def __str__(self) -> str:
        return f"{self.age} ({self.as_of})"


class OrganizationKind(models.TextChoices):
    NGO = "ngo", _("NGO")
    COURT = "court", _("Court")
    PROSECUTOR = "prosecutor", _("Prosecutor's office")
    SECURITY_SERVICE = "security", _("Security service")
    BORDER_SERVICE = "border", _("Border service")
    MINISTRY = "ministry", _("Ministry or government body")
    MEDIA = "media", _("Media outlet")
    UN_BODY = "un_body", _("UN body")
    DETENTION = "detention", _("Detention facility")
    OTHER = "other", _("Other")


@track()
class Organization(CitedRecord):
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    country = CountryField(_("country"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        help_text=_(
            "The larger body, e.g. the National Security Committee for its border service."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


@track()
class OrganizationName(NameFields):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="names")

    class Meta:
        ordering = ["organization", "text"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "text"], name="org_name_unique"),
        ]
        indexes = [
            GinIndex(fields=["search_key"], opclasses=["gin_trgm_ops"], name="org_name_key_trgm"),
            models.Index(fields=["search_key"], name="org_name_key_eq"),
        ]
        verbose_name = _("organization name")
        verbose_name_plural = _("organization names")


@track()
class Affiliation(CitedRecord):
    """A person's role in an organization: the role belongs here, not to the person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="affiliations"
    )
    title = models.CharField(_("title"), max_length=300, help_text=_("As the source gives it."))
    start = PartialDateField(_("from"), null=True, blank=True, help_text=DATE_HELP)
    end = PartialDateField(_("until"), null=True, blank=True, help_text=DATE_HELP)

    class Meta:
        ordering = ["person", "start"]
        constraints = [end_not_before_start("start", "end", "affiliation_end_after_start")]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")

    def __str__(self) -> str:
        return f"{self.person}, {self.title}, {self.organization}"


class LifeEventKind(models.TextChoices):
    FLIGHT = "flight", _("Fled")
    BORDER_CROSSING = "border_crossing", _("Border crossing")
    ARRIVAL = "arrival", _("Arrival")
    RESETTLEMENT = "resettlement", _("Resettlement")
    DEPORTATION = "deportation", _("Deportation or return")
    THREAT = "threat", _("Threat of return")
    OTHER = "other", _("Other")


@track()
class LifeEvent(CitedRecord):
    """Something that happened to a person outside a court: fleeing, crossing, resettling."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="life_events")
    kind = models.CharField(_("kind"), max_length=20, choices=LifeEventKind.choices)
    date = PartialDateField(_("date"), null=True, blank=True, help_text=DATE_HELP)
    place = models.CharField(_("place"), max_length=300, blank=True)
    from_country = CountryField(_("from country"), blank=True)
    to_country = CountryField(_("to country"), blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="life_events",
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["person", "date"]
        verbose_name = _("life event")
        verbose_name_plural = _("life events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person} ({self.date or '?'})"


class Stance(models.TextChoices):
    WILL_RETURN = "will_return", _("Will be returned")
    NO_RETURN = "no_return", _("Will not be returned")
    DENIAL = "denial", _("Denies abuses")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledges abuses")
    CRITICISM = "criticism", _("Criticism")
    DEMAND = "demand", _("Demand or recommendation")
    OTHER = "other", _("Other")


@track()
class Statement(CitedRecord):
    """What an official or advocate said, when, where, about whom."""

    speaker = models.ForeignKey(
        Person, verbose_name=_("speaker"), on_delete=models.PROTECT, related_name="statements"
    )
    office = models.CharField(
        _("office"),
        max_length=300,
        blank=True,
        help_text=_("The speaker's office at the time, as the source gives it."),
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
    )
    date = PartialDateField(_("date"), null=True, blank=True, help_text=DATE_HELP)
    medium = models.CharField(
        _("medium"), max_length=200, blank=True, help_text=_("Where: press conference, interview…")
    )
    quote = models.TextField(_("quote"), help_text=_("The words as reported."))
    language = models.CharField(_("language"), max_length=10, blank=True)
    stance = models.CharField(_("stance"), max_length=20, choices=Stance.choices)
    about_persons = models.ManyToManyField(
        Person, verbose_name=_("about persons"), blank=True, related_name="statements_about"
    )
    about_cases = models.ManyToManyField(
        "cases.Case", verbose_name=_("about cases"), blank=True, related_name="statements"
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")

    def __str__(self) -> str:
        return f"{self.speaker} ({self.date or '?'}): {self.get_stance_display()}"


track_links(Person.watched_by.through, app_label="people", model_name="PersonFollowerEvent")
track_links(Statement.about_persons.through, app_label="people", model_name="StatementPersonEvent")
track_links(Statement.about_cases.through, app_label="people", model_name="StatementCaseEvent")

"""Sources and the citations that tie every fact to the passage supporting it."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pghistory
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q, When
from django.db.models.expressions import CombinedExpression
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import DATE_HELP, PartialDateField
from core.models import Record, track, track_links

if TYPE_CHECKING:
    from accounts.models import User


class SourceKind(models.TextChoices):
    NEWS_RELEASE = "news_release", _("NGO news release")
    PUBLIC_STATEMENT = "public_statement", _("Public statement")
    URGENT_ACTION = "urgent_action", _("Urgent action")
    NEWS_ARTICLE = "news_article", _("News article")
    INTERVIEW = "interview", _("Interview")
    ADVOCACY_BRIEF = "advocacy_brief", _("Advocacy brief")
    COURT_DOCUMENT = "court_document", _("Court document")
    SECONDARY_REPORTING = "secondary_reporting", _("Secondary reporting")
    LAWYER_RECORD = "lawyer_record", _("Lawyer's own record")
    OTHER = "other", _("Other")


class SourceQuerySet(models.QuerySet["Source"]):
    def visible_to(self, user: User) -> SourceQuerySet:
        """Public reports for every role; confidential ones for admins and their author."""
        if not user.is_authenticated or not user.has_role:
            return self.none()
        if user.is_vigil_admin:
            return self
        return self.filter(Q(confidential=False) | Q(created_by=user))


# The text search configuration for each language code; every other language is searched
# word for word ('simple': lower-cased, no stemming). The search page queries with the same
# configurations (`sources.search.QUERY_CONFIGS`, derived from this).
SEARCH_CONFIGS = {"en": "english", "ru": "russian"}


def _search_document(config: str) -> CombinedExpression:
    # to_tsvector('english'::regconfig, ...) with a constant configuration is immutable, as a
    # generated column needs; to_tsvector(language, ...) with a column would not be.
    return SearchVector("title", weight="A", config=config) + SearchVector(
        "text", weight="B", config=config
    )


# History of a source records what a person typed, not the derived search document: the
# generated column is left out of the event table (its trigger could not write it anyway).
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["search_document"],
)
class Source(Record):
    kind = models.CharField(_("kind"), max_length=30, choices=SourceKind.choices)
    title = models.CharField(_("title"), max_length=500)
    publisher = models.ForeignKey(
        "people.Organization",
        verbose_name=_("publisher"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publications",
    )
    url = models.URLField(_("address"), max_length=1000, blank=True)
    published = PartialDateField(_("published"), null=True, blank=True, help_text=DATE_HELP)
    language = models.CharField(
        _("language"), max_length=10, blank=True, help_text=_("ISO 639-1 code: en, ru, kk.")
    )
    text = models.TextField(_("text"), blank=True, help_text=_("The full text of the report."))
    content_hash = models.CharField(
        _("content hash"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("SHA-256 of the text, so the same report is recognised when imported again."),
    )
    original_file = models.CharField(
        _("original file"),
        max_length=60,
        blank=True,
        editable=False,
        help_text=_(
            "The uploaded file as received, kept under a server-chosen name outside the "
            "static files (core.uploads); admins download it as an attachment."
        ),
    )
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("What this source is and how far to trust it.")
    )
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Visible only to admins and its author (a lawyer's own record, say)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    search_document = models.GeneratedField(
        expression=models.Case(
            *[
                When(language=code, then=_search_document(config))
                for code, config in SEARCH_CONFIGS.items()
            ],
            default=_search_document("simple"),
            output_field=SearchVectorField(),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
        help_text=_(
            "Title (weight A) and text (weight B) for full-text search, computed by the "
            "database in the configuration of the source's language."
        ),
    )

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "title"]
        indexes = [
            GinIndex(fields=["search_document"], name="source_search_document_gin"),
            # Most recent first (`sources.search`): a word found in most reports walks this
            # index and stops at the ranking cap instead of matching every document.
            models.Index(
                F("published").desc(nulls_last=True),
                F("id").desc(),
                name="source_recent_first",
            ),
        ]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        publisher = f"{self.publisher}: " if self.publisher_id else ""
        return f"{publisher}{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("source_detail", args=[self.pk])

    def save(self, *args: object, **kwargs: object) -> None:
        self.content_hash = hashlib.sha256(self.text.encode()).hexdigest() if self.text else None
        super().save(*args, **kwargs)  # type: ignore[arg-type]


@track()
class Citation(models.Model):
    """One source's support for one fact: the passage, and the value as that source gave it.

    Two citations of the same fact and field with different reported values are a dispute;
    both stay visible."""

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="citations"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    fact = GenericForeignKey("content_type", "object_id")
    field = models.CharField(
        _("field"),
        max_length=50,
        blank=True,
        help_text=_(
            "The attribute of the fact this supports (e.g. date); blank for the whole fact."
        ),
    )
    quote = models.TextField(
        _("quoted passage"), help_text=_("The passage, as short as it can be.")
    )
    locator = models.CharField(
        _("locator"), max_length=100, blank=True, help_text=_("Page, paragraph or section.")
    )
    reported_value = models.CharField(
        _("reported value"),
        max_length=300,
        blank=True,
        help_text=_("The value as this source reported it, e.g. “6 October 2019”."),
    )
    reported_date = PartialDateField(
        _("reported date"),
        null=True,
        blank=True,
        help_text=_("When the reported value is a date: that date, at the source's precision."),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source__published", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "content_type", "object_id", "field", "quote"],
                name="citation_unique_per_passage",
            )
        ]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")

    def __str__(self) -> str:
        return f"{self.source} → {self.content_type.model} {self.object_id}"


# -- imported reports: names found, and facts proposed for review -------------------------------


class MentionKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANIZATION = "organization", _("Organization")


@track()
class ReportMention(models.Model):
    """A name found in an imported report: a known person or organization, or (both blank) an
    unknown name that looks like a person's."""

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="mentions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MentionKind.choices)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_mentions",
    )
    organization = models.ForeignKey(
        "people.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_mentions",
    )
    close_to = models.ForeignKey(
        "people.Person",
        verbose_name=_("close to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For an unknown name: the nearest known person, if any."),
    )
    text = models.CharField(_("text"), max_length=300, help_text=_("The name as found."))
    variant = models.CharField(
        _("variant"), max_length=300, blank=True, help_text=_("The recorded name it matched.")
    )
    match = models.CharField(
        _("match"),
        max_length=30,
        blank=True,
        help_text=_("How it matched: exact, transliterated, fuzzy…"),
    )
    start = models.PositiveIntegerField(_("start"), help_text=_("Offset into the source's text."))
    end = models.PositiveIntegerField(_("end"))

    class Meta:
        ordering = ["source", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True) | Q(organization__isnull=True),
                name="mention_one_entity",
            ),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="mention_span"),
        ]
        verbose_name = _("mention in a report")
        verbose_name_plural = _("mentions in reports")

    def __str__(self) -> str:
        return f"{self.text} ({self.source_id}:{self.start})"


class ProposalKind(models.TextChoices):
    HEARING = "hearing", _("Hearing")
    VERDICT = "verdict", _("Verdict and sentence")
    CUSTODY = "custody", _("Custody")
    STATEMENT = "statement", _("Statement")
    ASYLUM_STEP = "asylum_step", _("Asylum claim step")
    BORDER_CROSSING = "border_crossing", _("Border crossing")
    FLIGHT = "flight", _("Flight")
    NEW_PERSON = "new_person", _("New person")
    NEW_VARIANT = "new_variant", _("New name variant")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def pending(self) -> ProposalQuerySet:
        return self.filter(status=ProposalStatus.PENDING)


@track()
class Proposal(models.Model):
    """A fact read from an imported report, waiting for an admin to accept, edit or reject it.

    Accepting creates the cited record(s), or only a citation when `linked` already holds the
    fact. The fingerprint recognises the same proposal when the report is imported again, so a
    rejected or accepted one is not proposed twice."""

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="proposals"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ProposalKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
    )
    date = PartialDateField(_("date"), null=True, blank=True, help_text=DATE_HELP)
    date_text = models.CharField(
        _("date as written"), max_length=200, blank=True, help_text=_("“on 6 December”.")
    )
    quote = models.TextField(_("quoted sentence"))
    start = models.PositiveIntegerField(_("start"), help_text=_("Offset into the source's text."))
    end = models.PositiveIntegerField(_("end"))
    persons = models.ManyToManyField(
        "people.Person", verbose_name=_("persons"), blank=True, related_name="proposals"
    )
    values = models.JSONField(
        _("values"),
        default=dict,
        blank=True,
        help_text=_("The kind's fields as extraction read them (sources.reports.facts)."),
    )
    fingerprint = models.CharField(
        _("fingerprint"),
        max_length=64,
        editable=False,
        help_text=_("SHA-256 of kind, normalised quote and date: the same proposal on re-import."),
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    linked = GenericForeignKey("content_type", "object_id")
    conflict = models.TextField(
        _("conflict"),
        blank=True,
        help_text=_("How the linked record's value differs from what this report says."),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_records = models.JSONField(
        _("records written"),
        default=list,
        blank=True,
        help_text=_("What accepting wrote: [{model, id, action}], action created or cited."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["source", "start", "pk"]
        indexes = [models.Index(fields=["status", "source"], name="proposal_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "fingerprint"], name="proposal_unique_per_source"
            ),
            models.CheckConstraint(
                condition=Q(content_type__isnull=True, object_id__isnull=True)
                | Q(content_type__isnull=False, object_id__isnull=False),
                name="proposal_link_complete",
            ),
        ]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.date or '?'}): {self.quote[:60]}"


track_links(Proposal.persons.through, app_label="sources", model_name="ProposalPersonEvent")

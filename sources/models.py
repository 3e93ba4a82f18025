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
from django.db.models import Q, When
from django.db.models.expressions import CombinedExpression
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import DATE_HELP, PartialDateField
from core.models import Record, track

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
        indexes = [GinIndex(fields=["search_document"], name="source_search_document_gin")]
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

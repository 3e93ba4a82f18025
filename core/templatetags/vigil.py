"""Vigil's template filters: partial dates at their precision, cited facts, disagreements."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language_info

from core.display import date_label, fact_label, fact_url, field_label
from core.partial_dates import PartialDate, Precision
from sources.disputes import Disagreement, disagreements

register = template.Library()


@register.filter
def partial_date(value: PartialDate | None) -> str:
    """ "6 January 2020", "October 2019", "2020": never more precise than the source."""
    return date_label(value)


@register.filter
def partial_time(value: PartialDate | None) -> SafeString | str:
    """The date as `partial_date`, wrapped in <time datetime> when it is a day, a month or a
    year; a range reads as text."""
    if value is None:
        return ""
    if value.precision is Precision.RANGE:
        return format_html(
            '<span class="date-range" title="{}">{}</span>', value.iso(), date_label(value)
        )
    return format_html('<time datetime="{}">{}</time>', value.iso(), date_label(value))


@register.filter(name="disagreements")
def disagreements_filter(citations: Iterable[Any]) -> list[Disagreement[Any]]:
    return disagreements(citations)


@register.filter(name="fact_label")
def fact_label_filter(fact: models.Model) -> str:
    return fact_label(fact)


@register.filter(name="fact_url")
def fact_url_filter(fact: models.Model) -> str:
    return fact_url(fact) or ""


@register.filter
def cited_field(citation: Any) -> str:
    """The name of the field a citation supports, as its model calls it ("custody credit"),
    from the citation's content type (fetch it with the citation)."""
    return field_label(citation.content_type.model_class(), citation.field)


@register.filter
def name_sources(name: Any) -> list[Any]:
    """The sources a user may read that spell a name this way: the one recorded with the
    spelling (when `source_visible`), then those of its citations, each once."""
    sources = []
    if name.source_id and getattr(name, "source_visible", False):
        sources.append(name.source)
    for citation in name.citations.all():
        if all(citation.source_id != source.pk for source in sources):
            sources.append(citation.source)
    return sources


@register.filter
def language_name(code: str) -> str:
    """The language's name in the active language, or the code when Django does not know it."""
    if not code:
        return ""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code

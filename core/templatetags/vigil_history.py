"""`history_url`: the link from a record on a page to that record's history."""

from __future__ import annotations

from django import template
from django.db import models

from core.history import history_url as record_history_url

register = template.Library()


@register.filter
def history_url(record: models.Model | None) -> str:
    """The record's history page; "" for nothing."""
    if record is None or record.pk is None:
        return ""
    return record_history_url(type(record), record.pk)

"""What happened to a legal record, read from the events django-pghistory's triggers write.

Every insert, update and delete of a tracked record leaves an event holding the whole row and
the context of the change (the acting user, the page or the command), so imports, bulk updates
and raw SQL show up as well as edits made through the app. This module turns those events into
what a person reads: when, who, what kind of change, and each field's old and new value as the
record's own pages would show it. The admin's History button, a record's history page and a
case's whole history all read through here, and an admin's restore of an old version is here.

`events` reads the events, `pages` gathers them for the history pages, `restore` writes an old
version back.
"""

from core.history.events import (
    Change,
    HistoryEntry,
    ValueRenderer,
    event_model,
    history_entries,
    history_url,
    record_label,
)
from core.history.pages import (
    CaseHistory,
    HistoryBatch,
    RecordHistory,
    get_case_history_for_user,
    get_record_history_for_user,
    history_model,
)
from core.history.restore import RestoreRefused, restorable_fields, restore_version

__all__ = [
    "CaseHistory",
    "Change",
    "HistoryBatch",
    "HistoryEntry",
    "RecordHistory",
    "RestoreRefused",
    "ValueRenderer",
    "event_model",
    "get_case_history_for_user",
    "get_record_history_for_user",
    "history_entries",
    "history_model",
    "history_url",
    "record_label",
    "restorable_fields",
    "restore_version",
]

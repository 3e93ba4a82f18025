"""How a proposal's values read to a reviewer: labels instead of keys, choice labels instead of
codes, "1 year 6 months" instead of three numbers, names instead of ids.

`values_display` takes the persons and cases the values name as mappings the caller fetched
once for the whole page (`referenced_ids`), so a queue of 200 proposals costs no more queries
than one of 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import get_language_info, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from cases.models import AsylumStatus, CustodyKind
from core.display import country_name, date_label
from core.partial_dates import PartialDate, PartialDateError
from hearings.models import (
    CustodyCredit,
    Expulsion,
    HearingKind,
    HearingStatus,
    InstitutionType,
    SentenceKind,
)
from people.models import LifeEventKind, Stance

PERSON_KEYS = ("speaker_id", "person_id")
# Shown first, in this order: who, in which case, what; the rest as extraction wrote them.
FIRST = ("speaker_id", "person_id", "case_id", "status", "kind", "sentence_kind", "convicted")
TERM_KEYS = ("term_years", "term_months", "term_days")

# Labels of the keys extraction and the edit form write (sources.reports.facts, report_views).
LABELS: dict[str, Any] = {
    "kind": gettext_lazy("Sentence"),
    "sentence_kind": gettext_lazy("Sentence"),
    "convicted": gettext_lazy("Verdict"),
    "term": gettext_lazy("Term"),
    "fine": gettext_lazy("Fine"),
    "expulsion": gettext_lazy("Expulsion"),
    "institution_type": gettext_lazy("Institution"),
    "custody_credit": gettext_lazy("Custody credit"),
    "status": gettext_lazy("Status"),
    "hearing_kind": gettext_lazy("Kind of hearing"),
    "adjourned_to": gettext_lazy("Adjourned to"),
    "custody_kind": gettext_lazy("Kind of custody"),
    "edge": gettext_lazy("This date is the"),
    "place": gettext_lazy("Place"),
    "from_country": gettext_lazy("From"),
    "to_country": gettext_lazy("To"),
    "host_country": gettext_lazy("Host country"),
    "speaker_id": gettext_lazy("Speaker"),
    "person_id": gettext_lazy("Close to"),
    "case_id": gettext_lazy("Case"),
    "office": gettext_lazy("Office"),
    "medium": gettext_lazy("Medium"),
    "quote": gettext_lazy("Words quoted"),
    "stance": gettext_lazy("Stance"),
    "language": gettext_lazy("Language"),
    "name": gettext_lazy("Name"),
    "variant": gettext_lazy("Spelling"),
}

CHOICES: dict[str, type[models.TextChoices]] = {
    "kind": SentenceKind,
    "sentence_kind": SentenceKind,
    "expulsion": Expulsion,
    "institution_type": InstitutionType,
    "custody_credit": CustodyCredit,
    "hearing_kind": HearingKind,
    "custody_kind": CustodyKind,
    "stance": Stance,
}

# What extraction writes for custody beside CustodyKind's own values (linking.CUSTODY_KINDS).
CUSTODY_WORDS: dict[str, Any] = {
    "detention": gettext_lazy("Detention"),
    "imprisonment": CustodyKind.PRISON.label,
    "camp": CustodyKind.ABROAD.label,
}


@dataclass(frozen=True)
class Shown:
    """One value as a reviewer reads it; `url` links a person or a case."""

    label: str
    text: str
    url: str = ""


def referenced_ids(values_list: Iterable[Mapping[str, Any]]) -> tuple[set[int], set[int]]:
    """The person ids and case ids that these proposals' values name."""
    persons: set[int] = set()
    cases: set[int] = set()
    for values in values_list:
        for key in PERSON_KEYS:
            if isinstance(values.get(key), int):
                persons.add(values[key])
        if isinstance(values.get("case_id"), int):
            cases.add(values["case_id"])
    return persons, cases


def term_label(years: object = None, months: object = None, days: object = None) -> str:
    """ "1 year 6 months", "10 days"; "" when no part is given."""
    parts = []
    for amount, one, many in (
        (years, "%(n)d year", "%(n)d years"),
        (months, "%(n)d month", "%(n)d months"),
        (days, "%(n)d day", "%(n)d days"),
    ):
        if isinstance(amount, int) and not isinstance(amount, bool) and amount > 0:
            parts.append(ngettext(one, many, amount) % {"n": amount})
    return " ".join(parts)


def key_label(key: str) -> str:
    """The label of a value's key; a readable form of a key this module does not know."""
    if key in LABELS:
        return str(LABELS[key])
    words = key.removesuffix("_id").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _choice_label(choices: type[models.TextChoices], value: object) -> str:
    try:
        return str(choices(str(value)).label)
    except ValueError:
        return _readable(value)


def _readable(value: object) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and value.isidentifier() and "_" in value:
        return value.replace("_", " ")
    return str(value)


def _language(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def values_display(
    kind: str,
    values: Mapping[str, Any],
    *,
    persons: Mapping[int, Any] | None = None,
    cases: Mapping[int, Any] | None = None,
) -> list[Shown]:
    """A proposal's values for people, who and what first: `kind` is the ProposalKind
    (a hearing's and an asylum step's `status` are different choices). Empty values are left
    out; the term's three numbers read as one line, as do a fine's amount and currency."""
    persons = persons or {}
    cases = cases or {}
    shown: list[Shown] = []
    ordered = sorted(values.items(), key=lambda kv: FIRST.index(kv[0]) if kv[0] in FIRST else 99)
    for key, value in ordered:
        if value is None or value == "" or key in ("fine_currency",):
            continue
        if key in TERM_KEYS:
            if key != next(k for k in TERM_KEYS if k in values):
                continue
            text = term_label(*(values.get(k) for k in TERM_KEYS))
            if text:
                shown.append(Shown(key_label("term"), text))
            continue
        label = key_label(key)
        url = ""
        if key == "fine_amount":
            label = key_label("fine")
            text = " ".join(str(v) for v in (value, values.get("fine_currency")) if v)
        elif key == "convicted":
            text = _("Convicted") if value else _("Acquitted")
        elif key == "kind" and kind != "verdict":
            text = _choice_label(LifeEventKind, value)
            label = _("Kind")
        elif key == "status":
            if kind == "asylum_step":
                label = _("Step")
                text = _choice_label(AsylumStatus, value)
            else:
                text = _choice_label(HearingStatus, value)
        elif key == "custody_kind" and value in CUSTODY_WORDS:
            text = str(CUSTODY_WORDS[value])
        elif key in CHOICES:
            text = _choice_label(CHOICES[key], value)
        elif key == "edge":
            text = {"start": _("start"), "end": _("end")}.get(str(value), _readable(value))
        elif key in ("from_country", "to_country", "host_country"):
            text = country_name(value) or str(value)
        elif key == "adjourned_to":
            try:
                text = date_label(PartialDate.parse(str(value)))
            except PartialDateError:
                text = str(value)
        elif key == "language":
            text = _language(str(value))
        elif key in PERSON_KEYS or key == "case_id":
            record = (cases if key == "case_id" else persons).get(value)
            if record is None:
                text = _("no longer recorded (%(id)s)") % {"id": value}
            else:
                text = str(getattr(record, "display_name", None) or record)
                url = record.get_absolute_url()
        else:
            text = _readable(value)
        shown.append(Shown(label, text, url))
    return shown

"""What reading and extraction find in a report, before anything is stored (no Django)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from core.partial_dates import PartialDate


class ReportError(ValueError):
    """A file that cannot be read as a report; the message says why, in one sentence."""


@dataclass(frozen=True)
class ReportText:
    text: str
    format: str  # "txt", "html" or "pdf"
    title: str  # the HTML <title>, the PDF's title, or the first substantial line
    language: str  # ISO 639-1 code guessed from the script and common words: "en", "ru", "kk"
    encoding: str = ""  # the encoding the text was decoded from, when it was bytes of text


class EntityKind(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"


@dataclass(frozen=True)
class Mention:
    """A name found in the text: a known entity (entity_id set) or, with entity_id None, an
    unknown name that looks like a person's, possibly close to a known one (close_to_id)."""

    kind: EntityKind
    text: str  # as found in the report
    start: int  # offsets into ReportText.text
    end: int
    entity_id: int | None = None
    variant: str = ""  # the recorded name variant it matched
    match: str = ""  # people.name_search.MatchKind value: exact, transliterated, fuzzy…
    close_to_id: int | None = None  # unknown name: the nearest known person, if any


class FactKind(StrEnum):
    HEARING = "hearing"
    VERDICT = "verdict"  # verdict and sentence
    CUSTODY = "custody"  # a custody interval begins or ends
    STATEMENT = "statement"
    ASYLUM_STEP = "asylum_step"
    BORDER_CROSSING = "border_crossing"
    FLIGHT = "flight"
    # Proposals about names rather than events.
    NEW_PERSON = "new_person"
    NEW_VARIANT = "new_variant"


@dataclass(frozen=True)
class CandidateFact:
    """A dated statement of the text read as a fact of one kind.

    `values` holds the kind's fields as plain JSON values, the keys documented in
    `sources.reports.facts`, e.g. for a verdict {"term_years": 1, "expulsion": "not_expelled"},
    for custody {"custody_kind": "detention", "edge": "start", "place": "Almaty"}, for a
    statement {"speaker_id": 12, "stance": "will_return", "office": "…"}, for a hearing
    {"status": "adjourned", "adjourned_to": "2020-01-21"}."""

    kind: FactKind
    quote: str  # the sentence, as in the text
    start: int
    end: int
    date: PartialDate | None = None
    date_text: str = ""  # the date as written: "on 6 December"
    person_ids: tuple[int, ...] = ()
    values: dict[str, object] = field(default_factory=dict)

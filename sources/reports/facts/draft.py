"""A fact while it is being read from one sentence, and what every sentence is read against."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.partial_dates import PartialDate
from sources.reports.dates import DateMention, YearContext
from sources.reports.found import FactKind, Mention
from sources.reports.sentences import Sentence


@dataclass
class Draft:
    kind: FactKind
    sentence: Sentence
    trigger_start: int
    trigger_end: int
    date: PartialDate | None = None
    date_text: str = ""
    person_ids: tuple[int, ...] = ()
    values: dict[str, object] = field(default_factory=dict)
    start: int = 0
    end: int = 0


@dataclass
class Context:
    text: str
    mentions: Sequence[Mention]
    dates: list[DateMention]
    years: YearContext

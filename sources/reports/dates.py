"""Dates as reports write them, English and Russian, and their years (pure Python, no Django).

`find_dates(text)` finds "On January 21, 2020", "21 January 2020", "on 6 December",
"in April 2018", "in December 2019", "October 14", "the January 6 court proceedings",
"in 2018", "6 декабря 2019 года", "в апреле 2018 г.", "14 октября", ISO "2019-10-14" and
"14.10.2019". A date written without its year is completed by `YearContext.resolve`:

1. the year of the last date with a month written earlier in the same paragraph ("In April
   2018, … in August" is August 2018);
2. else the report's own date: the same year, unless that puts the day after the report, when
   it is the year before (a January 2020 report's "On March 10" is 10 March 2019) — or, for a
   date the text looks forward to ("postponed to January 21"), the year after when it would
   fall before the report;
3. else the last year written anywhere earlier in the text;
4. else it stays undated: a day is never invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.partial_dates import PartialDate, PartialDateError

_EN_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
# Russian month stems: genitive "декабря", prepositional "декабре", nominative "декабрь".
_RU_MONTHS = {
    "январ": 1,
    "феврал": 2,
    "март": 3,
    "апрел": 4,
    "ма": 5,
    "июн": 6,
    "июл": 7,
    "август": 8,
    "сентябр": 9,
    "октябр": 10,
    "ноябр": 11,
    "декабр": 12,
}

_EN_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_RU_MONTH_GEN = (
    r"(?P<month>января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)"
)
_RU_MONTH_ANY = (
    r"(?P<month>январ[ьея]|феврал[ьея]|марта?е?|апрел[ьея]|ма[йяе]|июн[ьея]|июл[ьея]"
    r"|августа?е?|сентябр[ьея]|октябр[ьея]|ноябр[ьея]|декабр[ьея])"
)
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)"

_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        rf"\b{_YEAR}-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b",
        rf"\b{_DAY}\.(?P<mnum>[01]\d)\.{_YEAR}\b",
        # 21 January 2020, 6 December, 21st of January
        rf"\b{_DAY}(?:st|nd|rd|th)?(?: of)? {_EN_MONTH}(?![a-z])(?:,? {_YEAR}\b)?",
        # January 21, 2020; October 14; the January 6 court proceedings
        rf"\b{_EN_MONTH} {_DAY}(?:st|nd|rd|th)?(?![\d:])\b(?:,? {_YEAR}\b)?",
        # in April 2018, December 2019
        rf"\b{_EN_MONTH},? {_YEAR}\b",
        # in April, since December, until August
        rf"\b(?:in|In|since|Since|until|Until|by|By|from|From|late|early|mid) {_EN_MONTH}"
        r"(?![\w-])(?! \d)",
        # in 2018
        rf"\b(?:in|In|since|Since|during|During|of|until|Until|from|From) {_YEAR}\b(?![-./]\d)",
        # 6 декабря 2019 года, 14 октября
        rf"(?<![\w.]){_DAY} {_RU_MONTH_GEN}(?! \d\d?\b)(?: {_YEAR}(?: ?(?:года|г\.|г\b))?)?",
        # в апреле 2018 г., в декабре 2019 года, декабрь 2019
        rf"(?i:\b{_RU_MONTH_ANY}) {_YEAR}(?: ?(?:года|г\.|г\b))?",
        # в апреле
        r"\b[вВ] (?P<month>январе|феврале|марте|апреле|мае|июне|июле|августе|сентябре"
        r"|октябре|ноябре|декабре)\b(?! \d)",
        # в 2018 году
        rf"\b[вВс] {_YEAR} ?(?:году|года|г\.)",
    )
)


@dataclass(frozen=True)
class DateMention:
    """A date as written; `year` is None when the text leaves it out."""

    start: int
    end: int
    text: str
    year: int | None
    month: int | None
    day: int | None

    @property
    def has_year(self) -> bool:
        return self.year is not None

    def value(self, year: int | None = None) -> PartialDate | None:
        """The date in `year` when it has none of its own; None if it cannot be built."""
        year = self.year or year
        if year is None:
            return None
        try:
            if self.month is None:
                return PartialDate.year(year)
            if self.day is None:
                return PartialDate.month(year, self.month)
            return PartialDate.day(year, self.month, self.day)
        except PartialDateError:
            return None


def find_dates(text: str) -> list[DateMention]:
    """The dates written in `text`, in order, none overlapping (the longest reading wins)."""
    text = plain_spaces(text)
    found: list[DateMention] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            mention = _mention(match)
            if mention is not None:
                found.append(mention)
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[DateMention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _mention(match: re.Match[str]) -> DateMention | None:
    groups = match.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    day = int(groups["day"]) if groups.get("day") else None
    month: int | None = None
    if groups.get("mnum"):
        month = int(groups["mnum"])
    elif groups.get("month"):
        month = _month_number(groups["month"])
        if month is None:
            return None
    if day is not None and not 1 <= day <= 31:
        return None
    if month is not None and not 1 <= month <= 12:
        return None
    # A leading preposition ("in April") is context, not part of the date.
    start = min(match.start(name) for name in ("day", "month", "mnum", "year") if groups.get(name))
    text = match.group()[start - match.start() :].rstrip(",. ")
    return DateMention(start, start + len(text), text, year, month, day)


def _month_number(word: str) -> int | None:
    lowered = word.casefold().rstrip(".")
    if lowered in _EN_MONTHS:
        return _EN_MONTHS[lowered]
    for stem, number in sorted(_RU_MONTHS.items(), key=lambda item: -len(item[0])):
        if lowered.startswith(stem) and len(lowered) - len(stem) <= 2:
            return number
    return None


_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")


def plain_spaces(text: str) -> str:
    """`text` with no-break and other typographic spaces as plain ones (offsets unchanged)."""
    return _SPACES.sub(" ", text)


class YearContext:
    """Completes dates without a year from the paragraph, the report's date or the text."""

    def __init__(self, text: str, dates: list[DateMention], report_date: PartialDate | None):
        self.text = text
        self.report_date = report_date
        self._explicit = [(d.start, d.year) for d in dates if d.year is not None]
        # Only a date with its month anchors the dates after it in a paragraph: "In 2018 …"
        # opens too wide a span to say which December a later "in December" is.
        self._anchors = [(d.start, d.year) for d in dates if d.year and d.month]
        self._paragraph_starts = [0] + [
            m.end() for m in re.finditer(r"\n[ \t]*\n|\n(?=\s*[-•*]\s)", text)
        ]

    def resolve(self, mention: DateMention, *, future: bool = False) -> PartialDate | None:
        if mention.year is not None:
            return mention.value()
        paragraph = max(start for start in self._paragraph_starts if start <= mention.start)
        earlier = [year for start, year in self._explicit if start < mention.start]
        in_paragraph = [year for start, year in self._anchors if paragraph <= start < mention.start]
        if in_paragraph:
            return mention.value(in_paragraph[-1])
        if self.report_date is not None:
            report = self.report_date
            value = mention.value(report.latest.year)
            if value is None:
                return None
            if future:
                if value.latest < report.earliest:
                    return mention.value(report.latest.year + 1)
                return value
            if value.earliest > report.latest:
                return mention.value(report.latest.year - 1)
            return value
        if earlier:
            return mention.value(earlier[-1])
        return None

"""A statement's values: the speaker, the office written next to the name, the quoted words,
the stance and the language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sources.reports.facts.draft import Context, Draft
from sources.reports.found import EntityKind, Mention

_QUOTED = re.compile(r"[“«\"]([^”»\"]{3,400})[”»\"]")
_OFFICE = re.compile(
    r"\b((?:first |the )?(?:deputy |vice |first deputy )?(?:chief|director|head|minister|chairman"
    r"|chair|spokes(?:person|man|woman)|president|prosecutor|judge|researcher|advocacy director"
    r"|leader|commissioner|ambassador|secretary|lawyer)\b[^,;“\"]{0,120}?)"
    r"(?=,|\s+(?:said|stated|told)|$)",
    re.I,
)
_STANCES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "will_return",
        re.compile(
            r"\b(?:will|would) be (?:returned|sent back|deported|extradited|transferred|handed)"
            r"|\bwe will (?:transfer|return|deport|send)|no chances? of staying"
            r"|будут (?:возвращены|выдворены|депортированы|переданы)|вернут\b|передадим",
            re.I,
        ),
    ),
    ("denial", re.compile(r"\b(?:denied|deny|denies|no such|there are no)\b|отрица", re.I)),
    (
        "demand",
        re.compile(r"\b(?:should|must|urge[sd]?|call(?:ed|s)? on|demand\w*)\b|должн|призыва", re.I),
    ),
    (
        "no_return",
        re.compile(r"\b(?:will|would) not be (?:returned|sent back|deported|extradited)", re.I),
    ),
)


def statement_values(context: Context, draft: Draft, sentence: str) -> None:
    text = context.text
    persons = [
        m
        for m in context.mentions
        if m.kind == EntityKind.PERSON
        and m.entity_id is not None
        and draft.sentence.start <= m.start < draft.sentence.end
    ]
    speaker = _speaker(text, persons, draft)
    if speaker is None:
        return
    draft.values["speaker_id"] = speaker.entity_id
    draft.values["office"] = _office(text, draft, speaker)
    quotes = _QUOTED.findall(sentence)
    draft.values["quote"] = " … ".join(q.strip() for q in quotes)
    stance = "other"
    for name, pattern in _STANCES:
        if pattern.search(sentence):
            stance = name
            break
    draft.values["stance"] = stance
    cyrillic = sum(1 for c in sentence if "\u0400" <= c <= "\u04ff")
    draft.values["language"] = "ru" if cyrillic > len(sentence) / 4 else "en"


def _speaker(text: str, persons: Sequence[Mention], draft: Draft) -> Mention | None:
    """The person just before the verb ("Dilmanov stated", "Akhat, her lawyer, said") or
    just after it ("said Laura Mills")."""
    before = [m for m in persons if m.end <= draft.trigger_start]
    if before:
        nearest = before[-1]
        between = text[nearest.end : draft.trigger_start]
        if len(between) <= 150 and not re.search(r"[.;]|\bthat\b|\band\b", between):
            return nearest
    after = [m for m in persons if m.start >= draft.trigger_end]
    if after and after[0].start - draft.trigger_end <= 3:
        return after[0]
    if before and draft.trigger_start - before[-1].end <= 3:
        return before[-1]
    return None


def _office(text: str, draft: Draft, speaker: Mention) -> str:
    """The office written next to the speaker: "Darkhan Dilmanov, Deputy Chief of …, said" or
    "the director of the border service …, Darhan Dilmanov stated"."""
    after = text[speaker.end : min(draft.sentence.end, speaker.end + 160)]
    if after.startswith(","):
        appositive = " ".join(after.lstrip(", ").split(",")[0].split()).rstrip(".;:")
        if _OFFICE.search(appositive):
            return appositive
    before = text[max(draft.sentence.start, speaker.start - 200) : speaker.start]
    if before.rstrip().endswith(","):
        candidates = list(_OFFICE.finditer(before.rstrip().rstrip(",")))
        if candidates:
            return " ".join(candidates[0].group(1).split()).strip(" ,")
    return ""

"""A report's text split into sentences with their offsets (pure Python, no Django).

Robust to the layout of a PDF extraction: a line break, even with blank lines after it, ends a
sentence only when the line ends with a full stop (or the like), is shorter than the text's
wrapped lines (a heading, a caption, a signature), or the next line starts a list item;
"in\\n\\nChina" stays one sentence.
Abbreviations ("Art. 31", "Mr.", "U.S.", "г.") and initials do not end sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = frozenset(
    str.split(
        "mr mrs ms dr prof st art arts no nos vs etc e.g i.e u.s u.n jan feb mar apr jun jul aug "
        "sep sept oct nov dec gen col lt sgt rev para pp p cf approx ст г гг им т.е т.д др п ч "
        "см"
    )
)
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*")
_NEXT_VISIBLE = re.compile(r"\S")
_BREAK = re.compile(r"\n(?:[ \t]*\n)*")
_OPENERS = "\"'“‘«([—–-•*"
_LIST_ITEM = re.compile(r"\s*(?:[-•*–—▪●]|\d+[.)]\s)")
_TERMINAL = (".", "!", "?", ":", ";", "…", "”", '"', "»")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int  # the paragraph's number, counted by blank lines


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of `text`, in order: offsets without surrounding white space."""
    cuts: set[int] = set()
    paragraph_starts: list[int] = []
    for match in _END.finditer(text):
        end = match.end()
        rest = text[end : end + 3]
        if not rest or not rest[0].isspace():
            continue
        following = _NEXT_VISIBLE.search(text, end)
        if following is None:
            continue
        first = following.group()
        if not (first.isupper() or first.isdigit() or first in _OPENERS):
            continue
        if match.group()[0] == "." and _is_abbreviation(text, match.start()):
            continue
        cuts.add(end)
    lengths = sorted(len(line.strip()) for line in text.split("\n") if line.strip())
    wrap_width = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0
    long_line = max(40, int(0.7 * wrap_width))
    for match in _BREAK.finditer(text):
        line = text[text.rfind("\n", 0, match.start()) + 1 : match.start()].strip()
        line_end = text.find("\n", match.end())
        next_line = text[match.end() : line_end if line_end >= 0 else len(text)].strip()
        blank = match.group().count("\n") > 1
        if blank:
            paragraph_starts.append(match.end())
        if not line or not next_line:
            cuts.add(match.start())
            continue
        if line.endswith(_TERMINAL) or _LIST_ITEM.match(next_line) or line.isupper():
            cuts.add(match.start())
            continue
        if next_line[0].islower() or line.endswith((",", "-", "—", "–")):
            continue  # a wrapped sentence
        if len(line) < long_line:
            cuts.add(match.start())
    sentences = []
    position = 0
    paragraph = 0
    for cut in [*sorted(cuts), len(text)]:
        piece = text[position:cut]
        stripped = piece.strip()
        if stripped:
            start = position + (len(piece) - len(piece.lstrip()))
            while paragraph < len(paragraph_starts) and paragraph_starts[paragraph] <= start:
                paragraph += 1
            sentences.append(Sentence(start, start + len(stripped), paragraph))
        position = cut
    return sentences


def _is_abbreviation(text: str, dot: int) -> bool:
    word_match = re.search(r"([\w.]+)$", text[max(0, dot - 12) : dot])
    if word_match is None:
        return False
    word = word_match.group(1).casefold()
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "A. Smith"
    return word in _ABBREVIATIONS or word.rstrip(".") in _ABBREVIATIONS

"""Which writing system a name is written in (pure Python)."""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class Script(StrEnum):
    LATIN = "latin"
    CYRILLIC = "cyrillic"
    HAN = "han"
    ARABIC = "arabic"
    OTHER = "other"


_PREFIXES = {
    "LATIN": Script.LATIN,
    "CYRILLIC": Script.CYRILLIC,
    "CJK": Script.HAN,
    "ARABIC": Script.ARABIC,
}


def detect_script(text: str) -> Script:
    """The script of most letters in `text`; OTHER when there are no letters."""
    counts: dict[Script, int] = {}
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        script = next((s for p, s in _PREFIXES.items() if name.startswith(p)), Script.OTHER)
        counts[script] = counts.get(script, 0) + 1
    if not counts:
        return Script.OTHER
    return max(counts, key=lambda s: counts[s])

"""Name normalisation and match keys across scripts (pure Python, no Django).

The same person is written "Kaster Musakhanuly", "Kaster Musahanuly", "Қастер Мұсаханұлы" and
"Кастер Мусаханулы". Two functions make those comparable:

- `normalise(text)`: case-folded, diacritics stripped, apostrophes dropped, hyphens and
  punctuation turned into single spaces. Two spellings that normalise alike are an exact match.
- `match_key(text)`: Kazakh and Russian Cyrillic transliterated to Latin, then every Latin
  spelling folded into one key space (q/k, kh/h/x, y/i, zh/j, w/u, doubled letters, the
  patronymic endings -uly/-ulı/-uli and -qyzy/-kyzy dropped, -ov/-ova/-ev/-eva dropped). Tokens
  are sorted, so "Musakhanuly Kaster" has the key of "Kaster Musakhanuly". Two spellings with
  the same key are a transliterated match; keys that are merely close are a fuzzy match, which
  the database measures with trigrams.

Every key is a fixed point: `match_key(match_key(x)) == match_key(x)`.
"""

from __future__ import annotations

import re
import unicodedata

# Apostrophe-like marks: dropped (Kazakh Latin 2018 "a'", English "O'Brien").
_APOSTROPHES = "'’‘ʼʻ`´′"
_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)

# Letters that NFKD does not decompose, or decomposes to the wrong base.
_LATIN_SPECIAL = {
    "ı": "i",
    "ğ": "g",
    "ş": "sh",
    "ç": "ch",
    "ñ": "ng",
    "ŋ": "ng",
    "ä": "a",
    "ə": "a",
    "ö": "o",
    "ø": "o",
    "ü": "u",
    "ū": "u",
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "đ": "d",
    "ł": "l",
}

# Kazakh and Russian Cyrillic to a Latin spelling, before key folding (lower case only: the
# text is case-folded first).
_CYRILLIC = {
    "а": "a",
    "ә": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "gh",
    "д": "d",
    "е": "e",
    "ё": "yo",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "і": "i",
    "к": "k",
    "қ": "q",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "ng",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "u",
    "ү": "u",
    "ф": "f",
    "х": "kh",
    "һ": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    # Ukrainian and Belarusian letters seen in Russian-language sources.
    "є": "ye",
    "ї": "yi",
    "ў": "u",
    "ґ": "g",
}

# Latin spelling variants folded into one key, applied in this order. After these the key
# holds `h` only inside "sh" and "ch".
_FOLDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"shch", "sh"),  # щ
        (r"sch", "sh"),
        (r"tsh", "ch"),
        (r"dzh|dj|zh", "j"),  # ж: zh (Russian style), j (Kazakh Latin 2018), dzh, dj
        (r"gh", "g"),  # ғ, ğ
        (r"kh", "\x01"),  # х: marked, resolved below
        (r"sh", "\x02"),
        (r"ch", "\x03"),
        (r"h", "k"),  # х/һ/қ alternate in Kazakh names: Musakhan, Musahan, Musaqan
        (r"\x01", "k"),
        (r"\x02", "sh"),
        (r"\x03", "ch"),
        (r"q|x", "k"),  # қ written q; x is h in Uyghur and Chinese-Kazakh Latin
        (r"w", "u"),  # Awulqanqizi: w for у/ү
        (r"y", "i"),  # ы, й, and y/i alternation
        (r"(?<=[aeiou])ie|^ie", "e"),  # Yerlan/Ерлан, Kaliyev/Калиев
        (r"(.)\1+", r"\1"),  # doubled letters: Lazzat/Lazat, Kasym/Kassym
    )
)

# Endings dropped from each token's key: the patronymic (-uly, -qyzy) and Russian surname
# endings (-ov, -ova, -ev, -eva, -in, -ina are too common in stems to drop).
_ENDINGS = re.compile(r"(?:uli|ulu|kizi|gizi|ova|eva|ov|ev)$")
_MIN_STEM = 3


def normalise(text: str) -> str:
    """Case-folded, without diacritics or apostrophes, words separated by single spaces."""
    # Compatibility characters ("℠", "ﬀ") can unfold into text that folds further: repeat.
    for _ in range(4):
        previous, text = text, _normalise_once(text)
        if text == previous:
            break
    return text


def _normalise_once(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = "".join(_LATIN_SPECIAL.get(char, char) for char in folded)
    for mark in _APOSTROPHES:
        folded = folded.replace(mark, "")
    decomposed = unicodedata.normalize("NFKD", folded)
    # Keep the Cyrillic letters whose breve or diaeresis makes them a different letter.
    decomposed = unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )
    return " ".join(_SEPARATORS.sub(" ", decomposed).split())


def _cyrillic_to_latin(text: str) -> str:
    return "".join(_CYRILLIC.get(char, char) for char in text)


def _fold_token(token: str) -> str:
    for pattern, replacement in _FOLDS:
        token = pattern.sub(replacement, token)
    return token


def _strip_ending(token: str) -> str:
    match = _ENDINGS.search(token)
    if match and match.start() >= _MIN_STEM:
        return token[: match.start()]
    return token


def token_key(token: str) -> str:
    """The key of one word; a fixed point of itself."""
    key = token
    for _ in range(8):
        previous = key
        key = _strip_ending(_fold_token(key))
        if key == previous:
            break
    return key


def token_keys(text: str) -> list[str]:
    """The keys of each word of `text`, in order, empty words left out."""
    latin = _cyrillic_to_latin(normalise(_cyrillic_text(text)))
    keys = (token_key(token) for token in normalise(latin).split())
    return [key for key in keys if key]


def _cyrillic_text(text: str) -> str:
    # й and ё decompose under NFKD into и/е plus a mark: map them before normalising.
    return text.replace("й", "y").replace("Й", "y").replace("ё", "yo").replace("Ё", "yo")


def match_key(text: str) -> str:
    """One key for a whole name: its token keys sorted and joined by spaces."""
    return " ".join(sorted(token_keys(text)))

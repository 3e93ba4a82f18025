"""A verdict's values: conviction, the kind and term of the sentence, a fine, expulsion."""

from __future__ import annotations

import re

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "один": 1,
    "одному": 1,
    "одного": 1,
    "одна": 1,
    "два": 2,
    "двум": 2,
    "двух": 2,
    "три": 3,
    "трем": 3,
    "трём": 3,
    "трех": 3,
    "четыре": 4,
    "четырем": 4,
    "пять": 5,
    "пяти": 5,
    "шесть": 6,
    "шести": 6,
    "семь": 7,
    "семи": 7,
    "восемь": 8,
    "восьми": 8,
    "девять": 9,
    "девяти": 9,
    "десять": 10,
    "десяти": 10,
}
_TERM = re.compile(
    r"\b(\d{1,2}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")[\s-]+"
    r"(years?|months?|days?|год\w*|лет|месяц\w*|дн\w*|сут\w*)\b",
    re.I,
)
_FINE = re.compile(
    r"(?:\\?\$|US\$|USD\s?)(\d[\d,.]*)|(\d[\d,.\s]*)\s?(?:US dollars|dollars|USD|тенге|KZT|tenge)",
    re.I,
)
_EXPULSION_RULED_OUT = re.compile(
    r"\b(?:not to (?:deport|expel|extradite)|not be (?:deported|expelled)|without expulsion"
    r"|no expulsion|declined to (?:deport|expel))|без (?:выдворения|депортации)"
    r"|не выдворять|отказал\w* в выдворении",
    re.I,
)
_EXPULSION_ORDERED = re.compile(
    r"\b(?:ordered (?:to be )?(?:deported|expelled|deportation|expulsion)|with expulsion)\b"
    r"|с (?:последующим )?выдворением",
    re.I,
)


def verdict_values(sentence: str, after: str, trigger: str, values: dict[str, object]) -> None:
    values["convicted"] = not re.search(r"acquit|оправда", trigger, re.I)
    term = _TERM.search(after) or _TERM.search(sentence)
    if term and values["convicted"]:
        number = term.group(1).casefold()
        amount = int(number) if number.isdigit() else _NUMBER_WORDS.get(number, 0)
        unit = term.group(2).casefold()
        if unit.startswith(("year", "год", "лет")):
            values["term_years"] = amount
            tail = term.string[term.end() :]
            if more := re.match(r"\s*(?:and|и)\s+(\S+)\s+(?:months?|месяц\w*)", tail, re.I):
                word = more.group(1).casefold()
                values["term_months"] = int(word) if word.isdigit() else _NUMBER_WORDS.get(word, 0)
        elif unit.startswith(("month", "месяц")):
            values["term_months"] = amount
        else:
            values["term_days"] = amount
    if re.search(r"suspended|probation|условн", sentence, re.I):
        values["kind"] = "suspended"
    elif re.search(r"prison|imprison|jail|penal colony|лишени\w* свободы|колони", sentence, re.I):
        values["kind"] = "imprisonment"
    elif re.search(r"restriction of liberty|ограничени\w* свободы", sentence, re.I):
        values["kind"] = "restriction"
    elif re.search(r"\bfined?\b|штраф", sentence, re.I):
        values["kind"] = "fine"
    if values.get("kind") == "fine":
        for key in ("term_years", "term_months", "term_days"):
            values.pop(key, None)  # "fined … and placed under travel restrictions for 3 months"
    if values.get("kind") == "fine" and (fine := _FINE.search(sentence)):
        amount_text = (fine.group(1) or fine.group(2) or "").replace(",", "").replace(" ", "")
        values["fine_amount"] = amount_text.rstrip(".")
        values["fine_currency"] = (
            "KZT" if re.search(r"тенге|KZT|tenge", fine.group(), re.I) else "USD"
        )
    if _EXPULSION_RULED_OUT.search(sentence):
        values["expulsion"] = "ruled_out"
    elif _EXPULSION_ORDERED.search(sentence):
        values["expulsion"] = "ordered"

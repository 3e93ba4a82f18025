"""Places and countries as reports write them."""

from __future__ import annotations

import re

_PLACE = re.compile(
    r"\b(?:in|at|near|в|во)\s+((?:the\s+)?[A-ZА-ЯЁ][\w’'-]+(?:\s+[A-ZА-ЯЁ][\w’'-]+){0,3})"
)


def place(after: str) -> str:
    for match in _PLACE.finditer(after[:60]):
        place = " ".join(match.group(1).split())
        first = place.split()[-1 if place.lower().startswith("the ") else 0]
        if first.rstrip("’'s") in _NOT_PLACES or first.casefold() in _MONTH_WORDS:
            continue
        return place.removeprefix("the ").strip()
    return ""


_NOT_PLACES = {"January", "February", "March", "April", "May", "June", "July", "August"}
_MONTH_WORDS = {
    "september",
    "october",
    "november",
    "december",
    "январе",
    "феврале",
    "марте",
    "апреле",
    "мае",
    "июне",
    "июле",
    "августе",
    "сентябре",
    "октябре",
    "ноябре",
    "декабре",
} | {name.casefold() for name in _NOT_PLACES}


# Country names as reports write them to ISO 3166 codes (LifeEvent's country fields).
_COUNTRIES = {
    "china": "CN",
    "xinjiang": "CN",
    "xuar": "CN",
    "китай": "CN",
    "китая": "CN",
    "синьцзян": "CN",
    "kazakhstan": "KZ",
    "казахстан": "KZ",
    "казахстана": "KZ",
    "kyrgyzstan": "KG",
    "uzbekistan": "UZ",
    "tajikistan": "TJ",
    "russia": "RU",
    "россия": "RU",
    "turkey": "TR",
    "sweden": "SE",
    "germany": "DE",
    "mongolia": "MN",
}


def country(place: object) -> str:
    words = str(place).casefold().split()
    return next((_COUNTRIES[w] for w in words if w in _COUNTRIES), "")

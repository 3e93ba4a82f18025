"""Values of an asylum step, a border crossing and a flight: status, places, countries."""

from __future__ import annotations

import re

from sources.reports.facts.places import country, place

_ROUTE = re.compile(
    r"\b(?:between|from|из)\s+(?:the\s+)?(?P<a>[A-ZА-ЯЁ]\w+)\s+(?:and|into|to|в|и)\s+"
    r"(?:the\s+)?(?P<b>[A-ZА-ЯЁ]\w+)"
)


def asylum_values(trigger: str, after: str, values: dict[str, object]) -> None:
    values["status"] = _asylum_status(trigger)
    if host := re.search(r"\b(?:in|в)\s+([A-ZА-ЯЁ]\w+)", after[:80]):
        values["host_country"] = country(host.group(1))


def crossing_values(after: str, values: dict[str, object]) -> None:
    values["place"] = place(after)
    if route := _ROUTE.search(after[:120]):
        values["from_country"] = country(route.group("a"))
        values["to_country"] = country(route.group("b"))


def flight_values(after: str, values: dict[str, object]) -> None:
    origin = re.match(r"\w+(?: from)?\s+((?:[A-ZА-ЯЁ][\w’'-]+\s?){1,4})", after)
    values["place"] = origin.group(1).strip() if origin else ""
    values["from_country"] = country(values["place"])


def _asylum_status(trigger: str) -> str:
    lowered = trigger.casefold()
    if re.search(r"turned down|refused|rejected|denied|отказ", lowered):
        return "refused"
    if re.search(r"granted|предостав", lowered):
        return "granted"
    if re.search(r"registered|зарегистр", lowered):
        return "registered"
    if re.search(r"pending|рассматр", lowered):
        return "pending"
    return "filed"

"""Custody values: the kind of custody, whether the date starts or ends it, the place."""

from __future__ import annotations

import re

from sources.reports.facts.draft import Draft
from sources.reports.facts.places import place
from sources.reports.found import FactKind

RELEASE = re.compile(r"releas|freed|set free|освобо|свобод", re.I)


def custody_values(sentence: str, after: str, trigger: str, values: dict[str, object]) -> None:
    values["custody_kind"] = custody_kind(trigger, sentence)
    values["edge"] = "end" if RELEASE.search(trigger) else "start"
    values["place"] = place(after) if values["edge"] == "start" else ""


def custody_kind(trigger: str, sentence: str) -> str:
    if re.search(r"house arrest|домашн", trigger + " " + sentence, re.I):
        return "house_arrest"
    if re.search(
        r"pre-?trial|remand|custody|СИЗО|под страж|следствен", trigger + " " + sentence, re.I
    ):
        return "pretrial"
    if re.search(r"prison|colony|тюрьм|колони", sentence, re.I):
        return "prison"
    if re.search(r"detain|arrest|задерж|арест", trigger, re.I):
        return "arrest"
    return ""


def release_kinds(drafts: list[Draft]) -> None:
    """A release that does not say from what ends the custody last started for its persons."""
    for index, draft in enumerate(drafts):
        if draft.kind != FactKind.CUSTODY or draft.values.get("custody_kind"):
            continue
        for earlier in reversed(drafts[:index]):
            if (
                earlier.kind == FactKind.CUSTODY
                and earlier.values.get("edge") == "start"
                and set(draft.person_ids) & set(earlier.person_ids)
            ):
                draft.values["custody_kind"] = earlier.values.get("custody_kind", "")
                break

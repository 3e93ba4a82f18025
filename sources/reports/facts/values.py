"""The `values` of a draft, by kind (the keys are listed in `sources.reports.facts`)."""

from __future__ import annotations

import re

from sources.reports.facts.custody import custody_values
from sources.reports.facts.draft import Context, Draft
from sources.reports.facts.movement import asylum_values, crossing_values, flight_values
from sources.reports.facts.statement import statement_values
from sources.reports.facts.verdict import verdict_values
from sources.reports.found import FactKind


def fill_values(context: Context, draft: Draft) -> None:
    text = context.text
    sentence = text[draft.sentence.start : draft.sentence.end]
    after = text[draft.trigger_start : draft.sentence.end]
    trigger = text[draft.trigger_start : draft.trigger_end].casefold()
    match draft.kind:
        case FactKind.HEARING:
            if "status" not in draft.values:
                draft.values["status"] = _hearing_status(trigger, sentence)
        case FactKind.VERDICT:
            verdict_values(sentence, after, trigger, draft.values)
        case FactKind.CUSTODY:
            custody_values(sentence, after, trigger, draft.values)
        case FactKind.STATEMENT:
            statement_values(context, draft, sentence)
        case FactKind.ASYLUM_STEP:
            asylum_values(text[draft.trigger_start : draft.trigger_end], after, draft.values)
        case FactKind.BORDER_CROSSING:
            crossing_values(after, draft.values)
        case FactKind.FLIGHT:
            flight_values(after, draft.values)
        case _:  # pragma: no cover - name proposals are not drafted here
            pass


def _hearing_status(trigger: str, sentence: str) -> str:
    if re.search(r"adjourn|postpon|отлож|перенес", trigger + sentence, re.I):
        return "adjourned"
    if re.search(r"scheduled|will (?:be held|begin|start)|назначен|состоится", sentence, re.I):
        return "scheduled"
    return "held"

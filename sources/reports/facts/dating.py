"""The date of each draft of a sentence: the date nearest its verb, or, after "postponed to"
or "scheduled for", a hearing's new or future date.
"""

from __future__ import annotations

import re

from sources.reports.dates import DateMention
from sources.reports.facts.draft import Context, Draft
from sources.reports.found import FactKind
from sources.reports.sentences import Sentence

_FUTURE_DATE = re.compile(
    r"\b(?P<verb>postponed|adjourned|put off|moved|scheduled|set|until|till|will be held"
    r"|отложен\w*|перенесен\w*|назначен\w*|состоится)\b[^.;]{0,25}?"
    r"\b(?:to|for|until|till|on|до|на)?\s*$",
    re.I,
)
_SCHEDULING = re.compile(r"scheduled|set|will be held|назначен|состоится", re.I)


def date_drafts(context: Context, sentence: Sentence, drafts: list[Draft]) -> None:
    text = context.text
    dates = [d for d in context.dates if sentence.start <= d.start < sentence.end]
    event_dates: list[DateMention] = []
    for mention in dates:
        before = text[max(sentence.start, mention.start - 40) : mention.start]
        if future := _FUTURE_DATE.search(before):
            value = context.years.resolve(mention, future=True)
            hearings = [d for d in drafts if d.kind == FactKind.HEARING]
            if _SCHEDULING.fullmatch(future.group("verb")):
                # "The appeal is scheduled for 5 August": the hearing's own, future date.
                for draft in hearings:
                    draft.date, draft.date_text = value, _with_preposition(text, mention)
                    draft.values["status"] = "scheduled"
                if hearings:
                    continue
            else:
                for draft in hearings:
                    if value is not None:
                        draft.values["adjourned_to"] = value.iso()
                        draft.values["status"] = "adjourned"
                continue
        event_dates.append(mention)
    if not event_dates:
        return
    owner: dict[int, int] = {}
    for date_index, mention in enumerate(event_dates):
        distances = [_distance(mention, draft) for draft in drafts]
        owner[date_index] = distances.index(min(distances))
    for draft_index, draft in enumerate(drafts):
        if draft.date is not None:
            continue  # dated by its schedule
        own = [event_dates[i] for i, o in owner.items() if o == draft_index]
        if own:
            chosen = min(own, key=lambda m: _distance(m, draft))
        elif len(event_dates) == 1 and event_dates[0].end <= draft.trigger_start:
            chosen = event_dates[0]  # "On 6 January, X did this and that"
        else:
            continue
        draft.date = context.years.resolve(chosen)
        draft.date_text = _with_preposition(text, chosen)


def _distance(mention: DateMention, draft: Draft) -> int:
    if mention.end <= draft.trigger_start:
        return draft.trigger_start - mention.end
    if mention.start >= draft.trigger_end:
        # A date after its verb ("detained on October 14") is a little closer.
        return max(0, mention.start - draft.trigger_end - 10)
    return 0


def _with_preposition(text: str, mention: DateMention) -> str:
    match = re.search(r"\b(?:on|in|since|until|by|from|в|с|до)\s+$", text[: mention.start], re.I)
    if match and match.end() - match.start() < 8:
        return text[match.start() : mention.end]
    return mention.text

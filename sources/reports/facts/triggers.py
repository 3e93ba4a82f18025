"""The verbs that make a sentence a fact of a kind, and the drafts one sentence gives.

A verb after "would", "could", "face"… is hypothetical and one after "for", "charged
with"… a charge: neither is an event. One draft of a kind per sentence, but a custody start
and end.
"""

from __future__ import annotations

import re

from sources.reports.facts.custody import RELEASE
from sources.reports.facts.dating import date_drafts
from sources.reports.facts.draft import Context, Draft
from sources.reports.facts.values import fill_values
from sources.reports.found import FactKind
from sources.reports.sentences import Sentence

_TRIGGERS: tuple[tuple[FactKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I))
    for kind, pattern in (
        (
            FactKind.VERDICT,
            r"\b(?:sentenced|convicted|found guilty|acquitted|verdict|fined\b"
            r"|ruled not to (?:deport|expel|extradite)"
            r"|приговор\w*|осужден\w*|осуждён\w*|признан\w* виновн\w*|оправдан\w*|оштрафован\w*)",
        ),
        (
            FactKind.HEARING,
            r"\b(?:hearings?|trial|court proceedings|court session)\b[^.;]{0,200}?"
            r"\b(?:began|begun|opened|started|was held|were held|took place|resumed|adjourned"
            r"|postponed|scheduled)\b"
            r"|\b(?:adjourned|postponed)\b"
            r"|\b(?:the )?(?:[A-Z][a-z]+ \d{1,2}|\d{1,2} [A-Z][a-z]+) (?:court )?"
            r"(?:hearing|proceedings)"
            r"|(?:судебное )?заседани\w*|судебный процесс|\bпроцесс\w* (?:начал|продолж)\w*"
            r"|отложен\w*|отложил\w*|перенесен\w*|перенес\w*",
        ),
        (
            FactKind.CUSTODY,
            r"\b(?:detained|arrested|taken into custody|remanded|placed under (?:house )?arrest"
            r"|under house arrest|house arrest|pre-?trial detention|in custody|in detention"
            r"|released|freed|set free"
            r"|задержа[нл]\w*|арестова[нл]\w*|поместил\w* под \w+ арест"
            r"|под домашн\w+ арест\w*|домашн\w+ арест\w*|под страж\w+"
            r"|в СИЗО|освобо[дж]\w*|освободил\w*|вышл?\w* на свободу)\b",
        ),
        (
            FactKind.STATEMENT,
            r"\b(?:said|stated|told|announced|declared|warned|promised|added"
            r"|заявил\w*|сказал\w*|сообщил\w*|отметил\w*|пообещал\w*)\b",
        ),
        (
            FactKind.ASYLUM_STEP,
            r"\b(?:applied for asylum|sought asylum|asked for asylum|requested asylum"
            r"|filed (?:an? )?(?:asylum|refugee)\w* (?:claim|application|request)"
            r"|(?:asylum|refugee)[- ](?:request|application|claim|seeker status|status)s?\b"
            r"[^.;]{0,60}?\b(?:pending|registered|granted|refused|rejected|denied|turned down)"
            r"|application for asylum[^.;]{0,30}?\b(?:was|were|is|has been)\b[^.;]{0,20}?"
            r"\b(?:turned down|refused|rejected|denied|granted|registered|pending)"
            r"|(?:refused|denied|granted|rejected)\b[^.;]{0,15}\basylum"
            r"|убежищ\w*|статус\w* беженца)",
        ),
        (
            FactKind.BORDER_CROSSING,
            r"\b(?:crossed|crossing|entered)\b[^.;]{0,40}?\bborder\w*"
            r"|\bentered (?:Kazakhstan|the country)"
            r"|пересек\w*[^.;]{0,30}границ\w*|перешл?\w*[^.;]{0,30}границ\w*",
        ),
        (
            FactKind.FLIGHT,
            r"\b(?:fled|escaped from|ran away from)\b|\b(?:бежал\w*|сбежал\w*)\b",
        ),
    )
)

# Words before a verb that make it hypothetical or a charge rather than an event.
_HYPOTHETICAL = re.compile(
    r"\b(?:would|could|might|may|will|risk of|face|facing|fear\w*|if|must|should|be"
    r"|for|of|with|charges?|charged|accused|prosecut\w*|about|against|за|по обвинению)\W+"
    r"(?:\w+\W+){0,2}$",
    re.I,
)
_CHARGE_CONTEXT = re.compile(
    r"\b(?:for|of|with|charges? of|charged with|accused of|prosecuted for|за)\W+(?:\w+\W+){0,2}$",
    re.I,
)

_EVENTS_THAT_HAPPEN = (
    FactKind.BORDER_CROSSING,
    FactKind.CUSTODY,
    FactKind.FLIGHT,
    FactKind.ASYLUM_STEP,
)


def drafts_for(context: Context, sentence: Sentence) -> list[Draft]:
    text = context.text
    body = text[sentence.start : sentence.end]
    drafts: list[Draft] = []
    taken: list[tuple[int, int]] = []
    seen_edges: set[str] = set()
    for kind, pattern in _TRIGGERS:
        for match in pattern.finditer(body):
            start, end = sentence.start + match.start(), sentence.start + match.end()
            if any(start < b and a < end for a, b in taken):
                continue
            prefix = text[max(sentence.start, start - 40) : start]
            if kind in _EVENTS_THAT_HAPPEN and _HYPOTHETICAL.search(prefix):
                continue
            if kind == FactKind.VERDICT and _CHARGE_CONTEXT.search(prefix):
                continue
            if kind == FactKind.CUSTODY:
                edge = "end" if RELEASE.search(match.group()) else "start"
                if edge in seen_edges:
                    continue
                seen_edges.add(edge)
            elif any(d.kind == kind for d in drafts):
                continue  # one fact of a kind per sentence, but a custody start and end
            taken.append((start, end))
            drafts.append(Draft(kind, sentence, start, end, start=sentence.start, end=sentence.end))
    if not drafts:
        return []
    date_drafts(context, sentence, drafts)
    for draft in drafts:
        fill_values(context, draft)
    return [d for d in drafts if d.kind != FactKind.STATEMENT or "speaker_id" in d.values]

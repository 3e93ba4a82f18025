"""Proposals about names: a new person, or a new spelling close to a known person's."""

from __future__ import annotations

from collections.abc import Sequence

from sources.reports.found import CandidateFact, EntityKind, FactKind, Mention
from sources.reports.sentences import Sentence


def name_proposals(
    text: str, mentions: Sequence[Mention], sentences: Sequence[Sentence]
) -> list[CandidateFact]:
    facts: list[CandidateFact] = []
    seen: set[str] = set()
    for mention in mentions:
        if mention.kind != EntityKind.PERSON or mention.entity_id is not None:
            continue
        key = " ".join(mention.text.split()).casefold()
        if key in seen:
            continue
        seen.add(key)
        sentence = next(
            (s for s in sentences if s.start <= mention.start < s.end),
            Sentence(mention.start, mention.end, 0),
        )
        name = " ".join(mention.text.split())
        if mention.close_to_id is not None:
            kind = FactKind.NEW_VARIANT
            values: dict[str, object] = {"person_id": mention.close_to_id, "name": name}
        else:
            kind = FactKind.NEW_PERSON
            values = {"name": name}
        facts.append(
            CandidateFact(
                kind=kind,
                quote=text[sentence.start : sentence.end],
                start=sentence.start,
                end=sentence.end,
                values=values,
            )
        )
    return facts

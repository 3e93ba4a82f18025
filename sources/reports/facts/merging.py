"""One fact per kind, date and persons; a sentence that completes the fact before it joins it."""

from __future__ import annotations

from sources.reports.facts.draft import Draft
from sources.reports.found import CandidateFact, FactKind


def merge(drafts: list[Draft]) -> list[CandidateFact]:
    """One fact per kind, date and persons; sentences that complete the fact before them."""
    kept: list[Draft] = []
    for draft in drafts:
        previous = _completes(kept, draft)
        if previous is not None:
            for key, value in draft.values.items():
                if key == "status" and previous.values.get("status") == "held":
                    previous.values[key] = value
                previous.values.setdefault(key, value)
            previous.end = max(previous.end, draft.end)
            continue
        duplicate = next(
            (
                k
                for k in kept
                if k.kind == draft.kind
                and k.date == draft.date
                and set(draft.person_ids) <= set(k.person_ids)
                and k.date is not None
                and k.values.get("edge") == draft.values.get("edge")
            ),
            None,
        )
        if duplicate is not None:
            for key, value in draft.values.items():
                duplicate.values.setdefault(key, value)
            continue
        kept.append(draft)
    kept = [d for d in kept if d.person_ids or d.kind == FactKind.STATEMENT]
    return [
        CandidateFact(
            kind=d.kind,
            quote="",
            start=d.start,
            end=d.end,
            date=d.date,
            date_text=d.date_text,
            person_ids=d.person_ids,
            values=d.values,
        )
        for d in kept
    ]


def _completes(kept: list[Draft], draft: Draft) -> Draft | None:
    """The hearing an undated "the hearing was adjourned … to January 21" continues, or the
    verdict an undated "the court ruled not to deport them" completes (within two sentences)."""
    if draft.date is not None or not kept:
        return None
    previous = kept[-1]
    if previous.sentence.paragraph != draft.sentence.paragraph and previous.kind != draft.kind:
        return None
    if previous.end < draft.start - 600:
        return None
    if draft.kind == FactKind.HEARING and previous.kind == FactKind.HEARING:
        return previous
    if draft.kind == FactKind.VERDICT and previous.kind == FactKind.VERDICT:
        return previous
    return None

"""Candidate facts read from a report's text by rules: offline, English and Russian.

The text is split into sentences (`sources.reports.sentences`, robust to a PDF's hard-wrapped
lines); each sentence is searched for the verbs of the domain and for dates
(`sources.reports.dates`). A verb gives a fact of its kind; the fact takes the date nearest to
its verb (a date nearer another verb belongs to that one; a sentence with one date dates every
fact in it), the persons mentioned in the sentence, and, when the sentence names no one but
says "the two men", "they", "she"…, the persons of the sentences before (a plural needs two).
Hypotheticals ("would face detention") and charges ("for illegally crossing the border") are
not events. Facts of the same kind, date and persons are merged; a sentence that only adjourns
("The hearing was adjourned … postponed to January 21") or only rules out expulsion completes
the hearing or verdict just before it.

`CandidateFact.values` keys by kind, named after the model fields they fill:

- HEARING (hearings.models.Hearing): ``status`` "held" | "adjourned" | "scheduled"
  (HearingStatus), ``adjourned_to`` ISO partial date of the new date, or absent.
- VERDICT (hearings.models.Sentence): ``kind`` "imprisonment" | "suspended" | "fine" |
  "restriction" (SentenceKind), ``term_years``, ``term_months``, ``term_days`` (ints, present
  when a term is written), ``expulsion`` "ruled_out" | "ordered" (Expulsion; absent when not
  addressed), ``convicted`` True/False (acquitted), ``fine_amount`` (str) and
  ``fine_currency`` (ISO 4217) when written.
- CUSTODY (cases.models.CustodyInterval): ``custody_kind`` "arrest" | "pretrial" |
  "house_arrest" | "prison" | "" (CustodyKind; "arrest" is detention on arrest), ``edge``
  "start" (the date starts the interval) | "end" (a release), ``place`` as written or "".
- STATEMENT (people.models.Statement): ``speaker_id`` (person id), ``office`` as written or
  "", ``stance`` (Stance: "will_return", "no_return", "denial", "demand", "other"…),
  ``quote`` the quoted words if any (joined by " … "), ``language``. `person_ids` are the
  persons spoken about.
- ASYLUM_STEP (cases.models.AsylumClaimStep): ``status`` "filed" | "registered" | "pending" |
  "granted" | "refused" | "appealed" (AsylumStatus); ``host_country`` ISO code when written
  ("asylum in Kazakhstan": "KZ").
- BORDER_CROSSING and FLIGHT (people.models.LifeEvent): ``place`` as written or "" (for a
  flight, the place fled), ``from_country`` and ``to_country`` ISO codes when written
  ("between China and Kazakhstan", "fled China").
- NEW_PERSON: ``name`` as written. NEW_VARIANT: ``person_id`` and ``name`` (a new spelling
  close to a known person's, to be confirmed).

Every event fact has at least one person (a statement: a speaker); `quote` is the sentence as
it stands in the text (two sentences when one completes the other), `start`/`end` its offsets.
"""

from __future__ import annotations

from dataclasses import replace

from core.partial_dates import PartialDate
from sources.reports.dates import YearContext, find_dates, plain_spaces
from sources.reports.facts.custody import release_kinds
from sources.reports.facts.draft import Context, Draft
from sources.reports.facts.merging import merge
from sources.reports.facts.names import name_proposals
from sources.reports.facts.persons import anaphora, persons_in
from sources.reports.facts.triggers import drafts_for
from sources.reports.found import CandidateFact, EntityKind, FactKind, Mention
from sources.reports.sentences import Sentence, split_sentences

__all__ = ["extract_facts"]


def extract_facts(
    text: str, *, mentions: list[Mention], report_date: PartialDate | None
) -> list[CandidateFact]:
    """Candidate facts of `text`: events with dates and persons, then name proposals."""
    try:
        return _extract(text, mentions, report_date)
    except RecursionError:  # pragma: no cover - pathological input; nothing to propose
        return []


def _extract(
    text: str, mentions: list[Mention], report_date: PartialDate | None
) -> list[CandidateFact]:
    original, text = text, plain_spaces(text)
    sentences = split_sentences(text)
    dates = find_dates(text)
    context = Context(text, mentions, dates, YearContext(text, dates, report_date))
    known = [m for m in mentions if m.kind == EntityKind.PERSON and m.entity_id is not None]
    drafts: list[Draft] = []
    history: list[tuple[Sentence, tuple[int, ...]]] = []
    for index, sentence in enumerate(sentences):
        named = persons_in(known, sentence.start, sentence.end)
        sentence_drafts = drafts_for(context, sentence)
        speakers = {d.values.get("speaker_id") for d in sentence_drafts}
        subjects = tuple(p for p in named if p not in speakers)
        body = text[sentence.start : sentence.end]
        if not subjects:
            subjects = anaphora(body, sentence, history, sentences[index + 1 :], known)
        history.append((sentence, subjects))
        for draft in sentence_drafts:
            draft.person_ids = subjects
        # A sentence naming no one can still continue the fact before it ("The hearing was
        # adjourned … to January 21"): merge() joins it or drops it.
        drafts.extend(d for d in sentence_drafts if d.person_ids or _may_continue(d))
    release_kinds(drafts)
    facts = [replace(f, quote=original[f.start : f.end]) for f in merge(drafts)]
    facts.extend(name_proposals(original, mentions, sentences))
    return facts


def _may_continue(draft: Draft) -> bool:
    return draft.kind == FactKind.STATEMENT or (
        draft.date is None and draft.kind in (FactKind.HEARING, FactKind.VERDICT)
    )

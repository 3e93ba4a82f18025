"""Full-text search of source reports: the words, a few filters, ranked and highlighted.

Each source keeps a search document computed by the database (`Source.search_document`: the
title at weight A, the text at weight B, in the configuration of its language, GIN-indexed).
A search runs two queries whatever the number of matches:

1. The page's ids. The words are parsed as a web search (`"a phrase"`, `or`, `-word`) in every
   configuration a document may have been indexed with, OR'ed, so an English, a Russian or an
   unstemmed document each match in their own terms. Ranking reads each matched document's
   whole vector (`ts_rank_cd`), which for a word found in most reports would mean reading all
   of them on every search. So the ranking is capped: the matches are found, the `RANK_CAP`
   most recently published of them are kept (a top-N sort on the publication date), and only
   those are ranked. A word that matches more reports than that ranks the most recent ones and
   the page says so; narrowing the words or the filters reaches the rest. Pages are small and
   never go past the cap, so OFFSET stays bounded. Measured with 20,000 copies of the demo
   reports: about 150 ms for a word found in all of them, 5 ms for a rare one. Most of those
   150 ms was the match itself, every document read; the `source_recent_first` index lets a
   word found in most reports walk the sources newest first and stop at the cap instead (full
   scale, 100,000 reports, "court": 510 ms → 40 ms), while rarer words keep the GIN index.
2. The rows of that one page, with `ts_headline` run on them only: highlighting costs a parse
   of the whole text, so it is never computed for the rest of the matched set.

Highlights are built safely: PostgreSQL marks the matched words with private-use characters,
the passage is escaped as plain text, and only then do the markers become `<mark>` tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import (
    CombinedSearchQuery,
    SearchHeadline,
    SearchQuery,
    SearchRank,
)
from django.db import models
from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models import Count, Exists, F, OuterRef, Q, Value, When, Window
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cases.models import AsylumClaim, CaseParticipant, Charge, CustodyInterval
from core.access import visible_facts
from core.partial_dates import PartialDate
from hearings.models import Sentence
from people.models import (
    Affiliation,
    LifeEvent,
    NameVariant,
    Organization,
    Person,
    ReportedAge,
    Statement,
)
from sources.models import SEARCH_CONFIGS, Citation, Source

if TYPE_CHECKING:
    from accounts.models import User

PAGE_SIZE = 20
# How many matches are ranked at most (the most recently published ones); see the module notes.
RANK_CAP = 2000
# The configurations a query is parsed in: those of the documents, and 'simple' for the rest.
QUERY_CONFIGS = (*SEARCH_CONFIGS.values(), "simple")
MAX_PAGE = (RANK_CAP + 1 + PAGE_SIZE - 1) // PAGE_SIZE

# The facts of a person that citations can point at, and the field naming the person. A
# source "mentions" a person when it is cited for the person, one of their names, or one of
# these facts, as far as the user may see the fact (`core.access.visible_facts`).
PERSON_FACTS: dict[type[models.Model], str] = {
    Person: "pk",
    NameVariant: "person",
    ReportedAge: "person",
    Affiliation: "person",
    LifeEvent: "person",
    CustodyInterval: "person",
    AsylumClaim: "person",
    Statement: "speaker",
    CaseParticipant: "person",
    Charge: "defendant",
    Sentence: "defendant",
}

# Private-use characters: ts_headline wraps matches in them and separates fragments with the
# third; `highlight` turns them into tags after escaping the rest.
START_SEL = "\ue000"
STOP_SEL = "\ue001"
FRAGMENT_SEP = "\ue002"
_MARKED = re.compile(f"{START_SEL}([^{START_SEL}{STOP_SEL}]*){STOP_SEL}")
_MARKERS = re.compile(f"[{START_SEL}{STOP_SEL}{FRAGMENT_SEP}]")


def highlight(fragment: str) -> SafeString:
    """A ts_headline fragment as HTML: everything escaped, marked words in `<mark>`.

    Only well-formed marker pairs become tags; a stray marker (one a report's own text might
    hold) is dropped, so the output always has balanced tags."""
    escaped = escape(fragment)  # leaves the private-use markers alone
    marked = _MARKED.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(_MARKERS.sub("", marked))  # noqa: S308 - escaped above


def passages(headline: str) -> list[SafeString]:
    """The highlighted passages of a ts_headline result made of several fragments."""
    return [highlight(part.strip()) for part in headline.split(FRAGMENT_SEP) if part.strip()]


@dataclass(frozen=True)
class ReportQuery:
    """What the user asked: the words (possibly none) and the filters."""

    words: str = ""
    publisher: Organization | None = None
    kind: str = ""
    published_from: PartialDate | None = None
    published_to: PartialDate | None = None
    person: Person | None = None
    page: int = 1


@dataclass(frozen=True)
class Hit:
    source: Source
    title: SafeString
    passages: list[SafeString] = field(default_factory=list)


@dataclass(frozen=True)
class SearchResults:
    hits: list[Hit]
    page: int
    matched: int  # matches counted up to the cap: cap + 1 means "more than cap"
    has_next: bool
    cap: int

    @property
    def capped(self) -> bool:
        return self.matched > self.cap

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def first_number(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1


def ts_query(words: str) -> CombinedSearchQuery | SearchQuery:
    queries = [SearchQuery(words, search_type="websearch", config=c) for c in QUERY_CONFIGS]
    combined: CombinedSearchQuery | SearchQuery = queries[0]
    for query in queries[1:]:
        combined = combined | query
    return combined


def document_config() -> models.Case:
    """The configuration each source's document was built with, for its headline."""
    return models.Case(
        *[When(language=code, then=Value(config)) for code, config in SEARCH_CONFIGS.items()],
        default=Value("simple"),
    )


def mentions(user: User, person: Person) -> Exists:
    """Sources cited for the person, a name of theirs or a fact of theirs the user may see."""
    types = ContentType.objects.get_for_models(*PERSON_FACTS)
    cited = Q(pk__in=[])
    for model, lookup in PERSON_FACTS.items():
        facts = visible_facts(user, model)
        if facts is not None:
            ids = facts.filter(**{lookup: person.pk}).values("pk").order_by()
            cited |= Q(content_type=types[model], object_id__in=ids)
    return Exists(Citation.objects.filter(cited, source=OuterRef("pk")))


def published_between(start: PartialDate | None, end: PartialDate | None) -> Q:
    """Sources whose publication date may fall in the period (their range overlaps it)."""
    if start is None and end is None:
        return Q()
    lower = None if start is None else start.earliest
    upper = None
    if end is not None and end.latest != date.max:
        upper = end.latest + timedelta(days=1)
    return Q(published__overlap=DateRange(lower, upper, "[)"))


def filtered_sources(user: User, query: ReportQuery) -> models.QuerySet[Source]:
    sources = Source.objects.visible_to(user)
    if query.publisher is not None:
        sources = sources.filter(publisher=query.publisher)
    if query.kind:
        sources = sources.filter(kind=query.kind)
    sources = sources.filter(published_between(query.published_from, query.published_to))
    if query.person is not None:
        sources = sources.filter(mentions(user, query.person))
    return sources


def search_reports(user: User, query: ReportQuery) -> SearchResults:
    """One page of the sources the user may see that match the words and filters, best first
    (most recent first when there are no words)."""
    cap = RANK_CAP
    page = max(1, min(query.page, MAX_PAGE))
    words = query.words.strip()
    tsquery = ts_query(words) if words else None
    sources = filtered_sources(user, query)
    if tsquery is not None:
        sources = sources.filter(search_document=tsquery)
    recent_first = [F("published").desc(nulls_last=True), F("pk").desc()]
    candidates = sources.order_by(*recent_first).values("pk")[: cap + 1]
    ranked = Source.objects.filter(pk__in=candidates).annotate(matched=Window(Count("*")))
    order = recent_first
    if tsquery is not None:
        ranked = ranked.annotate(rank=SearchRank(F("search_document"), tsquery, cover_density=True))
        order = [F("rank").desc(), *recent_first]
    start = (page - 1) * PAGE_SIZE
    rows = list(ranked.order_by(*order).values_list("pk", "matched")[start : start + PAGE_SIZE])
    if not rows:
        return SearchResults(hits=[], page=page, matched=0, has_next=False, cap=cap)
    matched = rows[0][1]
    ids = [pk for pk, _ in rows]
    return SearchResults(
        hits=_page_hits(ids, tsquery),
        page=page,
        matched=matched,
        has_next=start + PAGE_SIZE < matched,
        cap=cap,
    )


def _page_hits(ids: list[int], tsquery: CombinedSearchQuery | SearchQuery | None) -> list[Hit]:
    rows = (
        Source.objects.filter(pk__in=ids)
        .select_related("publisher")
        .defer("text", "notes", "search_document")
        .order_by()
    )
    if tsquery is None:
        return [Hit(source, escape(source.title)) for source in _in_order(rows, ids)]
    config = document_config()
    rows = rows.annotate(
        title_headline=SearchHeadline(
            "title",
            tsquery,
            config=config,
            highlight_all=True,
            start_sel=START_SEL,
            stop_sel=STOP_SEL,
        ),
        text_headline=SearchHeadline(
            "text",
            tsquery,
            config=config,
            max_fragments=2,
            max_words=30,
            min_words=12,
            fragment_delimiter=FRAGMENT_SEP,
            start_sel=START_SEL,
            stop_sel=STOP_SEL,
        ),
    )
    hits = []
    for source in _in_order(rows, ids):
        title: str = getattr(source, "title_headline")  # noqa: B009 - an annotation
        text: str = getattr(source, "text_headline")  # noqa: B009
        hits.append(Hit(source, highlight(title), passages(text) if _has_mark(text) else []))
    return hits


def _has_mark(headline: str) -> bool:
    # Without a match in the text ts_headline returns its first words: a title-only match
    # shows no passage rather than an unrelated opening.
    return START_SEL in headline


def _in_order(rows: models.QuerySet[Source], ids: list[int]) -> list[Source]:
    by_pk = {source.pk: source for source in rows}
    return [by_pk[pk] for pk in ids if pk in by_pk]

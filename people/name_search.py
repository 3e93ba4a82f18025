"""Find persons and organizations by any spelling of their names.

The keys come from `people.names`; the database compares them: equal keys first (a
transliteration), then pg_trgm similarity for typos, through the GIN trigram index on
`search_key`, skipped when equal keys (btree indexes) already fill the page. At most four
queries for persons (visibility applied in the same queries) and one for organizations,
whatever the number of names stored.

Distinct persons are never merged: each person is one result, with the stored variant that
matched best, why it matched and a score; a similar name of another person is a separate,
lower-ranked result.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Greatest

from people.models import NameFields, NameVariant, OrganizationName, Person
from people.names import match_key, normalise

if TYPE_CHECKING:
    from accounts.models import User

N = TypeVar("N", bound=NameFields | Person)

# Candidates read from the database per kind; results shown after ranking.
CANDIDATES = 200
RESULTS = 20
# Names read per combination of all query words but one, when nothing closer was found.
FALLBACK_PER_COMBINATION = 500
# A fuzzy match needs every query word at least this close to a word of the name.
FUZZY_MIN_WORD = 0.8


class MatchKind(StrEnum):
    EXACT = "exact"  # the spelling, up to case, diacritics and punctuation
    TRANSLITERATED = "transliterated"  # the same key: another script or transliteration
    FUZZY = "fuzzy"  # close keys: a typo or an unusual transliteration


_RANK = {MatchKind.EXACT: 0, MatchKind.TRANSLITERATED: 1, MatchKind.FUZZY: 2}


@dataclass(frozen=True)
class NameMatch:
    entity: str  # "person" or "organization"
    id: int
    display_name: str
    matched_variant: str
    match_kind: MatchKind
    score: float
    url: str = ""

    @property
    def sort_key(self) -> tuple[int, float, str]:
        return (_RANK[self.match_kind], -self.score, self.display_name.casefold())

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "display_name": self.display_name,
            "matched_variant": self.matched_variant,
            "match_kind": str(self.match_kind),
            "score": self.score,
        }


@lru_cache(maxsize=65536)
def classify(query: str, variant_text: str, variant_key: str) -> tuple[MatchKind, float]:
    """Why a stored variant matches the query, and how well (0 to 1).

    Pure and cached: a report names the same few persons over and over, and thousands of
    persons share the commonest spellings.

    Fuzzy matches are judged word by word: every word of the query must be close to some word
    of the name ("Kastr" to "Kaster"), so "Murat Alimov" does not match "Murager Alimuly" on
    the strength of a shared surname. A query one word longer than a name of two words or more
    (a patronymic the source left out) is judged the other way round, every word of the name
    against the query's."""
    query_words = normalise(query).split()
    variant_words = normalise(variant_text).split()
    query_keys = match_key(query).split()
    variant_keys = variant_key.split()
    # A partial name ("Kaster") matches fully but scores by how much of the name it covers.
    coverage = min(1.0, len(query_keys) / max(1, len(variant_keys)))
    if query_words and set(query_words) <= set(variant_words):
        return MatchKind.EXACT, round(0.5 + 0.5 * coverage, 3)
    if query_keys and set(query_keys) <= set(variant_keys):
        return MatchKind.TRANSLITERATED, round(0.5 + 0.5 * coverage, 3)
    judged, against = query_keys, variant_keys
    if len(query_keys) == len(variant_keys) + 1 and len(variant_keys) >= 2:
        judged, against = variant_keys, query_keys
        coverage = len(variant_keys) / len(query_keys)
    closeness = [max((word_similarity(j, a) for a in against), default=0.0) for j in judged]
    if not closeness or min(closeness) < FUZZY_MIN_WORD:
        return MatchKind.FUZZY, 0.0
    return MatchKind.FUZZY, round(coverage * sum(closeness) / len(closeness), 3)


def word_similarity(a: str, b: str) -> float:
    """How alike two word keys are (0 to 1): difflib's ratio of matching characters."""
    return SequenceMatcher(None, a, b).ratio()


def _close_to_every_word(words: list[str]) -> Q:
    """Names holding, for each of `words`, a word that shares most of its trigrams (pg_trgm's
    `%>`, word similarity 0.5 or more, set on the connection in `config/settings.py`): what
    `classify` asks of a fuzzy match, read through
    the GIN trigram index in one scan. Matching the whole key instead (`%`) drowns a rare
    surname among the tens of thousands of names sharing its common given name and
    patronymic (0.7 s against 25 ms on a million variants)."""
    condition = Q()
    for word in words:
        condition &= Q(search_key__trigram_word_similar=word)
    return condition


def _every_word_but_one(names: QuerySet[N], words: list[str]) -> Q:
    """Names close to all words of the key but one: the patronymic a name may leave out
    (which `classify` forgives a query of three words or more), or a word whose letters were
    swapped ("Sautybai" for "Sauytbai" shares too few trigrams, though `classify` finds it
    close). A common given name alone matches thousands of names, so each combination of
    words is read up to FALLBACK_PER_COMBINATION names: one with a rare word gives all of
    its names, and the cost stays bounded (tens of milliseconds on a million variants)."""
    combinations = [
        names.filter(_close_to_every_word(words[:left_out] + words[left_out + 1 :]))
        .order_by()
        .values("pk")[:FALLBACK_PER_COMBINATION]
        for left_out in range(len(words))
    ]
    first, *others = combinations
    return Q(pk__in=first.union(*others, all=True))


def _candidates(names: QuerySet[N], key: str, *, all_words: bool = True) -> QuerySet[Any]:
    words = key.split()
    close = _close_to_every_word(words) if all_words else _every_word_but_one(names, words)
    return (
        names.filter(Q(search_key=key) | close)
        .annotate(
            similarity=Greatest(
                TrigramSimilarity("search_key", key), TrigramWordSimilarity(key, "search_key")
            )
        )
        .order_by("-similarity", "pk")
    )


def _best_per_entity(matches: list[NameMatch]) -> list[NameMatch]:
    best: dict[tuple[str, int], NameMatch] = {}
    for match in matches:
        current = best.get((match.entity, match.id))
        if current is None or match.sort_key < current.sort_key:
            best[(match.entity, match.id)] = match
    return sorted(best.values(), key=lambda m: m.sort_key)


def _keep(kind: MatchKind, score: float) -> bool:
    return kind != MatchKind.FUZZY or score > 0


def search_people(user: User, query: str, limit: int = RESULTS) -> list[NameMatch]:
    """Persons the user may see whose names match `query`, best first."""
    return search_people_among(_visible_persons(user), query, limit)


def _visible_persons(user: User) -> QuerySet[Person]:
    """The persons of `Person.objects.visible_to(user)`, tested one candidate at a time
    through indexes (public figure, in a case assigned to the user or followed by their
    organization, followed by their organization): thousands of persons share a common name,
    and the set of every person an organization may see is the slow part (0.2 s at full
    scale)."""
    if not user.is_authenticated or not user.has_role or user.is_vigil_admin:
        return Person.objects.visible_to(user)
    from cases.models import Case, CaseAssignment, CaseParticipant

    case_visible = Q(Exists(CaseAssignment.objects.filter(case=OuterRef("case_id"), user=user)))
    if user.organization_id is not None:
        case_visible |= Q(
            Exists(
                Case.watched_by.through.objects.filter(
                    case=OuterRef("case_id"), organization=user.organization_id
                )
            )
        )
    visible = Q(is_public_figure=True) | Q(
        Exists(CaseParticipant.objects.filter(case_visible, person=OuterRef("pk")))
    )
    if user.organization_id is not None:
        visible |= Q(
            Exists(
                Person.watched_by.through.objects.filter(
                    person=OuterRef("pk"), organization=user.organization_id
                )
            )
        )
    return Person.objects.filter(visible)


def search_people_among(
    persons: QuerySet[Person], query: str, limit: int = RESULTS
) -> list[NameMatch]:
    """Persons of `persons` whose names (variants and display name) match `query`, best
    first.

    Equal keys first, through the btree indexes on `search_key` (two queries, bounded: the
    commonest name is shared by thousands of persons). When they already give `limit` exact
    spellings, nothing can rank above them and the trigram pass over every stored name (a
    second pair of queries, the slow part) is skipped."""
    key = match_key(query)
    if not key:
        return []
    variants = NameVariant.objects.filter(person__in=persons)
    matches = _person_matches(
        query,
        persons.filter(search_key=key).order_by("pk"),
        variants.filter(search_key=key).order_by("person_id", "pk"),
    )
    exact = {m.id for m in matches if m.match_kind == MatchKind.EXACT and m.score == 1}
    if len(exact) < limit:
        matches += _person_matches(query, _candidates(persons, key), _candidates(variants, key))
    if not matches and len(key.split()) >= 2:
        matches = _person_matches(
            query,
            _candidates(persons, key, all_words=False),
            _candidates(variants, key, all_words=False),
        )
    return _best_per_entity(matches)[:limit]


def _person_matches(
    query: str, by_display: QuerySet[Person], variants: QuerySet[NameVariant]
) -> list[NameMatch]:
    """Classified matches among the first CANDIDATES display names and variants."""
    matches = []
    # The display name counts as a spelling too: a person with no variant recorded yet.
    for person in by_display[:CANDIDATES]:
        kind, score = classify(query, person.display_name, person.search_key)
        if _keep(kind, score):
            matches.append(
                NameMatch(
                    "person",
                    person.pk,
                    person.display_name,
                    person.display_name,
                    kind,
                    score,
                    person.get_absolute_url(),
                )
            )
    for variant in variants.select_related("person")[:CANDIDATES]:
        kind, score = classify(query, variant.text, variant.search_key)
        if _keep(kind, score):
            person = variant.person
            matches.append(
                NameMatch(
                    "person",
                    person.pk,
                    person.display_name,
                    variant.text,
                    kind,
                    score,
                    person.get_absolute_url(),
                )
            )
    return matches


def search_organizations(user: User, query: str, limit: int = RESULTS) -> list[NameMatch]:
    """Organizations whose names match `query` (every staff member may see organizations)."""
    key = match_key(query)
    if not key or not user.is_authenticated or not user.has_role:
        return []
    names = _candidates(OrganizationName.objects.all(), key).select_related("organization")
    matches = []
    for name in names[:CANDIDATES]:
        kind, score = classify(query, name.text, name.search_key)
        if _keep(kind, score):
            matches.append(
                NameMatch(
                    "organization",
                    name.organization.pk,
                    name.organization.name,
                    name.text,
                    kind,
                    score,
                )
            )
    return _best_per_entity(matches)[:limit]


def search_names(user: User, query: str, limit: int = RESULTS) -> list[NameMatch]:
    """Persons and organizations together, ranked alike (two queries)."""
    both = search_people(user, query, limit) + search_organizations(user, query, limit)
    return sorted(both, key=lambda m: m.sort_key)[:limit]

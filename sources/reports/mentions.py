"""Names in a report's text matched against the people and organizations in the database.

The gazetteer may hold hundreds of thousands of persons and a million name variants, so it is
never loaded: the text proposes candidate spans and the database answers for all of them in a
constant number of queries per report (five, whatever the text's length):

1. Candidate spans are runs of capitalised words, Latin or Cyrillic, one to four words for a
   person's name and up to seven for an organization's ("Committee of National Security",
   "Border Service of the National Security Committee"), with "of", "the", "against"… allowed
   inside. Each span's match key (`people.names.match_key`: scripts, transliterations, kh/h,
   -uly/-ov endings folded) is computed, plus keys with Russian case endings removed for
   Cyrillic words ("Дильманова" is "Дильманов").
2. One query each for person variants (`NameVariant.search_key`), persons' display names
   (`Person.search_key`) and organization names (`OrganizationName.search_key`) by equal key,
   and one for organizations' main names (`Organization.name`, case-insensitively).
3. The longest matching spans win; a word of a person's name found on its own elsewhere in the
   text ("Musakhanuly, 31, and Alimuly, 25" after "Kaster Musakhanuly and Murager Alimuly") is a
   mention of that person when no other person mentioned shares the word.
4. Runs of two or three name-like words that matched nothing ("Khadisha Akaeva") are unknown
   names; one trigram query (through the GIN trigram indexes) finds, for each, the nearest
   known person, set as `close_to_id` when `people.name_search.classify` judges the spelling a
   close fuzzy match ("Kaster Musakhanuli").

A name shared by several persons gives one mention per person (at most `MAX_HOMONYMS`, best
match first) with the same offsets: same name is not proof of same person, the reviewer
chooses.

Mentions are not filtered by what a user may see: importing a report is an admin action and
the import's review pages are for admins only. Do not show these results to other roles
without applying `Person.objects.visible_to(user)`.
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models.functions import Lower

from people.models import NameVariant, Organization, OrganizationName, Person
from people.name_search import MatchKind, classify
from people.names import match_key, normalise, token_key, token_keys
from sources.reports.found import EntityKind, Mention

MAX_PERSON_WORDS = 4
MAX_ORGANIZATION_WORDS = 7
MAX_HOMONYMS = 3
# An unknown name is close to a known person from this fuzzy score (classify's 0 to 1).
CLOSE_SCORE = 0.85
MAX_UNKNOWN_LOOKUPS = 200

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_CONNECTORS = {"of", "the", "for", "and", "against", "on", "in", "de", "du", "al", "по", "и"}
_POSSESSIVE = re.compile(r"['’]s$")
# Russian case endings tried off a Cyrillic word: "Дильманова", "Билаша", "Мусаханулы" stays.
_RUSSIAN_ENDINGS = re.compile(r"(?:ом|ем|ым|им|ой|ей|ою|а|я|у|ю|е)$")


# Capitalised words that are not names: function words that start sentences, months, titles,
# words of organizations, documents and places. A run holding one of them is not an unknown
# person's name (known names are still found by key).
def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_NOT_NAME_WORDS = _word_set(
    """
    a an the on in at by for from of to with as but and or if when while after before during
    since until both two three this that these those it he she they we you our their his her
    its my your such update however furthermore moreover also according due then there here
    what who whom which where why how all any each every no not one some many most more other
    another said says according yes no please see read more share print donate skip menu
    mr mrs ms dr sir madam miss prof
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday today yesterday
    president vice deputy chief director head minister judge prosecutor lawyer general
    chairman chair secretary ambassador commissioner senator spokesperson spokesman officer
    official researcher advocacy advocate coordinator manager editor reporter correspondent
    leader founder member activist defender special rapporteur
    committee service court ministry office watch international rights human security national
    council convention conventions declaration protocol union nations united republic party
    agency department government parliament university institute foundation centre center
    association organization organisation news radio television times post bureau police
    border prison camp camps code criminal article law act region autonomous district province
    city town street avenue affairs justice foreign internal federal state states commission
    assembly group network amnesty press media release statement index number review session
    universal periodic working talking points recommendations resources information contact
    issue cost failure treatment prosecuting protect protecting asylum refugee refugees
    seekers torture status covenant civil political economic social cultural supreme appeal
    appeals district regional city military public ngo un usa eu osce
    kazakh kazakhs kazakhstani uighur uighurs uyghur uyghurs chinese muslim muslims turkic
    russian american european german swedish uzbek kyrgyz tajik
    kazakhstan china xinjiang almaty astana nur sultan zaysan zharkent taldykorgan shymkent
    karaganda pavlodar semey oskemen urumqi beijing russia moscow uzbekistan kyrgyzstan
    tajikistan turkmenistan afghanistan turkey sweden germany berlin europe asia central
    east west north south eastern western northern southern america washington geneva london
    people peoples xuar uar
    январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь
    января февраля марта апреля мая июня июля августа сентября октября ноября декабря
    в на по и с о об от до для при после перед когда однако также это этот эта они он она
    суд суда комитет комитета служба службы министерство прокуратура республика республики
    казахстан казахстана китай китая синьцзян алматы астана зайсан кнб оон
    """
)


# Words that never start a name, though a sentence may start with them: fewer keys to look up.
_NEVER_FIRST = _word_set(
    """
    a an on in at by for from to with as but and or if when while after before during since
    until update however furthermore moreover also according due this that these those it he
    she they we our their his her its such both
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    в на по и с о об от до для при после перед когда однако также это этот эта они он она
    января февраля марта апреля мая июня июля августа сентября октября ноября декабря
    """
)


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int
    capitalised: bool
    upper: bool
    cyrillic: bool

    @property
    def bare(self) -> str:
        return _POSSESSIVE.sub("", self.text)


@dataclass(frozen=True)
class _Span:
    tokens: tuple[_Token, ...]

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end

    def text_in(self, text: str) -> str:
        end = self.end
        last = self.tokens[-1]
        if _POSSESSIVE.search(last.text):
            end -= 2
        return text[self.start : end]

    @property
    def words(self) -> int:
        return sum(1 for token in self.tokens if token.text.casefold() not in _CONNECTORS)


@dataclass(frozen=True)
class _Hit:
    """One stored spelling and every person (or organization) who has it, ids ascending."""

    kind: EntityKind
    entity_ids: tuple[int, ...]
    variant: str
    variant_key: str


def find_mentions(text: str) -> list[Mention]:
    """Every known person and organization named in `text`, and unknown person-like names.

    Not filtered by user visibility (an admin action); see the module docstring."""
    tokens = _tokens(text)
    runs = _runs(tokens, text)
    spans = [span for run in runs for span in _sub_spans(run)]
    keys_of: dict[_Span, set[str]] = {span: _span_keys(span) for span in spans}
    all_keys = sorted({key for keys in keys_of.values() for key in keys if key})
    by_key = _lookup(all_keys, [span.text_in(text) for span in spans]) if all_keys else {}

    mentions: list[Mention] = []
    taken: list[tuple[int, int]] = []
    ranked = sorted(spans, key=lambda s: (-s.words, s.start))
    for span in ranked:
        if _overlaps(span.start, span.end, taken):
            continue
        span_text = span.text_in(text)
        hits = _hits_for(span, keys_of[span], by_key)
        if not hits:
            continue
        taken.append((span.start, span.end))
        mentions.extend(_mentions_for(span, span_text, hits))

    mentions.extend(_partial_mentions(text, tokens, mentions, taken))
    mentions.extend(_unknown_mentions(text, runs, taken))
    return sorted(mentions, key=lambda m: (m.start, m.kind != EntityKind.PERSON, m.end))


# -- candidate spans ---------------------------------------------------------------------------


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _WORD.finditer(text):
        word = match.group()
        first = word[0]
        tokens.append(
            _Token(
                text=word,
                start=match.start(),
                end=match.end(),
                capitalised=first.isupper(),
                upper=len(word) > 1 and word.isupper(),
                cyrillic="\u0400" <= first <= "\u04ff",
            )
        )
    return tokens


_JOINING_GAP = re.compile(r"[ \t\u00a0]{1,3}|\n")


def _runs(tokens: Sequence[_Token], text: str) -> list[list[_Token]]:
    """Maximal sequences of capitalised words separated by spaces only, with connectors
    ("of", "the") allowed between two capitalised words."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.capitalised:
            if current and not _JOINING_GAP.fullmatch(text[current[-1].end : token.start]):
                runs.append(current)
                current = []
            current.append(token)
            if _POSSESSIVE.search(token.text):
                runs.append(current)
                current = []
        elif current and token.text.casefold() in _CONNECTORS:
            # Take connectors only when a capitalised word follows them, with spaces between.
            lookahead = index
            connectors = []
            while lookahead < len(tokens) and tokens[lookahead].text.casefold() in _CONNECTORS:
                connectors.append(tokens[lookahead])
                lookahead += 1
            chain = [current[-1], *connectors]
            if (
                lookahead < len(tokens)
                and tokens[lookahead].capitalised
                and len(connectors) <= 2
                and all(
                    _JOINING_GAP.fullmatch(text[a.end : b.start])
                    for a, b in zip(chain, [*connectors, tokens[lookahead]], strict=True)
                )
            ):
                current.extend(connectors)
                index = lookahead
                continue
            runs.append(current)
            current = []
        elif current:
            runs.append(current)
            current = []
        index += 1
    if current:
        runs.append(current)
    return runs


def _sub_spans(run: Sequence[_Token]) -> Iterable[_Span]:
    """Every stretch of a run that could be a name: not starting with a connector, a
    preposition or a month ("On January", "In Almaty"), not ending with a connector."""
    for first in range(len(run)):
        if run[first].text.casefold() in _CONNECTORS | _NEVER_FIRST:
            continue
        for last in range(first, min(len(run), first + MAX_ORGANIZATION_WORDS)):
            if run[last].text.casefold() in _CONNECTORS:
                continue
            yield _Span(tuple(run[first : last + 1]))


def _span_keys(span: _Span) -> set[str]:
    words = [token.bare for token in span.tokens]
    keys = {_key(words)}
    if any(token.cyrillic for token in span.tokens) and span.words <= MAX_PERSON_WORDS:
        options = []
        for token, word in zip(span.tokens, words, strict=True):
            stripped = _RUSSIAN_ENDINGS.sub("", word) if token.cyrillic else word
            options.append({word, stripped} if len(stripped) >= 3 else {word})
        for combination in product(*options):
            keys.add(_key(combination))
    keys.discard("")
    return keys


def _key(words: Iterable[str]) -> str:
    """`match_key` of the words joined by spaces, from each word's cached keys."""
    return " ".join(sorted(key for word in words for key in _word_keys(word)))


@lru_cache(maxsize=65536)
def _word_keys(word: str) -> tuple[str, ...]:
    return tuple(token_keys(word))


# -- database ----------------------------------------------------------------------------------


def _lookup(keys: list[str], span_texts: list[str]) -> dict[str, list[_Hit]]:
    """Names whose key is one of `keys`: four queries whatever their number, through the
    btree indexes on `search_key`. Rows are grouped by spelling in the database: thousands of
    persons share the commonest names, and one spelling is judged once."""
    by_key: dict[str, list[_Hit]] = defaultdict(list)
    grouped = (
        (EntityKind.PERSON, NameVariant.objects, "text", "person_id"),
        (EntityKind.PERSON, Person.objects, "display_name", "pk"),
        (EntityKind.ORGANIZATION, OrganizationName.objects, "text", "organization_id"),
    )
    for kind, manager, text_field, id_field in grouped:
        rows = (
            manager.filter(search_key__in=keys)
            .order_by()
            .values_list("search_key", text_field)
            .annotate(ids=ArrayAgg(id_field, order_by=id_field))
        )
        for key, text, ids in rows:
            by_key[key].append(_Hit(kind, tuple(ids), text, key))
    lowered = sorted({text.casefold() for text in span_texts})
    for org_id, name in (
        Organization.objects.annotate(lowered=Lower("name"))
        .filter(lowered__in=lowered)
        .values_list("pk", "name")
    ):
        key = match_key(name)
        by_key[key].append(_Hit(EntityKind.ORGANIZATION, (org_id,), name, key))
    return by_key


def _hits_for(span: _Span, keys: set[str], by_key: dict[str, list[_Hit]]) -> list[_Hit]:
    hits = [hit for key in keys for hit in by_key.get(key, ())]
    if span.words > MAX_PERSON_WORDS:
        hits = [hit for hit in hits if hit.kind == EntityKind.ORGANIZATION]
    return hits


def _mentions_for(span: _Span, span_text: str, hits: list[_Hit]) -> list[Mention]:
    """One mention per entity named by the span, best match first, then by id."""
    levels: dict[EntityKind, dict[tuple[int, float], list[tuple[_Hit, MatchKind]]]] = {}
    for hit in hits:
        kind, score = classify(span_text, hit.variant, hit.variant_key)
        rank = (0 if kind == MatchKind.EXACT else 1, -score)
        levels.setdefault(hit.kind, {}).setdefault(rank, []).append((hit, kind))
    # An organization's name that is also a person's is read as the organization only when
    # no person has it; homonyms are capped.
    chosen = _first_entities(levels.get(EntityKind.PERSON, {}), MAX_HOMONYMS) or (
        _first_entities(levels.get(EntityKind.ORGANIZATION, {}), 1)
    )
    return [
        Mention(
            kind=hit.kind,
            text=span_text,
            start=span.start,
            end=span.start + len(span_text),
            entity_id=entity_id,
            variant=hit.variant,
            match=str(kind),
        )
        for entity_id, hit, kind in chosen
    ]


def _first_entities(
    levels: dict[tuple[int, float], list[tuple[_Hit, MatchKind]]], limit: int
) -> list[tuple[int, _Hit, MatchKind]]:
    """The first `limit` entities ordered by their best rank, then id, each with the first
    spelling that gave it that rank; reads no more ids than it keeps (the ids are sorted)."""
    chosen: list[tuple[int, _Hit, MatchKind]] = []
    seen: set[int] = set()
    for rank in sorted(levels):
        spellings = levels[rank]
        merged = heapq.merge(
            *(
                ((entity_id, index) for entity_id in hit.entity_ids)
                for index, (hit, _) in enumerate(spellings)
            )
        )
        for entity_id, index in merged:
            if entity_id in seen:
                continue
            seen.add(entity_id)
            hit, kind = spellings[index]
            chosen.append((entity_id, hit, kind))
            if len(chosen) == limit:
                return chosen
    return chosen


def _partial_mentions(
    text: str, tokens: Sequence[_Token], found: list[Mention], taken: list[tuple[int, int]]
) -> list[Mention]:
    """A word of a mentioned person's name standing alone: "Musakhanuly, 31"."""
    owners: dict[str, set[int]] = defaultdict(set)
    variant_of: dict[int, Mention] = {}
    for mention in found:
        if mention.kind != EntityKind.PERSON or mention.entity_id is None:
            continue
        variant_of.setdefault(mention.entity_id, mention)
        for word in mention.text.split():
            key = token_key(normalise(word).replace(" ", ""))
            if len(key) >= 3 and word.casefold() not in _NOT_NAME_WORDS:
                owners[key].add(mention.entity_id)
    partial = []
    for token in tokens:
        if not token.capitalised or token.upper or _overlaps(token.start, token.end, taken):
            continue
        word = token.bare
        person_ids = owners.get(token_key(normalise(word).replace(" ", "")), set())
        if len(person_ids) != 1:
            continue
        [person_id] = person_ids
        full = variant_of[person_id]
        kind, _ = classify(word, full.variant, match_key(full.variant))
        partial.append(
            Mention(
                kind=EntityKind.PERSON,
                text=word,
                start=token.start,
                end=token.start + len(word),
                entity_id=person_id,
                variant=full.variant,
                match=str(kind),
            )
        )
    return partial


# -- unknown names -----------------------------------------------------------------------------


def looks_like_person(words: Sequence[str]) -> bool:
    """Two or three capitalised words, none of them a function word, month, title, place or
    organization word: "Khadisha Akaeva", not "Human Rights Watch" or "Central Asia"."""
    if not 2 <= len(words) <= 3:
        return False
    for word in words:
        bare = _POSSESSIVE.sub("", word)
        if len(bare) < 2 or bare.isupper() or not bare[0].isupper():
            return False
        if bare.casefold() in _NOT_NAME_WORDS or bare.casefold().endswith("stan"):
            return False
        if not bare.replace("-", "").replace("'", "").replace("’", "").isalpha():
            return False
    return any(len(word) >= 3 for word in words)


def _unknown_mentions(
    text: str, runs: Sequence[Sequence[_Token]], taken: list[tuple[int, int]]
) -> list[Mention]:
    unknown: list[_Span] = []
    for run in runs:
        for part in _split_at_connectors(run):
            span = _Span(tuple(part))
            if _overlaps(span.start, span.end, taken):
                continue
            if looks_like_person([token.text for token in part]):
                unknown.append(span)
    texts = [span.text_in(text) for span in unknown]
    nearest = _nearest_persons(texts[:MAX_UNKNOWN_LOOKUPS])
    return [
        Mention(
            kind=EntityKind.PERSON,
            text=span_text,
            start=span.start,
            end=span.start + len(span_text),
            close_to_id=nearest.get(span_text, (None, ""))[0],
            variant=nearest.get(span_text, (None, ""))[1],
            match=str(MatchKind.FUZZY) if span_text in nearest else "",
        )
        for span, span_text in zip(unknown, texts, strict=True)
    ]


def _split_at_connectors(run: Sequence[_Token]) -> list[list[_Token]]:
    """The capitalised stretches of a run, without all-capital words at their ends ("Khadisha
    Akaeva RFE" is "Khadisha Akaeva")."""
    parts: list[list[_Token]] = [[]]
    for token in run:
        if token.text.casefold() in _CONNECTORS and not token.capitalised:
            parts.append([])
        else:
            parts[-1].append(token)
    trimmed = []
    for part in parts:
        while part and part[-1].upper:
            part = part[:-1]
        while part and part[0].upper:
            part = part[1:]
        if part:
            trimmed.append(part)
    return trimmed


def _nearest_persons(texts: list[str]) -> dict[str, tuple[int, str]]:
    """For each unknown name, the known person whose spelling is closest, when it is close:
    one query through the trigram indexes on variants and display names (pg_trgm's `%`
    operator at the session's similarity threshold, 0.3 by default)."""
    wanted = {text: match_key(text) for text in texts}
    keys = sorted({key for key in wanted.values() if key})
    if not keys:
        return {}
    variants = NameVariant._meta.db_table
    persons = Person._meta.db_table
    sql = f"""
        SELECT q.key, c.person_id, c.text, c.search_key
        FROM unnest(%s::text[]) AS q(key)
        CROSS JOIN LATERAL (
            SELECT person_id, text, search_key FROM (
                SELECT v.person_id, v.text, v.search_key,
                       similarity(v.search_key, q.key) AS score
                FROM {variants} v
                WHERE v.search_key %% q.key
                UNION ALL
                SELECT p.id, p.display_name, p.search_key, similarity(p.search_key, q.key)
                FROM {persons} p
                WHERE p.search_key %% q.key
            ) AS found
            ORDER BY score DESC, person_id
            LIMIT 5
        ) AS c
    """  # noqa: S608 - table names come from the models, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [keys])
        rows = cursor.fetchall()
    candidates: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for key, person_id, variant_text, variant_key in rows:
        candidates[key].append((person_id, variant_text, variant_key))
    nearest: dict[str, tuple[int, str]] = {}
    for text, key in wanted.items():
        best: tuple[float, int, str] | None = None
        for person_id, variant_text, variant_key in candidates.get(key, ()):
            kind, score = classify(text, variant_text, variant_key)
            if kind == MatchKind.FUZZY and score < CLOSE_SCORE:
                continue
            if best is None or score > best[0]:
                best = (score, person_id, variant_text)
        if best is not None:
            nearest[text] = (best[1], best[2])
    return nearest


def _overlaps(start: int, end: int, taken: Iterable[tuple[int, int]]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in taken)

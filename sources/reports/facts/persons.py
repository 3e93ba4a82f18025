"""The persons a sentence is about: those it names, else those "the two men", "they" or
"she" stand for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from sources.reports.found import Mention
from sources.reports.sentences import Sentence

# "The two men" may point across a paragraph break; "they" only within its paragraph.
_PLURAL_PRONOUNS = re.compile(r"\b(?:they|them|their|они|их|им)\b", re.I)
_PLURAL_ANAPHORS = re.compile(
    r"\b(?:both|(?:his|her|their) clients"
    r"|the (?:two |three )?(?:men|women|brothers|defendants|asylum[- ]seekers|Kazakhs)"
    r"|two (?:ethnic )?(?:Kazakh|Chinese|Uighur|Uyghur)\w*(?: men| women| citizens)?"
    r"|the two|these men|обоих|оба|обе)\b",
    re.I,
)
_SINGULAR_ANAPHORS = re.compile(r"\b(?:he|she|his|her|him|он|она|его|её|ее|ему|ей)\b", re.I)


def persons_in(mentions: Iterable[Mention], start: int, end: int) -> tuple[int, ...]:
    ids: list[int] = []
    for mention in mentions:
        if start <= mention.start < end and mention.entity_id not in ids:
            assert mention.entity_id is not None
            ids.append(mention.entity_id)
    return tuple(ids)


def anaphora(
    body: str,
    sentence: Sentence,
    previous: list[tuple[Sentence, tuple[int, ...]]],
    ahead: Sequence[Sentence],
    known: Sequence[Mention],
) -> tuple[int, ...]:
    """The persons "the two men", "they" or "she" stand for: the nearest of the four sentences
    before about enough persons (a pronoun looks only within its paragraph), else, for "the
    two men", the next two sentences."""
    noun = _PLURAL_ANAPHORS.search(body) is not None
    plural = noun or _PLURAL_PRONOUNS.search(body) is not None
    if not plural and _SINGULAR_ANAPHORS.search(body) is None:
        return ()
    needed = 2 if plural else 1
    for earlier, subjects in reversed(previous[-4:]):
        if not noun and earlier.paragraph != sentence.paragraph:
            break
        if len(subjects) >= needed:
            return subjects if plural else subjects[-1:]
    if noun:
        for later in ahead[:2]:
            persons = persons_in(known, later.start, later.end)
            if len(persons) >= 2:
                return persons
    return ()

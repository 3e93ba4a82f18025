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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from core.partial_dates import PartialDate
from sources.reports.dates import DateMention, YearContext, find_dates, plain_spaces
from sources.reports.found import CandidateFact, EntityKind, FactKind, Mention
from sources.reports.sentences import Sentence, split_sentences

_I = re.IGNORECASE

# -- triggers ----------------------------------------------------------------------------------

_TRIGGERS: tuple[tuple[FactKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, _I))
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
    _I,
)
_CHARGE_CONTEXT = re.compile(
    r"\b(?:for|of|with|charges? of|charged with|accused of|prosecuted for|за)\W+(?:\w+\W+){0,2}$",
    _I,
)
_FUTURE_DATE = re.compile(
    r"\b(?P<verb>postponed|adjourned|put off|moved|scheduled|set|until|till|will be held"
    r"|отложен\w*|перенесен\w*|назначен\w*|состоится)\b[^.;]{0,25}?"
    r"\b(?:to|for|until|till|on|до|на)?\s*$",
    _I,
)
_SCHEDULING = re.compile(r"scheduled|set|will be held|назначен|состоится", _I)

# "The two men" may point across a paragraph break; "they" only within its paragraph.
_PLURAL_PRONOUNS = re.compile(r"\b(?:they|them|their|они|их|им)\b", _I)
_PLURAL_ANAPHORS = re.compile(
    r"\b(?:both|(?:his|her|their) clients"
    r"|the (?:two |three )?(?:men|women|brothers|defendants|asylum[- ]seekers|Kazakhs)"
    r"|two (?:ethnic )?(?:Kazakh|Chinese|Uighur|Uyghur)\w*(?: men| women| citizens)?"
    r"|the two|these men|обоих|оба|обе)\b",
    _I,
)
_SINGULAR_ANAPHORS = re.compile(r"\b(?:he|she|his|her|him|он|она|его|её|ее|ему|ей)\b", _I)

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "один": 1,
    "одному": 1,
    "одного": 1,
    "одна": 1,
    "два": 2,
    "двум": 2,
    "двух": 2,
    "три": 3,
    "трем": 3,
    "трём": 3,
    "трех": 3,
    "четыре": 4,
    "четырем": 4,
    "пять": 5,
    "пяти": 5,
    "шесть": 6,
    "шести": 6,
    "семь": 7,
    "семи": 7,
    "восемь": 8,
    "восьми": 8,
    "девять": 9,
    "девяти": 9,
    "десять": 10,
    "десяти": 10,
}
_TERM = re.compile(
    r"\b(\d{1,2}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")[\s-]+"
    r"(years?|months?|days?|год\w*|лет|месяц\w*|дн\w*|сут\w*)\b",
    _I,
)
_FINE = re.compile(
    r"(?:\\?\$|US\$|USD\s?)(\d[\d,.]*)|(\d[\d,.\s]*)\s?(?:US dollars|dollars|USD|тенге|KZT|tenge)",
    _I,
)
_RELEASE = re.compile(r"releas|freed|set free|освобо|свобод", _I)
_PLACE = re.compile(
    r"\b(?:in|at|near|в|во)\s+((?:the\s+)?[A-ZА-ЯЁ][\w’'-]+(?:\s+[A-ZА-ЯЁ][\w’'-]+){0,3})"
)
_QUOTED = re.compile(r"[“«\"]([^”»\"]{3,400})[”»\"]")
_OFFICE = re.compile(
    r"\b((?:first |the )?(?:deputy |vice |first deputy )?(?:chief|director|head|minister|chairman"
    r"|chair|spokes(?:person|man|woman)|president|prosecutor|judge|researcher|advocacy director"
    r"|leader|commissioner|ambassador|secretary|lawyer)\b[^,;“\"]{0,120}?)"
    r"(?=,|\s+(?:said|stated|told)|$)",
    _I,
)
_STANCES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "will_return",
        re.compile(
            r"\b(?:will|would) be (?:returned|sent back|deported|extradited|transferred|handed)"
            r"|\bwe will (?:transfer|return|deport|send)|no chances? of staying"
            r"|будут (?:возвращены|выдворены|депортированы|переданы)|вернут\b|передадим",
            _I,
        ),
    ),
    ("denial", re.compile(r"\b(?:denied|deny|denies|no such|there are no)\b|отрица", _I)),
    (
        "demand",
        re.compile(r"\b(?:should|must|urge[sd]?|call(?:ed|s)? on|demand\w*)\b|должн|призыва", _I),
    ),
    (
        "no_return",
        re.compile(r"\b(?:will|would) not be (?:returned|sent back|deported|extradited)", _I),
    ),
)
_EXPULSION_RULED_OUT = re.compile(
    r"\b(?:not to (?:deport|expel|extradite)|not be (?:deported|expelled)|without expulsion"
    r"|no expulsion|declined to (?:deport|expel))|без (?:выдворения|депортации)"
    r"|не выдворять|отказал\w* в выдворении",
    _I,
)
_EXPULSION_ORDERED = re.compile(
    r"\b(?:ordered (?:to be )?(?:deported|expelled|deportation|expulsion)|with expulsion)\b"
    r"|с (?:последующим )?выдворением",
    _I,
)


_EVENTS_THAT_HAPPEN = (
    FactKind.BORDER_CROSSING,
    FactKind.CUSTODY,
    FactKind.FLIGHT,
    FactKind.ASYLUM_STEP,
)


@dataclass
class _Draft:
    kind: FactKind
    sentence: Sentence
    trigger_start: int
    trigger_end: int
    date: PartialDate | None = None
    date_text: str = ""
    person_ids: tuple[int, ...] = ()
    values: dict[str, object] = field(default_factory=dict)
    start: int = 0
    end: int = 0


@dataclass
class _Context:
    text: str
    mentions: Sequence[Mention]
    dates: list[DateMention]
    years: YearContext
    # The persons each sentence was about, after resolving "they" and "the two men".
    subjects: list[tuple[int, ...]] = field(default_factory=list)


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
    context = _Context(text, mentions, dates, YearContext(text, dates, report_date))
    known = [m for m in mentions if m.kind == EntityKind.PERSON and m.entity_id is not None]
    drafts: list[_Draft] = []
    history: list[tuple[Sentence, tuple[int, ...]]] = []
    for index, sentence in enumerate(sentences):
        named = _persons_in(known, sentence.start, sentence.end)
        sentence_drafts = _drafts_for(context, sentence)
        speakers = {d.values.get("speaker_id") for d in sentence_drafts}
        subjects = tuple(p for p in named if p not in speakers)
        body = text[sentence.start : sentence.end]
        if not subjects:
            subjects = _anaphora(body, sentence, history, sentences[index + 1 :], known)
        history.append((sentence, subjects))
        for draft in sentence_drafts:
            draft.person_ids = subjects
        drafts.extend(d for d in sentence_drafts if d.person_ids or d.kind == FactKind.STATEMENT)
    _release_kinds(drafts)
    facts = _with_quotes(original, _merge(drafts))
    facts.extend(_name_proposals(original, mentions, sentences))
    return facts


def _persons_in(mentions: Iterable[Mention], start: int, end: int) -> tuple[int, ...]:
    ids: list[int] = []
    for mention in mentions:
        if start <= mention.start < end and mention.entity_id not in ids:
            assert mention.entity_id is not None
            ids.append(mention.entity_id)
    return tuple(ids)


def _anaphora(
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
            persons = _persons_in(known, later.start, later.end)
            if len(persons) >= 2:
                return persons
    return ()


# -- one sentence ------------------------------------------------------------------------------


def _drafts_for(context: _Context, sentence: Sentence) -> list[_Draft]:
    text = context.text
    body = text[sentence.start : sentence.end]
    drafts: list[_Draft] = []
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
                edge = "end" if _RELEASE.search(match.group()) else "start"
                if edge in seen_edges:
                    continue
                seen_edges.add(edge)
            elif any(d.kind == kind for d in drafts):
                continue  # one fact of a kind per sentence, but a custody start and end
            taken.append((start, end))
            drafts.append(
                _Draft(kind, sentence, start, end, start=sentence.start, end=sentence.end)
            )
    if not drafts:
        return []
    _date_drafts(context, sentence, drafts)
    for draft in drafts:
        _fill_values(context, draft)
    return [d for d in drafts if d.kind != FactKind.STATEMENT or "speaker_id" in d.values]


def _date_drafts(context: _Context, sentence: Sentence, drafts: list[_Draft]) -> None:
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


def _distance(mention: DateMention, draft: _Draft) -> int:
    if mention.end <= draft.trigger_start:
        return draft.trigger_start - mention.end
    if mention.start >= draft.trigger_end:
        # A date after its verb ("detained on October 14") is a little closer.
        return max(0, mention.start - draft.trigger_end - 10)
    return 0


def _with_preposition(text: str, mention: DateMention) -> str:
    match = re.search(r"\b(?:on|in|since|until|by|from|в|с|до)\s+$", text[: mention.start], _I)
    if match and match.end() - match.start() < 8:
        return text[match.start() : mention.end]
    return mention.text


def _fill_values(context: _Context, draft: _Draft) -> None:
    text = context.text
    sentence = text[draft.sentence.start : draft.sentence.end]
    after = text[draft.trigger_start : draft.sentence.end]
    trigger = text[draft.trigger_start : draft.trigger_end].casefold()
    match draft.kind:
        case FactKind.HEARING:
            if "status" not in draft.values:
                if re.search(r"adjourn|postpon|отлож|перенес", trigger + sentence, _I):
                    draft.values["status"] = "adjourned"
                elif re.search(
                    r"scheduled|will (?:be held|begin|start)|назначен|состоится", sentence, _I
                ):
                    draft.values["status"] = "scheduled"
                else:
                    draft.values["status"] = "held"
        case FactKind.VERDICT:
            _verdict_values(sentence, after, trigger, draft.values)
        case FactKind.CUSTODY:
            draft.values["custody_kind"] = _custody_kind(trigger, sentence)
            draft.values["edge"] = "end" if _RELEASE.search(trigger) else "start"
            draft.values["place"] = _place(after) if draft.values["edge"] == "start" else ""
        case FactKind.STATEMENT:
            _statement_values(context, draft, sentence)
        case FactKind.ASYLUM_STEP:
            draft.values["status"] = _asylum_status(text[draft.trigger_start : draft.trigger_end])
            if host := re.search(r"\b(?:in|в)\s+([A-ZА-ЯЁ]\w+)", after[:80]):
                draft.values["host_country"] = _country(host.group(1))
        case FactKind.BORDER_CROSSING:
            draft.values["place"] = _place(after)
            if route := _ROUTE.search(after[:120]):
                draft.values["from_country"] = _country(route.group("a"))
                draft.values["to_country"] = _country(route.group("b"))
        case FactKind.FLIGHT:
            origin = re.match(r"\w+(?: from)?\s+((?:[A-ZА-ЯЁ][\w’'-]+\s?){1,4})", after)
            draft.values["place"] = origin.group(1).strip() if origin else ""
            draft.values["from_country"] = _country(draft.values["place"])
        case _:  # pragma: no cover - name proposals are not drafted here
            pass


def _verdict_values(sentence: str, after: str, trigger: str, values: dict[str, object]) -> None:
    values["convicted"] = not re.search(r"acquit|оправда", trigger, _I)
    term = _TERM.search(after) or _TERM.search(sentence)
    if term and values["convicted"]:
        number = term.group(1).casefold()
        amount = int(number) if number.isdigit() else _NUMBER_WORDS.get(number, 0)
        unit = term.group(2).casefold()
        if unit.startswith(("year", "год", "лет")):
            values["term_years"] = amount
            tail = term.string[term.end() :]
            if more := re.match(r"\s*(?:and|и)\s+(\S+)\s+(?:months?|месяц\w*)", tail, _I):
                word = more.group(1).casefold()
                values["term_months"] = int(word) if word.isdigit() else _NUMBER_WORDS.get(word, 0)
        elif unit.startswith(("month", "месяц")):
            values["term_months"] = amount
        else:
            values["term_days"] = amount
    if re.search(r"suspended|probation|условн", sentence, _I):
        values["kind"] = "suspended"
    elif re.search(r"prison|imprison|jail|penal colony|лишени\w* свободы|колони", sentence, _I):
        values["kind"] = "imprisonment"
    elif re.search(r"restriction of liberty|ограничени\w* свободы", sentence, _I):
        values["kind"] = "restriction"
    elif re.search(r"\bfined?\b|штраф", sentence, _I):
        values["kind"] = "fine"
    if values.get("kind") == "fine":
        for key in ("term_years", "term_months", "term_days"):
            values.pop(key, None)  # "fined … and placed under travel restrictions for 3 months"
    if values.get("kind") == "fine" and (fine := _FINE.search(sentence)):
        amount_text = (fine.group(1) or fine.group(2) or "").replace(",", "").replace(" ", "")
        values["fine_amount"] = amount_text.rstrip(".")
        values["fine_currency"] = (
            "KZT" if re.search(r"тенге|KZT|tenge", fine.group(), _I) else "USD"
        )
    if _EXPULSION_RULED_OUT.search(sentence):
        values["expulsion"] = "ruled_out"
    elif _EXPULSION_ORDERED.search(sentence):
        values["expulsion"] = "ordered"


def _custody_kind(trigger: str, sentence: str) -> str:
    if re.search(r"house arrest|домашн", trigger + " " + sentence, _I):
        return "house_arrest"
    if re.search(
        r"pre-?trial|remand|custody|СИЗО|под страж|следствен", trigger + " " + sentence, _I
    ):
        return "pretrial"
    if re.search(r"prison|colony|тюрьм|колони", sentence, _I):
        return "prison"
    if re.search(r"detain|arrest|задерж|арест", trigger, _I):
        return "arrest"
    return ""


def _place(after: str) -> str:
    for match in _PLACE.finditer(after[:60]):
        place = " ".join(match.group(1).split())
        first = place.split()[-1 if place.lower().startswith("the ") else 0]
        if first.rstrip("’'s") in _NOT_PLACES or first.casefold() in _MONTH_WORDS:
            continue
        return place.removeprefix("the ").strip()
    return ""


_NOT_PLACES = {"January", "February", "March", "April", "May", "June", "July", "August"}
_MONTH_WORDS = {
    "september",
    "october",
    "november",
    "december",
    "январе",
    "феврале",
    "марте",
    "апреле",
    "мае",
    "июне",
    "июле",
    "августе",
    "сентябре",
    "октябре",
    "ноябре",
    "декабре",
} | {name.casefold() for name in _NOT_PLACES}


_ROUTE = re.compile(
    r"\b(?:between|from|из)\s+(?:the\s+)?(?P<a>[A-ZА-ЯЁ]\w+)\s+(?:and|into|to|в|и)\s+"
    r"(?:the\s+)?(?P<b>[A-ZА-ЯЁ]\w+)"
)
# Country names as reports write them to ISO 3166 codes (LifeEvent's country fields).
_COUNTRIES = {
    "china": "CN",
    "xinjiang": "CN",
    "xuar": "CN",
    "китай": "CN",
    "китая": "CN",
    "синьцзян": "CN",
    "kazakhstan": "KZ",
    "казахстан": "KZ",
    "казахстана": "KZ",
    "kyrgyzstan": "KG",
    "uzbekistan": "UZ",
    "tajikistan": "TJ",
    "russia": "RU",
    "россия": "RU",
    "turkey": "TR",
    "sweden": "SE",
    "germany": "DE",
    "mongolia": "MN",
}


def _country(place: object) -> str:
    words = str(place).casefold().split()
    return next((_COUNTRIES[w] for w in words if w in _COUNTRIES), "")


def _asylum_status(trigger: str) -> str:
    lowered = trigger.casefold()
    if re.search(r"turned down|refused|rejected|denied|отказ", lowered):
        return "refused"
    if re.search(r"granted|предостав", lowered):
        return "granted"
    if re.search(r"registered|зарегистр", lowered):
        return "registered"
    if re.search(r"pending|рассматр", lowered):
        return "pending"
    return "filed"


def _statement_values(context: _Context, draft: _Draft, sentence: str) -> None:
    text = context.text
    persons = [
        m
        for m in context.mentions
        if m.kind == EntityKind.PERSON
        and m.entity_id is not None
        and draft.sentence.start <= m.start < draft.sentence.end
    ]
    speaker = _speaker(text, persons, draft)
    if speaker is None:
        return
    draft.values["speaker_id"] = speaker.entity_id
    draft.values["office"] = _office(text, draft, speaker)
    quotes = _QUOTED.findall(sentence)
    draft.values["quote"] = " … ".join(q.strip() for q in quotes)
    stance = "other"
    for name, pattern in _STANCES:
        if pattern.search(sentence):
            stance = name
            break
    draft.values["stance"] = stance
    cyrillic = sum(1 for c in sentence if "\u0400" <= c <= "\u04ff")
    draft.values["language"] = "ru" if cyrillic > len(sentence) / 4 else "en"


def _speaker(text: str, persons: Sequence[Mention], draft: _Draft) -> Mention | None:
    """The person just before the verb ("Dilmanov stated", "Akhat, her lawyer, said") or
    just after it ("said Laura Mills")."""
    before = [m for m in persons if m.end <= draft.trigger_start]
    if before:
        nearest = before[-1]
        between = text[nearest.end : draft.trigger_start]
        if len(between) <= 150 and not re.search(r"[.;]|\bthat\b|\band\b", between):
            return nearest
    after = [m for m in persons if m.start >= draft.trigger_end]
    if after and after[0].start - draft.trigger_end <= 3:
        return after[0]
    if before and draft.trigger_start - before[-1].end <= 3:
        return before[-1]
    return None


def _office(text: str, draft: _Draft, speaker: Mention) -> str:
    """The office written next to the speaker: "Darkhan Dilmanov, Deputy Chief of …, said" or
    "the director of the border service …, Darhan Dilmanov stated"."""
    after = text[speaker.end : min(draft.sentence.end, speaker.end + 160)]
    if after.startswith(","):
        appositive = " ".join(after.lstrip(", ").split(",")[0].split()).rstrip(".;:")
        if _OFFICE.search(appositive):
            return appositive
    before = text[max(draft.sentence.start, speaker.start - 200) : speaker.start]
    if before.rstrip().endswith(","):
        candidates = list(_OFFICE.finditer(before.rstrip().rstrip(",")))
        if candidates:
            return " ".join(candidates[0].group(1).split()).strip(" ,")
    return ""


def _release_kinds(drafts: list[_Draft]) -> None:
    """A release that does not say from what ends the custody last started for its persons."""
    for index, draft in enumerate(drafts):
        if draft.kind != FactKind.CUSTODY or draft.values.get("custody_kind"):
            continue
        for earlier in reversed(drafts[:index]):
            if (
                earlier.kind == FactKind.CUSTODY
                and earlier.values.get("edge") == "start"
                and set(draft.person_ids) & set(earlier.person_ids)
            ):
                draft.values["custody_kind"] = earlier.values.get("custody_kind", "")
                break


# -- merging -----------------------------------------------------------------------------------


def _merge(drafts: list[_Draft]) -> list[CandidateFact]:
    """One fact per kind, date and persons; sentences that complete the fact before them."""
    kept: list[_Draft] = []
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


def _completes(kept: list[_Draft], draft: _Draft) -> _Draft | None:
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


# -- names -------------------------------------------------------------------------------------


def _name_proposals(
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


def _with_quotes(text: str, facts: list[CandidateFact]) -> list[CandidateFact]:
    return [replace(f, quote=text[f.start : f.end]) for f in facts]

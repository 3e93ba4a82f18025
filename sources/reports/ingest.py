"""`import_report`: a report file becomes a Source, its names and the facts proposed for review.

One transaction per file. A file that cannot be read writes nothing. The same text imported
again is recognised by its hash: the Source is kept (metadata given now fills only its blanks),
its names are found again, and its proposals re-derived: a proposal an admin already accepted
or rejected is not proposed again, a pending one is refreshed, one extraction no longer finds
is dropped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pghistory
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from core import uploads
from core.partial_dates import PartialDate
from people.models import Organization
from sources.models import (
    MentionKind,
    Proposal,
    ProposalStatus,
    ReportMention,
    Source,
    SourceKind,
)
from sources.reports.facts import extract_facts
from sources.reports.found import CandidateFact, EntityKind, Mention, ReportText
from sources.reports.linking import FactQuery, LinkIndex
from sources.reports.mentions import find_mentions
from sources.reports.reading import read_report

if TYPE_CHECKING:
    from accounts.models import User


@dataclass
class ImportOutcome:
    source: Source
    new: bool
    report: ReportText
    mentions: list[ReportMention] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)  # pending, new or refreshed
    kept_out: int = 0  # facts found again that an admin had already accepted or rejected
    dropped: int = 0  # pending proposals extraction no longer finds
    person_ids: dict[int, list[int]] = field(default_factory=dict)  # proposal id → persons


def fingerprint(kind: str, quote: str, date: PartialDate | None) -> str:
    """The same fact of the same passage, however the whitespace or case changed."""
    normalised = " ".join(quote.casefold().split())
    key = "\n".join([str(kind), normalised, date.iso() if date else ""])
    return hashlib.sha256(key.encode()).hexdigest()


def text_hash(text: str) -> str:
    """As `Source.save` computes `content_hash`."""
    return hashlib.sha256(text.encode()).hexdigest()


def query_of(fact: CandidateFact) -> FactQuery:
    return FactQuery(str(fact.kind), fact.date, tuple(fact.person_ids), dict(fact.values))


def import_report(
    data: bytes,
    filename: str,
    *,
    publisher: Organization | None = None,
    url: str = "",
    published: PartialDate | None = None,
    kind: str = SourceKind.OTHER,
    language: str = "",
    user: User | None,
    keep_original: bool = True,
) -> ImportOutcome:
    """Read, store and propose; raises `ReportError` (nothing written) for an unreadable file.

    A new source keeps the file as received (`keep_original`) in the private upload store;
    the stored copy is removed again if the transaction does not commit."""
    report = read_report(data, filename)
    digests = _hashes(data, report)
    stored: list[str] = []
    try:
        return _import(
            data,
            filename,
            report,
            digests,
            stored if keep_original else None,
            publisher=publisher,
            url=url,
            published=published,
            kind=kind,
            language=language,
            user=user,
        )
    except BaseException:
        for name in stored:
            (uploads.private_root() / name).unlink(missing_ok=True)
        raise


def _import(
    data: bytes,
    filename: str,
    report: ReportText,
    digests: list[str],
    stored: list[str] | None,
    *,
    publisher: Organization | None,
    url: str,
    published: PartialDate | None,
    kind: str,
    language: str,
    user: User | None,
) -> ImportOutcome:
    with transaction.atomic(), pghistory.context(report_file=filename):
        source = Source.objects.select_for_update().filter(content_hash__in=digests).first()
        new = source is None
        if source is None:
            if stored is not None:
                stored.append(uploads.store_original(data, report.format))
            source = Source.objects.create(
                original_file=stored[-1] if stored else "",
                kind=kind,
                title=(report.title or filename)[:500],
                language=language or report.language,
                text=report.text,
                publisher=publisher,
                url=url,
                published=published,
                created_by=user if user is not None and user.is_authenticated else None,
            )
        else:
            _fill_blanks(source, publisher=publisher, url=url, published=published, lang=language)
        outcome = ImportOutcome(source=source, new=new, report=report)
        mentions = find_mentions(report.text)
        outcome.mentions = _store_mentions(source, mentions)
        facts = extract_facts(
            report.text, mentions=mentions, report_date=published or source.published
        )
        _store_proposals(source, facts, outcome)
    return outcome


def _hashes(data: bytes, report: ReportText) -> list[str]:
    """The hash of the text as read, and of the file's bytes decoded as they are: a source whose
    text was stored unread (the demo loads its report files raw) is recognised too."""
    texts = [report.text]
    for encoding in (report.encoding or "utf-8", "utf-8-sig"):
        try:
            texts.append(data.decode(encoding))
        except (UnicodeDecodeError, LookupError):
            continue
    return list(dict.fromkeys(text_hash(text) for text in texts if text))


def _fill_blanks(
    source: Source,
    *,
    publisher: Organization | None,
    url: str,
    published: PartialDate | None,
    lang: str,
) -> None:
    changed: list[str] = []
    if publisher is not None and source.publisher_id is None:
        source.publisher = publisher
        changed.append("publisher")
    if url and not source.url:
        source.url = url
        changed.append("url")
    if published is not None and source.published is None:
        source.published = published
        changed.append("published")
    if lang and not source.language:
        source.language = lang
        changed.append("language")
    if changed:
        source.save(update_fields=[*changed, "updated_at"])


def _store_mentions(source: Source, mentions: list[Mention]) -> list[ReportMention]:
    ReportMention.objects.filter(source=source).delete()
    rows = []
    for mention in mentions:
        is_person = mention.kind == EntityKind.PERSON
        rows.append(
            ReportMention(
                source=source,
                kind=MentionKind.PERSON if is_person else MentionKind.ORGANIZATION,
                person_id=mention.entity_id if is_person else None,
                organization_id=None if is_person else mention.entity_id,
                close_to_id=mention.close_to_id if is_person else None,
                text=mention.text[:300],
                variant=mention.variant[:300],
                match=mention.match[:30],
                start=mention.start,
                end=mention.end,
            )
        )
    return ReportMention.objects.bulk_create(rows)


def _store_proposals(source: Source, facts: list[CandidateFact], outcome: ImportOutcome) -> None:
    existing = {p.fingerprint: p for p in Proposal.objects.filter(source=source)}
    unique: dict[str, CandidateFact] = {}
    for fact in facts:
        unique.setdefault(fingerprint(fact.kind, fact.quote, fact.date), fact)
    index = LinkIndex((query_of(f) for f in unique.values()), source_id=source.pk)
    content_types: dict[type, ContentType] = {}
    fresh: list[tuple[Proposal, CandidateFact]] = []
    refreshed: list[tuple[Proposal, CandidateFact]] = []
    for print_, fact in unique.items():
        proposal = existing.get(print_)
        if proposal is not None and proposal.status != ProposalStatus.PENDING:
            outcome.kept_out += 1
            continue
        if proposal is None:
            proposal = Proposal(source=source, fingerprint=print_)
            fresh.append((proposal, fact))
        else:
            refreshed.append((proposal, fact))
        linked, conflict = index.link(query_of(fact))
        proposal.kind = str(fact.kind)
        proposal.date = fact.date
        proposal.date_text = fact.date_text[:200]
        proposal.quote = fact.quote
        proposal.start = fact.start
        proposal.end = fact.end
        proposal.values = dict(fact.values)
        proposal.conflict = conflict
        if linked is None:
            proposal.content_type, proposal.object_id = None, None
        else:
            model = type(linked)
            if model not in content_types:
                content_types[model] = ContentType.objects.get_for_model(model)
            proposal.content_type, proposal.object_id = content_types[model], linked.pk
    stale = [
        p.pk
        for print_, p in existing.items()
        if p.status == ProposalStatus.PENDING and print_ not in unique
    ]
    if stale:
        outcome.dropped = (
            Proposal.objects.filter(pk__in=stale).delete()[1].get(Proposal._meta.label, 0)
        )
    Proposal.objects.bulk_create([p for p, _ in fresh])
    if refreshed:
        Proposal.objects.bulk_update(
            [p for p, _ in refreshed],
            [
                "kind",
                "date",
                "date_text",
                "quote",
                "start",
                "end",
                "values",
                "conflict",
                "content_type",
                "object_id",
            ],
        )
    links = Proposal.persons.through
    if refreshed:
        links.objects.filter(proposal__in=[p for p, _ in refreshed]).delete()
    links.objects.bulk_create(
        [
            links(proposal_id=proposal.pk, person_id=person_id)
            for proposal, fact in [*fresh, *refreshed]
            for person_id in dict.fromkeys(fact.person_ids)
        ]
    )
    outcome.person_ids = {
        proposal.pk: list(dict.fromkeys(fact.person_ids)) for proposal, fact in [*fresh, *refreshed]
    }
    outcome.proposals = sorted((p for p, _ in [*fresh, *refreshed]), key=lambda p: p.start)

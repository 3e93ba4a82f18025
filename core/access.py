"""Who may see what, and the one place each page fetches its records.

Every page view calls one helper here. The helper reads through the `visible_to` querysets,
raises `Http404` for a record the user may not see (never revealing that it exists), and
preloads every relation the page renders, so a page costs the same number of queries however
many rows it shows.

Facts hang off persons and cases. A fact is visible when the record it belongs to is: a charge
when its case is, a custody interval when its person is and its case (if any) is. Citations are
visible when their source is (confidential sources stay with admins and their author).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.http import Http404, HttpRequest
from django.utils import timezone

from cases.models import (
    AsylumClaim,
    AsylumClaimStep,
    Case,
    CaseParticipant,
    CaseStatus,
    Charge,
    CustodyInterval,
    CustodyKind,
    ParticipantRole,
)
from core.display import fact_label
from core.fields import PartialDateField
from core.sensitive import hidden_citations, may_read_sensitive_expression
from hearings.models import Hearing, HearingStatus, Sentence
from people.models import (
    Affiliation,
    LifeEvent,
    NameVariant,
    Organization,
    OrganizationName,
    Person,
    ReportedAge,
    Statement,
)
from sources.models import Citation, Source

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request past `LoginRequiredMiddleware`: its user is signed in."""

    user: User


# -- building blocks ---------------------------------------------------------------------------


def citations_for(user: User) -> Prefetch[Any]:
    """The citations of a fact that the user may read, with their sources' publishers."""
    citations = Citation.objects.select_related("source__publisher", "content_type")
    if not user.is_vigil_admin:
        citations = citations.filter(source__in=Source.objects.visible_to(user)).exclude(
            hidden_citations(user)
        )
    return Prefetch("citations", queryset=citations)


def _in_no_case_or_visible_case(user: User, prefix: str = "") -> Q:
    return Q(**{f"{prefix}case__isnull": True}) | Q(
        **{f"{prefix}case__in": Case.objects.visible_to(user)}
    )


def _role_order() -> models.Case:
    """Participants in the order of the role choices: defendants first, observers last."""
    return models.Case(
        *[When(role=role, then=position) for position, role in enumerate(ParticipantRole.values)],
        default=len(ParticipantRole.values),
        output_field=models.IntegerField(),
    )


# Which rows of each kind of fact a user may see. A model missing here is never shown as a
# cited fact: new kinds of facts stay hidden until someone decides who may read them.
FactFilter = Callable[["User"], QuerySet[Any]]


def _build_visible_facts() -> dict[type[models.Model], FactFilter]:
    def person_scoped(model: type[models.Model], *related: str) -> FactFilter:
        return lambda user: model._default_manager.filter(
            person__in=Person.objects.visible_to(user)
        ).select_related("person", *related)

    def person_and_case_scoped(model: type[models.Model]) -> FactFilter:
        return lambda user: (
            model._default_manager.filter(person__in=Person.objects.visible_to(user))
            .filter(_in_no_case_or_visible_case(user))
            .select_related("person", "case")
        )

    def case_scoped(model: type[models.Model], *related: str) -> FactFilter:
        return lambda user: model._default_manager.filter(
            case__in=Case.objects.visible_to(user)
        ).select_related("case", *related)

    return {
        Person: Person.objects.visible_to,
        Case: Case.objects.visible_to,
        Organization: lambda user: (
            Organization.objects.all() if user.has_role else Organization.objects.none()
        ),
        OrganizationName: lambda user: (
            OrganizationName.objects.select_related("organization")
            if user.has_role
            else OrganizationName.objects.none()
        ),
        NameVariant: person_scoped(NameVariant),
        ReportedAge: person_scoped(ReportedAge),
        Affiliation: person_scoped(Affiliation, "organization"),
        LifeEvent: person_and_case_scoped(LifeEvent),
        CustodyInterval: person_and_case_scoped(CustodyInterval),
        AsylumClaim: person_and_case_scoped(AsylumClaim),
        AsylumClaimStep: lambda user: (
            AsylumClaimStep.objects.filter(claim__person__in=Person.objects.visible_to(user))
            .filter(_in_no_case_or_visible_case(user, "claim__"))
            .select_related("claim__person", "claim__case")
        ),
        Statement: lambda user: Statement.objects.filter(
            speaker__in=Person.objects.visible_to(user)
        ).select_related("speaker"),
        CaseParticipant: case_scoped(CaseParticipant, "person"),
        Charge: case_scoped(Charge, "defendant", "provision"),
        Hearing: case_scoped(Hearing),
        Sentence: case_scoped(Sentence, "defendant"),
    }


_VISIBLE_FACTS = _build_visible_facts()


def visible_facts(user: User, model: type[models.Model]) -> QuerySet[Any] | None:
    """The rows of `model` the user may see as cited facts; None for kinds never shown."""
    rule = _VISIBLE_FACTS.get(model)
    return None if rule is None else rule(user)


# -- home --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    """What the home page shows one user; empty for an account without a role."""

    has_role: bool
    today: date
    cases: Sequence[Case]
    more_cases: bool
    people: Sequence[Person]
    more_people: bool
    in_custody: list[CustodyInterval]
    upcoming_hearings: list[Hearing]
    recent_sources: list[Source]


HOME_CASES = 50
HOME_PEOPLE = 50
HOME_CUSTODY = 100
HOME_HEARINGS = 20
HOME_SOURCES = 10


def get_dashboard_for_user(user: User) -> Dashboard:
    today = timezone.localdate()
    if not user.has_role:
        return Dashboard(False, today, [], False, [], False, [], [], [])
    upcoming = Hearing.objects.filter(status=HearingStatus.SCHEDULED, date__endswith__gt=today)
    next_hearing = Subquery(
        upcoming.filter(case=OuterRef("pk")).order_by("date", "time").values("date")[:1],
        output_field=PartialDateField(),
    )
    cases = list(
        Case.objects.visible_to(user)
        .select_related("court")
        .annotate(next_hearing=next_hearing)
        .annotate(is_closed=Q(status=CaseStatus.CLOSED))
        .order_by(
            F("next_hearing").asc(nulls_last=True),
            "is_closed",
            F("opened").desc(nulls_last=True),
            "title",
        )[: HOME_CASES + 1]
    )
    # The people whose files the user follows; officials and researchers are reached through
    # the cases and statements they appear in.
    people_seen = Person.objects.filter(is_public_figure=False)
    if not user.is_vigil_admin:
        people_seen = people_seen.filter(pk__in=Person.objects.private_ids_visible_to(user))
    people = list(people_seen.order_by("display_name", "pk")[: HOME_PEOPLE + 1])
    in_custody = (
        CustodyInterval.objects.open()
        .exclude(kind=CustodyKind.ABROAD)
        .filter(person__in=Person.objects.visible_to(user))
        .filter(_in_no_case_or_visible_case(user))
        .select_related("person", "case")
        .order_by(F("start").asc(nulls_last=True), "person__display_name")[:HOME_CUSTODY]
    )
    hearings = (
        upcoming.filter(case__in=Case.objects.visible_to(user))
        .select_related("case", "court")
        .order_by("date", "time")[:HOME_HEARINGS]
    )
    sources = (
        Source.objects.visible_to(user)
        .select_related("publisher")
        .order_by(F("published").desc(nulls_last=True), "-created_at")[:HOME_SOURCES]
    )
    return Dashboard(
        has_role=True,
        today=today,
        cases=cases[:HOME_CASES],
        more_cases=len(cases) > HOME_CASES,
        people=people[:HOME_PEOPLE],
        more_people=len(people) > HOME_PEOPLE,
        in_custody=list(in_custody),
        upcoming_hearings=list(hearings),
        recent_sources=list(sources),
    )


# -- case --------------------------------------------------------------------------------------


class CaseAnnotations(TypedDict):
    user_can_edit: bool


def get_case_for_user(user: User, pk: int) -> WithAnnotations[Case, CaseAnnotations]:
    """A case the user may see, with everything its page shows; `user_can_edit` says whether
    the user may record its hearings (assigned lawyers and admins)."""
    cites = citations_for(user)
    queryset = (
        Case.objects.visible_to(user)
        .select_related("court")
        .annotate(user_can_edit=Exists(Case.objects.writable_by(user).filter(pk=OuterRef("pk"))))
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=CaseParticipant.objects.select_related("person", "organization").order_by(
                    _role_order(), "person__display_name"
                ),
            ),
            Prefetch(
                "charges",
                queryset=Charge.objects.select_related("defendant", "provision").order_by(
                    "defendant__display_name", "provision__article"
                ),
            ),
            Prefetch(
                "hearings",
                queryset=Hearing.objects.select_related(
                    "court", "judge", "adjourned_to", "adjourned_from"
                ).order_by("date", "time", "pk"),
            ),
            Prefetch(
                "sentences",
                queryset=Sentence.objects.select_related("defendant", "hearing").order_by(
                    "pronounced", "defendant__display_name"
                ),
            ),
            Prefetch(
                "custody_intervals",
                queryset=CustodyInterval.objects.select_related("person", "authority").order_by(
                    F("start").asc(nulls_first=True), "person__display_name"
                ),
            ),
        )
    )
    try:
        case = queryset.get(pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None
    # The citations of the case and of every fact on its page, from one query.
    records: list[models.Model] = [case]
    for relation in ("participants", "charges", "hearings", "sentences", "custody_intervals"):
        records += getattr(case, relation).all()
    _prefetch_citations(cast("QuerySet[Citation]", cites.queryset), records)
    return case


# -- person ------------------------------------------------------------------------------------


def get_person_for_user(user: User, pk: int) -> Person:
    """A person the user may see, with every fact of their page preloaded.

    Related managers hold only what the user may see: `participations`, `charges`,
    `sentences` only in visible cases; custody intervals, asylum claims and life events when
    they belong to no case or to a visible one; hearings through the visible participations."""
    cites = citations_for(user)
    # Checked row by row on the case's primary key: a handful of the person's rows, where
    # `case__in=<visible cases>` would list every case the user may see (a scan of all cases).
    visible_case = Q(Exists(Case.objects.visible_to(user).filter(pk=OuterRef("case_id"))))
    in_no_case_or_visible = Q(case__isnull=True) | visible_case
    names = NameVariant.objects.select_related("source__publisher").annotate(
        source_visible=Exists(Source.objects.visible_to(user).filter(pk=OuterRef("source_id")))
    )
    statements = Statement.objects.select_related("speaker", "organization")
    queryset = Person.objects.visible_to(user).prefetch_related(
        Prefetch("names", queryset=names.order_by("kind", "script", "text")),
        "reported_ages",
        Prefetch(
            "affiliations",
            queryset=Affiliation.objects.select_related("organization").order_by("start"),
        ),
        Prefetch(
            "participations",
            queryset=CaseParticipant.objects.filter(visible_case)
            .select_related("case")
            .order_by(F("case__opened").desc(nulls_last=True), "case__title", "role"),
        ),
        Prefetch(
            "participations__case__hearings",
            queryset=Hearing.objects.select_related("adjourned_to"),
        ),
        Prefetch(
            "life_events",
            queryset=LifeEvent.objects.filter(in_no_case_or_visible)
            .select_related("case")
            .order_by("date"),
        ),
        Prefetch(
            "custody_intervals",
            queryset=CustodyInterval.objects.filter(in_no_case_or_visible)
            .select_related("case", "authority")
            .order_by("start"),
        ),
        Prefetch(
            "charges",
            queryset=Charge.objects.filter(visible_case).select_related("case", "provision"),
        ),
        Prefetch(
            "sentences",
            queryset=Sentence.objects.filter(visible_case).select_related("case"),
        ),
        Prefetch(
            "asylum_claims",
            queryset=AsylumClaim.objects.filter(in_no_case_or_visible)
            .select_related("case", "authority")
            .order_by("filed")
            .prefetch_related("steps"),
        ),
        Prefetch("statements", queryset=statements),
        Prefetch("statements_about", queryset=statements),
    )
    # `user_may_read_sensitive`: whether the page shows the confidential panel (sensitive.py).
    queryset = queryset.annotate(user_may_read_sensitive=may_read_sensitive_expression(user))
    try:
        person = queryset.get(pk=pk)
    except Person.DoesNotExist:
        raise Http404 from None
    # A source's full text (reports of a few KB) is not shown beside a citation.
    citations = cast("QuerySet[Citation]", cites.queryset).defer(
        "source__text", "source__search_document", "source__notes"
    )
    _prefetch_citations(citations, _person_page_records(person))
    return person


def _person_page_records(person: Person) -> list[models.Model]:
    """The person and every preloaded fact of their page that may carry citations."""
    records: list[models.Model] = [person]
    records += person.names.all()
    records += person.reported_ages.all()
    records += person.affiliations.all()
    for participation in person.participations.all():
        records += participation.case.hearings.all()
    records += person.life_events.all()
    records += person.custody_intervals.all()
    records += person.charges.all()
    records += person.sentences.all()
    for claim in person.asylum_claims.all():
        records.append(claim)
        records += claim.steps.all()
    records += person.statements.all()
    records += person.statements_about.all()
    return records


def _prefetch_citations(citations: QuerySet[Citation], records: Sequence[models.Model]) -> None:
    """`record.citations.all()` of every record, from one query rather than one per kind of
    record (and without Django building a filtered queryset per record, which costs more than
    the query on a page of a thousand facts)."""
    pks: dict[int, set[Any]] = defaultdict(set)
    types = ContentType.objects.get_for_models(*{type(record) for record in records})
    for record in records:
        pks[types[type(record)].pk].add(record.pk)
    found: dict[tuple[int, int], list[Citation]] = defaultdict(list)
    if pks:
        wanted = Q()
        for type_id, ids in pks.items():
            wanted |= Q(content_type_id=type_id, object_id__in=sorted(ids))
        for citation in citations.filter(wanted):
            found[citation.content_type_id, citation.object_id].append(citation)
    for record in records:
        cached = Citation.objects.all()  # unfiltered: only its result cache is ever read
        cached._result_cache = found.get((types[type(record)].pk, record.pk), [])
        record.__dict__.setdefault("_prefetched_objects_cache", {})["citations"] = cached


# -- source ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CitedFact:
    citation: Citation
    fact: models.Model


@dataclass(frozen=True)
class SourcePage:
    source: Source
    cited_facts: list[CitedFact]


def get_source_for_user(user: User, pk: int) -> SourcePage:
    """A source the user may see, with the citations whose facts the user may see."""
    try:
        source = Source.objects.visible_to(user).select_related("publisher").get(pk=pk)
    except Source.DoesNotExist:
        raise Http404 from None
    citations = list(
        Citation.objects.filter(source=source)
        .exclude(hidden_citations(user))
        .select_related("content_type")
        .order_by("content_type_id", "object_id", "field", "pk")
    )
    content_types = {c.content_type_id: c.content_type for c in citations}
    ids_by_type: dict[int, set[int]] = defaultdict(set)
    for citation in citations:
        ids_by_type[citation.content_type_id].add(citation.object_id)
    facts: dict[tuple[int, int], models.Model] = {}
    for content_type_id, ids in ids_by_type.items():
        model = content_types[content_type_id].model_class()
        queryset = None if model is None else visible_facts(user, model)
        if queryset is not None:
            for fact in queryset.filter(pk__in=ids):
                facts[(content_type_id, fact.pk)] = fact
    cited = sorted(
        (
            CitedFact(c, facts[(c.content_type_id, c.object_id)])
            for c in citations
            if (c.content_type_id, c.object_id) in facts
        ),
        key=lambda item: (fact_label(item.fact).casefold(), item.citation.pk),
    )
    return SourcePage(source=source, cited_facts=cited)


# -- history -----------------------------------------------------------------------------------


def visible_records(user: User, model: type[models.Model]) -> QuerySet[Any] | None:
    """The rows of `model` whose change history the user may read: the facts the pages show
    (`visible_facts`), sources, legal provisions, and citations whose source and fact the user
    may both see; None for every other model (accounts, link tables), which has no history page.
    """
    from django.contrib.contenttypes.models import ContentType

    from cases.models import LegalProvision

    if model is Source:
        return Source.objects.visible_to(user)
    if model is LegalProvision:
        return LegalProvision.objects.all() if user.has_role else LegalProvision.objects.none()
    if model is Citation:
        citations = Citation.objects.filter(source__in=Source.objects.visible_to(user))
        if user.is_vigil_admin:
            return citations
        citations = citations.exclude(hidden_citations(user))
        types = ContentType.objects.get_for_models(*_VISIBLE_FACTS)
        cited = Q(pk__in=[])
        for fact_model, rule in _VISIBLE_FACTS.items():
            cited |= Q(
                content_type=types[fact_model], object_id__in=rule(user).values("pk").order_by()
            )
        return citations.filter(cited)
    return visible_facts(user, model)

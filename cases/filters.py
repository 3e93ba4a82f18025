"""Filters of the case list, and the person conditions the case and person lists share.

Every value in the address is an id, a code, a slug or a number: never a person's name. Each
condition is an `Exists` over what the user may see, so a filter never reveals a fact of a
case the user may not read (a person's custody in a case shared with another NGO, say).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, cast

import django_filters
from django import forms
from django.contrib.postgres.aggregates import StringAgg
from django.core.cache import cache
from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models import (
    DateField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.roles import Role
from cases.models import (
    AsylumClaim,
    AsylumStatus,
    Case,
    CaseAssignment,
    CaseKind,
    CaseParticipant,
    CaseStatus,
    Charge,
    CustodyInterval,
    CustodyKind,
    LegalProvision,
    ParticipantRole,
)
from core.fields import PartialDateField
from core.keyset import SortKey
from hearings.models import Hearing, HearingStatus
from people.models import Organization, Person

if TYPE_CHECKING:
    from accounts.models import User

# The people a case is about: the ones whose custody, asylum claim and citizenship count.
AT_RISK_ROLES = (ParticipantRole.DEFENDANT, ParticipantRole.APPLICANT)
OPEN_ASYLUM = (
    AsylumStatus.FILED,
    AsylumStatus.REGISTERED,
    AsylumStatus.PENDING,
    AsylumStatus.APPEALED,
)
MAX_DAYS = 3650


# -- conditions shared by both lists ---------------------------------------------------------


def _no_case_or_visible(user: User) -> Q:
    return Q(case__isnull=True) | Q(case__in=Case.objects.visible_to(user))


def held_now(user: User) -> QuerySet[CustodyInterval]:
    """Open custody intervals the user may see, detention abroad aside (as on the home page)."""
    return (
        CustodyInterval.objects.open()
        .exclude(kind=CustodyKind.ABROAD)
        .filter(_no_case_or_visible(user))
    )


def asylum_claims(
    user: User, *, status: str | None = None, pending_days: int | None = None, today: date
) -> QuerySet[AsylumClaim]:
    """Claims the user may see, with `status`, or still open and registered (or, unregistered,
    filed) more than `pending_days` days ago. A month-precise date counts from its last day,
    so "more than N days" is never overstated."""
    claims = AsylumClaim.objects.filter(_no_case_or_visible(user))
    if status:
        claims = claims.filter(status=status)
    if pending_days is not None:
        # The range's upper bound is the day after the latest day the source allows.
        cutoff = today - timedelta(days=pending_days)
        claims = claims.filter(status__in=OPEN_ASYLUM).filter(
            Q(registered__endswith__lte=cutoff)
            | Q(registered__isnull=True, filed__endswith__lte=cutoff)
        )
    return claims


def same_article(provision: LegalProvision) -> Q:
    """Charges under the provision's article of the same instrument, whatever the part."""
    return Q(provision__instrument=provision.instrument, provision__article=provision.article)


def scheduled_within(days: int, today: date) -> QuerySet[Hearing]:
    window = DateRange(today, today + timedelta(days=days + 1), "[)")
    return Hearing.objects.filter(status=HearingStatus.SCHEDULED, date__overlap=window)


def bounded_days(value: Any) -> int | None:
    return None if value is None else max(0, min(int(value), MAX_DAYS))


# The ethnicities a list offers change when a person is recorded, not between two clicks, and
# reading them visits every person the user may see (0.1 s of a 0.2 s case list for an NGO
# following 5,000 cases): they are kept a few minutes per user and list.
ETHNICITY_CHOICES_SECONDS = 300


def ethnicity_choices(persons: QuerySet[Person], *, cache_as: str = "") -> list[tuple[str, str]]:
    """The ethnicities recorded for `persons`, keyed by slug so the address holds no free text;
    kept in the cache under `cache_as` when given (a key naming the user and the list)."""

    def read() -> list[tuple[str, str]]:
        values = (
            persons.exclude(ethnicity="").order_by().values_list("ethnicity", flat=True).distinct()
        )
        by_slug = {slugify(value): value for value in sorted(set(values), key=str.casefold)}
        return [(slug, label) for slug, label in by_slug.items() if slug]

    if not cache_as:
        return read()
    choices = cache.get_or_set(f"ethnicities:{cache_as}", read, ETHNICITY_CHOICES_SECONDS)
    return cast(list[tuple[str, str]], choices)


def ethnicities_for_slug(slug: str, choices: list[tuple[str, str]]) -> list[str]:
    return [label for key, label in choices if key == slug]


# -- form fields -------------------------------------------------------------------------------


class LabelledChoiceField(forms.ModelChoiceField):
    def __init__(self, *args: Any, label_for: Callable[[Any], str] = str, **kwargs: Any) -> None:
        self.label_for = label_for
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return self.label_for(obj)


class LabelledModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = LabelledChoiceField


def any_value(filterset: django_filters.FilterSet) -> None:
    """Selects read "Any" rather than dashes when no value is chosen."""
    for item in filterset.filters.values():
        if isinstance(item, django_filters.ChoiceFilter | django_filters.ModelChoiceFilter):
            item.extra["empty_label"] = _("Any")


def article_label(provision: LegalProvision) -> str:
    return f"{provision.instrument}, Art. {provision.article}"


def user_label(user: User) -> str:
    return user.get_full_name() or user.get_username()


def charged_articles() -> QuerySet[LegalProvision]:
    """One provision per (instrument, article) that someone is charged under."""
    return (
        LegalProvision.objects.filter(Exists(Charge.objects.filter(provision=OuterRef("pk"))))
        .order_by("instrument", "article", "pk")
        .distinct("instrument", "article")
    )


# -- the case list -----------------------------------------------------------------------------


def _lower(field: str) -> Func:
    return Func(F(field), function="lower", output_field=DateField())


def next_hearing_subquery(today: date, *, lower: bool) -> Subquery:
    upcoming = Hearing.objects.filter(
        case=OuterRef("pk"), status=HearingStatus.SCHEDULED, date__endswith__gt=today
    ).order_by("date", "time", "pk")
    if lower:
        return Subquery(
            upcoming.annotate(day=_lower("date")).values("day")[:1], output_field=DateField()
        )
    return Subquery(upcoming.values("date")[:1], output_field=PartialDateField())


def at_risk_names() -> Subquery:
    """The defendants' and applicants' names of a case, in one string."""
    return Subquery(
        CaseParticipant.objects.filter(case=OuterRef("pk"), role__in=AT_RISK_ROLES)
        .order_by()
        .values("case")
        .annotate(names=StringAgg("person__display_name", ", ", order_by="person__display_name"))
        .values("names")
    )


def case_sorts(today: date) -> dict[str, SortKey]:
    """The case list's sort orders by address value; nulls sort last in both directions."""
    opened = _lower("opened")
    hearing = next_hearing_subquery(today, lower=True)
    return {
        "opened": SortKey("opened", Coalesce(opened, Value(date.max)), descending=False),
        "-opened": SortKey("-opened", Coalesce(opened, Value(date.min)), descending=True),
        "title": SortKey("title", Lower("title")),
        "-title": SortKey("-title", Lower("title"), descending=True),
        "hearing": SortKey("hearing", Coalesce(hearing, Value(date.max))),
        "-hearing": SortKey("-hearing", Coalesce(hearing, Value(date.min)), descending=True),
    }


DEFAULT_CASE_SORT = "-opened"


class CaseFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CaseKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CaseStatus.choices)
    jurisdiction = django_filters.ChoiceFilter(label=_("Jurisdiction"), choices=[])
    court = LabelledModelChoiceFilter(
        label=_("Court or authority"), queryset=Organization.objects.none()
    )
    article = LabelledModelChoiceFilter(
        label=_("Charge"),
        queryset=LegalProvision.objects.none(),
        method="filter_article",
        label_for=article_label,
    )
    hearing_within = django_filters.NumberFilter(
        label=_("Hearing within (days)"), method="filter_hearing_within", min_value=0
    )
    in_custody = django_filters.BooleanFilter(
        label=_("Someone held now"),
        method="filter_in_custody",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )
    asylum = django_filters.ChoiceFilter(
        label=_("Asylum claim"), choices=AsylumStatus.choices, method="filter_asylum"
    )
    pending_days = django_filters.NumberFilter(
        label=_("Asylum open for more than (days)"), method="filter_pending", min_value=0
    )
    citizenship = django_filters.ChoiceFilter(
        label=_("Citizenship"), choices=list(countries), method="filter_citizenship"
    )
    ethnicity = django_filters.ChoiceFilter(
        label=_("Ethnicity"), choices=[], method="filter_ethnicity"
    )
    lawyer = LabelledModelChoiceFilter(
        label=_("Assigned lawyer"),
        queryset=CaseAssignment.objects.none(),
        method="filter_lawyer",
        label_for=user_label,
    )
    organization = LabelledModelChoiceFilter(
        label=_("Followed by"), queryset=Organization.objects.none(), field_name="watched_by"
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def __init__(self, *args: Any, user: User, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from accounts.models import User as UserModel

        self.user, self.today = user, today
        any_value(self)
        visible = Case.objects.visible_to(user)
        codes = visible.order_by().values_list("jurisdiction", flat=True).distinct()
        self.filters["jurisdiction"].extra["choices"] = sorted(
            ((str(code), countries.name(code)) for code in codes), key=lambda c: c[1]
        )
        self.filters["court"].queryset = Organization.objects.filter(
            Exists(visible.filter(court=OuterRef("pk")))
        ).order_by("name")
        self.filters["article"].queryset = charged_articles()
        self.filters["lawyer"].queryset = UserModel.objects.filter(
            Exists(CaseAssignment.objects.filter(user=OuterRef("pk"), case__in=visible)),
            groups__name=Role.LAWYER,
        ).order_by("first_name", "last_name", "username")
        # Which other NGOs follow a file is theirs to know: staff filter by their own.
        following = Organization.objects.filter(
            Exists(Case.watched_by.through.objects.filter(organization=OuterRef("pk")))
        )
        if not user.is_vigil_admin:
            following = following.filter(staff=user)
        self.filters["organization"].queryset = following.order_by("name")
        at_risk = Person.objects.filter(
            pk__in=CaseParticipant.objects.filter(role__in=AT_RISK_ROLES, case__in=visible).values(
                "person_id"
            )
        )
        self.ethnicities = ethnicity_choices(at_risk, cache_as=f"cases:{user.pk}")
        self.filters["ethnicity"].extra["choices"] = self.ethnicities

    def _with_at_risk(self, queryset: QuerySet[Case], persons: QuerySet[Any]) -> QuerySet[Case]:
        return queryset.filter(
            Exists(
                CaseParticipant.objects.filter(
                    case=OuterRef("pk"), role__in=AT_RISK_ROLES, person__in=persons
                )
            )
        )

    def filter_article(
        self, queryset: QuerySet[Case], name: str, value: LegalProvision | None
    ) -> QuerySet[Case]:
        if value is None:
            return queryset
        charges = Charge.objects.filter(same_article(value), case=OuterRef("pk"))
        return queryset.filter(Exists(charges))

    def filter_hearing_within(self, queryset: QuerySet[Case], name: str, value: Any) -> Any:
        days = bounded_days(value)
        if days is None:
            return queryset
        return queryset.filter(
            Exists(scheduled_within(days, self.today).filter(case=OuterRef("pk")))
        )

    def filter_in_custody(
        self, queryset: QuerySet[Case], name: str, value: bool | None
    ) -> QuerySet[Case]:
        if value is None:
            return queryset
        held = held_now(self.user).values("person")
        with_held = Exists(
            CaseParticipant.objects.filter(
                case=OuterRef("pk"), role__in=AT_RISK_ROLES, person__in=held
            )
        )
        return queryset.filter(with_held if value else ~with_held)

    def filter_asylum(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        if not value:
            return queryset
        claims = asylum_claims(self.user, status=value, today=self.today)
        return self._with_at_risk(queryset, claims.values("person"))

    def filter_pending(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        days = bounded_days(value)
        if days is None:
            return queryset
        claims = asylum_claims(self.user, pending_days=days, today=self.today)
        return self._with_at_risk(queryset, claims.values("person"))

    def filter_citizenship(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        if not value:
            return queryset
        # Stored as comma-separated two-letter codes: a valid code matches only itself.
        return self._with_at_risk(queryset, Person.objects.filter(citizenships__contains=value))

    def filter_ethnicity(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        if not value:
            return queryset
        labels = ethnicities_for_slug(value, self.ethnicities)
        return self._with_at_risk(queryset, Person.objects.filter(ethnicity__in=labels))

    def filter_lawyer(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        if value is None:
            return queryset
        assigned = CaseAssignment.objects.filter(case=OuterRef("pk"), user=value)
        return queryset.filter(Exists(assigned))


def queryset_without(filterset: django_filters.FilterSet, *skip: str) -> QuerySet[Any]:
    """The filtered queryset with every filter but those in `skip` applied: the base of the
    counts shown beside those filters' values."""
    queryset = filterset.queryset
    for name, value in filterset.form.cleaned_data.items():
        if name not in skip:
            queryset = filterset.filters[name].filter(queryset, value)
    return queryset


def today() -> date:
    return timezone.localdate()

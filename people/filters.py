"""Filters of the person list. Conditions that go through cases look only at cases the user may
see; the address holds ids, codes, slugs and numbers, never a name."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.roles import Role
from cases.filters import (
    LabelledModelChoiceFilter,
    any_value,
    article_label,
    asylum_claims,
    bounded_days,
    charged_articles,
    ethnicities_for_slug,
    ethnicity_choices,
    held_now,
    same_article,
    scheduled_within,
    user_label,
)
from cases.models import (
    AsylumStatus,
    Case,
    CaseAssignment,
    CaseKind,
    CaseParticipant,
    CaseStatus,
    Charge,
    LegalProvision,
)
from core.keyset import SortKey
from people.models import Organization, Person

if TYPE_CHECKING:
    from accounts.models import User

PERSON_SORTS = {
    "name": SortKey("name", Lower("display_name")),
    "-name": SortKey("-name", Lower("display_name"), descending=True),
}
DEFAULT_PERSON_SORT = "name"


class PersonFilter(django_filters.FilterSet):
    citizenship = django_filters.ChoiceFilter(
        label=_("Citizenship"), choices=list(countries), method="filter_citizenship"
    )
    ethnicity = django_filters.ChoiceFilter(
        label=_("Ethnicity"), choices=[], method="filter_ethnicity"
    )
    in_custody = django_filters.BooleanFilter(
        label=_("Held now"),
        method="filter_in_custody",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )
    asylum = django_filters.ChoiceFilter(
        label=_("Asylum claim"), choices=AsylumStatus.choices, method="filter_asylum"
    )
    pending_days = django_filters.NumberFilter(
        label=_("Asylum open for more than (days)"), method="filter_pending", min_value=0
    )
    case_kind = django_filters.ChoiceFilter(
        label=_("In a case of kind"), choices=CaseKind.choices, method="filter_case_kind"
    )
    case_status = django_filters.ChoiceFilter(
        label=_("In a case with status"), choices=CaseStatus.choices, method="filter_case_status"
    )
    jurisdiction = django_filters.ChoiceFilter(
        label=_("In a case in"), choices=[], method="filter_jurisdiction"
    )
    court = LabelledModelChoiceFilter(
        label=_("In a case before"), queryset=Organization.objects.none(), method="filter_court"
    )
    article = LabelledModelChoiceFilter(
        label=_("Charged under"),
        queryset=LegalProvision.objects.none(),
        method="filter_article",
        label_for=article_label,
    )
    hearing_within = django_filters.NumberFilter(
        label=_("Hearing within (days)"), method="filter_hearing_within", min_value=0
    )
    lawyer = LabelledModelChoiceFilter(
        label=_("In a case of lawyer"),
        queryset=CaseAssignment.objects.none(),
        method="filter_lawyer",
        label_for=user_label,
    )
    organization = LabelledModelChoiceFilter(
        label=_("Followed by"), queryset=Organization.objects.none(), field_name="watched_by"
    )
    public_figure = django_filters.BooleanFilter(
        label=_("Public figure"),
        field_name="is_public_figure",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = Person
        fields: list[str] = []

    def __init__(self, *args: Any, user: User, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from accounts.models import User as UserModel

        self.user, self.today = user, today
        any_value(self)
        self.visible_cases = Case.objects.visible_to(user)
        codes = self.visible_cases.order_by().values_list("jurisdiction", flat=True).distinct()
        self.filters["jurisdiction"].extra["choices"] = sorted(
            ((str(code), countries.name(code)) for code in codes), key=lambda c: c[1]
        )
        self.filters["court"].queryset = Organization.objects.filter(
            Exists(self.visible_cases.filter(court=OuterRef("pk")))
        ).order_by("name")
        self.filters["article"].queryset = charged_articles()
        self.filters["lawyer"].queryset = UserModel.objects.filter(
            Exists(CaseAssignment.objects.filter(user=OuterRef("pk"), case__in=self.visible_cases)),
            groups__name=Role.LAWYER,
        ).order_by("first_name", "last_name", "username")
        # Which other NGOs follow a file is theirs to know: staff filter by their own.
        following = Organization.objects.filter(
            Exists(Person.watched_by.through.objects.filter(organization=OuterRef("pk")))
        )
        if not user.is_vigil_admin:
            following = following.filter(staff=user)
        self.filters["organization"].queryset = following.order_by("name")
        self.ethnicities = ethnicity_choices(
            Person.objects.visible_to(user), cache_as=f"people:{user.pk}"
        )
        self.filters["ethnicity"].extra["choices"] = self.ethnicities

    def _in_cases(self, queryset: QuerySet[Person], cases: QuerySet[Case]) -> QuerySet[Person]:
        """Persons taking part in one of `cases` that the user may see."""
        return queryset.filter(
            Exists(
                CaseParticipant.objects.filter(
                    person=OuterRef("pk"), case__in=cases.filter(pk__in=self.visible_cases)
                )
            )
        )

    def filter_citizenship(self, queryset: QuerySet[Person], name: str, value: str) -> Any:
        return queryset.filter(citizenships__contains=value) if value else queryset

    def filter_ethnicity(self, queryset: QuerySet[Person], name: str, value: str) -> Any:
        if not value:
            return queryset
        return queryset.filter(ethnicity__in=ethnicities_for_slug(value, self.ethnicities))

    def filter_in_custody(self, queryset: QuerySet[Person], name: str, value: Any) -> Any:
        if value is None:
            return queryset
        held = Exists(held_now(self.user).filter(person=OuterRef("pk")))
        return queryset.filter(held if value else ~held)

    def filter_asylum(self, queryset: QuerySet[Person], name: str, value: str) -> Any:
        if not value:
            return queryset
        claims = asylum_claims(self.user, status=value, today=self.today)
        return queryset.filter(Exists(claims.filter(person=OuterRef("pk"))))

    def filter_pending(self, queryset: QuerySet[Person], name: str, value: Any) -> Any:
        days = bounded_days(value)
        if days is None:
            return queryset
        claims = asylum_claims(self.user, pending_days=days, today=self.today)
        return queryset.filter(Exists(claims.filter(person=OuterRef("pk"))))

    def filter_case_kind(self, queryset: QuerySet[Person], name: str, value: str) -> Any:
        return self._in_cases(queryset, Case.objects.filter(kind=value)) if value else queryset

    def filter_case_status(self, queryset: QuerySet[Person], name: str, value: str) -> Any:
        return self._in_cases(queryset, Case.objects.filter(status=value)) if value else queryset

    def filter_jurisdiction(self, queryset: QuerySet[Person], name: str, value: str) -> Any:
        if not value:
            return queryset
        return self._in_cases(queryset, Case.objects.filter(jurisdiction=value))

    def filter_court(self, queryset: QuerySet[Person], name: str, value: Any) -> Any:
        return queryset if value is None else self._in_cases(queryset, value.cases.all())

    def filter_article(self, queryset: QuerySet[Person], name: str, value: Any) -> Any:
        if value is None:
            return queryset
        charges = Charge.objects.filter(
            same_article(value), defendant=OuterRef("pk"), case__in=self.visible_cases
        )
        return queryset.filter(Exists(charges))

    def filter_hearing_within(self, queryset: QuerySet[Person], name: str, value: Any) -> Any:
        days = bounded_days(value)
        if days is None:
            return queryset
        hearings = scheduled_within(days, self.today)
        return self._in_cases(
            queryset, Case.objects.filter(Exists(hearings.filter(case=OuterRef("pk"))))
        )

    def filter_lawyer(self, queryset: QuerySet[Person], name: str, value: Any) -> Any:
        if value is None:
            return queryset
        return self._in_cases(queryset, Case.objects.filter(assignments__user=value))


def held_now_flag(user: User) -> Exists:
    return Exists(held_now(user).filter(person=OuterRef("pk")))

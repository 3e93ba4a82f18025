"""The report search form: words and filters, limited to what the user may see.

The person filter is a name, not a list of everyone: a user may see tens of thousands of
persons, and rendering them all as options cost more than the search itself. The name is
resolved through the name search (`people.name_search`, any spelling or script): one person
matching is used at once; several are offered to choose from (their ids then come back as
`person`); none is an error next to the field. Like the words, the name is POSTed, never put
in an address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core.fields import PartialDateFormField
from people.models import Organization, Person
from people.name_search import NameMatch, search_people
from sources.models import Source, SourceKind
from sources.search import MAX_PAGE, ReportQuery

if TYPE_CHECKING:
    from accounts.models import User


class ReportSearchForm(forms.Form):
    words = forms.CharField(
        label=_("Words"),
        required=False,
        max_length=200,
        help_text=_(
            "Any form of the words, in English or Russian: “detained” finds “detaining”, "
            "“беженцы” finds “беженцев”. "
            "Quote a phrase, write “or” between alternatives, “-word” to leave a word out."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    publisher = forms.ModelChoiceField(
        label=_("Publisher"), queryset=Organization.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Any kind")), *SourceKind.choices],
        required=False,
    )
    published_from = PartialDateFormField(
        label=_("Published from"),
        required=False,
        max_length=40,
        help_text=_("A year, a month or a day: 2019, 2019-10, 2019-10-06."),
    )
    published_to = PartialDateFormField(label=_("Published until"), required=False, max_length=40)
    person_name = forms.CharField(
        label=_("Mentioning"),
        required=False,
        max_length=200,
        help_text=_(
            "A person's name, in any spelling: sources cited for them or for one of their facts."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # The chosen person's id: sent by the choice among several namesakes, then kept in a
    # hidden input while the name stays the person's. Never rendered as a list of options.
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, widget=forms.HiddenInput
    )
    page = forms.IntegerField(
        min_value=1, max_value=MAX_PAGE, required=False, widget=forms.HiddenInput
    )

    # Namesakes offered when a name matches several persons.
    CANDIDATES = 10

    def __init__(self, data: QueryDict | None = None, *, user: User, **kwargs: Any) -> None:
        # A copy: the resolved person is written back into it (`_keep_person`).
        self.submitted = data.copy() if data is not None else QueryDict(mutable=True)
        super().__init__(self.submitted if data is not None else None, **kwargs)
        self.user = user
        self.person_candidates: list[NameMatch] = []
        publishers = Source.objects.visible_to(user).values("publisher")
        self.fields["publisher"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            pk__in=publishers
        ).order_by("name")
        self.fields["publisher"].empty_label = _("Any publisher")  # type: ignore[attr-defined]
        self.fields["person"].queryset = Person.objects.visible_to(user).order_by(  # type: ignore[attr-defined]
            "display_name", "pk"
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("published_from"), cleaned.get("published_to")
        if start is not None and end is not None and end.latest < start.earliest:
            raise ValidationError(_("The end of the period is before its start."))
        self._resolve_person(cleaned)
        return cleaned

    def _resolve_person(self, cleaned: dict[str, Any]) -> None:
        person: Person | None = cleaned.get("person")
        name = (cleaned.get("person_name") or "").strip()
        # The person stands while the name is theirs, or is the one they were chosen for.
        kept_for = {"", person.display_name.casefold() if person else ""}
        kept_for.add(str(self.data.get("person_chosen_for", "")).strip().casefold())
        if person is not None and name.casefold() in kept_for:
            self._keep_person(person)
            return
        cleaned["person"] = person = None
        if not name or "person" in self.errors:
            return
        matches = search_people(self.user, name, limit=self.CANDIDATES + 1)
        if len(matches) == 1:
            cleaned["person"] = person = Person(
                pk=matches[0].id, display_name=matches[0].display_name
            )
            self._keep_person(person)
        elif matches:
            self.person_candidates = matches[: self.CANDIDATES]
            self.add_error(
                "person_name", _("Several people you may see have this name: choose one.")
            )
        else:
            self.add_error("person_name", _("No person you may see has this name."))

    def _keep_person(self, person: Person) -> None:
        # The page shows the person's name and carries their id to the next search or page.
        self.submitted["person_name"] = person.display_name
        self.submitted["person"] = str(person.pk)

    def has_filters(self) -> bool:
        """Whether the submitted form narrows the search by anything but the words."""
        return self.is_bound and any(
            self.data.get(name) for name in self.fields if name not in ("words", "page", "person")
        )

    def report_query(self) -> ReportQuery:
        """The valid form as a query (call after `is_valid()`)."""
        data = self.cleaned_data
        return ReportQuery(
            words=data["words"],
            publisher=data["publisher"],
            kind=data["kind"],
            published_from=data["published_from"],
            published_to=data["published_to"],
            person=data["person"],
            page=data["page"] or 1,
        )

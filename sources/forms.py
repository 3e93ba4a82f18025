"""The report search form: words and filters, limited to what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.fields import PartialDateFormField
from people.models import Organization, Person
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
    person = forms.ModelChoiceField(
        label=_("Mentioning"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Sources cited for this person or for one of their facts."),
    )
    page = forms.IntegerField(
        min_value=1, max_value=MAX_PAGE, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        publishers = Source.objects.visible_to(user).values("publisher")
        self.fields["publisher"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            pk__in=publishers
        ).order_by("name")
        self.fields["publisher"].empty_label = _("Any publisher")  # type: ignore[attr-defined]
        self.fields["person"].queryset = Person.objects.visible_to(user).order_by(  # type: ignore[attr-defined]
            "display_name", "pk"
        )
        self.fields["person"].empty_label = _("Anyone")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("published_from"), cleaned.get("published_to")
        if start is not None and end is not None and end.latest < start.earliest:
            raise ValidationError(_("The end of the period is before its start."))
        return cleaned

    def has_filters(self) -> bool:
        """Whether the submitted form narrows the search by anything but the words."""
        return self.is_bound and any(
            self.data.get(name) for name in self.fields if name not in ("words", "page")
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

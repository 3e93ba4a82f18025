"""Which entries of a person's timeline to show: kinds grouped the way advocates think of them,
and cases. Read from the GET parameters `kind` (group slugs) and `case` (case ids): a URL never
carries a name."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from people.timeline import Entry, in_order, person_timeline
from people.timeline_strip import Strip, strip_for

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from cases.models import Case
    from people.models import Person


@dataclass(frozen=True)
class KindGroup:
    slug: str
    label: StrOrPromise
    kinds: frozenset[str]


KIND_GROUPS = (
    KindGroup("custody", _("Custody"), frozenset({"custody_start", "custody_end"})),
    KindGroup("events", _("Border and life events"), frozenset({"life_event"})),
    KindGroup("charges", _("Charges"), frozenset({"charge"})),
    KindGroup("hearings", _("Hearings"), frozenset({"hearing"})),
    KindGroup("verdicts", _("Verdicts and sentences"), frozenset({"sentence", "verdict_in_force"})),
    KindGroup("asylum", _("Asylum"), frozenset({"asylum"})),
    KindGroup("statements", _("Statements"), frozenset({"statement"})),
    KindGroup("publications", _("Publications"), frozenset({"source"})),
    KindGroup("deadlines", _("Deadlines"), frozenset({"deadline"})),
)
GROUP_OF_KIND = {kind: group.slug for group in KIND_GROUPS for kind in group.kinds}


def filter_entries(
    entries: Iterable[Entry], *, groups: Iterable[str] = (), case_ids: Iterable[int] = ()
) -> list[Entry]:
    """The entries of the chosen kind groups that belong to one of the chosen cases; no choice
    of groups (or of cases) keeps every kind (or every entry, in a case or not)."""
    groups, case_ids = set(groups), set(case_ids)
    return [
        entry
        for entry in entries
        if (not groups or GROUP_OF_KIND.get(entry.kind) in groups)
        and (not case_ids or entry.case_ids & case_ids)
    ]


class TimelineFilterForm(forms.Form):
    """Checkboxes for the kind groups the timeline holds (with how many entries each) and for
    the person's cases. Unknown values are reported next to their field and ignored."""

    kind = forms.MultipleChoiceField(
        label=_("Show"), required=False, widget=forms.CheckboxSelectMultiple
    )
    case = forms.TypedMultipleChoiceField(
        label=_("Cases"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, data: QueryDict, *, entries: Sequence[Entry], cases: Iterable[Case]):
        super().__init__(data)
        counts = Counter(GROUP_OF_KIND.get(entry.kind) for entry in entries)
        chosen = set(data.getlist("kind"))
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            (group.slug, f"{group.label} ({counts[group.slug]})")
            for group in KIND_GROUPS
            if counts[group.slug] or group.slug in chosen
        ]
        cast(forms.ChoiceField, self.fields["case"]).choices = [(c.pk, c.title) for c in cases]

    def choices(self) -> tuple[list[str], list[int]]:
        """The valid groups and case ids chosen."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("kind", []), data.get("case", [])


# The person page opens on the most recent entries (and what is ahead); the earlier ones come
# on request. A person followed for years has hundreds of entries, and drawing them all made a
# page of a megabyte that took most of a second to render.
LATEST_ENTRIES = 100


@dataclass(frozen=True)
class TimelinePage:
    """What the person page and its printable view show of the timeline."""

    form: TimelineFilterForm
    entries: list[Entry]
    total: int
    strip: Strip
    groups: list[str]
    cases: list[Case]
    matching: int  # entries that the filters keep, shown or not
    earlier: int  # of those, the earlier ones left out of `entries`

    @property
    def filtered(self) -> bool:
        return bool(self.groups or self.cases)

    @property
    def group_labels(self) -> list[StrOrPromise]:
        return [group.label for group in KIND_GROUPS if group.slug in self.groups]


def timeline_page(
    person: Person,
    params: QueryDict,
    today: date,
    extra: Iterable[Entry] = (),
    latest: int | None = None,
) -> TimelinePage:
    """The person's timeline with `extra` entries (deadlines) merged in, filtered by `params`,
    with the strip for everything the filters keep; only the `latest` (1 or more) entries of
    those are listed when given. The person comes from `core.access.get_person_for_user`:
    nothing here queries the database."""
    entries = in_order([*person_timeline(person), *extra])
    cases: dict[int, Case] = {p.case_id: p.case for p in person.participations.all()}
    for entry in entries:
        if entry.case is not None:
            cases.setdefault(entry.case.pk, entry.case)
    form = TimelineFilterForm(params, entries=entries, cases=cases.values())
    groups, case_ids = form.choices()
    shown = filter_entries(entries, groups=groups, case_ids=case_ids)
    listed = shown if latest is None else shown[-latest:]
    return TimelinePage(
        form=form,
        entries=listed,
        total=len(entries),
        strip=strip_for(shown, today),
        groups=groups,
        cases=[cases[pk] for pk in case_ids if pk in cases],
        matching=len(shown),
        earlier=len(shown) - len(listed),
    )

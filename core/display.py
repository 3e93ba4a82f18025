"""How records read to a person: dates at their precision, and a short label for any fact."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dates import MONTHS
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from core.partial_dates import PartialDate


def date_label(value: PartialDate | None) -> str:
    """ "6 January 2020", "October 2019", "2020", "1 – 6 October 2019", in the active
    language's month names; "" for no date."""
    if value is None:
        return ""
    return value.label(_month_names(get_language()))


@cache
def _month_names(language: str | None) -> tuple[str, ...]:
    # Translating twelve lazy month names took ~0.4 ms per date: on a timeline of 1,000
    # events that was most of the page (README, Performance). Once per language instead.
    return tuple(str(MONTHS[month]) for month in range(1, 13))


def country_name(code: object) -> str:
    """The country's name in the active language; CountryField values are `Country` objects
    at run time and `str` to the type checker, and both print as their code."""
    return str(countries.name(str(code))) if code else ""


def field_label(model: type[models.Model] | None, name: str) -> str:
    """A model field's verbose name ("custody credit" for custody_credit); the name itself
    when the model has no such field."""
    if model is None or not name:
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name.replace("_", " ")
    return str(getattr(field, "verbose_name", name))


def _date_or_unknown(value: PartialDate | None) -> str:
    return date_label(value) or _("date unknown")


def fact_label(fact: models.Model) -> str:
    """One line naming a cited fact: whose it is, what it is, when."""
    from cases.models import (
        AsylumClaim,
        AsylumClaimStep,
        Case,
        CaseParticipant,
        Charge,
        CustodyInterval,
    )
    from hearings.models import Hearing, Sentence
    from people.models import (
        Affiliation,
        LifeEvent,
        NameVariant,
        OrganizationName,
        Person,
        ReportedAge,
        Statement,
    )

    values: dict[str, Any]
    match fact:
        case Person() | Case():
            return str(fact)
        case NameVariant():
            text = _("%(person)s: spelled “%(name)s”")
            values = {"person": fact.person, "name": fact.text}
        case OrganizationName():
            text = _("%(organization)s: named “%(name)s”")
            values = {"organization": fact.organization, "name": fact.text}
        case ReportedAge():
            text = _("%(person)s: age %(age)s (as of %(date)s)")
            values = {"person": fact.person, "age": fact.age, "date": date_label(fact.as_of)}
        case Affiliation():
            text = _("%(person)s: %(title)s, %(organization)s")
            values = {"person": fact.person, "title": fact.title, "organization": fact.organization}
        case LifeEvent():
            text = _("%(person)s: %(event)s (%(date)s)")
            values = {
                "person": fact.person,
                "event": fact.get_kind_display(),
                "date": _date_or_unknown(fact.date),
            }
        case CustodyInterval():
            text = _("%(person)s: %(kind)s from %(start)s")
            values = {
                "person": fact.person,
                "kind": fact.get_kind_display(),
                "start": _date_or_unknown(fact.start),
            }
        case AsylumClaim():
            text = _("%(person)s: asylum claim in %(country)s")
            values = {"person": fact.person, "country": country_name(fact.host_country)}
        case AsylumClaimStep():
            text = _("%(person)s: asylum claim %(status)s (%(date)s)")
            values = {
                "person": fact.claim.person,
                "status": fact.get_status_display().lower(),
                "date": _date_or_unknown(fact.date),
            }
        case Statement():
            text = _("%(speaker)s: statement (%(date)s)")
            values = {"speaker": fact.speaker, "date": _date_or_unknown(fact.date)}
        case CaseParticipant():
            text = _("%(person)s: %(role)s in %(case)s")
            values = {"person": fact.person, "role": fact.get_role_display(), "case": fact.case}
        case Charge():
            text = _("%(person)s: charge under %(provision)s")
            values = {"person": fact.defendant, "provision": fact.provision}
        case Hearing():
            text = _("%(case)s: hearing of %(date)s")
            values = {"case": fact.case, "date": date_label(fact.date)}
        case Sentence():
            text = _("%(person)s: sentence of %(date)s")
            values = {"person": fact.defendant, "date": date_label(fact.pronounced)}
        case _:
            return str(fact)
    return text % values


def fact_url(fact: models.Model) -> str | None:
    """The page where a fact is shown: its person's or its case's, when it has one."""
    from cases.models import Case, CaseParticipant, Charge
    from hearings.models import Hearing, Sentence
    from people.models import Person, Statement

    match fact:
        case Person() | Case():
            return fact.get_absolute_url()
        case CaseParticipant():
            return fact.case.get_absolute_url()
        case Charge() | Hearing() | Sentence():
            anchor = f"{fact._meta.model_name}-{fact.pk}"
            return f"{fact.case.get_absolute_url()}#{anchor}"
        case Statement():
            return fact.speaker.get_absolute_url()
    person = getattr(fact, "person", None)
    if person is None and hasattr(fact, "claim"):
        person = fact.claim.person
    return person.get_absolute_url() if isinstance(person, Person) else None

"""The admin: every model is there, lists stay at a fixed number of queries, pages load,
autocomplete finds people by any spelling, and History shows trigger-written events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pghistory
import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pghistory.models import Event

from accounts.models import User
from accounts.roles import Role
from cases import models as cases
from core.partial_dates import PartialDate
from hearings import models as hearings
from people import models as people
from sources import models as sources
from tests import factories

FACTORIES: dict[type[models.Model], Callable[[], Any]] = {
    User: factories.UserFactory,
    people.Person: factories.PersonFactory,
    people.NameVariant: factories.NameVariantFactory,
    people.ReportedAge: factories.ReportedAgeFactory,
    people.Organization: factories.OrganizationFactory,
    people.OrganizationName: factories.OrganizationNameFactory,
    people.Affiliation: factories.AffiliationFactory,
    people.LifeEvent: lambda: factories.LifeEventFactory.create(
        case=factories.CaseFactory.create()
    ),
    people.Statement: factories.StatementFactory,
    cases.LegalProvision: lambda: factories.LegalProvisionFactory.create(
        predecessor=factories.LegalProvisionFactory.create()
    ),
    cases.Case: factories.CaseFactory,
    cases.CaseParticipant: factories.CaseParticipantFactory,
    cases.CaseAssignment: factories.CaseAssignmentFactory,
    cases.Charge: factories.ChargeFactory,
    cases.CustodyInterval: lambda: factories.CustodyIntervalFactory.create(
        case=factories.CaseFactory.create(), authority=factories.OrganizationFactory.create()
    ),
    cases.AsylumClaim: lambda: factories.AsylumClaimFactory.create(
        case=factories.CaseFactory.create(), authority=factories.OrganizationFactory.create()
    ),
    cases.AsylumClaimStep: factories.AsylumClaimStepFactory,
    hearings.Hearing: lambda: factories.HearingFactory.create(
        judge=factories.PersonFactory.create(),
        status=hearings.HearingStatus.ADJOURNED,
        adjourned_to=factories.HearingFactory.create(),
    ),
    hearings.Sentence: lambda: factories.SentenceFactory.create(
        hearing=factories.HearingFactory.create()
    ),
    sources.Source: factories.SourceFactory,
    sources.Citation: factories.CitationFactory,
    sources.ReportMention: factories.ReportMentionFactory,
    sources.Proposal: factories.ProposalFactory,
}
MODELS = list(FACTORIES)
AUTOCOMPLETE_TARGETS = {
    people.Person,
    people.Organization,
    cases.Case,
    cases.LegalProvision,
    hearings.Hearing,
    sources.Source,
    User,
}
APPS = ("accounts", "people", "cases", "hearings", "sources")


def model_id(model: type[models.Model]) -> str:
    return model._meta.label


def url(model: type[models.Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture(autouse=True)
def _static_without_manifest(settings: Any) -> None:
    # Production storage needs `collectstatic`'s manifest; admin pages render {% static %}.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def superuser(admin_user: User) -> User:
    admin_user.is_superuser = True
    admin_user.save()
    return admin_user


@pytest.fixture
def admin_client(client: Client, superuser: User) -> Client:
    client.force_login(superuser)
    return client


def test_every_model_of_the_domain_apps_is_registered() -> None:
    domain = {
        model
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        if not issubclass(model, Event)  # pghistory's <Model>Event tables
    }
    assert domain == set(FACTORIES)
    assert all(admin.site.is_registered(model) for model in domain)


def test_relations_to_large_tables_use_autocomplete() -> None:
    for model in MODELS:
        model_admin = admin.site.get_model_admin(model)
        forms: list[tuple[Any, Any]] = [(model_admin, None)]
        forms += [(inline, inline.fields) for inline in model_admin.inlines]
        for form_admin, shown in forms:
            for field in form_admin.model._meta.get_fields():
                if (
                    getattr(field, "editable", False)
                    and field.related_model in AUTOCOMPLETE_TARGETS
                    and (shown is None or field.name in shown)
                ):
                    assert field.name in form_admin.autocomplete_fields, (form_admin, field)


def test_every_model_admin_is_searchable() -> None:
    for model in MODELS:
        assert admin.site.get_model_admin(model).search_fields, model


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_max_num_queries, model
) -> None:
    make = FACTORIES[model]
    for _ in range(2):
        make()
    admin_client.get(url(model, "changelist"))  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as at_two_rows:
        assert admin_client.get(url(model, "changelist")).status_code == 200
    for _ in range(18):
        make()

    with django_assert_max_num_queries(len(at_two_rows)):
        response = admin_client.get(url(model, "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 20


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_add_and_change_pages_load(admin_client, model) -> None:
    obj = FACTORIES[model]()
    assert admin_client.get(url(model, "add")).status_code == 200
    response = admin_client.get(url(model, "change", obj.pk))
    assert response.status_code == 200
    assert response.context["original"] == obj


@pytest.mark.parametrize("model", [m for m in MODELS if m is not User], ids=model_id)
def test_history_page_loads_for_every_legal_model(admin_client, model) -> None:
    obj = FACTORIES[model]()
    response = admin_client.get(url(model, "history", obj.pk))
    assert response.status_code == 200
    assert response.context["entries"][0].action == "Created"


def test_changelist_shows_partial_dates_as_labels(admin_client) -> None:
    factories.HearingFactory.create(date=PartialDate.day(2020, 1, 6))
    factories.CaseFactory.create(opened=PartialDate.month(2019, 10))
    assert "6 January 2020" in admin_client.get(url(hearings.Hearing, "changelist")).text
    assert "October 2019" in admin_client.get(url(cases.Case, "changelist")).text


def test_site_is_titled_vigil_administration(admin_client) -> None:
    response = admin_client.get(reverse("admin:index"))
    assert "Vigil administration" in response.text


def test_staff_without_admin_role_cannot_open_admin(client, db) -> None:
    lawyer = factories.UserFactory.create(
        username="staff_lawyer", roles=[Role.LAWYER], is_staff=True
    )
    client.force_login(lawyer)
    response = client.get(url(people.Person, "changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_autocomplete_finds_person_by_name_variant(admin_client) -> None:
    kaster = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    factories.NameVariantFactory.create(person=kaster, text="Қастер Мұсаханұлы")
    factories.PersonFactory.create(display_name="Murager Alimuly")
    params = {"app_label": "people", "model_name": "namevariant", "field_name": "person"}

    by_display = admin_client.get(reverse("admin:autocomplete"), {**params, "term": "Kaster"})
    by_variant = admin_client.get(reverse("admin:autocomplete"), {**params, "term": "Қастер"})

    for response in (by_display, by_variant):
        assert response.status_code == 200
        assert response.json()["results"] == [{"id": str(kaster.pk), "text": "Kaster Musakhanuly"}]


def test_source_page_lists_the_facts_citing_it(admin_client) -> None:
    source = factories.SourceFactory.create()
    person = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    charge = factories.ChargeFactory.create()
    factories.CitationFactory.create(source=source, fact=person)
    factories.CitationFactory.create(source=source, fact=charge)

    response = admin_client.get(url(sources.Source, "change", source.pk))

    assert url(people.Person, "change", person.pk) in response.text
    assert url(cases.Charge, "change", charge.pk) in response.text


def test_history_shows_bulk_update_with_old_and_new_values(admin_client) -> None:
    person = factories.PersonFactory.create(display_name="Kaster Musahanuly", birth_date=None)
    # The bulk path: no save(), no signals, no admin LogEntry; only the trigger sees it.
    people.Person.objects.filter(pk=person.pk).update(
        display_name="Kaster Musakhanuly", birth_date=PartialDate.month(1988, 10)
    )

    response = admin_client.get(url(people.Person, "history", person.pk))

    assert response.status_code == 200
    newest, created = response.context["entries"]
    assert newest.action == "Changed"
    assert newest.user is None
    changes = {change.field: (change.old, change.new) for change in newest.changes}
    assert changes["Display name"] == ("Kaster Musahanuly", "Kaster Musakhanuly")
    assert changes["Birth date"] == ("—", "October 1988")
    assert created.action == "Created"
    assert "Kaster Musahanuly" in response.text
    assert "October 1988" in response.text


def test_history_names_the_user_from_pghistory_context(admin_client, superuser) -> None:
    person = factories.PersonFactory.create(display_name="Before")
    with pghistory.context(user=superuser.pk, command="import_report"):
        people.Person.objects.filter(pk=person.pk).update(display_name="After")

    response = admin_client.get(url(people.Person, "history", person.pk))

    newest = response.context["entries"][0]
    assert newest.user == superuser
    assert ("command", "import_report") in newest.context
    assert url(User, "change", superuser.pk) in response.text


def test_history_records_admin_edits_with_the_editor(admin_client, superuser) -> None:
    provision = factories.LegalProvisionFactory.create(article="330", title="Old title")
    data = {
        "instrument": provision.instrument,
        "jurisdiction": "KZ",
        "article": "330",
        "part": "1",
        "paragraph": "",
        "title": "Illegal crossing of the state border",
        "in_force_from": "",
        "in_force_until": "",
        "predecessor": "",
        "external_id": "",
    }
    response = admin_client.post(url(cases.LegalProvision, "change", provision.pk), data)
    assert response.status_code == 302

    response = admin_client.get(url(cases.LegalProvision, "history", provision.pk))

    newest = response.context["entries"][0]
    assert newest.user == superuser
    changes = {change.field: (change.old, change.new) for change in newest.changes}
    assert changes["Title"] == ("Old title", "Illegal crossing of the state border")


def test_history_links_to_changes_of_records_pointing_to_it(admin_client) -> None:
    person = factories.PersonFactory.create()
    factories.NameVariantFactory.create(person=person)

    history = admin_client.get(url(people.Person, "history", person.pk))
    related = admin_client.get(history.context["related_events_url"])

    assert related.status_code == 200
    assert "people.NameVariant" in related.text


def test_an_admin_edit_of_a_hearing_raises_its_version(admin_client: Client) -> None:
    """So a lawyer with the outcome form open is told, as after a colleague's save."""
    hearing = factories.HearingFactory.create(date=PartialDate.day(2020, 1, 6))
    url = reverse("admin:hearings_hearing_change", args=[hearing.pk])
    page = admin_client.get(url)
    data: dict[str, Any] = {
        "case": hearing.case_id,
        "date": "2020-01-06",
        "kind": hearing.kind,
        "status": "held",
    }
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    assert admin_client.post(url, data).status_code == 302
    hearing.refresh_from_db()
    assert (hearing.status, hearing.version) == ("held", 2)

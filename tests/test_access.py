"""Who may open which page. A record a user may not see answers 404, exactly like one that does
not exist, so its existence is not revealed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from cases.models import Case
from core import access
from core.partial_dates import PartialDate
from hearings.models import Hearing
from tests import factories
from tests.helpers import client_for


@pytest.fixture
def records(case: Case) -> SimpleNamespace:
    """A defendant in the followed case who is also a defendant in a case nobody here follows,
    and a public source citing both."""
    defendant = factories.PersonFactory.create(display_name="Murager Alimuly")
    factories.CaseParticipantFactory.create(case=case, person=defendant)
    hidden_case = factories.CaseFactory.create(title="Extradition request, not followed")
    factories.CaseParticipantFactory.create(case=hidden_case, person=defendant)
    hidden_hearing = factories.HearingFactory.create(
        case=hidden_case, date=PartialDate.day(2020, 3, 2)
    )
    hidden_custody = factories.CustodyIntervalFactory.create(
        person=defendant, case=hidden_case, place="Extradition detention centre"
    )
    factories.ChargeFactory.create(
        case=hidden_case, defendant=defendant, description="Hidden charge"
    )
    source = factories.SourceFactory.create(title="Public report")
    factories.CitationFactory.create(fact=defendant, source=source, quote="Alimuly, 25")
    factories.CitationFactory.create(
        fact=hidden_hearing, source=source, quote="Extradition hearing"
    )
    return SimpleNamespace(
        case=case,
        defendant=defendant,
        hidden_case=hidden_case,
        hidden_hearing=hidden_hearing,
        hidden_custody=hidden_custody,
        source=source,
    )


def page_urls(records: SimpleNamespace) -> list[str]:
    return [
        reverse("home"),
        records.case.get_absolute_url(),
        records.defendant.get_absolute_url(),
        records.source.get_absolute_url(),
    ]


def main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


# -- anonymous ---------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["home", "case", "person", "source"])
def test_anonymous_user_is_sent_to_login(records, page):
    url = {
        "home": reverse("home"),
        "case": records.case.get_absolute_url(),
        "person": records.defendant.get_absolute_url(),
        "source": records.source.get_absolute_url(),
    }[page]
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_login_page_needs_no_login(db):
    assert Client().get(reverse("login")).status_code == 200


def test_logout_signs_out(ngo_staff):
    client = client_for(ngo_staff)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


# -- the cast ----------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["lawyer_on_case", "ngo_staff", "admin_user"])
def test_allowed_cast_opens_every_page(records, user, request):
    client = client_for(request.getfixturevalue(user))
    for url in page_urls(records):
        assert client.get(url).status_code == 200, url


def test_outsider_cannot_see_case_or_person(records, outsider):
    client = client_for(outsider)
    assert client.get(records.case.get_absolute_url()).status_code == 404
    assert client.get(records.defendant.get_absolute_url()).status_code == 404
    assert client.get(records.source.get_absolute_url()).status_code == 404


def test_outsider_sees_no_data_at_home(records, outsider):
    page = client_for(outsider).get(reverse("home")).content.decode()
    assert "Your account has no role yet; ask an admin." in page
    assert records.case.title not in page
    assert records.source.title not in page


def test_ngo_staff_elsewhere_cannot_see_another_orgs_case(records, ngo_staff_elsewhere):
    client = client_for(ngo_staff_elsewhere)
    assert client.get(records.case.get_absolute_url()).status_code == 404
    assert client.get(records.defendant.get_absolute_url()).status_code == 404
    page = client.get(reverse("home")).content.decode()
    assert records.case.title not in page


def test_unassigned_lawyer_colleague_cannot_see_case(records, lawyer_colleague):
    client = client_for(lawyer_colleague)
    assert client.get(records.case.get_absolute_url()).status_code == 404
    assert client.get(records.defendant.get_absolute_url()).status_code == 404


def test_missing_record_looks_like_a_forbidden_one(records, ngo_staff_elsewhere):
    client = client_for(ngo_staff_elsewhere)
    forbidden = client.get(records.case.get_absolute_url())
    missing = client.get(reverse("case_detail", args=[records.case.pk + 1000]))
    assert forbidden.status_code == missing.status_code == 404
    assert main(forbidden.content.decode()) == main(missing.content.decode())


def test_admin_sees_every_case_and_person(records, admin_user):
    client = client_for(admin_user)
    for url in (
        records.hidden_case.get_absolute_url(),
        records.case.get_absolute_url(),
        records.defendant.get_absolute_url(),
    ):
        assert client.get(url).status_code == 200
    page = client.get(records.defendant.get_absolute_url()).content.decode()
    assert records.hidden_case.title in page


def test_admin_home_lists_every_case(records, admin_user):
    page = client_for(admin_user).get(reverse("home")).content.decode()
    assert records.case.title in page
    assert records.hidden_case.title in page


# -- what a visible page leaves out ------------------------------------------------------------


def test_person_page_leaves_out_cases_the_user_may_not_see(records, ngo_staff):
    page = client_for(ngo_staff).get(records.defendant.get_absolute_url()).content.decode()
    assert records.case.title in page
    assert records.hidden_case.title not in page
    assert records.hidden_case.get_absolute_url() not in page
    assert "Extradition detention centre" not in page
    assert "Hidden charge" not in page
    assert "2 March 2020" not in page


def test_home_leaves_out_custody_in_cases_the_user_may_not_see(records, ngo_staff):
    page = client_for(ngo_staff).get(reverse("home")).content.decode()
    custody = page.split('id="custody-heading"')[1].split("</section>")[0]
    assert "Murager Alimuly" not in custody  # held only in the case nobody here follows


def test_source_page_leaves_out_facts_of_hidden_cases(records, lawyer_on_case):
    page = client_for(lawyer_on_case).get(records.source.get_absolute_url()).content.decode()
    assert "Alimuly, 25" in page
    assert "Extradition hearing" not in page


def test_public_figure_is_visible_to_every_role_but_not_to_outsiders(
    db, ngo_staff_elsewhere, outsider
):
    official = factories.PersonFactory.create(
        display_name="Darkhan Dilmanov", is_public_figure=True
    )
    assert client_for(ngo_staff_elsewhere).get(official.get_absolute_url()).status_code == 200
    assert client_for(outsider).get(official.get_absolute_url()).status_code == 404


def test_person_followed_by_the_org_is_visible_without_a_case(ngo_org, ngo_staff, lawyer_colleague):
    person = factories.PersonFactory.create(display_name="Gulzire Awulqanqizi")
    person.watched_by.add(ngo_org)
    assert client_for(ngo_staff).get(person.get_absolute_url()).status_code == 200
    assert client_for(lawyer_colleague).get(person.get_absolute_url()).status_code == 404


def test_confidential_source_is_for_its_author_and_admins(
    records, lawyer_on_case, ngo_staff, admin_user
):
    notes = factories.SourceFactory.create(
        title="Notes from the visit", confidential=True, created_by=lawyer_on_case
    )
    factories.CitationFactory.create(
        fact=records.defendant, source=notes, quote="Told me in custody"
    )
    assert client_for(lawyer_on_case).get(notes.get_absolute_url()).status_code == 200
    assert client_for(admin_user).get(notes.get_absolute_url()).status_code == 200
    assert client_for(ngo_staff).get(notes.get_absolute_url()).status_code == 404
    person_page = client_for(ngo_staff).get(records.defendant.get_absolute_url())
    assert "Told me in custody" not in person_page.content.decode()
    home = client_for(ngo_staff).get(reverse("home")).content.decode()
    assert "Notes from the visit" not in home


def test_case_edit_note_only_for_assigned_lawyers_and_admins(
    records, lawyer_on_case, ngo_staff, admin_user
):
    def can_edit(user: User) -> bool:
        return access.get_case_for_user(user, records.case.pk).user_can_edit

    assert can_edit(lawyer_on_case)
    assert can_edit(admin_user)
    assert not can_edit(ngo_staff)


def test_unknown_kinds_of_facts_are_never_shown(db, admin_user):
    assert access.visible_facts(admin_user, User) is None
    assert access.visible_facts(admin_user, Hearing) is not None

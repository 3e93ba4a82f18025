"""Who sees and who may change what: cases, persons and sources for the whole cast."""

from __future__ import annotations

import pytest

from accounts.models import User
from accounts.roles import Role
from cases.models import Case
from people.models import Organization, Person
from sources.models import Source
from tests import factories

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    """The user as a new request would load it (roles are cached per instance)."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def other_case(other_org: Organization) -> Case:
    """A case nobody in the cast works on, followed by the other NGO."""
    case = factories.CaseFactory.create(title="Other case")
    case.watched_by.add(other_org)
    return case


@pytest.fixture
def inactive_lawyer(case: Case) -> User:
    user = factories.UserFactory.create(username="inactive", roles=[Role.LAWYER], is_active=False)
    factories.CaseAssignmentFactory.create(case=case, user=user)
    return user


@pytest.fixture
def superuser(db: None) -> User:
    return factories.UserFactory.create(username="root", is_superuser=True, is_staff=True)


# -- cases --------------------------------------------------------------------------------------


def test_lawyer_on_the_case_sees_it_and_may_record_its_hearings(
    case: Case, other_case: Case, lawyer_on_case: User
) -> None:
    assert list(Case.objects.visible_to(lawyer_on_case)) == [case]
    assert list(Case.objects.writable_by(lawyer_on_case)) == [case]


def test_colleague_lawyer_neither_sees_nor_writes_a_case_they_are_not_on(
    case: Case, lawyer_colleague: User
) -> None:
    assert not Case.objects.visible_to(lawyer_colleague).exists()
    assert not Case.objects.writable_by(lawyer_colleague).exists()


def test_ngo_staff_read_the_case_their_organization_follows_but_cannot_write_it(
    case: Case, other_case: Case, ngo_staff: User
) -> None:
    assert list(Case.objects.visible_to(ngo_staff)) == [case]
    assert not Case.objects.writable_by(ngo_staff).exists()


def test_ngo_staff_assigned_to_a_case_still_cannot_write_it(case: Case, ngo_staff: User) -> None:
    factories.CaseAssignmentFactory.create(case=case, user=ngo_staff)
    assert not Case.objects.writable_by(fresh(ngo_staff)).exists()


def test_ngo_staff_elsewhere_do_not_see_the_case(
    case: Case, other_case: Case, ngo_staff_elsewhere: User
) -> None:
    assert list(Case.objects.visible_to(ngo_staff_elsewhere)) == [other_case]
    assert not Case.objects.writable_by(ngo_staff_elsewhere).exists()


def test_ngo_staff_without_an_organization_see_no_case(case: Case) -> None:
    staff = factories.UserFactory.create(username="unattached", roles=[Role.NGO_STAFF])
    assert not Case.objects.visible_to(staff).exists()


def test_outsider_without_a_role_sees_nothing(case: Case, outsider: User) -> None:
    assert not Case.objects.visible_to(outsider).exists()
    assert not Case.objects.writable_by(outsider).exists()


def test_outsider_in_a_following_organization_still_sees_nothing(
    case: Case, ngo_org: Organization
) -> None:
    member = factories.UserFactory.create(username="no_role", organization=ngo_org)
    assert not Case.objects.visible_to(member).exists()


def test_inactive_lawyer_on_the_case_sees_nothing(case: Case, inactive_lawyer: User) -> None:
    assert not Case.objects.visible_to(inactive_lawyer).exists()
    assert not Case.objects.writable_by(inactive_lawyer).exists()


def test_deactivated_lawyer_loses_the_case(case: Case, lawyer_on_case: User) -> None:
    lawyer_on_case.is_active = False
    lawyer_on_case.save()
    assert not Case.objects.visible_to(fresh(lawyer_on_case)).exists()


def test_inactive_admin_sees_nothing(case: Case, admin_user: User) -> None:
    admin_user.is_active = False
    admin_user.save()
    assert not Case.objects.visible_to(fresh(admin_user)).exists()


def test_admin_sees_and_writes_every_case(case: Case, other_case: Case, admin_user: User) -> None:
    assert set(Case.objects.visible_to(admin_user)) == {case, other_case}
    assert set(Case.objects.writable_by(admin_user)) == {case, other_case}


def test_superuser_without_groups_is_an_admin(
    case: Case, other_case: Case, superuser: User
) -> None:
    assert set(Case.objects.visible_to(superuser)) == {case, other_case}
    assert set(Case.objects.writable_by(superuser)) == {case, other_case}


def test_case_followed_by_two_organizations_is_listed_once(
    case: Case, ngo_org: Organization, lawyer_on_case: User
) -> None:
    lawyer_on_case.organization = ngo_org
    lawyer_on_case.save()
    assert Case.objects.visible_to(fresh(lawyer_on_case)).count() == 1


# -- persons ------------------------------------------------------------------------------------


@pytest.fixture
def defendant(case: Case) -> Person:
    person = factories.PersonFactory.create(display_name="Defendant")
    factories.CaseParticipantFactory.create(case=case, person=person, role="defendant")
    factories.CaseParticipantFactory.create(case=case, person=person, role="witness")
    return person


@pytest.fixture
def judge(db: None) -> Person:
    return factories.PersonFactory.create(display_name="Judge", is_public_figure=True)


@pytest.fixture
def followed_elsewhere(other_org: Organization) -> Person:
    person = factories.PersonFactory.create(display_name="Followed elsewhere")
    person.watched_by.add(other_org)
    return person


@pytest.fixture
def stranger(db: None) -> Person:
    """In no visible case, followed by nobody, not a public figure."""
    person = factories.PersonFactory.create(display_name="Stranger")
    factories.CaseParticipantFactory.create(person=person)
    return person


@pytest.fixture
def people(defendant: Person, judge: Person, followed_elsewhere: Person, stranger: Person) -> None:
    pass


def visible_names(user: User) -> set[str]:
    return set(Person.objects.visible_to(user).values_list("display_name", flat=True))


@pytest.mark.usefixtures("people")
def test_lawyer_on_the_case_sees_its_participants_and_public_figures(lawyer_on_case: User) -> None:
    assert visible_names(lawyer_on_case) == {"Defendant", "Judge"}


@pytest.mark.usefixtures("people")
def test_participant_in_two_roles_is_listed_once(lawyer_on_case: User) -> None:
    names = list(Person.objects.visible_to(lawyer_on_case).values_list("display_name", flat=True))
    assert names.count("Defendant") == 1


@pytest.mark.usefixtures("people")
def test_colleague_lawyer_sees_only_public_figures(lawyer_colleague: User) -> None:
    assert visible_names(lawyer_colleague) == {"Judge"}


@pytest.mark.usefixtures("people")
def test_ngo_staff_see_participants_of_followed_cases(ngo_staff: User) -> None:
    assert visible_names(ngo_staff) == {"Defendant", "Judge"}


@pytest.mark.usefixtures("people")
def test_ngo_staff_elsewhere_see_the_persons_their_organization_follows(
    ngo_staff_elsewhere: User,
) -> None:
    assert visible_names(ngo_staff_elsewhere) == {"Followed elsewhere", "Judge"}


@pytest.mark.usefixtures("people")
def test_outsider_sees_no_person_not_even_public_figures(outsider: User) -> None:
    assert visible_names(outsider) == set()


@pytest.mark.usefixtures("people")
def test_inactive_lawyer_sees_no_person(inactive_lawyer: User) -> None:
    assert visible_names(inactive_lawyer) == set()


@pytest.mark.usefixtures("people")
def test_admin_sees_every_person(admin_user: User) -> None:
    assert visible_names(admin_user) == {"Defendant", "Judge", "Followed elsewhere", "Stranger"}


# -- sources ------------------------------------------------------------------------------------


@pytest.fixture
def public_report(db: None) -> Source:
    return factories.SourceFactory.create(title="Public report")


@pytest.fixture
def lawyers_note(lawyer_on_case: User) -> Source:
    return factories.SourceFactory.create(
        title="Lawyer's note", confidential=True, created_by=lawyer_on_case
    )


def visible_titles(user: User) -> set[str]:
    return set(Source.objects.visible_to(user).values_list("title", flat=True))


@pytest.mark.usefixtures("public_report", "lawyers_note")
def test_confidential_source_is_seen_by_its_author(lawyer_on_case: User) -> None:
    assert visible_titles(lawyer_on_case) == {"Public report", "Lawyer's note"}


@pytest.mark.usefixtures("public_report", "lawyers_note")
def test_confidential_source_is_seen_by_admins(admin_user: User) -> None:
    assert visible_titles(admin_user) == {"Public report", "Lawyer's note"}


@pytest.mark.usefixtures("public_report", "lawyers_note")
@pytest.mark.parametrize("user", ["lawyer_colleague", "ngo_staff", "ngo_staff_elsewhere"])
def test_confidential_source_is_hidden_from_everyone_else(
    request: pytest.FixtureRequest, user: str
) -> None:
    assert visible_titles(request.getfixturevalue(user)) == {"Public report"}


@pytest.mark.usefixtures("public_report", "lawyers_note")
def test_outsider_sees_no_source(outsider: User) -> None:
    assert visible_titles(outsider) == set()


@pytest.mark.usefixtures("public_report", "lawyers_note")
def test_deactivated_author_no_longer_sees_their_confidential_source(
    lawyer_on_case: User,
) -> None:
    lawyer_on_case.is_active = False
    lawyer_on_case.save()
    assert visible_titles(fresh(lawyer_on_case)) == set()

"""The access matrix: every address of the URLconf, requested by every member of the cast,
against a record they may see and one they may not.

`TABLE` is the one place that says what each cell must answer. A route of the URLconf without
a row fails `test_every_route_has_a_row`, naming it: a new address cannot slip in unreviewed.
The admin site is one family: every registered model's changelist, add, change, history and
delete pages, and the site's own pages, answer the admin only.

Every 200 is also read for leaks: a page must not hold the name of a case or person its reader
may not see, the title of a confidential source, or a sensitive value (address, relatives, risk
notes: core/sensitive.py) the reader may not read.

Codes in the table, one column per role: a number is the status; "L" a redirect to the sign-in
page; "AL" a redirect to the admin's sign-in page; "302" a redirect elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib import admin
from django.db import models, transaction
from django.http import StreamingHttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from pghistory.models import Events

from accounts.models import User
from accounts.roles import Role
from cases.models import ParticipantRole
from core.partial_dates import PartialDate
from core.uploads import store_original
from deadlines.models import CalendarFeed
from hearings.models import HearingStatus
from people.models import Person
from tests import factories

ROLES = (
    "anonymous",
    "outsider",
    "ngo_staff_elsewhere",
    "ngo_staff",
    "lawyer_colleague",
    "lawyer_on_case",
    "admin_user",
)

# Sensitive values of the defendant in the followed case: for the lawyer on it and admins.
ADDRESS = "Flat 12, 7 Abai Street, Almaty"
RELATIVES = "Mother and two sisters still in Tekes county"
RISK = "Police visited his mother twice in March"
SENSITIVE_QUOTE = "His brother was taken to a camp in Ghulja"
# The same for the person in the case nobody in the cast follows: for admins only.
HIDDEN_ADDRESS = "House 3, Zhetysu district, Taldykorgan"
HIDDEN_RELATIVES = "Wife and son in Ili prefecture"


# -- the world: built once for the module, rolled back at its end ------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    """The cast of tests/conftest.py and the records they may and may not see. Each test
    runs in a savepoint inside this module's transaction, so writes by one cell (a revoked
    address, a restored version) do not reach the next."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield _build_world()
        transaction.set_rollback(True)


def _build_world() -> SimpleNamespace:
    ngo_org = factories.OrganizationFactory.create(name="Following NGO")
    other_org = factories.OrganizationFactory.create(name="Other NGO")
    case = factories.CaseFactory.create(title="Border case")
    case.watched_by.add(ngo_org)
    hidden_case = factories.CaseFactory.create(title="Extradition request, not followed")
    other_case = factories.CaseFactory.create(title="Case of the other NGO")
    other_case.watched_by.add(other_org)

    users: dict[str, User | None] = {
        "anonymous": None,
        "outsider": factories.UserFactory.create(username="outsider"),
        "ngo_staff_elsewhere": factories.UserFactory.create(
            username="ngo_staff_elsewhere", roles=[Role.NGO_STAFF], organization=other_org
        ),
        "ngo_staff": factories.UserFactory.create(
            username="ngo_staff", roles=[Role.NGO_STAFF], organization=ngo_org
        ),
        "lawyer_colleague": factories.UserFactory.create(
            username="lawyer_colleague", roles=[Role.LAWYER]
        ),
        "lawyer_on_case": factories.UserFactory.create(
            username="lawyer_on_case", roles=[Role.LAWYER]
        ),
        "admin_user": factories.UserFactory.create(
            username="admin", roles=[Role.ADMIN], is_staff=True
        ),
    }
    lawyer = users["lawyer_on_case"]
    admin_user = users["admin_user"]
    assert lawyer is not None
    assert admin_user is not None
    factories.CaseAssignmentFactory.create(case=case, user=lawyer)

    defendant = factories.PersonFactory.create(
        display_name="Kaster Musakhanuly",
        address=ADDRESS,
        relatives=RELATIVES,
        risk_notes=RISK,
    )
    factories.CaseParticipantFactory.create(
        case=case, person=defendant, role=ParticipantRole.DEFENDANT
    )
    # A later change, so an admin has an older version to restore.
    Person.objects.filter(pk=defendant.pk).update(ethnicity="Kazakh (changed)")
    hidden_person = factories.PersonFactory.create(
        display_name="Kaster Musakhanuli",
        address=HIDDEN_ADDRESS,
        relatives=HIDDEN_RELATIVES,
    )
    factories.CaseParticipantFactory.create(case=hidden_case, person=hidden_person)
    factories.NameVariantFactory.create(person=defendant, text="Қастер Мұсаханұлы")
    factories.CustodyIntervalFactory.create(person=defendant, case=case)
    factories.CustodyIntervalFactory.create(person=hidden_person, case=hidden_case)
    factories.ChargeFactory.create(case=case, defendant=defendant)

    future = PartialDate.day(2031, 1, 6)
    hearing = factories.HearingFactory.create(
        case=case, date=future, status=HearingStatus.SCHEDULED
    )
    hidden_hearing = factories.HearingFactory.create(
        case=hidden_case, date=future, status=HearingStatus.SCHEDULED
    )
    source = factories.SourceFactory.create(title="Public report on the border case")
    factories.CitationFactory.create(fact=defendant, source=source, quote="Musakhanuly, 31")
    factories.CitationFactory.create(
        fact=defendant, source=source, field="relatives", quote=SENSITIVE_QUOTE
    )
    factories.CitationFactory.create(fact=hidden_person, source=source, quote="Musakhanuli, 40")
    confidential = factories.SourceFactory.create(
        title="Notes from the prison visit", confidential=True, created_by=admin_user
    )

    feeds = {role: CalendarFeed.objects.create_for(user)[0] for role, user in users.items() if user}
    _live, live_token = CalendarFeed.objects.create_for(lawyer, "phone")
    revoked, revoked_token = CalendarFeed.objects.create_for(lawyer, "old phone")
    revoked.revoke()

    def first_version(person: Person) -> int:
        events = Events.objects.tracks(person).filter(pgh_label="insert")
        return int(events.values_list("pgh_id", flat=True)[0])

    return SimpleNamespace(
        users=users,
        case=case,
        hidden_case=hidden_case,
        defendant=defendant,
        hidden_person=hidden_person,
        hearing=hearing,
        hidden_hearing=hidden_hearing,
        source=source,
        confidential=confidential,
        feeds=feeds,
        live_token=live_token,
        revoked_token=revoked_token,
        first_version=first_version(defendant),
        hidden_first_version=first_version(hidden_person),
    )


def secrets_for(world: SimpleNamespace, role: str) -> list[str]:
    """What a page answered to `role` must never contain."""
    if role == "admin_user":
        return []
    hidden = [
        world.hidden_case.title,
        world.hidden_person.display_name,
        HIDDEN_ADDRESS,
        HIDDEN_RELATIVES,
        world.confidential.title,
    ]
    if role not in ("ngo_staff", "lawyer_on_case"):
        hidden += [world.case.title, world.defendant.display_name]
    if role != "lawyer_on_case":
        hidden += [ADDRESS, RELATIVES, RISK, SENSITIVE_QUOTE]
    return hidden


# -- the table ---------------------------------------------------------------------------------

Kwargs = Callable[[SimpleNamespace, str, bool], dict[str, Any]]


def no_kwargs(world: SimpleNamespace, role: str, visible: bool) -> dict[str, Any]:
    return {}


def uploaded_name(world: SimpleNamespace, role: str, visible: bool) -> dict[str, Any]:
    # Stored per request: each test has its own private upload folder (tests/conftest.py).
    return {"name": store_original(b"An uploaded report.", "txt") if visible else f"{'0' * 32}.txt"}


def pk_of(visible_attr: str, hidden_attr: str) -> Kwargs:
    def kwargs(world: SimpleNamespace, role: str, visible: bool) -> dict[str, Any]:
        return {"pk": getattr(world, visible_attr if visible else hidden_attr).pk}

    return kwargs


def person_history(world: SimpleNamespace, role: str, visible: bool) -> dict[str, Any]:
    person = world.defendant if visible else world.hidden_person
    return {"app_label": "people", "model_name": "person", "pk": person.pk}


def deadline_key(world: SimpleNamespace, role: str, visible: bool) -> dict[str, Any]:
    hearing = world.hearing if visible else world.hidden_hearing
    return {"key": f"next_hearing:hearing-{hearing.pk}"}


def feed_token(world: SimpleNamespace, role: str, visible: bool) -> dict[str, Any]:
    """The secret address is the credential: a live token opens it to whoever holds it."""
    return {"token": world.live_token if visible else world.revoked_token}


def own_feed(world: SimpleNamespace, role: str, visible: bool) -> dict[str, Any]:
    """Visible: the reader's own calendar address; hidden: someone else's."""
    owner = role if visible and role != "anonymous" else "lawyer_on_case"
    if not visible and role == "lawyer_on_case":
        owner = "admin_user"
    return {"pk": world.feeds[owner].pk}


def restored(world: SimpleNamespace) -> bool:
    return Person.objects.get(pk=world.defendant.pk).ethnicity == "Kazakh"


def feed_revoked(world: SimpleNamespace) -> bool:
    return CalendarFeed.objects.filter(revoked_at__isnull=False).count() > 1


@dataclass(frozen=True)
class Row:
    """What one route answers each role: `visible` for a record the cast's case holds (read
    by the NGO that follows it, the lawyer on it, admins), `hidden` for one only admins see.
    A route without records to choose has only `visible`."""

    route: str  # URL name, or the route string of an unnamed pattern
    visible: str
    hidden: str | None = None
    kwargs: Kwargs = no_kwargs
    method: str = "GET"
    data: Callable[[SimpleNamespace, bool], Any] | None = None
    # Whose eyes the answer is for, when not the requester's: a calendar's secret address
    # shows its owner's calendar to whoever holds it.
    reader: str | None = None
    # Exports, feeds and search results never carry sensitive values, whoever asks.
    never_sensitive: bool = False
    json: bool = False
    # For a POST that writes: whether it wrote, and which (role, visible) cells may write.
    wrote: Callable[[SimpleNamespace], bool] | None = None
    writers: frozenset[tuple[str, bool]] = field(default_factory=frozenset)

    def codes(self, visible: bool) -> dict[str, str]:
        spec = self.visible if visible else self.hidden
        assert spec is not None
        cells = spec.split()
        assert len(cells) == len(ROLES), f"{self.route}: {len(cells)} cells for {len(ROLES)}"
        return dict(zip(ROLES, cells, strict=True))


EVERYONE_SIGNED_IN = "L 200 200 200 200 200 200"
CASE_READERS = "L 404 404 200 404 200 200"
ONLY_ADMIN_READS = "L 404 404 404 404 404 200"
CASE_WRITERS = "L 404 404 403 404 200 200"
NOT_A_GET = "L 405 405 405 405 405 405"

#   route                     anon outsider elsewhere ngo colleague lawyer admin
TABLE: tuple[Row, ...] = (
    Row("home", EVERYONE_SIGNED_IN),
    Row("login", "200 200 200 200 200 200 200"),
    Row("logout", "L 405 405 405 405 405 405"),
    Row("logout", "L 302 302 302 302 302 302", method="POST"),
    Row("person_list", EVERYONE_SIGNED_IN),
    Row("person_export", EVERYONE_SIGNED_IN, never_sensitive=True),
    Row("person_detail", CASE_READERS, ONLY_ADMIN_READS, pk_of("defendant", "hidden_person")),
    Row(
        "person_timeline_print",
        CASE_READERS,
        ONLY_ADMIN_READS,
        pk_of("defendant", "hidden_person"),
        never_sensitive=True,
    ),
    Row("name_search", EVERYONE_SIGNED_IN, never_sensitive=True),
    Row(
        "name_search",
        EVERYONE_SIGNED_IN,
        method="POST",
        data=lambda w, v: {"name_search": "Musakhanuly"},
        never_sensitive=True,
    ),
    Row("api_search_people", "405 405 405 405 405 405 405"),
    Row(
        "api_search_people",
        "401 200 200 200 200 200 200",
        method="POST",
        data=lambda w, v: {"q": "Musakhanuly"},
        json=True,
        never_sensitive=True,
    ),
    Row("case_list", EVERYONE_SIGNED_IN),
    Row("case_export", EVERYONE_SIGNED_IN, never_sensitive=True),
    Row("case_detail", CASE_READERS, ONLY_ADMIN_READS, pk_of("case", "hidden_case")),
    Row(
        "case_calendar",
        CASE_READERS,
        ONLY_ADMIN_READS,
        pk_of("case", "hidden_case"),
        never_sensitive=True,
    ),
    Row("case_history", CASE_READERS, ONLY_ADMIN_READS, pk_of("case", "hidden_case")),
    Row("hearing_schedule", CASE_WRITERS, ONLY_ADMIN_READS, pk_of("case", "hidden_case")),
    Row(
        "hearing_schedule",
        CASE_WRITERS,
        ONLY_ADMIN_READS,
        pk_of("case", "hidden_case"),
        method="POST",
        data=lambda w, v: {},
    ),
    Row("hearing_outcome", CASE_WRITERS, ONLY_ADMIN_READS, pk_of("hearing", "hidden_hearing")),
    Row(
        "hearing_outcome",
        CASE_WRITERS,
        ONLY_ADMIN_READS,
        pk_of("hearing", "hidden_hearing"),
        method="POST",
        data=lambda w, v: {},
    ),
    Row("hearing_saved", CASE_WRITERS, ONLY_ADMIN_READS, pk_of("hearing", "hidden_hearing")),
    Row("record_history", CASE_READERS, ONLY_ADMIN_READS, person_history),
    Row("record_restore", NOT_A_GET, NOT_A_GET, person_history),
    Row(
        "record_restore",
        "L 404 404 403 404 403 302",
        "L 404 404 404 404 404 302",
        person_history,
        method="POST",
        data=lambda w, v: {"event": w.first_version if v else w.hidden_first_version},
        wrote=restored,
        writers=frozenset({("admin_user", True)}),
    ),
    Row("import_data", "L 403 403 403 403 403 200"),
    Row("upload_original", "L 403 403 403 403 403 200", "L 403 403 403 403 403 404", uploaded_name),
    Row("import_data", "L 403 403 403 403 403 200", method="POST", data=lambda w, v: {}),
    Row("deadline_dashboard", EVERYONE_SIGNED_IN, never_sensitive=True),
    Row("deadline_detail", CASE_READERS, ONLY_ADMIN_READS, deadline_key, never_sensitive=True),
    Row("calendar_feeds", EVERYONE_SIGNED_IN),
    Row(
        "calendar_feeds",
        "L 403 201 201 201 201 201",
        method="POST",
        data=lambda w, v: {"label": "tablet"},
    ),
    Row("calendar_feed_revoke", NOT_A_GET, NOT_A_GET, own_feed),
    Row(
        "calendar_feed_revoke",
        "L 302 302 302 302 302 302",
        "L 404 404 404 404 404 404",
        own_feed,
        method="POST",
        data=lambda w, v: {},
        wrote=feed_revoked,
        writers=frozenset((role, True) for role in ROLES[1:]),
    ),
    Row(
        "calendar_feed",
        "200 200 200 200 200 200 200",
        "404 404 404 404 404 404 404",
        feed_token,
        reader="lawyer_on_case",
        never_sensitive=True,
    ),
    Row("report_search", EVERYONE_SIGNED_IN, never_sensitive=True),
    Row(
        "report_search",
        EVERYONE_SIGNED_IN,
        method="POST",
        data=lambda w, v: {"q": "Musakhanuly"},
        never_sensitive=True,
    ),
    Row(
        "source_detail",
        "L 404 200 200 200 200 200",
        ONLY_ADMIN_READS,
        pk_of("source", "confidential"),
    ),
    # -- accounts: second factor, password, sessions (added while this matrix was written)
    Row("mfa_verify", "L 302 302 302 302 302 302"),
    Row("mfa_enrol", "L 302 302 302 302 302 302"),
    Row("account_security", EVERYONE_SIGNED_IN),
    Row("confirm_password", EVERYONE_SIGNED_IN),
    Row("password_change", EVERYONE_SIGNED_IN),
    Row("password_change_done", EVERYONE_SIGNED_IN),
    Row("mfa_backup_codes", "L 302 302 302 302 302 302"),
    Row("mfa_replace", "L 302 302 302 302 302 302"),
    Row("end_other_sessions", NOT_A_GET),
    Row("end_other_sessions", "L 302 302 302 302 302 302", method="POST", data=lambda w, v: {}),
    Row("password_reset", "200 200 200 200 200 200 200"),
    Row("password_reset_done", "200 200 200 200 200 200 200"),
    Row(
        "password_reset_confirm",
        "200 200 200 200 200 200 200",
        kwargs=lambda w, r, v: {"uidb64": "MQ", "token": "set-password"},
    ),
    Row("password_reset_complete", "200 200 200 200 200 200 200"),
    Row("admin_login_redirect", "L L L L L L L"),
    # -- report import and review: admins only (added while this matrix was written)
    Row("report_import", "L 403 403 403 403 403 200"),
    Row("report_import", "L 403 403 403 403 403 200", method="POST", data=lambda w, v: {}),
    Row("report_review", "L 403 403 403 403 403 200", never_sensitive=True),
    Row("proposal_accept", "L 403 403 403 403 403 405", kwargs=lambda w, r, v: {"pk": 0}),
    Row(
        "proposal_accept",
        "L 403 403 403 403 403 404",
        kwargs=lambda w, r, v: {"pk": 0},
        method="POST",
        data=lambda w, v: {},
    ),
    Row("proposal_reject", "L 403 403 403 403 403 405", kwargs=lambda w, r, v: {"pk": 0}),
    Row(
        "proposal_reject",
        "L 403 403 403 403 403 404",
        kwargs=lambda w, r, v: {"pk": 0},
        method="POST",
        data=lambda w, v: {},
    ),
    Row("proposal_edit", "L 403 403 403 403 403 404", kwargs=lambda w, r, v: {"pk": 0}),
    Row("set_language", "L 302 302 302 302 302 302"),
    Row(
        "set_language",
        "L 302 302 302 302 302 302",
        method="POST",
        data=lambda w, v: {"language": "en", "next": "/"},
    ),
)


# -- the URLconf -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the full route string when the pattern has no name
    route: str
    namespace: str


def url_routes() -> list[Route]:
    """Every pattern of the URLconf, includes and the admin site walked through."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            else:
                assert isinstance(pattern, URLPattern)
                route = prefix + str(pattern.pattern)
                if pattern.name:
                    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                else:
                    name = route
                yield Route(name, route, namespace)

    return list(walk(get_resolver().url_patterns, "", ""))


# -- the admin family ---------------------------------------------------------------------------

ADMIN_MODEL_VIEWS = ("changelist", "add", "change", "history", "delete")
# The site's own pages, by name. Those refused are sent to the admin's sign-in address, which
# sends them on to the site's.
ADMIN_SITE_VIEWS = {
    "admin:index": "AL AL AL AL AL AL 200",
    # Vigil's own sign-in page (with its second factor) stands in for the admin's.
    "admin:login": "L L L L L L L",
    # Django's admin sends those it refuses from its logout page to its index.
    "admin:logout": "AL 302 302 302 302 302 405",
    "admin:password_change": "AL AL AL AL AL AL 200",
    "admin:password_change_done": "AL AL AL AL AL AL 200",
    "admin:jsi18n": "AL AL AL AL AL AL 200",
    "admin:autocomplete": "AL AL AL AL AL AL 403",  # without its parameters: refused
    "admin:view_on_site": "AL AL AL AL AL AL 404",
    "admin:app_list": "AL AL AL AL AL AL 200",
    # Pages that model admins add to their own (added while this matrix was written).
    "admin:auth_user_password_change": "L AL AL AL AL AL 200",
    # An authenticator's secret and QR code are shown to nobody, admins included.
    "admin:otp_totp_totpdevice_config": "L AL AL AL AL AL 403",
    "admin:otp_totp_totpdevice_qrcode": "L AL AL AL AL AL 403",
}


def _admins_device() -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin_user = User.objects.get(username="admin")
    return TOTPDevice.objects.get_or_create(
        user=admin_user, name="Phone", defaults={"confirmed": True}
    )[0]


# The arguments of the site's pages that take some.
ADMIN_SITE_KWARGS: dict[str, Callable[[], dict[str, Any]]] = {
    "admin:app_list": lambda: {"app_label": "people"},
    "admin:view_on_site": lambda: {"content_type_id": 0, "object_id": 0},
    "admin:auth_user_password_change": lambda: {"id": User.objects.get(username="admin").pk},
    "admin:otp_totp_totpdevice_config": lambda: {"pk": _admins_device().pk},
    "admin:otp_totp_totpdevice_qrcode": lambda: {"pk": _admins_device().pk},
}
# Unnamed admin patterns: a record's address without /change/ and the catch-all.
ADMIN_UNNAMED = ("<path:object_id>/", "(?P<url>.*)$")


def admin_model_names() -> set[str]:
    names = set()
    for model in admin.site._registry:
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        names |= {f"admin:{info}_{view}" for view in ADMIN_MODEL_VIEWS}
    return names


def is_admin_route(route: Route) -> bool:
    return route.namespace == "admin" or route.name.startswith("admin:")


def admin_route_covered(route: Route) -> bool:
    if route.name in ADMIN_SITE_VIEWS or route.name in admin_model_names():
        return True
    return route.name.startswith("admin/") and route.route.endswith(ADMIN_UNNAMED)


# -- requesting one cell ----------------------------------------------------------------------


def client_as(world: SimpleNamespace, role: str) -> Client:
    client = Client()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def body(response: Any) -> str:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content).decode(errors="replace")  # type: ignore[arg-type]
    return response.content.decode(errors="replace")


def check(response: Any, code: str, url: str) -> None:
    where = response.get("Location", "")
    if code == "L":
        assert response.status_code == 302, (url, response.status_code)
        assert where.startswith(reverse("login") + "?next="), (url, where)
    elif code == "AL":
        assert response.status_code == 302, (url, response.status_code)
        assert where.startswith(reverse("admin:login")), (url, where)
    else:
        assert response.status_code == int(code), (url, response.status_code, where)


def assert_no_leak(world: SimpleNamespace, row: Row, role: str, response: Any, url: str) -> None:
    if response.status_code not in (200, 201):
        return
    text = body(response)
    secrets = secrets_for(world, row.reader or role)
    if row.never_sensitive:
        secrets += [ADDRESS, RELATIVES, RISK, SENSITIVE_QUOTE, HIDDEN_ADDRESS, HIDDEN_RELATIVES]
    for secret in secrets:
        assert secret not in text, f"{role} reads {secret!r} at {url}"


def request_cell(world: SimpleNamespace, row: Row, role: str, visible: bool) -> None:
    url = reverse(row.route, kwargs=row.kwargs(world, role, visible))
    client = client_as(world, role)
    if row.method == "GET":
        response = client.get(url)
    elif row.json:
        payload = json.dumps(row.data(world, visible) if row.data else {})
        response = client.post(url, payload, content_type="application/json")
    else:
        response = client.post(url, row.data(world, visible) if row.data else {})
    check(response, row.codes(visible)[role], url)
    assert_no_leak(world, row, role, response, url)
    if row.wrote is not None:
        assert row.wrote(world) == ((role, visible) in row.writers), (role, visible, url)


def cells() -> Iterator[Any]:
    for row in TABLE:
        for visible in (True, False) if row.hidden else (True,):
            for role in ROLES:
                variant = "visible" if visible else "hidden"
                yield pytest.param(
                    row, role, visible, id=f"{row.method}-{row.route}-{variant}-{role}"
                )


@pytest.mark.parametrize(("row", "role", "visible"), list(cells()))
def test_cell(world: SimpleNamespace, db: None, row: Row, role: str, visible: bool) -> None:
    request_cell(world, row, role, visible)


# -- the admin site, by family ----------------------------------------------------------------


def admin_cells() -> Iterator[Any]:
    for name, spec in ADMIN_SITE_VIEWS.items():
        for role in ROLES:
            yield pytest.param(name, None, spec, role, id=f"{name}-{role}")
    for model in admin.site._registry:
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        for view in ADMIN_MODEL_VIEWS:
            for role in ROLES:
                yield pytest.param(
                    f"admin:{info}_{view}", model, view, role, id=f"admin:{info}_{view}-{role}"
                )


def admin_permits(model: type[models.Model], view: str, user: User | None) -> bool:
    """Whether the admin role's permissions open this page: history events and the audit log
    are read-only, so their add and delete pages refuse even admins."""
    page = admin.site._registry[model]
    request: Any = SimpleNamespace(user=user)
    if view == "add":
        return bool(page.has_add_permission(request))
    if view == "delete":
        return bool(page.has_delete_permission(request))
    return bool(page.has_view_or_change_permission(request))


def admin_url(name: str, model: type[models.Model] | None, view: str) -> str:
    if model is None:
        return reverse(name, kwargs=ADMIN_SITE_KWARGS.get(name, dict)())
    if view in ("changelist", "add"):
        return reverse(name)
    obj = model._default_manager.order_by("pk").first()
    return reverse(name, args=[obj.pk if obj is not None else 0])


@pytest.mark.parametrize(("name", "model", "view", "role"), list(admin_cells()))
def test_admin_cell(
    world: SimpleNamespace,
    db: None,
    name: str,
    model: type[models.Model] | None,
    view: str,
    role: str,
) -> None:
    url = admin_url(name, model, view)
    if model is None:
        code = dict(zip(ROLES, view.split(), strict=True))[role]
    elif role == "anonymous":
        code = "L"
    elif role != "admin_user":
        code = "AL"
    elif view == "history" and not model._default_manager.exists():
        code = "302"  # no such record: back to the admin's index, with a message
    elif not admin_permits(model, view, world.users[role]):
        code = "403"
    elif view in ("change", "delete") and not model._default_manager.exists():
        code = "302"
    else:
        code = "200"
    response = client_as(world, role).get(url)
    check(response, code, url)


def test_admin_unnamed_routes_answer_only_admins(world: SimpleNamespace, db: None) -> None:
    """A record's short address redirects to its change page, and the catch-all sends
    everyone else to the admin's sign-in page."""
    pk = world.defendant.pk
    for role in ROLES:
        client = client_as(world, role)
        short = client.get(f"/admin/people/person/{pk}/")
        unknown = client.get("/admin/no-such-page/")
        if role == "admin_user":
            assert short.status_code == 302
            assert short["Location"].endswith(f"/admin/people/person/{pk}/change/")
            assert unknown.status_code == 404
        else:
            check(short, "L" if role == "anonymous" else "AL", "/admin/people/person/<pk>/")
            check(unknown, "AL", "/admin/no-such-page/")


# -- nothing slips in --------------------------------------------------------------------------


def test_every_route_has_a_row() -> None:
    table = {row.route for row in TABLE}
    missing = [
        f"{route.name} ({route.route})"
        for route in url_routes()
        if route.name not in table and not (is_admin_route(route) and admin_route_covered(route))
    ]
    assert not missing, "routes without a row in the access matrix: " + ", ".join(missing)


def test_every_row_names_a_route() -> None:
    names = {route.name for route in url_routes()}
    assert {row.route for row in TABLE} <= names


# -- sensitive fields, surface by surface -------------------------------------------------------


def page_for(world: SimpleNamespace, role: str, url: str, **post: Any) -> str:
    client = client_as(world, role)
    response = client.post(url, post) if post else client.get(url)
    assert response.status_code == 200, (role, url, response.status_code)
    return body(response)


SENSITIVE_VALUES = (ADDRESS, RELATIVES, RISK)


@pytest.mark.parametrize("role", ["lawyer_on_case", "admin_user"])
def test_lawyer_on_the_case_and_admins_read_the_confidential_panel(
    world: SimpleNamespace, db: None, role: str
) -> None:
    page = page_for(world, role, world.defendant.get_absolute_url())
    assert 'id="confidential"' in page
    for value in SENSITIVE_VALUES:
        assert value in page
    assert SENSITIVE_QUOTE in page  # the citation of the relatives field


def test_ngo_staff_read_the_person_page_without_the_sensitive_values(
    world: SimpleNamespace, db: None
) -> None:
    page = page_for(world, "ngo_staff", world.defendant.get_absolute_url())
    assert world.defendant.display_name in page
    assert "Musakhanuly, 31" in page  # an ordinary citation still shows
    assert 'id="confidential"' not in page
    for value in (*SENSITIVE_VALUES, SENSITIVE_QUOTE):
        assert value not in page


@pytest.mark.parametrize("role", ["ngo_staff", "lawyer_on_case", "admin_user"])
def test_the_printed_timeline_never_carries_sensitive_values(
    world: SimpleNamespace, db: None, role: str
) -> None:
    page = page_for(world, role, reverse("person_timeline_print", args=[world.defendant.pk]))
    assert world.defendant.display_name in page
    for value in SENSITIVE_VALUES:
        assert value not in page


@pytest.mark.parametrize("route", ["person_export", "case_export"])
@pytest.mark.parametrize("role", ["ngo_staff", "lawyer_on_case"])
def test_csv_exports_carry_no_sensitive_values(
    world: SimpleNamespace, db: None, route: str, role: str
) -> None:
    csv = page_for(world, role, reverse(route))
    assert world.case.title in csv or world.defendant.display_name in csv
    for value in SENSITIVE_VALUES:
        assert value not in csv


@pytest.mark.parametrize("role", ["ngo_staff", "lawyer_on_case"])
def test_calendar_feeds_carry_no_sensitive_values(
    world: SimpleNamespace, db: None, role: str
) -> None:
    feed = page_for(world, role, reverse("case_calendar", args=[world.case.pk]))
    assert "BEGIN:VEVENT" in feed
    secret = page_for(world, "anonymous", reverse("calendar_feed", args=[world.live_token]))
    assert "BEGIN:VEVENT" in secret
    for value in SENSITIVE_VALUES:
        assert value not in feed
        assert value not in secret


def test_name_search_and_its_api_find_the_person_but_not_the_values(
    world: SimpleNamespace, db: None
) -> None:
    page = page_for(world, "ngo_staff", reverse("name_search"), name_search="Musakhanuly")
    assert world.defendant.get_absolute_url() in page
    response = client_as(world, "ngo_staff").post(
        reverse("api_search_people"), {"q": "Musakhanuly"}, content_type="application/json"
    )
    results = response.json()["results"]
    assert [r["id"] for r in results] == [world.defendant.pk]
    for value in SENSITIVE_VALUES:
        assert value not in page
        assert value not in response.content.decode()


def test_history_shows_that_a_sensitive_field_changed_but_not_to_what(
    world: SimpleNamespace, db: None
) -> None:
    Person.objects.filter(pk=world.defendant.pk).update(relatives="Moved to Almaty in May")
    url = reverse("record_history", args=["people", "person", world.defendant.pk])
    staff = page_for(world, "ngo_staff", url)
    assert "Relatives" in staff
    assert "(confidential)" in staff
    for value in (*SENSITIVE_VALUES, "Moved to Almaty in May"):
        assert value not in staff
    lawyer = page_for(world, "lawyer_on_case", url)
    assert RELATIVES in lawyer
    assert "Moved to Almaty in May" in lawyer
    assert "(confidential)" not in lawyer


def test_source_page_leaves_out_citations_of_sensitive_fields(
    world: SimpleNamespace, db: None
) -> None:
    url = world.source.get_absolute_url()
    staff = page_for(world, "ngo_staff", url)
    assert "Musakhanuly, 31" in staff
    assert SENSITIVE_QUOTE not in staff
    assert SENSITIVE_QUOTE in page_for(world, "lawyer_on_case", url)


def test_admin_only_export_holds_the_sensitive_values(world: SimpleNamespace, db: None) -> None:
    """`export_data` is run by operators on the server (backups, transfers): everything."""
    from core.interchange.export import export_document

    person = next(
        p for p in export_document()["persons"] if p.get("display_name") == "Kaster Musakhanuly"
    )
    assert (person["address"], person["relatives"], person["risk_notes"]) == (
        ADDRESS,
        RELATIVES,
        RISK,
    )


@pytest.mark.parametrize(
    ("role", "may_read"),
    [
        ("outsider", False),
        ("ngo_staff_elsewhere", False),
        ("ngo_staff", False),
        ("lawyer_colleague", False),
        ("lawyer_on_case", True),
        ("admin_user", True),
    ],
)
def test_who_may_read_sensitive_values(
    world: SimpleNamespace, db: None, role: str, may_read: bool
) -> None:
    from core.sensitive import may_read_sensitive

    user = User.objects.get(pk=world.users[role].pk)
    assert may_read_sensitive(user, world.defendant) is may_read
    assert may_read_sensitive(user, world.hidden_person) is (role == "admin_user")


def test_ngo_staff_assigned_to_the_case_still_may_not_read_sensitive_values(
    world: SimpleNamespace, db: None
) -> None:
    from core.sensitive import may_read_sensitive

    staff = world.users["ngo_staff"]
    factories.CaseAssignmentFactory.create(case=world.case, user=staff)
    assert not may_read_sensitive(User.objects.get(pk=staff.pk), world.defendant)


def test_deactivated_lawyer_may_not_read_sensitive_values(world: SimpleNamespace, db: None) -> None:
    from core.sensitive import may_read_sensitive

    lawyer = User.objects.get(pk=world.users["lawyer_on_case"].pk)
    lawyer.is_active = False
    lawyer.save()
    assert not may_read_sensitive(User.objects.get(pk=lawyer.pk), world.defendant)


def test_admin_site_shows_the_sensitive_values_to_admins(world: SimpleNamespace, db: None) -> None:
    url = reverse("admin:people_person_change", args=[world.defendant.pk])
    page = page_for(world, "admin_user", url)
    for value in SENSITIVE_VALUES:
        assert value in page
    refused = client_as(world, "lawyer_on_case").get(url)
    check(refused, "AL", url)

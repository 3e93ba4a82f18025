"""Security headers on every page: a crawl of the demo as an admin and as a lawyer checks each
response for the Content-Security-Policy, no inline script or handler a policy without
'unsafe-inline' would block, `Cache-Control: no-store` and `nosniff`; a real browser checks
that the pages that run htmx and the admin run without a single policy violation."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from accounts.models import User
from cases.models import Case
from people.models import Person
from tests.browser import chromium, collect_csp_violations
from tests.helpers import client_for

# The directives every HTML response must carry, with exactly these sources.
REQUIRED_DIRECTIVES = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}
# Pages of one kind look alike: a few of each is enough, one of each admin page (their
# templates are Django's), and the crawl takes seconds.
PER_VIEW = 3
PER_ADMIN_VIEW = 1
NOT_CRAWLED = {"logout", "set_language"}
# What the crawl must have reached, or it proves little.
LAWYER_VIEWS = {
    "home",
    "case_list",
    "case_detail",
    "case_export",
    "case_calendar",
    "person_list",
    "person_detail",
    "person_export",
    "person_timeline_print",
    "deadline_dashboard",
    "deadline_detail",
    "calendar_feeds",
    "source_detail",
    "report_search",
    "record_history",
    "case_history",
    "hearing_outcome",
}
ADMIN_VIEWS = LAWYER_VIEWS | {
    "admin:index",
    "admin:people_person_changelist",
    "admin:people_person_change",
    "admin:cases_case_change",
    "admin:audit_auditevent_changelist",
}


def policy(response: Any) -> dict[str, set[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives: dict[str, set[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


@dataclass
class PageScan(HTMLParser):
    """Links to follow and markup a strict policy blocks: inline scripts and styles, event
    handler attributes, javascript: addresses."""

    links: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag == "script" and not values.get("src") and "nonce" not in values:
            kind = values.get("type") or ""
            # JSON data blocks are not run (the admin uses none now, but they would be fine).
            if kind != "application/json":
                self.blocked.append("inline <script>")
        if tag == "style" and "nonce" not in values:
            self.blocked.append("inline <style>")
        for name, value in attrs:
            if name.startswith("on"):
                self.blocked.append(f"<{tag} {name}=…>")
            if name == "style":
                self.blocked.append(f"<{tag} style=…>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.blocked.append(f"<{tag} {name}=javascript:…>")


def crawl(client: Client) -> Iterator[tuple[str, str, Any]]:
    """Every GET address reachable from the home page (at most PER_VIEW per view), as
    (address, view name, response)."""
    queue = deque(["/"])
    queued = {"/"}
    per_view: Counter[str] = Counter()
    while queue:
        url = queue.popleft()
        response = client.get(url)
        view_name = resolve(urlsplit(url).path).view_name
        yield url, view_name, response
        targets: list[str] = []
        if response.status_code in {301, 302}:
            targets.append(response.headers["Location"])
        elif response.headers.get("Content-Type", "").startswith("text/html"):
            scan = PageScan()
            scan.feed(response.content.decode())
            targets += scan.links
        for target in targets:
            parts = urlsplit(urljoin(url, target))
            if parts.netloc not in {"", "testserver"} or parts.path.startswith(settings.STATIC_URL):
                continue
            address = parts.path + (f"?{parts.query}" if parts.query else "")
            try:
                name = resolve(parts.path).view_name
            except Resolver404:
                continue
            limit = PER_ADMIN_VIEW if name.startswith("admin:") else PER_VIEW
            if address in queued or name in NOT_CRAWLED or per_view[name] >= limit:
                continue
            per_view[name] += 1
            queued.add(address)
            queue.append(address)


@pytest.fixture
def demo(db: None, tmp_path: Path) -> None:
    call_command("load_demo", verbosity=0, accounts_file=tmp_path / "demo-accounts.txt")


def check_headers(url: str, response: Any) -> list[str]:
    problems = []
    cache_control = {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}
    if "no-store" not in cache_control:
        problems.append(f"{url}: Cache-Control is {response.headers.get('Cache-Control')!r}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{url}: no X-Content-Type-Options: nosniff")
    if not response.headers.get("Content-Type", "").startswith("text/html"):
        return problems
    directives = policy(response)
    for name, sources in REQUIRED_DIRECTIVES.items():
        if directives.get(name) != sources:
            problems.append(f"{url}: CSP {name} is {directives.get(name)}, not {sources}")
    scan = PageScan()
    scan.feed(response.content.decode())
    problems += [f"{url}: {what}" for what in scan.blocked]
    return problems


def test_every_page_of_the_demo_sends_the_security_headers(demo) -> None:
    # One test for both readers: loading the demo is the slow part.
    for username, expected in [("admin", ADMIN_VIEWS), ("lawyer", LAWYER_VIEWS)]:
        client = client_for(User.objects.get(username=username))
        problems: list[str] = []
        reached = set()
        for url, view_name, response in crawl(client):
            assert response.status_code < 500, url
            reached.add(view_name)
            problems += check_headers(url, response)
        assert not problems, f"as {username}:\n" + "\n".join(problems)
        missed = sorted(expected - reached)
        assert not missed, f"as {username} the crawl never reached {missed}"


def test_the_login_page_sends_the_policy_and_no_store(db: None) -> None:
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert check_headers("/login/", response) == []
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_cookies_are_http_only_and_same_site(db: None) -> None:
    response = Client().get(reverse("login"))
    csrf = response.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE in {"Lax", "Strict"}


def test_https_responses_carry_a_year_of_hsts(db: None, settings) -> None:
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client().get(reverse("login"), secure=True)
    hsts = response.headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts


def test_htmx_is_configured_to_inject_no_style_and_run_no_eval(demo) -> None:
    kaster = Person.objects.get(display_name="Kaster Musakhanuly")
    client = client_for(User.objects.get(username="lawyer"))
    page = client.get(kaster.get_absolute_url()).content.decode()
    assert "htmx-2.min.js" in page
    assert '"includeIndicatorStyles":false' in page
    assert '"allowEval":false' in page


# -- in a browser ------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_and_the_admin_run_without_csp_violations(live_server, tmp_path: Path) -> None:
    call_command("load_demo", verbosity=0, accounts_file=tmp_path / "demo-accounts.txt")
    admin = User.objects.get(username="admin")
    session = client_for(admin).cookies[settings.SESSION_COOKIE_NAME].value
    kaster = Person.objects.get(display_name="Kaster Musakhanuly")
    case = Case.objects.filter(participants__person=kaster).first()
    assert case is not None
    hearing = case.hearings.order_by("pk").first()
    assert hearing is not None
    paths = [
        "/",
        kaster.get_absolute_url(),
        case.get_absolute_url(),
        reverse("hearing_outcome", args=[hearing.pk]),
        reverse("case_list"),
        reverse("deadline_dashboard"),
        reverse("admin:index"),
        reverse("admin:people_person_changelist"),
        reverse("admin:people_person_change", args=[kaster.pk]),
        reverse("admin:people_person_history", args=[kaster.pk]),
        reverse("admin:audit_auditevent_changelist"),
    ]
    # Database work is done: Playwright's event loop must not overlap Django's ORM.
    with chromium() as browser:
        context = browser.new_context()
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        violations = collect_csp_violations(context)
        page = context.new_page()
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            assert urlsplit(page.url).path == path, f"{path} sent the browser to {page.url}"
        # htmx at work: the timeline filters swap in results without a page load.
        page.goto(f"{live_server.url}{kaster.get_absolute_url()}")
        page.locator("details.timeline-filters summary").click()
        with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
            page.locator("details.timeline-filters input[type=checkbox]").first.click()
        page.wait_for_load_state("networkidle")
        assert not violations, "\n".join(violations)

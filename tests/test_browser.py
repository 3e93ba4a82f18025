"""The main flow in a real browser: the demo lawyer reads the reference case on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from people.models import Person
from tests.browser import chromium, pass_second_factor, screenshot_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long demo passphrase for the browser test"


@pytest.fixture
def demo_lawyer(tmp_path: Path) -> User:
    # The accounts file goes to a temporary folder: the developer's own stays untouched.
    call_command("load_demo", verbosity=0, accounts_file=tmp_path / "demo-accounts.txt")
    lawyer = User.objects.get(username="lawyer")
    lawyer.set_password(PASSWORD)
    lawyer.save()
    return lawyer


def test_demo_lawyer_sees_the_sentence_on_kaster_musakhanulys_page(live_server, demo_lawyer):
    kaster = Person.objects.get(display_name="Kaster Musakhanuly")
    # Database work is done: Playwright's event loop must not overlap Django's ORM.
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{live_server.url}/")
        assert "/login/" in page.url, "an anonymous visitor is sent to the login page"
        page.fill("#id_username", "lawyer")
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        pass_second_factor(page, "lawyer")
        page.wait_for_url(f"{live_server.url}/")

        page.goto(f"{live_server.url}{kaster.get_absolute_url()}")
        page.screenshot(path=screenshot_path("kaster-musakhanuly-390"), full_page=True)
        body = page.locator("main").inner_text()
        assert "Kaster Musakhanuly" in body
        assert "21 January 2020" in body
        assert "1 year" in body
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, "the person page scrolls sideways on a 390-pixel phone"

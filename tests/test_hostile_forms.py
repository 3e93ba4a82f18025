"""Every form of the site, fed hostile input: no server error, no script reflected, and a
refused submission writes nothing.

The forms are found the way a person finds them: on the pages of the demo, as its lawyer and
its admin see them. Each field of each form gets values drawn from hostile strings (markup and
script, SQL, control and format characters, confusable letters, huge values, malformed dates
and numbers); file fields are left empty (the uploads have their own property tests).
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from cases.models import Case
from hearings.models import Hearing

SCRIPT = "<script>alert(1)</script>"
HOSTILE = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "'; DROP TABLE people_person; --",
    "1 OR 1=1",
    "%(user)s {0} {{ 7*7 }} {% debug %}",
    "\x00\x01\x1b[31m\x7f",
    "\u202eevil\u202c",  # right-to-left override
    "Кастер Мусаханулы",
    "Kаster Musаkhanuly",  # Cyrillic а in a Latin name
    "ＫＡＳＴＥＲ",
    "2019-02-31",
    "31 February 2019",
    "-1",
    "99999999999999999999999",
    "1e309",
    "",
    " ",
    "x" * 5000,
]
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=200))


class FormFinder(HTMLParser):
    """The forms of a page: action, method and the names of their fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "action": attributes.get("action") or "",
                    "method": (attributes.get("method") or "get").lower(),
                    "fields": [],
                }
            )
        elif tag in ("input", "select", "textarea") and self.forms:
            name = attributes.get("name")
            kind = (attributes.get("type") or "").lower()
            if name and name != "csrfmiddlewaretoken" and kind not in ("file", "submit"):
                self.forms[-1]["fields"].append(name)


def forms_of(client: Client, url: str) -> list[dict[str, Any]]:
    finder = FormFinder()
    finder.feed(client.get(url).content.decode())
    found = []
    for form in finder.forms:
        action = form["action"] or url
        # The sign-out and language buttons are on every page; they take no user text.
        if action in (reverse("logout"), reverse("set_language")) or not form["fields"]:
            continue
        found.append({**form, "action": action})
    return found


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for app in ("people", "cases", "hearings", "sources")
        for model in apps.get_app_config(app).get_models()
    }


@pytest.fixture
def demo(db: None, tmp_path: Path) -> None:
    call_command("load_demo", verbosity=0, accounts_file=tmp_path / "demo-accounts.txt")


def pages(role: str) -> list[str]:
    case = Case.objects.filter(title__icontains="Zaysan").first() or Case.objects.first()
    assert case is not None
    hearing = Hearing.objects.filter(case=case).order_by("date").first()
    assert hearing is not None
    urls = [
        reverse("home"),
        reverse("case_list"),
        reverse("person_list"),
        reverse("deadline_dashboard"),
        reverse("report_search"),
        reverse("calendar_feeds"),
        reverse("hearing_outcome", args=[hearing.pk]),
        reverse("hearing_schedule", args=[case.pk]),
        reverse("account_security"),
    ]
    if role == "admin":
        urls += [reverse("report_review"), reverse("report_import"), reverse("import_data")]
    return urls


@pytest.mark.parametrize("role", ["lawyer", "admin"])
def test_every_form_survives_hostile_input(demo: None, role: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username=role))
    # The name search in the header is on every page: once is enough.
    by_action = {form["action"]: form for url in pages(role) for form in forms_of(client, url)}
    forms = list(by_action.values())
    assert len(forms) >= 8, forms

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.sampled_from(forms), st.data())
    def submit(form: dict[str, Any], data: st.DataObject) -> None:
        filled = {name: data.draw(values, label=name) for name in form["fields"]}
        before = row_counts()
        if form["method"] == "post":
            response = client.post(form["action"], filled)
        else:
            response = client.get(form["action"], filled)
        assert response.status_code < 500, (form["action"], filled)
        body = response.content.decode(errors="replace")
        assert SCRIPT not in body, (form["action"], filled)
        assert "onerror=alert" not in body.replace("onerror=alert(1)&gt;", ""), form["action"]
        if response.status_code != 302:
            # Refused (or only shown): nothing written.
            assert row_counts() == before, (form["action"], filled)

    submit()

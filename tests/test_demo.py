"""The demo dataset: the reference case loads, loads again without a single write, cites every
fact, keeps the disputed crossing date visible, and gives each role a working account."""

from __future__ import annotations

import json
import stat
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import Role
from cases.models import AsylumClaim, Case, Charge, CustodyInterval
from core.demo import DATA_FILE, REPORTS_DIR, DemoDataError, load_demo, read_passwords
from core.models import CitedRecord
from core.partial_dates import PartialDate
from hearings.models import Expulsion, Hearing, InstitutionType, Sentence, SentenceKind
from people.models import LifeEvent, LifeEventKind, Person, Statement
from sources.models import Citation, Source

CITED_MODELS = [
    Person,
    Case,
    Hearing,
    Sentence,
    CustodyInterval,
    LifeEvent,
    Statement,
    AsylumClaim,
    Charge,
]


def row_counts() -> dict[str, int]:
    """Rows of every table, pghistory's event tables and contexts included."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def run_load_demo(accounts_file: Path, *args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, accounts_file=accounts_file, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def accounts_file(tmp_path: Path) -> Path:
    return tmp_path / "var" / "demo-accounts.txt"


@pytest.fixture
def demo(db: None) -> None:
    load_demo(DATA_FILE)


@pytest.mark.django_db
def test_second_load_writes_nothing(accounts_file: Path) -> None:
    run_load_demo(accounts_file)
    before = row_counts()
    assert before["pghistory.Context"] > 0

    report = load_demo(DATA_FILE)

    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged > 0
    assert "0 created, 0 updated" in report.summary()
    assert row_counts() == before


@pytest.mark.django_db
def test_load_is_recorded_under_the_load_demo_context(demo: None) -> None:
    from pghistory.models import Context

    assert list(Context.objects.values_list("metadata", flat=True)) == [{"source": "load_demo"}]


@pytest.mark.django_db
def test_a_changed_value_is_updated_and_nothing_else(demo: None) -> None:
    case = Case.objects.get(external_id="case:kz-zaysan-musakhanuly-alimuly")
    Case.objects.filter(pk=case.pk).update(summary="edited")

    report = load_demo(DATA_FILE)

    assert report.counts["case"]["updated"] == 1
    assert (report.created, report.updated) == (0, 1)
    case.refresh_from_db()
    assert case.summary.startswith("Prosecution of two ethnic Kazakh asylum seekers")


@pytest.mark.django_db
@pytest.mark.parametrize("model", CITED_MODELS, ids=lambda m: m.__name__)
def test_every_fact_is_cited(demo: None, model: type[CitedRecord]) -> None:
    records = model._default_manager.exclude(external_id=None)
    assert records.exists()
    content_type = ContentType.objects.get_for_model(model)
    cited = set(
        Citation.objects.filter(content_type=content_type).values_list("object_id", flat=True)
    )
    uncited = [str(r.external_id) for r in records if r.pk not in cited]
    assert uncited == []


@pytest.mark.django_db
def test_crossing_date_of_musakhanuly_is_disputed(demo: None) -> None:
    crossing = LifeEvent.objects.get(
        person__external_id="person:kaster-musakhanuly", kind=LifeEventKind.BORDER_CROSSING
    )
    assert crossing.date == PartialDate.parse("2019-10-01/2019-10-06")

    citations = crossing.citations.filter(field="date")
    reported = {(c.source.external_id, c.reported_date) for c in citations}
    assert reported == {
        ("source:amnesty-2019-12-eur-57-1572-2019", PartialDate.day(2019, 10, 6)),
        ("source:secondary-zaysan-coverage", PartialDate.day(2019, 10, 1)),
    }


@pytest.mark.django_db
def test_sentence_of_21_january_2020(demo: None) -> None:
    sentence = Sentence.objects.get(
        defendant__external_id="person:kaster-musakhanuly",
        pronounced=PartialDate.day(2020, 1, 21),
    )
    assert sentence.kind == SentenceKind.IMPRISONMENT
    assert (sentence.term_years, sentence.term_months, sentence.term_days) == (1, 0, 0)
    assert sentence.institution_type == InstitutionType.MINIMUM
    assert sentence.expulsion == Expulsion.RULED_OUT
    assert sentence.hearing is not None
    assert sentence.hearing.date == PartialDate.day(2020, 1, 21)


@pytest.mark.django_db
def test_adjourned_hearing_points_to_the_verdict(demo: None) -> None:
    first = Hearing.objects.get(external_id="hearing:zaysan-2020-01-06")
    assert first.status == "adjourned"
    assert first.adjourned_to is not None
    assert first.adjourned_to.external_id == "hearing:zaysan-2020-01-21"


@pytest.mark.django_db
def test_misspelling_in_a_report_is_kept_with_its_source(demo: None) -> None:
    person = Person.objects.get(external_id="person:kaster-musakhanuly")
    typo = person.names.get(text="Kaster Muakhanuly")
    assert typo.kind == "misspelling"
    assert typo.source is not None
    assert typo.source.external_id == "source:aiusa-2020-01-kazakhstan-brief"


@pytest.mark.django_db
def test_accounts_have_their_roles_and_the_lawyer_sees_the_case(accounts_file: Path) -> None:
    run_load_demo(accounts_file)

    admin = User.objects.get(username="admin")
    lawyer = User.objects.get(username="lawyer")
    ngo = User.objects.get(username="ngo")
    assert admin.is_superuser
    assert admin.is_staff
    assert Role.ADMIN in admin.roles
    assert lawyer.roles == {Role.LAWYER}
    assert ngo.roles == {Role.NGO_STAFF}
    assert ngo.organization is not None
    assert ngo.organization.external_id == "org:vigil-demo-advocacy-network"

    zaysan = Case.objects.get(external_id="case:kz-zaysan-musakhanuly-alimuly")
    bilash = Case.objects.get(external_id="case:kz-bilash-incitement-2019")
    assert zaysan in Case.objects.visible_to(lawyer)
    assert bilash not in Case.objects.visible_to(lawyer)
    assert set(Case.objects.visible_to(ngo)) == set(Case.objects.all())
    assert Person.objects.visible_to(ngo).count() == Person.objects.count()


@pytest.mark.django_db
def test_passwords_are_printed_only_on_the_first_run(accounts_file: Path) -> None:
    first = run_load_demo(accounts_file)

    assert "Demo accounts (shown once)" in first
    passwords = read_passwords(accounts_file)
    assert set(passwords) == {"admin", "lawyer", "ngo"}
    assert stat.S_IMODE(accounts_file.stat().st_mode) == 0o600
    for username, password in passwords.items():
        assert password in first
        assert User.objects.get(username=username).check_password(password)

    second = run_load_demo(accounts_file)

    assert "shown once" not in second
    assert not any(password in second for password in passwords.values())
    assert str(accounts_file) in second
    assert read_passwords(accounts_file) == passwords


@pytest.mark.django_db
def test_reset_passwords_makes_new_ones(accounts_file: Path) -> None:
    run_load_demo(accounts_file)
    old = read_passwords(accounts_file)

    output = run_load_demo(accounts_file, "--reset-passwords")

    new = read_passwords(accounts_file)
    assert "Demo accounts (shown once)" in output
    assert all(new[user] != old[user] for user in old)
    assert User.objects.get(username="lawyer").check_password(new["lawyer"])


@pytest.mark.django_db
def test_report_texts_are_read_from_the_shared_folder(demo: None) -> None:
    for entry in json.loads(DATA_FILE.read_text(encoding="utf-8"))["sources"]:
        source = Source.objects.get(external_id=entry["id"])
        path = REPORTS_DIR / entry["file"] if "file" in entry else None
        if path is not None and path.is_file():
            assert source.text == path.read_text(encoding="utf-8")
        else:
            assert source.text == ""


@pytest.mark.django_db
def test_quotes_are_short_and_found_in_their_report(demo: None) -> None:
    for citation in Citation.objects.select_related("source"):
        assert len(citation.quote) <= 300
        if citation.source.text:
            squashed = " ".join(citation.source.text.split())
            assert " ".join(citation.quote.split()) in squashed, citation.quote


def test_the_data_file_holds_no_report_text() -> None:
    data = DATA_FILE.read_text(encoding="utf-8")
    assert len(data) < 80_000
    for path in REPORTS_DIR.glob("*.txt"):
        paragraphs = [p for p in path.read_text(encoding="utf-8").split("\n\n") if len(p) > 300]
        assert not any(" ".join(p.split()) in data for p in paragraphs), path.name


@pytest.mark.django_db
def test_a_bad_reference_loads_nothing(tmp_path: Path) -> None:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    data["statements"][0]["speaker"] = "person:nobody"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = row_counts()

    with pytest.raises(DemoDataError, match="person:nobody"):
        load_demo(path)

    assert row_counts() == before


@pytest.mark.django_db
def test_without_the_shared_reports_texts_stay_empty(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("core.demo.REPORTS_DIR", tmp_path / "missing")

    report = load_demo(DATA_FILE)

    assert report.created > 0
    assert not Source.objects.exclude(text="").exists()


@pytest.mark.django_db
def test_refuses_a_production_database_unless_asked(settings: Any, accounts_file: Path) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="--allow-production"):
        run_load_demo(accounts_file)
    assert not User.objects.exists()
    run_load_demo(accounts_file, "--allow-production")
    assert User.objects.filter(username="admin", is_superuser=True).exists()

"""Structured import and export: "vigil/1" JSON and CSV files load all or nothing, report every
error at once with where it is, upsert by external id, and round-trip through export_data."""

from __future__ import annotations

import copy
import json
import re
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from cases.models import Case
from core.demo import DATA_FILE, load_demo
from core.interchange import reading
from core.interchange.errors import ImportDataError
from core.interchange.export import export_document, export_json
from core.interchange.imports import import_bytes
from core.interchange.kinds import KINDS
from core.partial_dates import PartialDate
from hearings.models import Hearing
from people.models import NameVariant, Organization, OrganizationName, Person
from sources.models import Citation, Source

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "import-example.json"
CSV_EXAMPLE = EXAMPLE.parent / "persons-example.csv"
ORG_CSV_EXAMPLE = EXAMPLE.parent / "organizations-example.csv"


def row_counts() -> dict[str, int]:
    """Rows of every table, pghistory's event tables and contexts included."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def doc(**kinds: list[dict[str, Any]]) -> bytes:
    return json.dumps({"format": "vigil/1", **kinds}).encode()


def small() -> dict[str, Any]:
    return {
        "format": "vigil/1",
        "organizations": [{"id": "org:hrw", "name": "Human Rights Watch", "kind": "ngo"}],
        "sources": [
            {"id": "src:1", "kind": "news_release", "title": "Release", "publisher": "org:hrw"}
        ],
        "persons": [
            {
                "id": "person:a",
                "display_name": "Kaster Musakhanuly",
                "birth_date": "1988",
                "citizenships": ["CN"],
                "names": [{"text": "Қастер Мусаханұлы", "kind": "transliteration"}],
                "citations": [{"source": "src:1", "quote": "Kaster Musakhanuly, 31"}],
            }
        ],
    }


def issues_of(file: str, data: bytes) -> list[str]:
    with pytest.raises(ImportDataError) as caught:
        import_bytes(file, data)
    return [str(issue) for issue in caught.value.issues]


def run_import(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_data", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def flush_domain() -> None:
    """Delete every record the format covers (and the demo accounts), newest kinds first."""
    User.objects.all().delete()
    Citation.objects.all().delete()
    NameVariant.objects.all().delete()
    OrganizationName.objects.all().delete()
    Hearing.objects.update(adjourned_to=None)
    Organization.objects.update(parent=None)
    for model in reversed(list(KINDS.values())):
        model._default_manager.all().delete()


# -- importing ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_import_creates_records_with_names_and_citations() -> None:
    report = import_bytes("small.json", json.dumps(small()).encode())

    person = Person.objects.get(external_id="person:a")
    assert person.birth_date == PartialDate.year(1988)
    assert [str(c) for c in person.citizenships] == ["CN"]
    assert person.names.filter(text="Қастер Мусаханұлы", kind="transliteration").exists()
    publisher = person.citations.get().source.publisher
    assert publisher is not None
    assert publisher.external_id == "org:hrw"
    assert report.counts["person"]["created"] == 1
    assert report.created == 5  # organization, source, person, name, citation


@pytest.mark.django_db
def test_importing_the_same_file_twice_writes_nothing() -> None:
    data = json.dumps(small()).encode()
    import_bytes("small.json", data)
    before = row_counts()

    report = import_bytes("small.json", data)

    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == 5
    assert row_counts() == before


@pytest.mark.django_db
def test_a_corrected_file_updates_the_record_and_leaves_history() -> None:
    import pghistory.models

    import_bytes("small.json", json.dumps(small()).encode())
    corrected = small()
    corrected["persons"][0]["birth_date"] = "1988-05"

    report = import_bytes("small-v2.json", json.dumps(corrected).encode())

    assert report.counts["person"]["updated"] == 1
    assert (report.created, report.updated) == (0, 1)
    assert Person.objects.get(external_id="person:a").birth_date == PartialDate.month(1988, 5)
    events = pghistory.models.Events.objects.filter(pgh_label="update")
    update = events.get(pgh_model="people.PersonEvent")
    assert update.pgh_context["source"] == "import_data"
    assert update.pgh_context["file"] == "small-v2.json"


@pytest.mark.django_db
def test_dry_run_reports_and_writes_nothing() -> None:
    before = row_counts()

    report = import_bytes("small.json", json.dumps(small()).encode(), dry_run=True)

    assert report.counts["person"]["created"] == 1
    assert report.created == 5
    assert row_counts() == before


@pytest.mark.django_db
def test_dry_run_of_a_correction_counts_the_update() -> None:
    import_bytes("small.json", json.dumps(small()).encode())
    corrected = small()
    corrected["organizations"][0]["name"] = "HRW"

    report = import_bytes("small.json", json.dumps(corrected).encode(), dry_run=True)

    assert report.counts["organization"]["updated"] == 1
    assert Organization.objects.get(external_id="org:hrw").name == "Human Rights Watch"


@pytest.mark.django_db
def test_references_may_point_to_records_already_in_the_database() -> None:
    import_bytes("small.json", json.dumps(small()).encode())

    import_bytes(
        "more.json",
        doc(
            cases=[
                {
                    "id": "case:1",
                    "title": "Z",
                    "kind": "criminal",
                    "jurisdiction": "KZ",
                    "court": "org:hrw",
                }
            ]
        ),
    )

    court = Case.objects.get(external_id="case:1").court
    assert court is not None
    assert court.external_id == "org:hrw"


@pytest.mark.django_db
def test_the_example_files_import() -> None:
    report = import_bytes(EXAMPLE.name, EXAMPLE.read_bytes())
    assert report.created > 0
    csv_report = import_bytes(CSV_EXAMPLE.name, CSV_EXAMPLE.read_bytes())
    assert csv_report.counts["person"]["created"] == 1  # Aidos came with the JSON example
    assert csv_report.counts["person"]["unchanged"] == 1
    org_report = import_bytes(ORG_CSV_EXAMPLE.name, ORG_CSV_EXAMPLE.read_bytes())
    assert org_report.counts["organization"]["unchanged"] == 1


# -- every error at once ------------------------------------------------------------------------
@pytest.mark.django_db
def test_every_error_is_reported_with_its_path_field_value_and_expectation() -> None:
    bad = small()
    bad["persons"][0]["birth_date"] = "2019-02-31"
    bad["persons"][0]["eye_colour"] = "brown"
    bad["persons"][0]["is_public_figure"] = "yes"
    bad["sources"][0]["publisher"] = "org:nobody"
    bad["organizations"][0]["kind"] = "not-a-kind"
    before = row_counts()

    issues = issues_of("bad.json", json.dumps(bad).encode())

    text = "\n".join(issues)
    assert len(issues) == 5, text
    assert "bad.json: persons[0].birth_date: field 'birth_date' value '2019-02-31'" in text
    assert "persons[0].eye_colour: field 'eye_colour'" in text
    assert (
        "persons[0].is_public_figure: field 'is_public_figure' value 'yes': true or false" in text
    )
    assert "sources[0].publisher: field 'publisher' value 'org:nobody': the id of one of" in text
    assert "organizations[0].kind: field 'kind' value 'not-a-kind'" in text
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["persons"][0].update(birth_date="2019-02-31"), "persons[0].birth_date"),
        (lambda d: d["persons"][0].update(display_name=5), "persons[0].display_name"),
        (lambda d: d["persons"][0].update(citizenships="CN"), "persons[0].citizenships"),
        (lambda d: d["persons"][0].update(nickname="K"), "persons[0].nickname"),
        (lambda d: d["sources"][0].update(publisher="org:nobody"), "org:nobody"),
        (lambda d: d["sources"][0].update(publisher="person:a"), "not of persons"),
        (lambda d: d["persons"][0]["citations"][0].update(source="src:none"), "src:none"),
        (lambda d: d["persons"][0]["names"].append({"txt": "x"}), "names[1].txt"),
        (lambda d: d.update(format="vigil/2"), "'vigil/1'"),
        (lambda d: d.update(people=[]), "people"),
        (lambda d: d["persons"].append(dict(d["persons"][0])), "an id used once"),
        (lambda d: d["persons"].append({"display_name": "no id"}), "persons[1].id"),
        (lambda d: d.update(persons={}), "a list of records"),
    ],
    ids=[
        "impossible-date",
        "wrong-type",
        "list-expected",
        "unknown-field",
        "dangling-reference",
        "reference-to-wrong-kind",
        "citation-of-missing-source",
        "unknown-name-key",
        "wrong-format",
        "unknown-section",
        "duplicate-id",
        "missing-id",
        "kind-not-a-list",
    ],
)
def test_bad_documents_are_refused_with_a_clear_message(mutate: Any, expected: str) -> None:
    data = small()
    mutate(data)
    before = row_counts()

    issues = issues_of("bad.json", json.dumps(data).encode())

    assert any(expected in issue for issue in issues), issues
    assert row_counts() == before


@pytest.mark.django_db
def test_a_hearing_adjourned_to_itself_is_a_cycle() -> None:
    data = doc(
        cases=[{"id": "case:1", "title": "T", "kind": "criminal", "jurisdiction": "KZ"}],
        hearings=[{"id": "h:1", "case": "case:1", "date": "2020-01-06", "adjourned_to": "h:1"}],
    )
    issues = issues_of("cycle.json", data)
    assert any("cycle" in i and "h:1 → h:1" in i for i in issues), issues
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_reference_cycle_between_two_records_is_refused() -> None:
    data = doc(
        organizations=[
            {"id": "org:a", "name": "A", "kind": "ngo", "parent": "org:b"},
            {"id": "org:b", "name": "B", "kind": "ngo", "parent": "org:a"},
        ]
    )
    issues = issues_of("cycle.json", data)
    assert any("org:a → org:b → org:a" in i for i in issues), issues
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_a_constraint_the_database_refuses_writes_nothing_of_the_file() -> None:
    data = doc(
        organizations=[{"id": "org:a", "name": "A", "kind": "ngo"}],
        persons=[
            {"id": "p:1", "display_name": "P"},
        ],
        custody_intervals=[
            {"id": "c:1", "person": "p:1", "kind": "arrest", "start": "2020-02", "end": "2019"}
        ],
    )
    before = row_counts()
    issues = issues_of("constraint.json", data)
    assert any("custody_intervals[0]" in i for i in issues), issues
    assert row_counts() == before


# -- bad files ----------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("empty.json", b"", "empty"),
        ("blank.json", b" \n\t", "empty"),
        ("garbage.json", bytes(range(256)) * 4, "binary data"),
        ("invalid.json", b'{"format": "vigil/1",', "valid JSON"),
        ("array.json", b"[1, 2]", 'a JSON object with "format"'),
        ("nul.json", b'{"format": "vigil/1", "x": "\\u0000"}', "NUL"),
        ("persons.csv", "id,display_name\np:1,Қайрат\n".encode("cp1251", "replace"), "cp1251"),
        (
            "persons.csv",
            "id,display_name\nperson:x,Кайрат Самаркан\n".encode("cp1251"),
            "Windows-1251",
        ),
        ("latin.json", '{"format": "vigil/1", "about": "café"}'.encode("latin-1"), "UTF-8"),
        ("people.csv", b"id,display_name\np:1,A\n", "named after its kind"),
        ("persons.csv", b"id,shoe_size\np:1,44\n", "shoe_size"),
        ("persons.csv", b"id,display_name\np:1,A,extra\n", "2 cells"),
    ],
)
def test_bad_files_give_one_clear_message_and_write_nothing(
    name: str, data: bytes, expected: str
) -> None:
    before = row_counts()
    issues = issues_of(name, data)
    assert any(expected in issue for issue in issues), issues
    assert all(issue.startswith(name) for issue in issues)
    assert row_counts() == before


@pytest.mark.django_db
def test_utf8_with_a_byte_order_mark_is_accepted() -> None:
    import_bytes("bom.json", b"\xef\xbb\xbf" + json.dumps(small()).encode())
    import_bytes("persons-bom.csv", b"\xef\xbb\xbfid,display_name\np:2,B\n")
    assert Person.objects.filter(external_id__in=["person:a", "p:2"]).count() == 2


def test_a_file_over_the_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:  # sparse: 100 MB on paper, nothing on disk
        handle.truncate(100 * 1024 * 1024)

    def no_reading(self: Path) -> bytes:
        raise AssertionError("read a file over the limit")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(ImportDataError, match=r"at most 50 MB; this one has 100\.0 MB"):
        reading.read_path(path)


# -- CSV ----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_csv_persons_with_name_variants() -> None:
    data = (
        "id,display_name,sex,birth_date,citizenships,is_public_figure,names\n"
        "person:k,Kaster Musakhanuly,male,1988,CN|KZ,no,Қастер Мусаханұлы|Kaster Muakhanuly\n"
        "\n"
        "person:m,Murager Alimuly,,,,,\n"
    ).encode()

    report = import_bytes("persons-zaysan.csv", data)

    kaster = Person.objects.get(external_id="person:k")
    assert [str(c) for c in kaster.citizenships] == ["CN", "KZ"]
    assert kaster.is_public_figure is False
    assert set(kaster.names.values_list("text", flat=True)) == {
        "Қастер Мусаханұлы",
        "Kaster Muakhanuly",
    }
    assert report.counts["person"]["created"] == 2
    assert import_bytes("persons-zaysan.csv", data).created == 0


@pytest.mark.django_db
def test_csv_errors_name_their_lines() -> None:
    data = (
        b"id,display_name,birth_date,sex\nperson:1,One,2019-02-31,male\nperson:2,Two,2019,martian\n"
    )

    issues = issues_of("persons.csv", data)

    assert any(i.startswith("persons.csv: line 2 (birth_date)") for i in issues), issues
    assert any(i.startswith("persons.csv: line 3 (sex)") for i in issues), issues
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_csv_organizations_and_sources_refer_to_each_other_across_files() -> None:
    import_bytes("organizations.csv", b"id,name,kind,country\norg:hrw,HRW,ngo,US\n")
    import_bytes(
        "sources.csv",
        b"id,kind,title,publisher,published,confidential\nsrc:1,news_release,T,org:hrw,2020-01,no\n",
    )
    source = Source.objects.get(external_id="src:1")
    assert source.publisher is not None
    assert source.publisher.external_id == "org:hrw"
    assert source.published == PartialDate.month(2020, 1)


# -- the command --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_command_imports_files_with_progress_and_a_summary(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(small()), encoding="utf-8")

    out, err = run_import(str(good))

    assert "good.json: 5 created, 0 updated, 0 unchanged" in out
    assert "Imported: 1 of 1 file(s)" in out
    assert "[1/1] good.json: persons (1)" in err
    assert Person.objects.filter(external_id="person:a").exists()


@pytest.mark.django_db
def test_command_dry_run_writes_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(small()), encoding="utf-8")
    before = row_counts()

    out, _ = run_import(str(good), "--dry-run")

    assert "5 created" in out
    assert "Dry run (nothing written)" in out
    assert row_counts() == before


@pytest.mark.django_db
def test_command_lists_every_error_and_imports_the_other_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    data = small()
    data["persons"][0]["birth_date"] = "2019-02-31"
    data["sources"][0]["publisher"] = "org:nobody"
    bad.write_text(json.dumps(data), encoding="utf-8")
    good = tmp_path / "organizations.csv"
    good.write_text("id,name,kind\norg:x,X,ngo\n", encoding="utf-8")
    err = StringIO()

    with pytest.raises(CommandError, match=r"1 file\(s\) not imported: bad\.json"):
        call_command("import_data", str(bad), str(good), stdout=StringIO(), stderr=err)

    assert "bad.json: not imported, 2 error(s); nothing written" in err.getvalue()
    assert "persons[0].birth_date" in err.getvalue()
    assert "sources[0].publisher" in err.getvalue()
    assert not Person.objects.exists()
    assert Organization.objects.filter(external_id="org:x").exists()


# -- export and the round trip ------------------------------------------------------------------
@pytest.mark.django_db
def test_export_then_import_into_an_empty_database_reproduces_the_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_demo(DATA_FILE)
    first = tmp_path / "first.json"
    call_command("export_data", output=first, stderr=StringIO())
    exported = json.loads(first.read_text(encoding="utf-8"))
    assert len(exported["persons"]) == Person.objects.count() > 0

    flush_domain()
    assert not Person.objects.exists()
    assert not Citation.objects.exists()
    run_import(str(first))

    assert export_document() == exported


@pytest.mark.django_db
def test_export_is_deterministic_and_imports_onto_itself_without_writes() -> None:
    load_demo(DATA_FILE)
    text = export_json()
    assert export_json() == text
    before = row_counts()

    report = import_bytes("export.json", text.encode())

    assert (report.created, report.updated) == (0, 0)
    assert row_counts() == before


@pytest.mark.django_db
def test_export_gives_records_without_an_external_id_a_stable_one() -> None:
    org = Organization.objects.create(name="Typed in", kind="ngo")
    exported = export_document()
    assert exported["organizations"] == [
        {"id": f"organizations:pk-{org.pk}", "name": "Typed in", "kind": "ngo"}
    ]


@pytest.mark.django_db
def test_import_data_reads_the_demo_file_and_leaves_its_demo_section_alone() -> None:
    report = import_bytes(DATA_FILE.name, DATA_FILE.read_bytes())

    assert report.counts["person"]["created"] > 0
    assert any("demo section" in warning for warning in report.warnings)
    assert not User.objects.exists()


def copies(text: str, count: int) -> bytes:
    """`count` copies of an exported document, every id made distinct per copy."""
    document = json.loads(text)
    # Unique by article, by text: one copy serves all.
    shared = {"legal_provisions", "sources"}
    ids = {r["id"] for kind in KINDS if kind not in shared for r in document.get(kind, [])}
    pattern = re.compile('"(' + "|".join(re.escape(i) for i in sorted(ids, key=len)[::-1]) + ')"')
    parts: dict[str, list[Any]] = {kind: [] for kind in KINDS}
    for number in range(count):
        renamed = json.loads(pattern.sub(rf'"\1~{number}"', text))
        for kind in KINDS:
            if kind not in shared or number == 0:
                parts[kind] += renamed.get(kind, [])
    return json.dumps({"format": "vigil/1", **parts}).encode()


def test_import_speed_figure(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    """Not a limit: prints rows per second of importing the demo's export five times over
    (distinct ids), for the report."""
    load_demo(DATA_FILE)
    data = copies(export_json(), 5)
    flush_domain()
    started = time.monotonic()
    first = import_bytes("export.json", data)
    created = time.monotonic() - started
    started = time.monotonic()
    again = import_bytes("export.json", data)
    unchanged = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nimport: {first.created} rows created in {created:.2f} s "
            f"({first.created / created:.0f}/s); {again.unchanged} unchanged in "
            f"{unchanged:.2f} s ({again.unchanged / unchanged:.0f}/s)"
        )
    assert first.created == again.unchanged


# -- property tests -----------------------------------------------------------------------------
PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(data=st.binary(max_size=400), name=st.sampled_from(["x.json", "persons.csv", "sources.csv"]))
def test_random_bytes_never_raise_anything_but_an_import_error(data: bytes, name: str) -> None:
    before = row_counts()
    try:
        import_bytes(name, data)
    except ImportDataError:
        assert row_counts() == before


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(choice=st.data())
def test_mutated_documents_never_raise_anything_but_an_import_error(choice: Any) -> None:
    document = small()
    for _ in range(choice.draw(st.integers(1, 3))):
        paths = [p for p in _paths(document) if p]
        path = choice.draw(st.sampled_from(paths))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        action = choice.draw(st.sampled_from(["replace", "delete", "duplicate"]))
        if action == "replace":
            parent[path[-1]] = choice.draw(JSON_VALUES)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
    before = row_counts()
    try:
        import_bytes("mutated.json", json.dumps(document).encode())
    except ImportDataError:
        assert row_counts() == before


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(
    rows=st.lists(st.lists(st.text(max_size=10), min_size=1, max_size=4), min_size=1, max_size=4),
    header=st.lists(
        st.sampled_from(["id", "display_name", "birth_date", "citizenships", "names", "sex", "x"]),
        min_size=1,
        max_size=4,
    ),
)
def test_mutated_csv_never_raises_anything_but_an_import_error(
    rows: list[list[str]], header: list[str]
) -> None:
    import csv

    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    before = row_counts()
    try:
        import_bytes("persons.csv", out.getvalue().encode())
    except ImportDataError:
        assert row_counts() == before


# -- the upload page ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_admin_uploads_a_file_and_sees_the_report(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    upload = SimpleUploadedFile("small.json", json.dumps(small()).encode())

    response = client.post(reverse("import_data"), {"files": [upload]})

    assert response.status_code == 200
    assert "5 created" in response.content.decode()
    assert Person.objects.filter(external_id="person:a").exists()


@pytest.mark.django_db
def test_upload_dry_run_writes_nothing(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    before = row_counts()
    upload = SimpleUploadedFile("small.json", json.dumps(small()).encode())

    response = client.post(reverse("import_data"), {"files": [upload], "dry_run": "on"})

    assert "would be" in response.content.decode()
    assert Person.objects.count() == before["people.Person"]


@pytest.mark.django_db
def test_upload_lists_every_error(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    data = small()
    data["persons"][0]["birth_date"] = "2019-02-31"
    data["sources"][0]["publisher"] = "org:nobody"
    upload = SimpleUploadedFile("bad.json", json.dumps(data).encode())

    response = client.post(reverse("import_data"), {"files": [upload]})

    page = response.content.decode()
    assert response.status_code == 200
    assert "persons[0].birth_date" in page
    assert "org:nobody" in page
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_upload_over_the_limit_is_refused_before_reading(
    client: Client, admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 100)
    client.force_login(admin_user)
    upload = SimpleUploadedFile("big.json", json.dumps(small()).encode())

    response = client.post(reverse("import_data"), {"files": [upload]})

    assert "big.json" in response.content.decode()
    assert "this one is larger and was not read" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_upload_still_needs_the_csrf_token(admin_user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    upload = SimpleUploadedFile("small.json", json.dumps(small()).encode())

    response = client.post(reverse("import_data"), {"files": [upload]})

    assert response.status_code == 403
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_upload_page_shows_the_form(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    page = client.get(reverse("import_data")).content.decode()
    assert 'type="file"' in page
    assert "multiple" in page
    assert 'name="dry_run"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["lawyer_on_case", "ngo_staff", "outsider"])
def test_only_admins_may_import(client: Client, who: str, request: pytest.FixtureRequest) -> None:
    client.force_login(request.getfixturevalue(who))
    upload = SimpleUploadedFile("small.json", json.dumps(small()).encode())

    assert client.get(reverse("import_data")).status_code == 403
    assert client.post(reverse("import_data"), {"files": [upload]}).status_code == 403
    assert not Person.objects.filter(external_id="person:a").exists()


@pytest.mark.django_db
def test_home_page_links_admins_to_the_import(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    assert reverse("import_data") in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_home_page_has_no_import_link_for_lawyers(client: Client, lawyer_on_case: User) -> None:
    client.force_login(lawyer_on_case)
    assert reverse("import_data") not in client.get(reverse("home")).content.decode()

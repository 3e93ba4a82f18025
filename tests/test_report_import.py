"""Importing report files: one source per text, mentions and proposals stored, re-imports that
respect earlier reviews, links to existing records with conflicts, the command and the page."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Protocol

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from cases.models import CustodyInterval
from core.demo import load_demo
from core.partial_dates import PartialDate
from people.models import LifeEvent, LifeEventKind, Person
from sources.models import Proposal, ProposalStatus, ReportMention, Source
from sources.reports import ingest
from sources.reports.found import CandidateFact, EntityKind, FactKind, Mention, ReportError
from sources.reports.ingest import import_report
from sources.reports.review import reject
from tests import factories

REPORTS_DIR = Path(settings.BASE_DIR).parent / "shared" / "reports"

TEXT = (
    "Kazakhstan: two men face return to China\n\n"
    "Kaster Musakhanuly and Murager Alimuly illegally crossed the border on 6 October 2019. "
    "They were detained on 14 October 2019 in Almaty."
)
CROSSING = "Kaster Musakhanuly and Murager Alimuly illegally crossed the border on 6 October 2019."
DETAINED = "They were detained on 14 October 2019 in Almaty."


class Extraction(Protocol):
    def __call__(
        self, facts: list[CandidateFact], mentions: list[Mention] | None = None
    ) -> None: ...


@pytest.fixture
def extraction(monkeypatch: pytest.MonkeyPatch) -> Extraction:
    """Replace the extraction with given facts and mentions: these tests are about storing."""

    def use(facts: list[CandidateFact], mentions: list[Mention] | None = None) -> None:
        monkeypatch.setattr(ingest, "extract_facts", lambda text, **kwargs: list(facts))
        monkeypatch.setattr(ingest, "find_mentions", lambda text: list(mentions or []))

    return use


def crossing(*persons: Person, day: int = 6) -> CandidateFact:
    start = TEXT.index(CROSSING)
    return CandidateFact(
        kind=FactKind.BORDER_CROSSING,
        quote=CROSSING,
        start=start,
        end=start + len(CROSSING),
        date=PartialDate.day(2019, 10, day),
        date_text=f"on {day} October 2019",
        person_ids=tuple(p.pk for p in persons),
        values={"from_country": "CN", "to_country": "KZ"},
    )


def detained(*persons: Person) -> CandidateFact:
    start = TEXT.index(DETAINED)
    return CandidateFact(
        kind=FactKind.CUSTODY,
        quote=DETAINED,
        start=start,
        end=start + len(DETAINED),
        date=PartialDate.day(2019, 10, 14),
        date_text="on 14 October 2019",
        person_ids=tuple(p.pk for p in persons),
        values={"custody_kind": "detention", "edge": "start", "place": "Almaty"},
    )


def row_counts() -> dict[str, int]:
    return {
        "sources": Source.objects.count(),
        "proposals": Proposal.objects.count(),
        "mentions": ReportMention.objects.count(),
    }


# -- storing -----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_importing_the_same_text_twice_keeps_one_source(extraction: Extraction) -> None:
    extraction([], [])
    first = import_report(TEXT.encode(), "report.txt", user=None)
    second = import_report(TEXT.encode(), "copy-of-report.txt", user=None)

    assert first.new
    assert not second.new
    assert first.source.pk == second.source.pk
    assert Source.objects.count() == 1
    assert first.source.title.startswith("Kazakhstan: two men face return to China")


@pytest.mark.django_db
def test_metadata_given_again_fills_only_blanks(extraction: Extraction) -> None:
    extraction([], [])
    publisher = factories.OrganizationFactory.create(name="Amnesty International")
    import_report(TEXT.encode(), "report.txt", url="https://example.org/a", user=None)
    again = import_report(
        TEXT.encode(),
        "report.txt",
        url="https://example.org/other",
        publisher=publisher,
        published=PartialDate.month(2019, 12),
        user=None,
    )

    source = Source.objects.get(pk=again.source.pk)
    assert source.url == "https://example.org/a"
    assert source.publisher == publisher
    assert source.published == PartialDate.month(2019, 12)


@pytest.mark.django_db
def test_mentions_and_proposals_are_stored_with_persons(extraction: Extraction) -> None:
    kaster = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    murager = factories.PersonFactory.create(display_name="Murager Alimuly")
    mention = Mention(EntityKind.PERSON, "Kaster Musakhanuly", 42, 60, kaster.pk, "Kaster", "exact")
    extraction([crossing(kaster, murager)], [mention])

    outcome = import_report(TEXT.encode(), "report.txt", user=None)

    stored = ReportMention.objects.get(source=outcome.source)
    assert (stored.person, stored.text, stored.match) == (kaster, "Kaster Musakhanuly", "exact")
    proposal = Proposal.objects.get(source=outcome.source)
    assert proposal.kind == FactKind.BORDER_CROSSING
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.date == PartialDate.day(2019, 10, 6)
    assert set(proposal.persons.all()) == {kaster, murager}
    assert (proposal.quote, proposal.start) == (CROSSING, TEXT.index(CROSSING))
    assert proposal.linked is None


@pytest.mark.django_db
def test_a_rejected_proposal_stays_out_when_the_report_is_imported_again(
    extraction: Extraction,
) -> None:
    kaster = factories.PersonFactory.create()
    admin = factories.UserFactory.create()
    extraction([crossing(kaster), detained(kaster)])
    first = import_report(TEXT.encode(), "report.txt", user=None)
    rejected = next(p for p in first.proposals if p.kind == FactKind.BORDER_CROSSING)
    reject(rejected, admin)

    again = import_report(TEXT.encode(), "report.txt", user=None)

    assert [p.kind for p in again.proposals] == [FactKind.CUSTODY]
    assert again.kept_out == 1
    assert Proposal.objects.filter(source=first.source).count() == 2
    rejected.refresh_from_db()
    assert rejected.status == ProposalStatus.REJECTED


@pytest.mark.django_db
def test_a_pending_proposal_is_refreshed_not_duplicated(extraction: Extraction) -> None:
    kaster = factories.PersonFactory.create()
    murager = factories.PersonFactory.create()
    extraction([crossing(kaster)])
    first = import_report(TEXT.encode(), "report.txt", user=None)
    extraction([crossing(kaster, murager)])  # better extraction: a second person

    again = import_report(TEXT.encode(), "report.txt", user=None)

    assert [p.pk for p in again.proposals] == [p.pk for p in first.proposals]
    assert set(Proposal.objects.get().persons.all()) == {kaster, murager}


@pytest.mark.django_db
def test_a_file_that_cannot_be_read_writes_nothing(extraction: Extraction) -> None:
    extraction([], [])
    before = row_counts()

    with pytest.raises(ReportError):
        import_report(b"", "empty.txt", user=None)

    assert row_counts() == before


@pytest.mark.django_db
def test_a_failure_during_extraction_writes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str, **kwargs: object) -> list[CandidateFact]:
        raise RuntimeError("extraction broke")

    monkeypatch.setattr(ingest, "find_mentions", lambda text: [])
    monkeypatch.setattr(ingest, "extract_facts", broken)

    with pytest.raises(RuntimeError):
        import_report(TEXT.encode(), "report.txt", user=None)

    assert not Source.objects.exists()


# -- linking -----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_crossing_on_another_day_is_linked_with_a_conflict(extraction: Extraction) -> None:
    kaster = factories.PersonFactory.create()
    event = factories.LifeEventFactory.create(
        person=kaster, kind=LifeEventKind.BORDER_CROSSING, date=PartialDate.day(2019, 10, 1)
    )
    extraction([crossing(kaster, day=6)])

    proposal = import_report(TEXT.encode(), "report.txt", user=None).proposals[0]

    assert proposal.linked == event
    assert proposal.conflict == ("The record says 1 October 2019; this report says 6 October 2019.")


@pytest.mark.django_db
def test_a_crossing_on_the_same_day_is_linked_without_conflict(extraction: Extraction) -> None:
    kaster = factories.PersonFactory.create()
    event = factories.LifeEventFactory.create(
        person=kaster, kind=LifeEventKind.BORDER_CROSSING, date=PartialDate.month(2019, 10)
    )
    extraction([crossing(kaster, day=6)])

    proposal = import_report(TEXT.encode(), "report.txt", user=None).proposals[0]

    assert proposal.linked == event
    assert proposal.conflict == ""


@pytest.mark.django_db
def test_with_the_demo_the_6_october_crossing_conflicts_with_1_october(
    extraction: Extraction,
) -> None:
    load_demo()
    kaster = Person.objects.get(external_id="person:kaster-musakhanuly")
    murager = Person.objects.get(external_id="person:murager-alimuly")
    extraction([crossing(kaster, murager, day=6)])

    proposal = import_report(TEXT.encode(), "report.txt", user=None).proposals[0]

    assert proposal.linked == LifeEvent.objects.get(
        external_id="event:musakhanuly-border-crossing-2019-10"
    )
    assert "1 October 2019" in proposal.conflict
    assert "this report says 6 October 2019" in proposal.conflict


@pytest.mark.django_db
def test_the_demo_arrest_is_linked_by_its_start(extraction: Extraction) -> None:
    load_demo()
    kaster = Person.objects.get(external_id="person:kaster-musakhanuly")
    extraction([detained(kaster)])

    proposal = import_report(TEXT.encode(), "report.txt", user=None).proposals[0]

    assert isinstance(proposal.linked, CustodyInterval)
    assert proposal.linked.start == PartialDate.day(2019, 10, 14)
    assert proposal.conflict == ""


@pytest.mark.django_db
def test_ingest_queries_stay_flat_as_proposals_grow(extraction: Extraction) -> None:
    def run(count: int) -> int:
        persons = factories.PersonFactory.create_batch(count)
        for person in persons:
            factories.LifeEventFactory.create(
                person=person, kind=LifeEventKind.BORDER_CROSSING, date=PartialDate.year(2019)
            )
        facts = [
            CandidateFact(
                FactKind.BORDER_CROSSING,
                f"{CROSSING} ({n})",
                0,
                10,
                PartialDate.day(2019, 10, 6),
                "on 6 October 2019",
                (person.pk,),
            )
            for n, person in enumerate(persons)
        ]
        extraction(facts, [])
        with CaptureQueriesContext(connection) as queries:
            outcome = import_report(f"{TEXT} {count}".encode(), f"{count}.txt", user=None)
        assert len(outcome.proposals) == count
        return len(queries)

    assert run(2) == run(60)


# -- the command -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_command_prints_json_for_each_file(tmp_path: Path, extraction: Extraction) -> None:
    kaster = factories.PersonFactory.create()
    mention = Mention(EntityKind.PERSON, "Kaster Musakhanuly", 42, 60, kaster.pk, "Kaster", "exact")
    extraction([crossing(kaster)], [mention])
    factories.OrganizationFactory.create(name="Amnesty International", external_id="org:ai")
    path = tmp_path / "report.txt"
    path.write_text(TEXT, encoding="utf-8")
    out, err = StringIO(), StringIO()

    call_command(
        "import_report",
        str(path),
        "--publisher=org:ai",
        "--published=2019-12",
        "--kind=news_release",
        "--json",
        stdout=out,
        stderr=err,
    )

    [result] = json.loads(out.getvalue())
    assert result["new"] is True
    assert result["title"].startswith("Kazakhstan: two men face return to China")
    assert result["mentions"] == [
        {"kind": "person", "id": kaster.pk, "text": "Kaster Musakhanuly", "variant": "Kaster"}
    ]
    [proposal] = result["proposals"]
    assert proposal["kind"] == "border_crossing"
    assert proposal["date"] == "2019-10-06"
    assert proposal["date_text"] == "on 6 October 2019"
    assert proposal["persons"] == [kaster.pk]
    assert proposal["quote"] == CROSSING
    assert proposal["linked"] is None
    assert proposal["conflict"] == ""
    source = Source.objects.get(pk=result["source_id"])
    assert source.publisher is not None
    assert source.publisher.external_id == "org:ai"
    assert source.kind == "news_release"
    assert "1 of 1 file(s)" in err.getvalue()


@pytest.mark.django_db
def test_command_reports_a_bad_file_and_imports_the_others(
    tmp_path: Path, extraction: Extraction
) -> None:
    extraction([], [])
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    err = StringIO()

    with pytest.raises(CommandError, match="1 file"):
        call_command("import_report", str(bad), str(good), stdout=StringIO(), stderr=err)

    assert f"{bad}: not imported: The file is empty." in err.getvalue()
    assert Source.objects.count() == 1


# -- the upload page ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_admin_uploads_two_reports_and_sees_the_summary(
    client: Client, admin_user: User, extraction: Extraction
) -> None:
    kaster = factories.PersonFactory.create()
    extraction([crossing(kaster)])
    client.force_login(admin_user)
    files = [
        SimpleUploadedFile("a.txt", TEXT.encode()),
        SimpleUploadedFile("empty.txt", b""),
    ]

    response = client.post(reverse("report_import"), {"files": files, "kind": "news_release"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "New source:" in page
    assert "1 proposal to review" in page
    assert "empty.txt" in page
    assert "The file is empty." in page
    assert Source.objects.get().created_by == admin_user


@pytest.mark.django_db
def test_the_script_gets_only_the_summary(
    client: Client, admin_user: User, extraction: Extraction
) -> None:
    extraction([], [])
    client.force_login(admin_user)
    upload = SimpleUploadedFile("a.txt", TEXT.encode())

    response = client.post(
        reverse("report_import"),
        {"files": [upload], "kind": "other"},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )

    page = response.content.decode()
    assert "New source:" in page
    assert "<html" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["lawyer_on_case", "ngo_staff", "outsider"])
def test_only_admins_may_import_reports(
    client: Client, name: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(name)
    client.force_login(user)
    upload = SimpleUploadedFile("a.txt", TEXT.encode())

    assert client.get(reverse("report_import")).status_code == 403
    assert client.post(reverse("report_import"), {"files": [upload]}).status_code == 403
    assert not Source.objects.exists()


# -- the real extraction on the shared reports ---------------------------------------------------
@pytest.mark.django_db
def test_the_three_shared_reports_link_to_the_demo_and_propose_facts() -> None:
    """With H1's real extraction (sources/reports/facts.py), the reference reports link to the
    demo's persons and propose hearings, the verdict, statements and custody."""
    from sources.reports import facts

    paths = sorted(REPORTS_DIR.glob("*.txt"))
    if len(paths) < 3:
        pytest.skip(f"the shared reports are not in {REPORTS_DIR}")
    if "stub" in (facts.__doc__ or ""):
        pytest.skip("sources/reports/facts.py is still a stub: it finds no facts")
    load_demo()
    kaster = Person.objects.get(external_id="person:kaster-musakhanuly")
    sources_before = Source.objects.count()
    out = StringIO()

    call_command("import_report", *[str(p) for p in paths], "--json", stdout=out, stderr=StringIO())

    results = json.loads(out.getvalue())
    assert len(results) == 3
    assert Source.objects.count() == sources_before  # the demo's three reports, recognised
    kinds = {p["kind"] for r in results for p in r["proposals"]}
    assert {"hearing", "verdict", "statement", "custody"} <= kinds
    mentioned = {m["id"] for r in results for m in r["mentions"] if m["kind"] == "person"}
    assert kaster.pk in mentioned
    about_kaster = [p for r in results for p in r["proposals"] if kaster.pk in p["persons"]]
    assert about_kaster
    assert any(p["linked"] for r in results for p in r["proposals"])
    # Importing them again recognises all three.
    again = StringIO()
    call_command(
        "import_report", *[str(p) for p in paths], "--json", stdout=again, stderr=StringIO()
    )
    assert not any(r["new"] for r in json.loads(again.getvalue()))

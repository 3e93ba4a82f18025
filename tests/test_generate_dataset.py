"""`generate_dataset`: realistic names, keys as the models compute them, no history rows for
the bulk load, demo users who see data, heavy persons, and refusal on a real database."""

from __future__ import annotations

import random
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from cases.models import Case
from core.access import get_person_for_user
from core.dataset.copy import Range, encode
from core.dataset.generate import PREFIX, Scale, generate
from core.dataset.names import NameMaker, passport_latin
from core.dataset.texts import report_text
from core.scripts import detect_script
from people.models import NameVariant, Person
from people.names import match_key
from people.timeline import person_timeline
from sources.models import Citation, Source

TINY = Scale(
    persons=400,
    cases=80,
    hearings=300,
    custody=200,
    asylum=30,
    statements=20,
    sources=15,
    citations=300,
)
TODAY = date(2026, 1, 15)


@pytest.fixture
def generated(db: None) -> dict[str, int]:
    return generate(TINY, seed=3, today=TODAY, progress=lambda rows: None)


def test_same_seed_makes_the_same_names_and_texts() -> None:
    def sample(seed: int) -> tuple[list[str], str]:
        rng = random.Random(seed)
        names = [NameMaker(rng).make().display for _ in range(50)]
        return names, report_text(rng, "en", names[:3], "2020-01-21")

    assert sample(1) == sample(1)
    assert sample(1) != sample(2)


def test_common_names_are_shared_by_many_people() -> None:
    maker = NameMaker(random.Random(1))
    keys = [match_key(maker.make().display) for _ in range(3000)]
    most_common = max(keys.count(key) for key in set(keys[:200]))
    assert most_common >= 20
    assert len(set(keys)) > 300


def test_passport_latin_of_a_kazakh_patronymic() -> None:
    assert passport_latin("Кастер Мусаханулы") == "Kaster Musakhanuly"
    assert match_key("Кастер Мусаханулы") == match_key(passport_latin("Кастер Мусаханулы"))


def test_copy_text_escapes_tabs_newlines_and_nulls() -> None:
    assert encode("a\tb\nc\\") == "a\\tb\\nc\\\\"
    assert encode(None) == "\\N"
    assert encode(Range((date(2019, 10, 1), date(2019, 11, 1)))) == "[2019-10-01,2019-11-01)"


def test_counts_follow_the_scale(generated: dict[str, int]) -> None:
    assert Person.objects.filter(external_id__startswith=PREFIX).count() == TINY.persons
    assert Source.objects.count() == TINY.sources
    assert Citation.objects.count() == TINY.citations
    assert generated["people.NameVariant"] >= 3 * TINY.persons


def test_search_keys_and_scripts_are_what_the_models_compute(generated: dict[str, int]) -> None:
    for person in Person.objects.all()[:200]:
        assert person.search_key == match_key(person.display_name)
    variants = list(NameVariant.objects.all()[:500])
    assert {v.script for v in variants} >= {"latin", "cyrillic"}
    for variant in variants:
        assert variant.search_key == match_key(variant.text)
        assert variant.script == detect_script(variant.text)


def test_reports_are_about_five_kilobytes_and_searchable(generated: dict[str, int]) -> None:
    source = Source.objects.first()
    assert source is not None
    assert 4_500 <= len(source.text.encode()) <= 6_500
    assert Source.objects.filter(search_document__isnull=False).count() == TINY.sources


def test_the_bulk_load_writes_no_history_and_leaves_no_dangling_reference(
    generated: dict[str, int],
) -> None:
    event_model = Person.pgh_event_model  # type: ignore[attr-defined]
    assert not event_model.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM people_namevariant v "
            "LEFT JOIN people_person p ON p.id = v.person_id WHERE p.id IS NULL"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM hearings_hearing h "
            "LEFT JOIN cases_case c ON c.id = h.case_id WHERE c.id IS NULL"
        )
        assert cursor.fetchone()[0] == 0


def test_history_triggers_run_again_after_the_load(generated: dict[str, int]) -> None:
    person = Person.objects.first()
    assert person is not None
    person.notes = "checked"
    person.save()
    assert Person.pgh_event_model.objects.filter(pgh_obj=person).exists()  # type: ignore[attr-defined]


def test_demo_users_see_generated_cases(generated: dict[str, int]) -> None:
    lawyer = User.objects.get(username="lawyer")
    ngo = User.objects.get(username="ngo")
    assert Case.objects.visible_to(lawyer).count() >= 20
    assert Case.objects.visible_to(ngo).exists()


def test_heavy_persons_have_about_a_thousand_timeline_entries(
    generated: dict[str, int],
) -> None:
    ngo = User.objects.get(username="ngo")
    heavy = Person.objects.filter(external_id__startswith=f"{PREFIX}person:heavy-").first()
    assert heavy is not None
    entries = person_timeline(get_person_for_user(ngo, heavy.pk))
    assert len(entries) >= 900


def test_refuses_a_database_with_real_records(db: None) -> None:
    Person.objects.create(display_name="Someone Real")
    with pytest.raises(CommandError, match="real"):
        call_command("generate_dataset", "--scale", "small")

"""Which writing system a name is written in: the names of one person in every script."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.scripts import Script, detect_script


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Kaster Musakhanuly", Script.LATIN),
        ("Qaster Musaqanuly", Script.LATIN),
        ("Musahanūly Qaster", Script.LATIN),  # Kazakh Latin alphabet of 2021
        ("Sayragul Sauytbay", Script.LATIN),
        ("Сайрагүл Сауытбай", Script.CYRILLIC),
        ("Мұсаханұлы", Script.CYRILLIC),  # Kazakh letters ұ: not Russian, still Cyrillic
        ("Қастер Мұсаханұлы", Script.CYRILLIC),
        ("Кастер Мусаханулы", Script.CYRILLIC),  # Russian spelling
        ("哈斯特", Script.HAN),
        ("哈斯特·木沙汗努力", Script.HAN),  # the dot PRC documents put between names
        ("قاستەر مۇساحانۇلى", Script.ARABIC),  # Arabic-script Kazakh
        ("ئابدۇرېھىم", Script.ARABIC),  # Uyghur
        ("Мұсаханұлы Kaster", Script.CYRILLIC),  # most letters decide
        ("Kaster Musakhanuly (Мұса)", Script.LATIN),
    ],
)
def test_detects_the_script_of_a_name(text: str, script: Script) -> None:
    assert detect_script(text) == script


@pytest.mark.parametrize("text", ["", "   ", "12345", "2019-10-06", "№ 1-234/2020", "—"])
def test_text_without_letters_has_no_script(text: str) -> None:
    assert detect_script(text) == Script.OTHER


def test_letters_of_other_scripts_are_other() -> None:
    assert detect_script("ქართული") == Script.OTHER  # Georgian


def test_punctuation_and_digits_do_not_outvote_letters() -> None:
    assert detect_script("A. 1234567890 ,.-") == Script.LATIN


@given(st.text())
def test_any_text_gets_a_script(text: str) -> None:
    assert detect_script(text) in set(Script)

"""The strip above a person's timeline, drawn from plain dataclasses: no database."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from xml.etree import ElementTree

from core.partial_dates import PartialDate
from people.timeline_svg import (
    MIN_GAP,
    MIN_LABEL_SPACING,
    Flag,
    Interval,
    Lane,
    Mark,
    render,
)

SVG = "{http://www.w3.org/2000/svg}"
day = PartialDate.day
TODAY = date(2026, 3, 10)


def _parse(svg: str) -> ElementTree.Element:
    """The drawing as XML: parsing fails on anything left unescaped."""
    return ElementTree.fromstring(svg)


def _text(node: ElementTree.Element, tag: str) -> str:
    child = node.find(f"{SVG}{tag}")
    assert child is not None
    return child.text or ""


def _texts(root: ElementTree.Element, css_class: str) -> list[tuple[float, str]]:
    return [
        (float(node.get("x", "0")), node.text or "")
        for node in root.iter(f"{SVG}text")
        if node.get("class") == css_class
    ]


def _ticks(root: ElementTree.Element) -> list[float]:
    return [float(n.get("x1", "0")) for n in root.iter(f"{SVG}line") if n.get("class") == "tick"]


def _hearings(start: date, count: int, every: timedelta) -> list[Mark]:
    return [
        Mark(PartialDate.of(start + i * every), "hearing", f"Hearing {i}", Lane.COURT)
        for i in range(count)
    ]


def test_nothing_dated_draws_nothing():
    drawing = render(intervals=[Interval(None, None, "custody", "Camp abroad")], today=TODAY)
    assert drawing.svg == ""
    assert not drawing.keys


def test_a_tick_at_each_new_year_labelled_with_its_year():
    marks = [Mark(day(2017, 3, 1), "hearing", "First"), Mark(day(2019, 9, 1), "hearing", "Last")]
    root = _parse(render(marks=marks, today=TODAY).svg)
    assert len(_ticks(root)) == 2  # 1 January 2018 and 2019
    assert [text for _, text in _texts(root, "year")] == ["2018", "2019", "2017"]


def test_twelve_years_keep_every_tick_and_thin_the_labels_on_a_phone():
    marks = _hearings(date(2014, 2, 1), 12 * 4, timedelta(days=91))
    wide = _parse(render(marks=marks, today=TODAY, width=900).svg)
    narrow = _parse(render(marks=marks, today=TODAY, width=400).svg)
    assert len(_ticks(wide)) == len(_ticks(narrow)) == 13  # 2014 (padding) to 2026
    wide_labels = sorted(x for x, _ in _texts(wide, "year"))
    narrow_labels = sorted(x for x, _ in _texts(narrow, "year"))
    # The last tick, a few weeks before the end, leaves no room for "2026".
    assert {text for _, text in _texts(wide, "year")} == {str(y) for y in range(2014, 2026)}
    assert {text for _, text in _texts(narrow, "year")} == {str(y) for y in range(2014, 2026, 2)}
    for labels in (wide_labels, narrow_labels):
        gaps = [b - a for a, b in itertools.pairwise(labels)]
        assert min(gaps) >= MIN_LABEL_SPACING


def test_a_short_span_names_its_months():
    marks = [Mark(day(2019, 11, 5), "hearing", "Trial"), Mark(day(2020, 3, 20), "hearing", "End")]
    root = _parse(render(marks=marks, today=TODAY).svg)
    assert [text for _, text in _texts(root, "month")] == ["Dec", "Feb", "Mar"]
    assert [text for _, text in _texts(root, "year")] == ["2020", "2019"]  # January: its year


def test_overlapping_marks_merge_into_one_counted_cluster():
    crowd = [
        Mark(day(2020, 1, 1 + i // 8), "hearing", f"Hearing {i}", Lane.COURT) for i in range(50)
    ]
    alone = Mark(day(2023, 6, 1), "hearing", "Far away", Lane.COURT)
    drawing = render(marks=[*crowd, alone], today=TODAY)
    root = _parse(drawing.svg)
    clusters = [g for g in root.iter(f"{SVG}g") if "cluster" in g.get("class", "")]
    assert len(clusters) == 1
    assert _text(clusters[0], "text") == "50"
    tooltip = _text(clusters[0], "title")
    assert tooltip.startswith("Hearing 0\nHearing 1\n")
    assert tooltip.endswith("and 42 more")
    singles = [c for c in root.iter(f"{SVG}circle") if "mark-hearing" in c.get("class", "")]
    assert len(singles) == 1
    assert _text(singles[0], "title") == "Far away"
    assert {"cluster", "court"} <= drawing.keys


def test_two_hundred_marks_over_twelve_years_never_overlap():
    marks = _hearings(date(2014, 1, 1), 220, timedelta(days=20))
    marks += [
        Mark(PartialDate.of(date(2014, 1, 3) + timedelta(days=17 * i)), "statement", f"S{i}")
        for i in range(250)
    ]
    for width in (400, 900):
        root = _parse(render(marks=marks, today=TODAY, width=width).svg)
        for lane_y in {c.get("cy") for c in root.iter(f"{SVG}circle")}:
            xs = sorted(
                float(c.get("cx", "0")) for c in root.iter(f"{SVG}circle") if c.get("cy") == lane_y
            )
            assert all(b - a >= MIN_GAP - 1 - 0.1 for a, b in itertools.pairwise(xs))
        counted = sum(
            int(_text(g, "text")) for g in root.iter(f"{SVG}g") if "cluster" in g.get("class", "")
        )
        singles = sum(1 for c in root.iter() if "mark " in c.get("class", "") + " ")
        assert counted + singles == len(marks)  # every mark is drawn once, alone or counted


def _solid_right(root: ElementTree.Element) -> float:
    rect = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "solid")
    return float(rect.get("x", "0")) + float(rect.get("width", "0"))


def _today_x(root: ElementTree.Element) -> float:
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "today")
    line = group.find(f"{SVG}line")
    assert line is not None
    return float(line.get("x1", "0"))


def test_open_custody_runs_to_today():
    held = Interval(day(2024, 6, 1), None, "custody", "Prison term, still held", ongoing=True)
    drawing = render(intervals=[held], today=TODAY, today_label="Today: 10 March 2026")
    root = _parse(drawing.svg)
    assert abs(_solid_right(root) - _today_x(root)) < 2
    assert "bar-open" in drawing.svg
    assert "<title>Today: 10 March 2026</title>" in drawing.svg
    assert {"custody", "today"} <= drawing.keys


def test_uncertain_ends_are_faded_across_their_window():
    pretrial = Interval(day(2019, 10, 14), PartialDate.month(2020, 1), "custody", "Pretrial")
    undated_end = Interval(day(2021, 1, 5), None, "custody", "Ended, no source dates it")
    drawing = render(intervals=[pretrial, undated_end], today=TODAY)
    root = _parse(drawing.svg)
    faded = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "uncertain"]
    assert len(faded) == 2
    january = faded[0]
    assert float(january.get("width", "0")) > 10  # all of January, not a day in it
    assert "uncertain" in drawing.keys
    assert "today" not in drawing.keys  # nothing runs to today: it stays off the axis


def test_overlapping_custody_takes_a_second_row_and_touching_periods_share_one():
    pretrial = Interval(day(2019, 10, 18), day(2020, 1, 21), "custody", "Pretrial")
    prison = Interval(day(2020, 1, 21), day(2020, 6, 22), "custody", "Prison")
    house_arrest = Interval(day(2019, 12, 1), day(2020, 3, 1), "custody", "Overlapping")
    rows = {
        float(r.get("y", "0"))
        for r in _parse(render(intervals=[pretrial, prison], today=TODAY).svg).iter(f"{SVG}rect")
        if r.get("class") == "solid"
    }
    assert len(rows) == 1
    root = _parse(render(intervals=[pretrial, prison, house_arrest], today=TODAY).svg)
    rows = {float(r.get("y", "0")) for r in root.iter(f"{SVG}rect") if r.get("class") == "solid"}
    assert len(rows) == 2


def test_deadlines_are_flags_and_a_cluster_wears_the_most_pressing_status():
    flags = [
        Flag(day(2026, 3, 20), "Appeal due", "upcoming"),
        Flag(day(2026, 3, 21), "Release", "overdue"),
        Flag(PartialDate(date(2025, 1, 1), date(2025, 1, 31)), "Asylum decision", "passed"),
    ]
    drawing = render(flags=flags, today=TODAY)
    root = _parse(drawing.svg)
    groups = [g.get("class", "") for g in root.iter(f"{SVG}g") if "flag " in g.get("class", "")]
    assert sorted(groups) == ["flag flag-overdue", "flag flag-passed"]
    assert any(r.get("class") == "flag-window flag-passed" for r in root.iter(f"{SVG}rect"))
    assert {"deadline", "today"} <= drawing.keys  # deadlines are measured from today


def test_every_text_is_escaped():
    nasty = '<script>alert("x")</script> & Co'
    drawing = render(
        intervals=[Interval(day(2019, 1, 1), day(2019, 2, 1), 'x" onload="evil', nasty)],
        marks=[Mark(day(2019, 3, 1), "statement", nasty), Mark(day(2019, 5, 1), "hearing", nasty)],
        flags=[Flag(day(2019, 6, 1), nasty, '"><script>')],
        today=date(2019, 5, 1),
        today_label=nasty,
    )
    assert "<script" not in drawing.svg
    assert 'onload="' not in drawing.svg
    root = _parse(drawing.svg)  # still well-formed XML
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert titles.count(nasty) == 5


def test_the_drawing_scales_and_summarises_itself_for_screen_readers():
    drawing = render(
        intervals=[Interval(day(2019, 10, 18), day(2020, 6, 22), "custody", "Held")],
        marks=[
            Mark(day(2020, 1, 6), "hearing", "Trial", Lane.COURT),
            Mark(day(2019, 12, 6), "statement", "Will be returned"),
        ],
        today=TODAY,
        width=400,
    )
    root = _parse(drawing.svg)
    assert root.get("role") == "img"
    assert re.fullmatch(r"0 0 400 \d+", root.get("viewBox", ""))
    assert root.get("aria-label") == (
        "Timeline from 2019 to 2020: 1 period in custody, 1 court event, 1 other event."
    )


def test_years_with_nothing_recorded_are_folded_so_the_story_keeps_the_width() -> None:
    # Everything happened in 2019-2020; today is 2026 and an overdue deadline flies in 2020.
    marks = [Mark(day(2019, 10, 14), "hearing", "arrest", Lane.COURT)]
    marks.append(Mark(day(2020, 6, 22), "hearing", "release", Lane.COURT))
    drawing = render(
        marks=marks, flags=[Flag(day(2020, 1, 29), "decision", "overdue")], today=TODAY
    )
    assert 'class="axis-break"' in drawing.svg
    assert "years with nothing recorded, drawn short" in drawing.svg
    labels = re.findall(r'<text class="year" x="([\d.]+)"[^>]*>(\d{4})</text>', drawing.svg)
    years = {year for _, year in labels}
    assert {"2020", "2026"} <= years
    assert not {"2022", "2023", "2024"} & years  # folded away
    x = {year: float(pos) for pos, year in labels}
    assert x["2020"] > 150  # the autumn of 2019 keeps room before 2020 begins
    assert x["2026"] > 900 * 0.8  # and the folded years take little
    _parse(drawing.svg)


def test_years_in_custody_are_never_folded() -> None:
    held = Interval(day(2019, 10, 14), None, "pretrial", "held", ongoing=True)
    drawing = render(
        intervals=[held], marks=[Mark(day(2019, 10, 14), "hearing", "x", Lane.COURT)], today=TODAY
    )
    assert 'class="axis-break"' not in drawing.svg

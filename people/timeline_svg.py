"""The strip above a person's timeline: custody as bars, court events and other events as marks,
deadlines as flags, on one time axis with year ticks and a line for today.

Pure Python over small dataclasses; no database. Every text is XML-escaped here, so the template
may output the result with `|safe`. It stays legible for a decade of history and hundreds of
entries: the axis is scaled by time, year labels thin out, marks closer than a few units merge
into one counted cluster, overlapping custody bars take sub-rows. The viewBox lets the drawing
scale to its box; draw it `width` units wide for about that many pixels (a phone's strip is
narrower than a desktop's, so that its marks and labels keep their size).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeVar
from xml.sax.saxutils import escape, quoteattr

from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.partial_dates import PartialDate


class Lane(StrEnum):
    CUSTODY = "custody"
    COURT = "court"
    OTHER = "other"


@dataclass(frozen=True)
class Interval:
    """A custody period. `start` None: no source dates it (drawn as a faded lead-in to the end);
    `end` None and `ongoing`: runs to today; `end` None otherwise: ended on an unknown day."""

    start: PartialDate | None
    end: PartialDate | None
    kind: str
    label: str
    ongoing: bool = False


@dataclass(frozen=True)
class Mark:
    date: PartialDate
    kind: str
    label: str
    lane: Lane = Lane.OTHER


@dataclass(frozen=True)
class Flag:
    """A deadline: the window of days it may fall on, and upcoming/due/overdue/passed."""

    date: PartialDate
    label: str
    status: str


@dataclass(frozen=True)
class Drawing:
    """The SVG markup, and which symbols it uses (for a legend): custody, uncertain, court,
    statement, other, cluster, deadline, today."""

    svg: str
    keys: frozenset[str] = field(default_factory=frozenset)


T = TypeVar("T", Mark, Flag)

# Drawing units; the viewBox scales them to the page.
WIDTH = 900
MARGIN = 10
FLAG_ROW = 16
LANE = 24
AXIS = 22
MIN_GAP = 16  # marks closer than this merge into one cluster (its circle is 14 wide)
STUB = 10  # length of the faded lead-in or tail of a custody bar with an undated end
MAX_ROWS = 3  # custody sub-rows before bars overlay each other
MAX_TITLE_LINES = 8
MIN_LABEL_SPACING = 34  # room for a year label ("2019" at 11 units is about 26)
LANES = (Lane.CUSTODY, Lane.COURT, Lane.OTHER)
DAY = timedelta(days=1)
MIN_SPAN = timedelta(days=60)
FOLD_MIN = timedelta(days=730)  # an empty stretch this long may be folded
FOLD_SHARE = 0.06  # of the drawable width, for the folded stretch
FOLD_MARGIN = timedelta(days=30)  # kept on each side of a fold
STATUS_RANK = ("overdue", "due", "upcoming", "passed", "suppressed")


def _css(name: str) -> str:
    """A class name safe in an attribute, whatever a kind or status string holds."""
    return re.sub(r"[^a-z0-9_-]", "", name.lower())


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _title(lines: Sequence[str]) -> str:
    shown = list(lines[:MAX_TITLE_LINES])
    if len(lines) > MAX_TITLE_LINES:
        more = len(lines) - MAX_TITLE_LINES
        shown.append(ngettext("and %(n)d more", "and %(n)d more", more) % {"n": more})
    return f"<title>{escape(chr(10).join(shown))}</title>"


def _lane_top(lane: Lane) -> float:
    return FLAG_ROW + LANES.index(lane) * LANE


AXIS_TOP = FLAG_ROW + len(LANES) * LANE
HEIGHT = AXIS_TOP + AXIS


@dataclass(frozen=True)
class _Scale:
    """Days to x. A long stretch with nothing in it (years between the last record and today)
    can be folded into a narrow break, so the years that hold records keep the width."""

    start: date
    end: date
    width: int
    fold: tuple[date, date] | None = None

    @property
    def _folded_width(self) -> float:
        return FOLD_SHARE * (self.width - 2 * MARGIN) if self.fold else 0.0

    def x(self, day: date) -> float:
        drawable = self.width - 2 * MARGIN
        if self.fold is None:
            return MARGIN + (day - self.start).days / (self.end - self.start).days * drawable
        fold_start, fold_end = self.fold
        kept = (fold_start - self.start).days + (self.end - fold_end).days
        per_day = (drawable - self._folded_width) / kept
        if day <= fold_start:
            return MARGIN + (day - self.start).days * per_day
        before = MARGIN + (fold_start - self.start).days * per_day
        if day < fold_end:
            share = (day - fold_start).days / (fold_end - fold_start).days
            return before + share * self._folded_width
        return before + self._folded_width + (day - fold_end).days * per_day

    def folded(self, day: date) -> bool:
        return self.fold is not None and self.fold[0] < day < self.fold[1]

    def window(self, value: PartialDate) -> tuple[float, float]:
        """From the first allowed day's start to the last allowed day's end."""
        return self.x(value.earliest), self.x(value.latest + DAY)

    def centre(self, value: PartialDate) -> float:
        left, right = self.window(value)
        return (left + right) / 2


def _fold(
    days: Sequence[date], intervals: Sequence[Interval], today: date, start: date, end: date
) -> tuple[date, date] | None:
    """The longest empty stretch between two dated things, when it is long enough to crowd
    everything else into a corner: more than half the span and more than two years. Years
    spent in custody are never folded, however little else happened in them."""

    def held_through(first: date, last: date) -> bool:
        for interval in intervals:
            begins = interval.start.earliest if interval.start else None
            ends = today if interval.ongoing else (interval.end.latest if interval.end else None)
            if begins is not None and ends is not None and begins < last and ends > first:
                return True
        return False

    ordered = sorted(set(days))
    gaps = [(b - a, a, b) for a, b in itertools.pairwise(ordered) if not held_through(a, b)]
    if not gaps:
        return None
    length, first, last = max(gaps)
    if length < FOLD_MIN or length < (end - start) / 2:
        return None
    # Folding pays only when one side holds a story of its own, not a lone date.
    if max(first - start, end - last) < MIN_SPAN:
        return None
    return first + FOLD_MARGIN, last - FOLD_MARGIN


def _domain(
    intervals: Sequence[Interval],
    marks: Sequence[Mark],
    flags: Sequence[Flag],
    today: date,
    width: int,
) -> _Scale | None:
    dated: list[PartialDate] = [m.date for m in marks] + [f.date for f in flags]
    dated += [v for i in intervals for v in (i.start, i.end) if v is not None]
    days = [d for value in dated for d in (value.earliest, value.latest)]
    if not days:
        return None
    # Today belongs on the axis when something runs to it or a deadline is measured from it.
    if flags or any(i.ongoing and (i.start or i.end) for i in intervals):
        days.append(today)
    start, end = min(days), max(days) + DAY
    if end - start < MIN_SPAN:
        grow = (MIN_SPAN - (end - start)) / 2
        start, end = start - grow, end + grow
    fold = _fold(days, intervals, today, start, end)
    shown = (end - start) - (fold[1] - fold[0] if fold else timedelta(0))
    pad = max(shown / 50, timedelta(days=3))
    return _Scale(start - pad, end + pad, width, fold)


# -- axis --------------------------------------------------------------------------------------


def _axis(scale: _Scale) -> list[str]:
    right = scale.width - MARGIN
    out = [f'<line class="axis" x1="{MARGIN}" x2="{right}" y1="{AXIS_TOP}" y2="{AXIS_TOP}"/>']
    years = [date(y, 1, 1) for y in range(scale.start.year + 1, scale.end.year + 1)]
    years = [y for y in years if scale.start < y < scale.end]
    span_years = max((scale.end - scale.start).days / 365.25, 1 / 365.25)
    per_year = (scale.width - 2 * MARGIN) / span_years
    step = next((s for s in (1, 2, 5, 10, 20, 50) if per_year * s >= MIN_LABEL_SPACING), 100)
    label_y = AXIS_TOP + 15
    if span_years <= 3:  # month ticks while they are far enough apart to mean something
        per_month = per_year / 12
        # Over a year or so, months are named too ("Mar"), every one or every few.
        month_step = next((s for s in (1, 2, 3, 6) if per_month * s >= MIN_LABEL_SPACING), 0)
        month = date(scale.start.year, scale.start.month, 1)
        while month < scale.end:
            if month > scale.start and month.month != 1:
                x = _num(scale.x(month))
                out.append(
                    f'<line class="tick-minor" x1="{x}" x2="{x}" '
                    f'y1="{AXIS_TOP}" y2="{AXIS_TOP + 3}"/>'
                )
                x_month = scale.x(month)
                room = min(x_month - MARGIN, scale.width - MARGIN - x_month) >= MIN_LABEL_SPACING
                if month_step and (month.month - 1) % month_step == 0 and room:
                    name = escape(str(MONTHS_3[month.month]).title())
                    out.append(
                        f'<text class="month" x="{_num(x_month + 2)}" y="{label_y}">{name}</text>'
                    )
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    if scale.fold is not None:
        years = [y for y in years if not scale.folded(y)]
        span_years = ((scale.end - scale.start) - (scale.fold[1] - scale.fold[0])).days / 365.25
        per_year = (scale.width - 2 * MARGIN) * (1 - FOLD_SHARE) / max(span_years, 1 / 365.25)
        step = next((s for s in (1, 2, 5, 10, 20, 50) if per_year * s >= MIN_LABEL_SPACING), 100)
        out.append(_break(scale))
        # The year the strip resumes in, named right after the break.
        resume = scale.fold[1]
        x_resume = scale.x(resume)
        next_tick = [y for y in years if y > resume]
        room_to_tick = scale.x(next_tick[0]) - x_resume if next_tick else float("inf")
        if min(room_to_tick, scale.width - MARGIN - x_resume) >= MIN_LABEL_SPACING:
            out.append(
                f'<text class="year" x="{_num(x_resume + 2)}" y="{AXIS_TOP + 15}">'
                f"{resume.year}</text>"
            )
    labelled = [y for y in years if y.year % step == 0]
    for year in years:
        x = _num(scale.x(year))
        out.append(f'<line class="tick" x1="{x}" x2="{x}" y1="{FLAG_ROW}" y2="{AXIS_TOP + 5}"/>')
    # Each label sits just right of its tick, inside the year it names.
    for year in labelled:
        if scale.width - MARGIN - scale.x(year) >= MIN_LABEL_SPACING:
            x = _num(scale.x(year) + 2)
            out.append(f'<text class="year" x="{x}" y="{label_y}">{year.year}</text>')
    # The year the strip starts in, when the first label leaves room for it.
    if not labelled or scale.x(labelled[0]) - MARGIN >= MIN_LABEL_SPACING:
        out.append(f'<text class="year" x="{MARGIN + 2}" y="{label_y}">{scale.start.year}</text>')
    return out


def _break(scale: _Scale) -> str:
    """Two slanted strokes across the axis where an empty stretch is folded away."""
    assert scale.fold is not None
    first, last = scale.fold
    x = (scale.x(first) + scale.x(last)) / 2
    years = (last - first).days / 365.25
    label = _("%(years)s years with nothing recorded, drawn short") % {"years": f"{years:.0f}"}
    strokes = "".join(
        f'<line x1="{_num(x + dx - 3)}" x2="{_num(x + dx + 3)}" '
        f'y1="{AXIS_TOP + 6}" y2="{AXIS_TOP - 6}"/>'
        for dx in (-3, 3)
    )
    gap = f'<rect x="{_num(x - 6)}" y="{AXIS_TOP - 2}" width="12" height="4" fill="#fff"/>'
    return f'<g class="axis-break">{_title([label])}{gap}{strokes}</g>'


# -- custody bars ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Bar:
    """Where a bar is certain (`solid`) and where its ends are only a window (`faded`)."""

    interval: Interval
    solid: tuple[float, float]
    faded: tuple[tuple[float, float], ...]

    @property
    def left(self) -> float:
        return min([self.solid[0], *(f[0] for f in self.faded)])

    @property
    def right(self) -> float:
        return max([self.solid[1], *(f[1] for f in self.faded)])


def _shape(scale: _Scale, interval: Interval, today: date) -> _Bar:
    start, end = interval.start, interval.end
    faded: list[tuple[float, float]] = []
    solid_from = solid_to = 0.0
    if start is not None:
        s0, s1 = scale.window(start)
        solid_from = s0 if start.is_exact else s1
        if not start.is_exact:
            faded.append((s0, s1))
    if end is not None:
        e0, e1 = scale.window(end)
        solid_to = e1 if end.is_exact else e0
        if not end.is_exact:
            faded.append((e0, e1))
    elif interval.ongoing:
        solid_to = scale.x(today + DAY)
    else:  # ended on a day no source gives: a faded tail
        solid_to = solid_from
        faded.append((solid_from, solid_from + STUB))
    if start is None:  # began on a day no source gives: a faded lead-in
        solid_from = solid_to
        faded.append((solid_to - STUB, solid_to))
    solid_to = max(solid_to, solid_from)
    exact = (start is not None and start.is_exact) or (end is not None and end.is_exact)
    if solid_to - solid_from < 2 and (exact or not faded):  # a known day stays visible
        solid_to = solid_from + 2
    return _Bar(interval, (solid_from, solid_to), tuple(faded))


def _draw_bar(bar: _Bar, y: float, height: float) -> str:
    interval = bar.interval
    classes = f"bar bar-{_css(interval.kind)}" + (" bar-open" if interval.ongoing else "")
    parts = [f'<g class="{classes}">', _title([interval.label])]
    box = f'y="{_num(y)}" height="{_num(height)}"'
    left, right = bar.solid
    if right > left:
        parts.append(f'<rect class="solid" x="{_num(left)}" width="{_num(right - left)}" {box}/>')
    for f_left, f_right in bar.faded:
        width = _num(max(f_right - f_left, 1.5))
        parts.append(f'<rect class="uncertain" x="{_num(f_left)}" width="{width}" {box}/>')
    if interval.ongoing and interval.end is None:  # an arrow: it goes on
        mid = y + height / 2
        parts.append(
            f'<path class="open-end" d="M{_num(right)} {_num(y)} L{_num(right + 5)} {_num(mid)} '
            f'L{_num(right)} {_num(y + height)} Z"/>'
        )
    parts.append("</g>")
    return "".join(parts)


def _custody(scale: _Scale, intervals: Sequence[Interval], today: date) -> list[str]:
    """Bars in sub-rows so that periods overlapping in their certain parts stay visible; a
    faded end may run under the next period (arrest, then pretrial custody from that day)."""
    bars = sorted(
        (_shape(scale, i, today) for i in intervals if i.start or i.end),
        key=lambda bar: (bar.solid[0], bar.left),
    )
    # Periods that share their last and first day (pretrial custody ends on the day of the
    # verdict, the prison term starts on it) follow each other on one row.
    touching = scale.x(scale.start + DAY) - scale.x(scale.start) + 1
    row_ends: list[float] = []
    rows: list[int] = []
    for bar in bars:
        free = [row for row, end in enumerate(row_ends) if end <= bar.solid[0] + touching]
        if free:
            row = free[0]
        elif len(row_ends) < MAX_ROWS:
            row = len(row_ends)
            row_ends.append(bar.solid[1])
        else:
            row = min(range(len(row_ends)), key=row_ends.__getitem__)
        row_ends[row] = max(row_ends[row], bar.solid[1])
        rows.append(row)
    height = (LANE - 8) / max(len(row_ends), 1)
    top = _lane_top(Lane.CUSTODY) + 4
    return [
        _draw_bar(bar, top + row * height, height - 1) for bar, row in zip(bars, rows, strict=True)
    ]


# -- marks and flags ---------------------------------------------------------------------------


def _clusters(items: Sequence[T], x: Callable[[PartialDate], float]) -> list[tuple[float, list[T]]]:
    """Items along the axis in groups, each with where to draw it. An item joins the group
    whose first item lies less than MIN_GAP before it. A group is drawn at the middle of its
    items, pushed right when needed so that no two are drawn closer than MIN_GAP - 1; as
    groups start at least MIN_GAP apart, no push exceeds half a gap."""
    groups: list[list[T]] = []
    first = 0.0
    for item in sorted(items, key=lambda item: x(item.date)):
        if groups and x(item.date) - first < MIN_GAP:
            groups[-1].append(item)
        else:
            groups.append([item])
            first = x(item.date)
    placed: list[tuple[float, list[T]]] = []
    previous = float("-inf")
    for group in groups:
        middle = (x(group[0].date) + x(group[-1].date)) / 2
        previous = max(middle, previous + MIN_GAP - 1)
        placed.append((previous, group))
    return placed


def _marks(scale: _Scale, marks: Sequence[Mark], keys: set[str]) -> list[str]:
    out: list[str] = []
    for lane in (Lane.COURT, Lane.OTHER):
        y = _lane_top(lane) + LANE / 2
        in_lane = [m for m in marks if m.lane == lane]
        # Dates known only to the month or year: a thin line over the days they allow.
        for mark in in_lane:
            left, right = scale.window(mark.date)
            if not mark.date.is_exact and right - left >= 3:
                out.append(
                    f'<line class="window window-{lane}" x1="{_num(left)}" x2="{_num(right)}" '
                    f'y1="{_num(y)}" y2="{_num(y)}"/>'
                )
        for x, cluster in _clusters(in_lane, scale.centre):
            title = _title([m.label for m in cluster])
            if len(cluster) > 1:
                keys.add("cluster")
                out.append(
                    f'<g class="cluster cluster-{lane}">{title}'
                    f'<circle cx="{_num(x)}" cy="{_num(y)}" r="7"/>'
                    f'<text x="{_num(x)}" y="{_num(y + 3.5)}">{len(cluster)}</text></g>'
                )
            elif (kind := _css(cluster[0].kind)) == "statement":
                keys.add("statement")
                d = f"M{_num(x)} {_num(y - 5)} l5 5 l-5 5 l-5 -5 Z"
                out.append(f'<path class="mark mark-{kind}" d="{d}">{title}</path>')
            else:
                keys.add("court" if lane == Lane.COURT else "other")
                out.append(
                    f'<circle class="mark mark-{kind}" cx="{_num(x)}" cy="{_num(y)}" r="4">'
                    f"{title}</circle>"
                )
    return out


def _flags(scale: _Scale, flags: Sequence[Flag]) -> list[str]:
    out: list[str] = []
    for flag in flags:
        left, right = scale.window(flag.date)
        if right - left >= 2:  # a window of days, shaded across the lanes
            out.append(
                f'<rect class="flag-window flag-{_css(flag.status)}" x="{_num(left)}" '
                f'y="{FLAG_ROW}" width="{_num(right - left)}" height="{AXIS_TOP - FLAG_ROW}"/>'
            )

    def last_day(value: PartialDate) -> float:
        return scale.x(value.latest + DAY)

    for x, cluster in _clusters(flags, last_day):
        # A cluster wears the colour of its most pressing deadline.
        statuses = [f.status for f in cluster]
        status = min(statuses, key=lambda s: STATUS_RANK.index(s) if s in STATUS_RANK else 9)
        count = (
            f'<text x="{_num(x + 11)}" y="{_num(FLAG_ROW - 5)}">{len(cluster)}</text>'
            if len(cluster) > 1
            else ""
        )
        out.append(
            f'<g class="flag flag-{_css(status)}">{_title([f.label for f in cluster])}'
            f'<line x1="{_num(x)}" x2="{_num(x)}" y1="2" y2="{AXIS_TOP}"/>'
            f'<path d="M{_num(x)} 2 h9 l-3 4 l3 4 h-9 Z"/>{count}</g>'
        )
    return out


# -- the whole -------------------------------------------------------------------------------


def _summary(
    scale: _Scale, intervals: Sequence[Interval], marks: Sequence[Mark], flags: Sequence[Flag]
) -> str:
    periods = sum(1 for i in intervals if i.start or i.end)
    court = sum(1 for m in marks if m.lane == Lane.COURT)
    other = len(marks) - court
    parts = [
        ngettext("%(n)d period in custody", "%(n)d periods in custody", periods) % {"n": periods},
        ngettext("%(n)d court event", "%(n)d court events", court) % {"n": court},
        ngettext("%(n)d other event", "%(n)d other events", other) % {"n": other},
    ]
    if flags:
        parts.append(ngettext("%(n)d deadline", "%(n)d deadlines", len(flags)) % {"n": len(flags)})
    return _("Timeline from %(start)s to %(end)s: %(parts)s.") % {
        "start": scale.start.year,
        "end": (scale.end - DAY).year,
        "parts": ", ".join(parts),
    }


def render(
    *,
    intervals: Sequence[Interval] = (),
    marks: Sequence[Mark] = (),
    flags: Sequence[Flag] = (),
    today: date,
    today_label: str = "",
    width: int = WIDTH,
) -> Drawing:
    """The strip as an `<svg>` element; empty when nothing has a date to draw."""
    scale = _domain(intervals, marks, flags, today, width)
    if scale is None:
        return Drawing("")
    keys: set[str] = set()
    body = [
        # The fill serves a page without the stylesheet, which colours each lane.
        f'<rect class="lane lane-{lane}" x="0" y="{_num(_lane_top(lane))}" '
        f'width="{width}" height="{LANE}" fill="#f6f6f7"/>'
        for lane in LANES
    ]
    body += _flags(scale, flags)
    body += _axis(scale)
    if scale.start <= today < scale.end:
        keys.add("today")
        x = _num(scale.x(today) + 0.5)
        label = today_label or _("Today: %(date)s") % {"date": PartialDate.of(today).label()}
        body.append(
            f'<g class="today">{_title([label])}'
            f'<line x1="{x}" x2="{x}" y1="{FLAG_ROW - 4}" y2="{AXIS_TOP + 5}"/></g>'
        )
    bars = _custody(scale, intervals, today)
    body += bars
    body += _marks(scale, marks, keys)
    if bars:
        keys.add("custody")
    if any('class="uncertain"' in bar for bar in bars):
        keys.add("uncertain")
    if flags:
        keys.add("deadline")
    summary = quoteattr(_summary(scale, intervals, marks, flags))
    svg = (
        f'<svg class="strip" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {HEIGHT}" role="img" focusable="false" aria-label={summary}>'
        + "".join(body)
        + "</svg>"
    )
    return Drawing(svg, frozenset(keys))

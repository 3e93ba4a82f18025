"""From timeline entries to the strip drawn above them (`people.timeline_svg`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from core.display import date_label
from core.partial_dates import PartialDate
from people.timeline import Entry
from people.timeline_svg import Flag, Interval, Lane, Mark, render

# Drawn once for phones and once for wider screens, each about as many units as it gets pixels:
# scaling one drawing to both would shrink a phone's labels to a third.
NARROW = 400
WIDE = 900

COURT_KINDS = frozenset({"charge", "hearing", "sentence", "verdict_in_force"})
# Custody ends are the ends of the bars; publications are about events, not events.
OTHER_KINDS = frozenset({"life_event", "asylum", "statement"})


def _interval(entry: Entry) -> Interval:
    if entry.until is not None:
        end = _("ended %(date)s") % {"date": date_label(entry.until)}
    elif entry.ongoing:
        end = _("still held")
    else:
        end = _("ended on a day no source gives")
    start = date_label(entry.date) or _("start not dated")
    return Interval(
        start=entry.date,
        end=entry.until,
        kind="custody",
        label=f"{entry.title}: {start}; {end}",
        ongoing=entry.ongoing,
    )


def _label(entry: Entry) -> str:
    label = f"{date_label(entry.date)}: {entry.title}"
    if entry.date_dispute is not None:
        label += " " + _("(sources disagree on the date)")
    if entry.status:
        label += f" ({entry.status_label})"
    return label


@dataclass(frozen=True)
class Strip:
    narrow: str
    wide: str
    keys: frozenset[str]  # the symbols drawn, for the legend

    def __bool__(self) -> bool:
        return bool(self.wide)


def strip_for(entries: Iterable[Entry], today: date) -> Strip:
    """The strip for these entries, SVG markup escaped throughout; empty when none is dated."""
    intervals: list[Interval] = []
    marks: list[Mark] = []
    flags: list[Flag] = []
    for entry in entries:
        if entry.kind == "custody_start":
            intervals.append(_interval(entry))
        elif entry.date is None:
            continue
        elif entry.kind in COURT_KINDS:
            marks.append(Mark(entry.date, entry.kind, _label(entry), Lane.COURT))
        elif entry.kind in OTHER_KINDS:
            marks.append(Mark(entry.date, entry.kind, _label(entry), Lane.OTHER))
        elif entry.kind == "deadline":
            flags.append(Flag(entry.date, _label(entry), entry.status))
    today_label = _("Today: %(date)s") % {"date": date_label(PartialDate.of(today))}
    narrow, wide = (
        render(
            intervals=intervals,
            marks=marks,
            flags=flags,
            today=today,
            today_label=today_label,
            width=width,
        )
        for width in (NARROW, WIDE)
    )
    return Strip(narrow.svg, wide.svg, narrow.keys | wide.keys)

"""Computed deadlines as entries of a person's timeline, each beside what actually happened."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from core.display import date_label
from deadlines.collect import DeadlineReport
from deadlines.engine.results import Deadline
from people.timeline import Entry, url_for


def comparison(deadline: Deadline) -> str:
    """ "Actually 22 June 2020, inside the computed window", or ""."""
    difference = deadline.actual_difference_days()
    if deadline.actual is None or difference is None:
        return ""
    actual = date_label(deadline.actual)
    if difference == 0:
        where = _("inside the computed window") if deadline.is_window else _("as computed")
    elif difference < 0:
        where = _("%(days)s days before the computed date") % {"days": -difference}
    else:
        where = _("%(days)s days after the computed date") % {"days": difference}
    return _("Actually %(date)s, %(where)s.") % {"date": actual, "where": where}


def deadline_entry(deadline: Deadline, report: DeadlineReport, today: date) -> Entry:
    details = []
    if deadline.is_window and deadline.uncertain_because:
        details.append(
            _("A window, because these are uncertain: %(inputs)s.")
            % {"inputs": "; ".join(deadline.uncertain_because)}
        )
    if actual := comparison(deadline):
        details.append(actual)
    if deadline.unverified:
        details.append(
            _("Rests on a rule not verified: %(rules)s.")
            % {"rules": "; ".join(deadline.unverified)}
        )
    if deadline.suppressed_because:
        details.append(_("Set aside: %(reason)s") % {"reason": deadline.suppressed_because})
    status = "suppressed" if deadline.suppressed_because else deadline.status(today).value
    return Entry(
        date=deadline.window,
        kind="deadline",
        title=_("Deadline: %(title)s") % {"title": deadline.title},
        details=tuple(details),
        case=report.cases.get(deadline.case_id) if deadline.case_id else None,
        status=status,
        link=url_for("deadline_detail", deadline.key),
    )


def deadline_entries(report: DeadlineReport, today: date) -> list[Entry]:
    return [deadline_entry(deadline, report, today) for deadline in report.deadlines]

"""The facts deadlines are computed from: plain values, with the sources that state them.

The ORM side (`deadlines.collect`) builds these from records; tests build them by hand.
`sources` maps a field name to the sources citing it ("" for the record as a whole).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from core.partial_dates import PartialDate
from deadlines.engine.counting import Term
from deadlines.engine.results import SourceRef

Sources = Mapping[str, tuple[SourceRef, ...]]


@dataclass(frozen=True, slots=True)
class Fact:
    ref: str  # "custody-12": stable, used in deadline keys
    sources: Sources = field(default_factory=dict, kw_only=True)

    def cited(self, *fields: str) -> tuple[SourceRef, ...]:
        found: list[SourceRef] = []
        for name in (*fields, ""):
            for source in self.sources.get(name, ()):
                if source not in found:
                    found.append(source)
        return tuple(found)


@dataclass(frozen=True, slots=True)
class CustodyFact(Fact):
    person_id: int
    case_id: int | None
    kind: str  # arrest, pretrial, house_arrest, prison, abroad, other
    start: PartialDate | None
    end: PartialDate | None = None
    end_unknown: bool = False
    started_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.end is None and not self.end_unknown

    def may_hold(self, *, begun_by: date, still_on: date) -> bool:
        """Whether the records allow this custody to have begun by `begun_by` and to be
        running on `still_on` (an end no source dates counts as running)."""
        return (
            self.start is not None
            and self.start.earliest <= begun_by
            and (self.end is None or self.end.latest >= still_on)
        )


@dataclass(frozen=True, slots=True)
class Offence:
    instrument: str
    article: str
    part: str = ""

    def __str__(self) -> str:
        return f"Art. {self.article}" + (f" part {self.part}" if self.part else "")


@dataclass(frozen=True, slots=True)
class SentenceFact(Fact):
    person_id: int
    case_id: int
    kind: str  # imprisonment, restriction, suspended, fine, expulsion, ban, other
    pronounced: PartialDate
    term: Term = field(default_factory=Term)
    institution: str = ""
    credit_stated: str = ""  # "1:1", "1.5:1", "2:1" as the court said, or ""
    probation_months: int | None = None
    copy_received: date | None = None
    entered_into_force: PartialDate | None = None
    offences: tuple[Offence, ...] = ()


@dataclass(frozen=True, slots=True)
class HearingFact(Fact):
    case_id: int
    date: PartialDate
    kind: str  # preliminary, trial, verdict, custody, appeal, other
    status: str  # scheduled, held, adjourned, cancelled
    time: time | None = None
    adjourned_to: PartialDate | None = None
    person_ids: tuple[int, ...] = ()  # the defendants or applicants it concerns


@dataclass(frozen=True, slots=True)
class ClaimStep:
    status: str
    date: PartialDate | None


@dataclass(frozen=True, slots=True)
class ClaimFact(Fact):
    person_id: int
    case_id: int | None
    host_country: str
    status: str  # filed, registered, pending, granted, refused, withdrawn, appealed
    filed: PartialDate | None = None
    registered: PartialDate | None = None
    decided: PartialDate | None = None
    steps: tuple[ClaimStep, ...] = ()

    @property
    def open(self) -> bool:
        return self.status in {"filed", "registered", "pending", "appealed"}


@dataclass(frozen=True, slots=True)
class CrossingFact(Fact):
    """A border crossing or arrival: when the person entered the host country."""

    person_id: int
    case_id: int | None
    date: PartialDate | None
    to_country: str


@dataclass(frozen=True)
class CaseFile:
    """Everything deadlines are computed from, for some persons and cases."""

    custody: tuple[CustodyFact, ...] = ()
    sentences: tuple[SentenceFact, ...] = ()
    hearings: tuple[HearingFact, ...] = ()
    claims: tuple[ClaimFact, ...] = ()
    crossings: tuple[CrossingFact, ...] = ()
    case_jurisdictions: Mapping[int, str] = field(default_factory=dict)
    case_offences: Mapping[tuple[int, int], tuple[Offence, ...]] = field(default_factory=dict)

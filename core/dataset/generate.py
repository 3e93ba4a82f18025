"""Build the synthetic dataset with COPY (see `manage.py generate_dataset`).

History triggers are switched off for the load with `SET LOCAL session_replication_role =
replica`: in that mode PostgreSQL fires no ordinary triggers, so pghistory writes no event row
for a million synthetic inserts (the history would be noise and would triple the load time),
and the foreign-key triggers are skipped too, which lets tables load in any order. The
generator makes consistent references by construction, and `check_references` in the tests
verifies them. `pgtrigger.ignore` was the alternative, but it still fires every trigger (each
then reads a session variable and returns), so it saves the event rows, not the trigger calls;
replica mode needs a superuser, which the project's own server gives. It is `SET LOCAL`:
it ends with the transaction, so nothing else runs without triggers.
"""

# ruff: noqa: S608, S311 - table names from model metadata; seeded, reproducible data

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from cases.models import (
    AsylumClaim,
    AsylumClaimStep,
    Case,
    CaseAssignment,
    CaseParticipant,
    Charge,
    CustodyInterval,
    LegalProvision,
)
from core.dataset.copy import Loader, Range
from core.dataset.names import Name, NameMaker, Zipf
from core.dataset.texts import report_text, report_title
from core.scripts import detect_script
from hearings.models import Hearing, Sentence
from people.models import LifeEvent, NameVariant, Organization, OrganizationName, Person, Statement
from people.names import match_key
from sources.models import Citation, Source

PREFIX = "gen:"
DEMO_NGO = "org:vigil-demo-advocacy-network"
HEAVY_PERSONS = 3


@dataclass(frozen=True)
class Scale:
    """Row counts of one scale; full is the issue's, small one hundredth."""

    persons: int
    cases: int
    hearings: int
    custody: int
    asylum: int
    statements: int
    sources: int
    citations: int

    @classmethod
    def named(cls, name: str) -> Scale:
        full = cls(300_000, 100_000, 400_000, 300_000, 50_000, 20_000, 100_000, 1_000_000)
        if name == "full":
            return full
        if name == "small":
            return cls(*(max(1, n // 100) for n in vars(full).values()))
        raise ValueError(f"unknown scale {name!r}: small or full")


@lru_cache(maxsize=200_000)
def _key(text: str) -> str:
    return match_key(text)


@lru_cache(maxsize=200_000)
def _script(text: str) -> str:
    return str(detect_script(text))


def day_range(day: date) -> Range:
    return Range((day, day + timedelta(days=1)))


def month_range(day: date) -> Range:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Range((first, following))


@dataclass
class Ids:
    """The next free primary key of each table."""

    next: dict[type[models.Model], int] = field(default_factory=dict)

    def take(self, model: type[models.Model]) -> int:
        if model not in self.next:
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{model._meta.db_table}"')
                self.next[model] = cursor.fetchone()[0] + 1
        value = self.next[model]
        self.next[model] = value + 1
        return value


class Generator:
    def __init__(
        self, scale: Scale, seed: int, today: date, cursor: Any, progress: Callable[[int], None]
    ) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.today = today
        self.now = timezone.now()
        self.load = Loader(cursor, self.now, progress)
        self.ids = Ids()
        self.names = NameMaker(self.rng)
        self.person_names: dict[int, str] = {}
        self.persons: list[int] = []
        self.officials: list[int] = []
        self.fact_ids: dict[type[models.Model], list[int]] = {}

    # -- helpers ---------------------------------------------------------------------------

    def day_between(self, start: date, end: date) -> date:
        span = max(0, (end - start).days)
        return start + timedelta(days=self.rng.randrange(span + 1))

    def remember(self, model: type[models.Model], pk: int) -> None:
        self.fact_ids.setdefault(model, []).append(pk)

    # -- reference data --------------------------------------------------------------------

    def organizations(self) -> None:
        kinds = [
            ("court", "{} District Court", 40),
            ("court", "{} Regional Court", 10),
            ("prosecutor", "{} Prosecutor's Office", 10),
            ("security", "National Security Committee, {} department", 5),
            ("border", "Border Service, {} post", 5),
            ("detention", "{} pretrial detention centre", 10),
            ("ngo", "{} Human Rights Bureau", 8),
            ("media", "{} Daily", 8),
            ("ministry", "Migration Service of {}", 4),
        ]
        places = ["Zaysan", "Almaty", "Taldykorgan", "Zharkent", "Semey", "Shymkent", "Aktobe"]
        self.orgs: dict[str, list[int]] = {}
        columns = ("id", "name", "kind", "country", "external_id")
        for kind, pattern, count in kinds:
            for number in range(count):
                pk = self.ids.take(Organization)
                place = places[number % len(places)]
                name = pattern.format(place) + (f" No. {number + 1}" if number >= 7 else "")
                row = (pk, name, kind, "KZ", f"{PREFIX}org:{pk}")
                self.load.add(Organization, columns, row)
                self.load.add(
                    OrganizationName,
                    ("id", "organization_id", "text", "language", "script", "search_key"),
                    (self.ids.take(OrganizationName), pk, name, "en", "latin", _key(name)),
                )
                self.orgs.setdefault(kind, []).append(pk)
        self.courts = Zipf(self.orgs["court"])

    def provisions(self) -> None:
        instrument = "Criminal Code of the Republic of Kazakhstan (2014)"
        articles = [
            ("392", "1", "Illegal crossing of the state border"),
            ("174", "1", "Inciting social, national or religious discord"),
            ("174", "2", "Inciting discord, by a group"),
            ("405", "2", "Participation in a banned organisation"),
            ("272", "2", "Mass riots"),
            ("190", "2", "Fraud"),
            ("378", "1", "Insulting a representative of authority"),
            ("274", "2", "Spreading knowingly false information"),
            ("255", "1", "Terrorism"),
            ("258", "1", "Financing of extremism"),
        ]
        existing = {
            (p.article, p.part): p.pk
            for p in LegalProvision.objects.filter(
                jurisdiction="KZ", instrument=instrument, paragraph=""
            )
        }
        self.provision_ids: list[int] = []
        for article, part, title in articles:
            pk = existing.get((article, part))
            if pk is None:
                pk = self.ids.take(LegalProvision)
                self.load.add(
                    LegalProvision,
                    ("id", "instrument", "jurisdiction", "article", "part", "title", "external_id"),
                    (pk, instrument, "KZ", article, part, title, f"{PREFIX}provision:{pk}"),
                )
            self.provision_ids.append(pk)

    # -- persons ---------------------------------------------------------------------------

    def person(self, name: Name, *, public: bool = False, tag: str = "") -> int:
        pk = self.ids.take(Person)
        rng = self.rng
        born = date(rng.randrange(1950, 2004), rng.randrange(1, 13), rng.randrange(1, 29))
        birth = (
            day_range(born)
            if rng.random() < 0.5
            else Range((date(born.year, 1, 1), date(born.year + 1, 1, 1)))
        )
        citizenship = "CN" if name.ethnicity in {"Han", "Hui"} else rng.choice(("KZ", "KZ,CN"))
        self.load.add(
            Person,
            (
                "id",
                "display_name",
                "sex",
                "birth_date",
                "citizenships",
                "ethnicity",
                "is_public_figure",
                "search_key",
                "external_id",
            ),
            (
                pk,
                name.display,
                name.sex,
                birth,
                citizenship,
                name.ethnicity,
                public,
                _key(name.display),
                f"{PREFIX}person:{tag}{pk}",
            ),
        )
        for text, language, kind in name.variants:
            self.load.add(
                NameVariant,
                ("id", "person_id", "text", "script", "language", "kind", "search_key"),
                (self.ids.take(NameVariant), pk, text, _script(text), language, kind, _key(text)),
            )
        self.person_names[pk] = name.display
        self.remember(Person, pk)
        return pk

    def people(self) -> None:
        officials = max(30, self.scale.persons // 150)
        for _ in range(officials):
            self.officials.append(self.person(self.names.make(), public=True))
        for _ in range(self.scale.persons - officials - HEAVY_PERSONS):
            self.persons.append(self.person(self.names.make()))
        self.rng.shuffle(self.persons)

    # -- cases -----------------------------------------------------------------------------

    CASE_COLUMNS = (
        "id",
        "title",
        "kind",
        "status",
        "jurisdiction",
        "court_id",
        "reference",
        "opened",
        "closed",
        "summary",
        "external_id",
    )

    def cases(self) -> None:
        rng = self.rng
        kinds = (
            ("criminal",) * 5 + ("asylum",) * 2 + ("extradition", "deportation", "administrative")
        )
        self.asylum_cases: list[tuple[int, list[int], date]] = []
        self.case_ids: list[int] = []
        hearings_per_case = self.scale.hearings / self.scale.cases
        custody_per_case = self.scale.custody / self.scale.cases
        cursor = 0
        for _ in range(self.scale.cases):
            count = 1 if rng.random() < 0.7 else rng.randrange(2, 4)
            defendants = [self.persons[(cursor + i) % len(self.persons)] for i in range(count)]
            cursor += count
            self.case(
                rng.choice(kinds),
                defendants,
                hearings=self._poisson(hearings_per_case),
                custody=self._poisson(custody_per_case),
            )

    def _poisson(self, mean: float) -> int:
        # Near the mean with some spread; never negative.
        return max(0, round(self.rng.gauss(mean, mean / 2)))

    def case(
        self,
        kind: str,
        defendants: list[int],
        *,
        hearings: int,
        custody: int,
        opened_after: date | None = None,
        status: str | None = None,
        tag: str = "",
    ) -> int:
        rng = self.rng
        pk = self.ids.take(Case)
        self.case_ids.append(pk)
        self.remember(Case, pk)
        opened = self.day_between(opened_after or date(2014, 1, 1), self.today - timedelta(days=30))
        if status is None:
            status = rng.choices(("open", "appeal", "suspended", "closed"), (35, 10, 5, 50))[0]
        closed_day = None
        if status == "closed":
            closed_day = min(self.today, opened + timedelta(days=rng.randrange(60, 900)))
        court = self.courts.draw(rng)
        judge = rng.choice(self.officials)
        prosecutor = rng.choice(self.officials)
        surname = self.person_names[defendants[0]].split()[-1]
        title = f"{surname}{' and others' if len(defendants) > 1 else ''}: {kind}"
        self.load.add(
            Case,
            self.CASE_COLUMNS,
            (
                pk,
                title,
                kind,
                status,
                "KZ",
                court,
                f"{rng.randrange(1, 9)}-{rng.randrange(1, 999)}/{opened.year}",
                day_range(opened),
                day_range(closed_day) if closed_day else None,
                "",
                f"{PREFIX}case:{tag}{pk}",
            ),
        )
        role = "applicant" if kind == "asylum" else "defendant"
        part_cols = ("id", "case_id", "person_id", "role", "start", "external_id")
        for person in dict.fromkeys(defendants):
            part = self.ids.take(CaseParticipant)
            self.load.add(
                CaseParticipant,
                part_cols,
                (part, pk, person, role, day_range(opened), f"{PREFIX}participant:{part}"),
            )
        for official, official_role in ((judge, "judge"), (prosecutor, "prosecutor")):
            if official in defendants:
                continue
            part = self.ids.take(CaseParticipant)
            self.load.add(
                CaseParticipant,
                part_cols,
                (part, pk, official, official_role, None, f"{PREFIX}participant:{part}"),
            )
        if kind == "criminal":
            for person in dict.fromkeys(defendants):
                for provision in rng.sample(self.provision_ids, rng.choice((1, 1, 2))):
                    charge = self.ids.take(Charge)
                    self.remember(Charge, charge)
                    self.load.add(
                        Charge,
                        ("id", "case_id", "defendant_id", "provision_id", "status", "filed"),
                        (
                            charge,
                            pk,
                            person,
                            provision,
                            "convicted" if status == "closed" else "pending",
                            day_range(opened),
                        ),
                    )
        # Hearings every few weeks from the opening; open cases have the next one ahead.
        day = opened
        last_held: tuple[int, date] | None = None
        end = closed_day or self.today + timedelta(days=90)
        for number in range(hearings):
            day = day + timedelta(days=rng.randrange(7, 60))
            if day > end:
                day = end if status != "closed" else min(day, end)
            future = day > self.today
            hearing = self.ids.take(Hearing)
            self.remember(Hearing, hearing)
            hearing_kind = (
                "preliminary" if number == 0 else "verdict" if number == hearings - 1 else "trial"
            )
            hearing_status = (
                "scheduled" if future else rng.choices(("held", "adjourned"), (8, 2))[0]
            )
            self.load.add(
                Hearing,
                ("id", "case_id", "court_id", "date", "time", "judge_id", "kind", "status"),
                (
                    hearing,
                    pk,
                    court,
                    day_range(day),
                    time(rng.choice((9, 10, 11, 14, 15)), rng.choice((0, 30))),
                    judge,
                    hearing_kind,
                    hearing_status,
                ),
            )
            if not future:
                last_held = (hearing, day)
        if kind == "criminal" and status == "closed" and last_held:
            for person in dict.fromkeys(defendants):
                sentence = self.ids.take(Sentence)
                self.load.add(
                    Sentence,
                    (
                        "id",
                        "case_id",
                        "defendant_id",
                        "hearing_id",
                        "pronounced",
                        "kind",
                        "term_years",
                        "institution_type",
                    ),
                    (
                        sentence,
                        pk,
                        person,
                        last_held[0],
                        day_range(last_held[1]),
                        "imprisonment",
                        rng.randrange(1, 8),
                        "medium",
                    ),
                )
        for number in range(custody):
            person = defendants[number % len(defendants)]
            start = self.day_between(opened, min(self.today, end))
            open_now = status in {"open", "appeal"} and number == custody - 1
            stop = None if open_now else start + timedelta(days=rng.randrange(2, 400))
            interval = self.ids.take(CustodyInterval)
            self.remember(CustodyInterval, interval)
            self.load.add(
                CustodyInterval,
                ("id", "person_id", "case_id", "kind", "start", "end", "place"),
                (
                    interval,
                    person,
                    pk,
                    rng.choice(("arrest", "pretrial", "house_arrest", "prison")),
                    day_range(start),
                    day_range(stop) if stop else None,
                    "",
                ),
            )
        if kind == "asylum":
            self.asylum_cases.append((pk, defendants, opened))
        return pk

    def asylum(self) -> None:
        rng = self.rng
        claims = 0
        pool: list[tuple[int | None, list[int], date]] = [*self.asylum_cases] or [
            (None, [p], self.today) for p in self.persons[:10]
        ]
        authority = self.orgs["ministry"][0]
        while claims < self.scale.asylum:
            case, persons, opened = pool[claims % len(pool)]
            for person in persons:
                claim = self.ids.take(AsylumClaim)
                self.remember(AsylumClaim, claim)
                filed = opened if claims < len(pool) else self.day_between(opened, self.today)
                status = rng.choice(("filed", "registered", "pending", "refused", "granted"))
                registered = filed + timedelta(days=rng.randrange(1, 40))
                self.load.add(
                    AsylumClaim,
                    ("id", "person_id", "host_country", "authority_id", "case_id", "filed"),
                    (claim, person, "KZ", authority, case, day_range(filed)),
                )
                self.load.add(
                    AsylumClaimStep,
                    ("id", "claim_id", "status", "date"),
                    (self.ids.take(AsylumClaimStep), claim, status, day_range(registered)),
                )
                self.load.add(
                    LifeEvent,
                    ("id", "person_id", "kind", "date", "from_country", "to_country", "case_id"),
                    (
                        self.ids.take(LifeEvent),
                        person,
                        "border_crossing",
                        month_range(filed - timedelta(days=40)),
                        "CN",
                        "KZ",
                        None,
                    ),
                )
                claims += 1

    def statements(self) -> None:
        rng = self.rng
        columns = ("id", "speaker_id", "organization_id", "date", "quote", "language", "stance")
        through_p = Statement.about_persons.through
        through_c = Statement.about_cases.through
        for _ in range(self.scale.statements):
            pk = self.ids.take(Statement)
            day = self.day_between(date(2016, 1, 1), self.today)
            self.load.add(
                Statement,
                columns,
                (
                    pk,
                    rng.choice(self.officials),
                    rng.choice(self.orgs["ministry"] + self.orgs["prosecutor"]),
                    day_range(day),
                    "Nobody will be returned to China against their will.",
                    "en",
                    rng.choice(("will_return", "no_return", "denial")),
                ),
            )
            self.load.add(
                through_p,
                ("id", "statement_id", "person_id"),
                (self.ids.take(through_p), pk, rng.choice(self.persons)),
            )
            self.load.add(
                through_c,
                ("id", "statement_id", "case_id"),
                (self.ids.take(through_c), pk, rng.choice(self.case_ids)),
            )

    # -- heavy persons ---------------------------------------------------------------------

    def heavy_persons(self) -> None:
        """A few persons with about 1,000 records each on their timeline."""
        rng = self.rng
        self.heavy: list[int] = []
        self.heavy_cases: list[int] = []
        for number in range(HEAVY_PERSONS):
            person = self.person(self.names.make(), tag=f"heavy-{number}-")
            self.heavy.append(person)
            for _ in range(8):
                self.heavy_cases.append(
                    self.case(
                        "criminal", [person], hearings=60, custody=25, status="open", tag="heavy-"
                    )
                )
            for _ in range(200):
                self.load.add(
                    LifeEvent,
                    ("id", "person_id", "kind", "date", "place", "from_country", "to_country"),
                    (
                        self.ids.take(LifeEvent),
                        person,
                        rng.choice(("threat", "arrival", "other", "border_crossing")),
                        day_range(self.day_between(date(2010, 1, 1), self.today)),
                        "Zharkent",
                        "",
                        "",
                    ),
                )

    # -- sources and citations -------------------------------------------------------------

    def sources(self) -> None:
        rng = self.rng
        publishers = self.orgs["ngo"] + self.orgs["media"]
        self.source_ids: list[int] = []
        columns = (
            "id",
            "kind",
            "title",
            "publisher_id",
            "url",
            "published",
            "language",
            "text",
            "content_hash",
            "external_id",
        )
        for _ in range(self.scale.sources):
            pk = self.ids.take(Source)
            language = rng.choices(("en", "ru", "kk"), (6, 3, 1))[0]
            names = [self.person_names[rng.choice(self.persons)] for _ in range(3)]
            day = self.day_between(date(2016, 1, 1), self.today)
            text = report_text(rng, language, names, day.isoformat())
            self.load.add(
                Source,
                columns,
                (
                    pk,
                    rng.choice(("news_release", "news_article", "urgent_action", "interview")),
                    report_title(rng, language, names[0]),
                    rng.choice(publishers),
                    f"https://reports.example.org/{pk}",
                    day_range(day),
                    language,
                    text,
                    hashlib.sha256(text.encode()).hexdigest(),
                    f"{PREFIX}source:{pk}",
                ),
            )
            self.source_ids.append(pk)

    def citations(self) -> None:
        rng = self.rng
        targets = [
            (Person, 25),
            (Case, 20),
            (Hearing, 25),
            (CustodyInterval, 15),
            (Charge, 10),
            (AsylumClaim, 5),
        ]
        models_ = [m for m, _ in targets if self.fact_ids.get(m)]
        weights = [w for m, w in targets if self.fact_ids.get(m)]
        types: dict[type[models.Model], int] = {
            m: ContentType.objects.get_for_model(m).pk for m in models_
        }
        quotes = (
            "was detained by officers of the National Security Committee",
            "the court sentenced him to a prison term",
            "the hearing was adjourned",
            "crossed the border at night",
            "the asylum application was refused",
        )
        columns = ("id", "source_id", "content_type_id", "object_id", "quote", "locator")
        seen: set[int] = set()
        # The heavy persons' facts are cited too, so their page carries its citations.
        heavy_facts: list[tuple[type[models.Model], int]] = [(Person, p) for p in self.heavy]
        made = 0
        while made < self.scale.citations:
            if heavy_facts and made < len(heavy_facts) * 50:
                model, obj = heavy_facts[made % len(heavy_facts)]
            else:
                model = rng.choices(models_, weights)[0]
                obj = rng.choice(self.fact_ids[model])
            source = rng.choice(self.source_ids)
            quote = rng.choice(quotes)
            fingerprint = hash((source, types[model], obj, quote))
            if fingerprint in seen:
                continue
            seen.add(fingerprint)
            self.load.add(
                Citation,
                columns,
                (
                    self.ids.take(Citation),
                    source,
                    types[model],
                    obj,
                    quote,
                    f"para. {rng.randrange(1, 40)}",
                ),
            )
            made += 1

    # -- who sees it -----------------------------------------------------------------------

    def access(self) -> None:
        """The demo lawyer is assigned to some cases and the demo NGO follows some cases and
        persons (the heavy ones among them), so a signed-in demo user sees data."""
        lawyer, ngo = demo_users()
        org = ngo.organization_id
        rng = self.rng
        for case in rng.sample(
            self.case_ids, min(len(self.case_ids), max(20, len(self.case_ids) // 500))
        ):
            self.load.add(
                CaseAssignment,
                ("id", "case_id", "user_id"),
                (self.ids.take(CaseAssignment), case, lawyer.pk),
            )
        through_c = Case.watched_by.through
        sample = set(rng.sample(self.case_ids, len(self.case_ids) // 20))
        for case in sorted(sample | set(self.heavy_cases)):
            self.load.add(
                through_c,
                ("id", "case_id", "organization_id"),
                (self.ids.take(through_c), case, org),
            )
        through_p = Person.watched_by.through
        followed = set(rng.sample(self.persons, len(self.persons) // 30)) | set(self.heavy)
        for person in sorted(followed):
            self.load.add(
                through_p,
                ("id", "person_id", "organization_id"),
                (self.ids.take(through_p), person, org),
            )

    def run(self) -> dict[str, int]:
        self.organizations()
        self.provisions()
        self.people()
        self.cases()
        self.heavy_persons()
        self.asylum()
        self.statements()
        self.sources()
        self.citations()
        self.access()
        return self.load.finish()


def demo_users() -> tuple[User, User]:
    """The demo lawyer and NGO account (`load_demo`'s), made without a password if missing."""
    ngo_org = Organization.objects.filter(external_id=DEMO_NGO).first()
    if ngo_org is None:
        ngo_org = Organization.objects.create(
            external_id=DEMO_NGO, name="Vigil demo advocacy network", kind="ngo"
        )
    users = []
    for username, role, org in (("lawyer", Role.LAWYER, None), ("ngo", Role.NGO_STAFF, ngo_org)):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, organization=org)
            user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        users.append(user)
    return users[0], users[1]


SEQUENCED = (
    Organization,
    OrganizationName,
    LegalProvision,
    Person,
    NameVariant,
    Case,
    CaseParticipant,
    CaseAssignment,
    Charge,
    Hearing,
    Sentence,
    CustodyInterval,
    AsylumClaim,
    AsylumClaimStep,
    LifeEvent,
    Statement,
    Source,
    Citation,
    Case.watched_by.through,
    Person.watched_by.through,
    Statement.about_persons.through,
    Statement.about_cases.through,
)


def generate(
    scale: Scale, *, seed: int, today: date, progress: Callable[[int], None]
) -> dict[str, int]:
    """Write the dataset in one transaction, then reset sequences and ANALYZE."""
    demo_users()  # outside the trigger-less load: these carry history like any account
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2's, for copy_expert
        raw.execute("SET LOCAL session_replication_role = replica")
        try:
            counts = Generator(scale, seed, today, raw, progress).run()
        finally:
            # Inside an outer transaction (a test, a caller's atomic) SET LOCAL would last
            # until that one ends: switch the triggers back on as soon as the load is done.
            raw.execute("SET LOCAL session_replication_role = origin")
        for model in SEQUENCED:
            table = model._meta.db_table
            raw.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT GREATEST(MAX(id), 1) FROM "{table}"))'
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


def expected_rows(scale: Scale) -> int:
    """A rough total for the progress bar."""
    return int(
        scale.persons * 4.3
        + scale.cases * 3.5
        + scale.hearings
        + scale.custody
        + scale.asylum * 3
        + scale.statements * 3
        + scale.sources
        + scale.citations
    )


def real_records() -> int:
    """Persons, cases and sources that are neither generated nor the demo's."""
    import json

    from core.demo import DATA_FILE

    demo_ids: set[str] = set()
    data = json.loads(DATA_FILE.read_text())
    for value in data.values():
        if isinstance(value, list):
            demo_ids.update(r["id"] for r in value if isinstance(r, dict) and "id" in r)
    total = 0
    for model in (Person, Case, Source):
        rows = model.objects.exclude(external_id__startswith=PREFIX).values_list(
            "external_id", flat=True
        )
        total += sum(1 for external_id in rows.iterator() if external_id not in demo_ids)
    return total


def generated_records() -> int:
    return Person.objects.filter(external_id__startswith=PREFIX).count()


def now_local() -> datetime:
    return timezone.localtime()

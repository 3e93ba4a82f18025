"""The demo dataset: the reference case of DOMAIN.md section 3, one account per role.

`load_demo` reads demo/reference_case.json (format "vigil/1") and upserts every record in one
transaction: records by their external id; names, citations, case assignments and
many-to-many links by their natural keys. A record is saved only when a value differs, so a
second run writes nothing, not even history rows.

The file format, kind by kind: a list of records, each with "id" (its external id), model
fields by name, references to other records by their ids, partial dates as ISO text, and
optionally "names" (persons, organizations), "citations" (any cited record) and "file"
(sources: a report in ../shared/reports/ whose text becomes the source's text).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pghistory
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django_countries.fields import Country

from accounts.models import User
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
from core.partial_dates import PartialDate
from hearings.models import Hearing, Sentence
from people.models import (
    Affiliation,
    LifeEvent,
    NameVariant,
    Organization,
    OrganizationName,
    Person,
    ReportedAge,
    Statement,
)
from sources.models import Citation, Source

FORMAT = "vigil/1"
DATA_FILE = Path(settings.BASE_DIR) / "demo" / "reference_case.json"
REPORTS_DIR = Path(settings.BASE_DIR).parent / "shared" / "reports"
ACCOUNTS_FILE = Path(settings.BASE_DIR) / "var" / "demo-accounts.txt"

# Kinds in load order: a record may refer to records of its own kind or of earlier kinds.
KINDS: dict[str, type[models.Model]] = {
    "organizations": Organization,
    "sources": Source,
    "legal_provisions": LegalProvision,
    "persons": Person,
    "cases": Case,
    "case_participants": CaseParticipant,
    "affiliations": Affiliation,
    "reported_ages": ReportedAge,
    "charges": Charge,
    "hearings": Hearing,
    "sentences": Sentence,
    "custody_intervals": CustodyInterval,
    "asylum_claims": AsylumClaim,
    "asylum_claim_steps": AsylumClaimStep,
    "life_events": LifeEvent,
    "statements": Statement,
}
NAME_MODELS: dict[type[models.Model], tuple[type[models.Model], str]] = {
    Person: (NameVariant, "person"),
    Organization: (OrganizationName, "organization"),
}
EXTRA_KEYS = {"id", "names", "citations", "file"}
TOP_LEVEL_KEYS = {"format", "about", "demo", *KINDS}

M = TypeVar("M", bound=models.Model)


class DemoDataError(ValueError):
    """The data file is malformed or refers to a record that does not exist."""


@dataclass
class LoadReport:
    """What a load did, by kind, plus the passwords of accounts it (re)created."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    @property
    def created(self) -> int:
        return self.total("created")

    @property
    def updated(self) -> int:
        return self.total("updated")

    @property
    def unchanged(self) -> int:
        return self.total("unchanged")

    def summary(self) -> str:
        by_kind = ", ".join(
            f"{kind} {c['created']}/{c['updated']}/{c['unchanged']}"
            for kind, c in sorted(self.counts.items())
        )
        return (
            f"Demo data: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged (created/updated/unchanged: {by_kind})"
        )


def load_demo(path: Path = DATA_FILE, *, reset_passwords: bool = False) -> LoadReport:
    """Load or refresh the demo from `path`; one transaction, history context "load_demo"."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise DemoDataError(f"{path}: expected format {FORMAT!r}, found {data.get('format')!r}")
    if unknown := set(data) - TOP_LEVEL_KEYS:
        raise DemoDataError(f"{path}: unknown sections {sorted(unknown)}")
    report = LoadReport()
    with transaction.atomic(), pghistory.context(source="load_demo"):
        _Loader(data, report).run(reset_passwords=reset_passwords)
    return report


class _Loader:
    def __init__(self, data: dict[str, Any], report: LoadReport) -> None:
        self.data = data
        self.report = report
        self.loaded: dict[str, models.Model] = {}
        self.defined = {r["id"] for kind in KINDS for r in data.get(kind, [])}

    def run(self, *, reset_passwords: bool) -> None:
        for kind, model in KINDS.items():
            self.load_kind(model, self.data.get(kind, []))
        for kind in KINDS:
            for record in self.data.get(kind, []):
                self.load_dependents(self.loaded[record["id"]], record)
        demo = self.data.get("demo", {})
        if follower_id := demo.get("follower"):
            follower = self.ref(follower_id, Organization)
            for record in self.data.get("persons", []) + self.data.get("cases", []):
                self.link(self.loaded[record["id"]], "watched_by", [follower])
        for spec in demo.get("accounts", []):
            self.account(spec, reset_password=reset_passwords)

    # -- records -------------------------------------------------------------------------------
    def load_kind(self, model: type[models.Model], records: list[dict[str, Any]]) -> None:
        """Upsert `records`, each after the records of the file it refers to."""
        pending = records
        while pending:
            ready = [r for r in pending if not self.waiting_on(model, r)]
            if not ready:
                raise DemoDataError(f"{pending[0]['id']}: circular references")
            for record in ready:
                self.loaded[record["id"]] = self.load_record(model, record)
            pending = [r for r in pending if r["id"] not in self.loaded]

    def waiting_on(self, model: type[models.Model], record: dict[str, Any]) -> list[str]:
        waiting = []
        for name, value in record.items():
            if name in EXTRA_KEYS or not value:
                continue
            model_field = _field(model, name, record)
            is_reference = model_field.many_to_one or model_field.one_to_one
            if is_reference and value in self.defined and value not in self.loaded:
                waiting.append(value)
        return waiting

    def load_record(self, model: type[M], record: dict[str, Any]) -> M:
        values: dict[str, Any] = {}
        for name, raw in record.items():
            if name in EXTRA_KEYS:
                continue
            model_field = _field(model, name, record)
            if model_field.many_to_many:
                continue  # linked once every record exists
            if model_field.is_relation:
                related = _related(model_field)
                values[model_field.attname] = self.ref(raw, related).pk if raw else None
            else:
                values[name] = model_field.to_python(raw)
        if "file" in record:
            self.add_report_text(record, values)
        return self.upsert(model, {"external_id": record["id"]}, values)

    def add_report_text(self, record: dict[str, Any], values: dict[str, Any]) -> None:
        """The report's text when ../shared/reports/<file> exists; left as it is otherwise."""
        path = REPORTS_DIR / record["file"]
        if not path.is_file():
            return
        text = path.read_text(encoding="utf-8")
        digest = hashlib.sha256(text.encode()).hexdigest()
        duplicate = Source.objects.filter(content_hash=digest).exclude(external_id=record["id"])
        if duplicate.exists():
            self.report.warnings.append(f"{record['id']}: {path.name} is already another source")
            return
        values["text"] = text

    def load_dependents(self, obj: models.Model, record: dict[str, Any]) -> None:
        """Many-to-many links, names and citations: they refer to records of any kind."""
        for name, ids in record.items():
            if (
                name not in EXTRA_KEYS
                and (model_field := _field(type(obj), name, record)).many_to_many
            ):
                related = _related(model_field)
                self.link(obj, name, [self.ref(i, related) for i in ids])
        for name in record.get("names", []):
            self.load_name(obj, name)
        for citation in record.get("citations", []):
            self.cite(obj, citation, record["id"])

    def load_name(self, owner: models.Model, name: dict[str, Any]) -> None:
        model, owner_field = NAME_MODELS[type(owner)]
        source = self.ref(name["source"], Source) if name.get("source") else None
        self.upsert(
            model,
            {owner_field: owner, "text": name["text"]},
            {
                "kind": name.get("kind", "as_reported"),
                "language": name.get("language", ""),
                "source_id": source.pk if source else None,
            },
        )

    def cite(self, obj: models.Model, citation: dict[str, Any], record_id: str) -> None:
        source = self.ref(citation["source"], Source)
        cited_field = citation.get("field", "")
        if cited_field:
            _field(type(obj), cited_field, {"id": record_id})  # fails on a misspelt field
        reported_date = citation.get("reported_date")
        self.upsert(
            Citation,
            {
                "source": source,
                "content_type": ContentType.objects.get_for_model(obj),
                "object_id": obj.pk,
                "field": cited_field,
                "quote": citation["quote"],
            },
            {
                "locator": citation.get("locator", ""),
                "reported_value": citation.get("reported", ""),
                "reported_date": PartialDate.parse(reported_date) if reported_date else None,
                "note": citation.get("note", ""),
            },
        )
        if source.text and _squash(citation["quote"]) not in _squash(source.text):
            self.report.warnings.append(
                f"{record_id}: quote not found in {citation['source']}: {citation['quote']!r}"
            )

    # -- demo accounts ---------------------------------------------------------------------------
    def account(self, spec: dict[str, Any], *, reset_password: bool) -> None:
        """Create a demo account once; an existing one keeps its password and settings and
        only gains a missing role, organization or case assignment."""
        user = User.objects.filter(username=spec["username"]).first()
        changed = False
        if user is None:
            user = User(
                username=spec["username"],
                first_name=spec.get("first_name", ""),
                last_name=spec.get("last_name", ""),
                is_staff=spec.get("is_staff", False),
                is_superuser=spec.get("is_superuser", False),
            )
        if spec.get("organization") and user.organization_id is None:
            user.organization = self.ref(spec["organization"], Organization)
            changed = True
        if user.pk is None or reset_password:
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            self.report.passwords[user.username] = password
            changed = True
        outcome = "created" if user.pk is None else "updated"
        if changed:
            user.save()
        group, _ = Group.objects.get_or_create(name=spec["role"])
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
            changed = True
        self.report.count("user", outcome if changed else "unchanged")
        for case_id in spec.get("cases", []):
            self.upsert(CaseAssignment, {"case": self.ref(case_id, Case), "user": user}, {})

    # -- helpers -------------------------------------------------------------------------------
    def ref(self, external_id: str, model: type[M]) -> M:
        obj = self.loaded.get(external_id)
        if obj is None:
            obj = model._default_manager.filter(external_id=external_id).first()
        if not isinstance(obj, model):
            raise DemoDataError(f"{external_id!r} is not a {model._meta.verbose_name} on file")
        return obj

    def upsert(self, model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
        """Find by `lookup`, then create, or save if a value in `values` differs."""
        kind = str(model._meta.verbose_name)
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            outcome = "created"
        elif any(_comparable(getattr(obj, k)) != _comparable(v) for k, v in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            outcome = "updated"
        else:
            self.report.count(kind, "unchanged")
            return obj
        try:
            # Field values only: references were resolved above, and the database enforces
            # uniqueness and check constraints without a query per record.
            relations = [f.name for f in model._meta.fields if f.is_relation]
            obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise DemoDataError(f"{kind} {lookup}: {error}") from error
        try:
            obj.save()
        except IntegrityError as error:
            raise DemoDataError(f"{kind} {lookup}: {error}") from error
        self.report.count(kind, outcome)
        return obj

    def link(self, obj: models.Model, name: str, targets: list[models.Model]) -> None:
        """Add missing many-to-many links; links made by users stay."""
        manager = getattr(obj, name)
        present = set(manager.values_list("pk", flat=True))
        kind = f"{obj._meta.verbose_name} {name.replace('_', ' ')}"
        for target in targets:
            if target.pk in present:
                self.report.count(kind, "unchanged")
            else:
                manager.add(target)
                self.report.count(kind, "created")


def _field(model: type[models.Model], name: str, record: dict[str, Any]) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist as error:
        raise DemoDataError(
            f"{record.get('id')}: {model.__name__} has no field {name!r}"
        ) from error


def _related(model_field: Any) -> type[models.Model]:
    related = model_field.related_model
    assert isinstance(related, type), model_field
    return related


def _comparable(value: Any) -> Any:
    """Values as the database sees them: countries by code, lists of them as tuples (a
    multiple CountryField reads as an iterable descriptor, not a list)."""
    if isinstance(value, Country):
        return value.code or ""
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return tuple(_comparable(v) for v in value)
    return value


def _squash(text: str) -> str:
    return " ".join(text.split())


# -- the passwords file and the console box ----------------------------------------------------
def save_passwords(passwords: dict[str, str], path: Path = ACCOUNTS_FILE) -> None:
    """Merge `passwords` into the demo accounts file, readable by its owner only (0600)."""
    entries = read_passwords(path)
    entries.update(passwords)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(
            "# Vigil demo accounts. New passwords: manage.py load_demo --reset-passwords\n"
        )
        handle.writelines(f"{username}\t{password}\n" for username, password in entries.items())


def read_passwords(path: Path = ACCOUNTS_FILE) -> dict[str, str]:
    if not path.is_file():
        return {}
    lines = path.read_text(encoding="utf-8").splitlines()
    pairs = (line.split("\t", 1) for line in lines if line and not line.startswith("#"))
    return {pair[0]: pair[1] for pair in pairs if len(pair) == 2}


def password_box(passwords: dict[str, str], path: Path) -> str:
    width = max(len(u) for u in passwords)
    lines = [
        "Demo accounts (shown once):",
        *(f"  {user.ljust(width)}  {password}" for user, password in passwords.items()),
        f"Also saved to {path} (readable by you only).",
    ]
    inner = max(len(line) for line in lines)
    rule = "+" + "-" * (inner + 2) + "+"
    return "\n".join([rule, *(f"| {line.ljust(inner)} |" for line in lines), rule])

"""The worker the crash tests kill: a small fork server, as gunicorn forks its workers.

    VIGIL_CRASH_SOCKET=/tmp/… python tests/crash_worker.py

Django is set up once, pointed at the crash tests' private PostgreSQL (never the project's);
each request (one JSON line on stdin) runs in a forked child, so a child can be killed with
SIGKILL in the middle of a write while the server goes on. Everything written to stdout is
one JSON line per event, each in a single write: the child says `started` (with its pid, so
the test can kill it), then `done` or `error`; the server then says `exit` with the child's
exit status, always last.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.DATABASES["default"].update(HOST=os.environ["VIGIL_CRASH_SOCKET"], PORT="", NAME="")
settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402

ADMIN = "crash-admin"
TODAY = date(2026, 1, 1)
PK_ID = re.compile(r'"([a-z_]+:pk-\d+)"')


def emit(**event: Any) -> None:
    os.write(1, (json.dumps(event) + "\n").encode())


# -- tasks, each in its own forked child ------------------------------------------------------


def task_migrate(request: dict[str, Any]) -> None:
    call_command("migrate", "--noinput", verbosity=0)
    from accounts.models import User

    User.objects.create_superuser(ADMIN, "crash@example.org", "not-used-" + os.urandom(8).hex())


def task_import(request: dict[str, Any]) -> None:
    """What `manage.py import_data FILE` does, through the command itself."""
    call_command("import_data", request["file"], stdout=StringIO(), stderr=StringIO())


def task_outcomes(request: dict[str, Any]) -> None:
    """A lawyer's afternoon: every crash-test hearing still scheduled is recorded as adjourned
    by two weeks, on the lawyer's own record, one `record_hearing_outcome` save each."""
    from accounts.models import User
    from core.partial_dates import PartialDate
    from hearings.models import Hearing, HearingStatus
    from hearings.outcomes import Outcome, SourceChoice, record_hearing_outcome

    user = User.objects.get(username=ADMIN)
    pending = Hearing.objects.filter(
        external_id__startswith="hearing:crash-", status=HearingStatus.SCHEDULED
    ).order_by("external_id")
    for hearing in pending:
        day = hearing.date.earliest
        record_hearing_outcome(
            hearing,
            user=user,
            outcome=Outcome(
                status=HearingStatus.ADJOURNED,
                outcome=f"Adjourned at the defence's request ({hearing.external_id})",
                reason="The defence asked for time to read the case file",
                next_date=PartialDate.of(day + timedelta(days=14)),
                defence_present=True,
                notes="Recorded by the crash test",
                source=SourceChoice(own_record=True, quote=f"Adjourned on {day.isoformat()}"),
            ),
            expected_version=hearing.version,
            today=TODAY,
        )


def task_check_outcomes(request: dict[str, Any]) -> None:
    """Each hearing was saved whole or not at all: its status, version, next hearing, own
    record and citations agree, and nothing exists that no whole save explains."""
    from django.contrib.contenttypes.models import ContentType

    from hearings.models import Hearing, HearingStatus
    from sources.models import Citation, Source, SourceKind

    hearing_type = ContentType.objects.get_for_model(Hearing)
    problems: list[str] = []
    saved = 0
    originals = Hearing.objects.filter(external_id__startswith="hearing:crash-")
    for hearing in originals.select_related("adjourned_to").order_by("external_id"):
        # The import cited each hearing as a whole (field ""); a save cites its outcome.
        cited = Citation.objects.filter(
            content_type=hearing_type, object_id=hearing.pk, field="outcome"
        ).exists()
        if hearing.status == HearingStatus.SCHEDULED:
            if hearing.version != 1 or hearing.adjourned_to_id or hearing.outcome or cited:
                problems.append(f"{hearing.external_id}: part of an outcome without the save")
            continue
        saved += 1
        later = hearing.adjourned_to
        expected_day = hearing.date.earliest + timedelta(days=14)
        if (
            hearing.status != HearingStatus.ADJOURNED
            or hearing.version != 2
            or later is None
            or later.date.earliest != expected_day
            or later.status != HearingStatus.SCHEDULED
            or not cited
            or not Citation.objects.filter(
                content_type=hearing_type, object_id=later.pk, field="date"
            ).exists()
        ):
            problems.append(f"{hearing.external_id}: saved, but not whole")
    total = Hearing.objects.count()
    if total != originals.count() + saved:
        problems.append(f"{total} hearings for {originals.count()} originals and {saved} saves")
    own_records = Source.objects.filter(kind=SourceKind.LAWYER_RECORD).count()
    if own_records != saved:
        problems.append(f"{own_records} own records for {saved} saves")
    emit(pid=os.getpid(), event="checked", saved=saved, problems=problems)


def task_digest(request: dict[str, Any]) -> None:
    """A checksum of the data as a user sees it: the full export, with the ids of records
    that have none of their own (pk-based, so they differ between runs) replaced by a hash of
    what they hold, plus every hearing's version."""
    from core.interchange.export import export_document
    from hearings.models import Hearing

    text = _canonical(export_document())
    versions = sorted(
        (e or "", v) for e, v in Hearing.objects.values_list("external_id", "version")
    )
    digest = hashlib.sha256((text + json.dumps(versions)).encode()).hexdigest()
    emit(pid=os.getpid(), event="digest", digest=digest)


def _canonical(document: dict[str, Any]) -> str:
    text = json.dumps(document, sort_keys=True, ensure_ascii=False)
    records = _reindex(text)
    pending = set(PK_ID.findall(text))
    renamed = True
    while pending and renamed:
        renamed = False
        for old in sorted(pending):
            body = json.dumps({k: v for k, v in records[old].items() if k != "id"}, sort_keys=True)
            if any(f'"{other}"' in body for other in pending if other != old):
                continue  # name what it refers to first
            new = f"{old.split(':')[0]}:~{hashlib.sha256(body.encode()).hexdigest()[:20]}"
            text = text.replace(f'"{old}"', f'"{new}"')
            records = _reindex(text)
            pending.discard(old)
            renamed = True
    canonical = json.loads(text)
    for value in canonical.values():
        if isinstance(value, list):
            value.sort(key=lambda record: record["id"])
    return json.dumps(canonical, sort_keys=True, ensure_ascii=False)


def _reindex(text: str) -> dict[str, dict[str, Any]]:
    records: dict[str, dict[str, Any]] = {}
    for value in json.loads(text).values():
        if isinstance(value, list):
            records.update((record["id"], record) for record in value)
    return records


TASKS = {
    "migrate": task_migrate,
    "import": task_import,
    "outcomes": task_outcomes,
    "check_outcomes": task_check_outcomes,
    "digest": task_digest,
}


def serve() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                connections["default"].settings_dict["NAME"] = request["db"]
                emit(pid=os.getpid(), event="started")
                TASKS[request["op"]](request)
                connections.close_all()
                emit(pid=os.getpid(), event="done")
            except BaseException as error:  # reported, then the child ends
                emit(pid=os.getpid(), event="error", error=f"{type(error).__name__}: {error}"[:800])
                code = 1
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        emit(pid=pid, event="exit", status=os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    serve()

"""No pupil names, UPNs or MIS ids in the service's logs.

Every log record is captured (root logger at DEBUG, so SQLAlchemy logs every statement and
row, and every library's loggers propagating) while a pupil with distinctive names and
identifiers is created, updated, searched for, imported (with rejected rows and a damaged
file), exported, reported on, given in a subject access export, refused in every way an
API can refuse, and erased. None of their values may appear in any record, its arguments
or its traceback. The access log is written only by uvicorn, so a live `stepwise serve`
is checked too, with the identifiers in query strings.

The test's own HTTP client (httpx, httpcore) logs the URLs it calls: that is the caller's
log, not the service's, and is left out.
"""

import logging
import traceback
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.settings import ApiSettings
from tests.api.import_support import csv_file, post_import
from tests.api.seeding import PUPILS, enrol, if_match
from tests.factories import World, make_upn
from tests.live_server import live_server

FORENAME = "Xanthippe"
SURNAME = "Vondracekova"
CALLER_LOGGERS = ("httpx", "httpcore")


class _Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _text(record: logging.LogRecord) -> str:
    """Everything a handler could write about the record."""
    parts = [record.name, str(record.msg), record.getMessage(), repr(record.args)]
    if record.exc_info and record.exc_info[1] is not None:
        parts += traceback.format_exception(record.exc_info[1])
    parts += [record.exc_text or "", record.stack_info or ""]
    return "\n".join(parts)


@pytest.fixture
def every_record() -> Iterator[list[logging.LogRecord]]:
    handler = _Everything()
    root = logging.getLogger()
    names = ("uvicorn", "uvicorn.access", "uvicorn.error", "sqlalchemy", "asyncpg")
    saved = [(root, root.level, root.propagate)] + [
        (logging.getLogger(n), logging.getLogger(n).level, logging.getLogger(n).propagate)
        for n in names
    ]
    root.setLevel(logging.DEBUG)
    for name in names:  # SQLAlchemy sets its own to WARNING on import: switch all on
        logging.getLogger(name).setLevel(logging.DEBUG)
        logging.getLogger(name).propagate = True
    root.addHandler(handler)
    try:
        yield handler.records
    finally:
        root.removeHandler(handler)
        for logger, level, propagate in saved:
            logger.setLevel(level)
            logger.propagate = propagate


def _leaks(records: list[logging.LogRecord], secrets: list[str]) -> list[str]:
    found = []
    for record in records:
        if record.name.startswith(CALLER_LOGGERS):
            continue
        written = _text(record).lower()
        found += [f"{record.name}: {s}" for s in secrets if s.lower() in written]
    return found


async def test_no_pupil_names_or_identifiers_reach_the_logs(
    client: httpx.AsyncClient, world: World, every_record: list[logging.LogRecord]
) -> None:
    admin, teacher = world.headers("school_admin"), world.headers("teacher")
    upn, mis_id = make_upn(), f"ADNO{uuid.uuid4().hex[:8]}"
    secrets = [FORENAME, SURNAME, upn, mis_id]

    # create, refuse a duplicate and a bad check letter, update, read, search
    pupil = await enrol(client, world, forename=FORENAME, surname=SURNAME, upn=upn, mis_id=mis_id)
    pid = pupil["id"]
    duplicate = await client.post(
        PUPILS,
        json={
            **{k: pupil[k] for k in ("forename", "surname", "upn")},
            "school_id": pupil["school_id"],
        },
        headers=admin,
    )
    assert duplicate.status_code == 422
    again = await client.post(
        PUPILS,
        json={
            "school_id": pupil["school_id"],
            "forename": FORENAME,
            "surname": SURNAME,
            "date_of_birth": "2012-03-14",
            "gender": "F",
            "year_group": "7",
            "upn": upn,
            "mis_id": mis_id,
            "enrolments": [{"joined_on": "2022-09-01"}],
        },
        headers=admin,
    )
    assert again.status_code == 409, again.text
    wrong = ("B" if upn[0] == "A" else "A") + upn[1:]
    bad = await client.patch(
        f"{PUPILS}/{pid}", json={"upn": wrong}, headers=if_match(world, "school_admin", 1)
    )
    assert bad.status_code == 422
    renamed = await client.patch(
        f"{PUPILS}/{pid}",
        json={"surname": f"{SURNAME}-{FORENAME}"},
        headers=if_match(world, "school_admin", 1),
    )
    assert renamed.status_code == 200, renamed.text
    assert (await client.get(f"{PUPILS}/{pid}", headers=teacher)).status_code == 200
    for params in ({"upn": upn}, {"mis_id": mis_id}, {"upn": FORENAME}):
        assert (await client.get(PUPILS, params=params, headers=teacher)).status_code in (200, 422)
    analyst = await client.get(PUPILS, params={"upn": upn}, headers=world.headers("trust_analyst"))
    assert analyst.status_code == 403
    not_an_id = await client.get(f"{PUPILS}/{FORENAME}", headers=teacher)
    assert not_an_id.status_code == 422

    # imports: a good row, rejected rows, a damaged file, NDJSON that is not JSON
    header = "UPN,MIS ID,Forename,Surname,DOB,Gender,NC Year,Admission Date"
    rows = [
        f"{upn},{mis_id},{FORENAME},{SURNAME},2012-03-14,F,7,2022-09-01",
        f"{wrong},{mis_id}X,{FORENAME},{SURNAME},2012-03-14,F,7,2022-09-01",
        f",{mis_id}Y,{FORENAME},{SURNAME},not a date,F,7,2022-09-01",
    ]
    for atomic in ("true", "false"):
        response = await post_import(
            client, world, "pupils", csv_file(header, *rows), atomic=atomic
        )
        assert response.status_code in (200, 422), response.text
    damaged = await post_import(
        client, world, "pupils", csv_file(header, f'"{FORENAME},{SURNAME}', rows[0])
    )
    assert damaged.status_code == 422
    judgements = await post_import(
        client,
        world,
        "judgements",
        csv_file(
            "UPN,Strand,Academic Year,Module,Step",
            f"{upn},READ,2023/24,1,S3",
            f"{wrong},READ,2023/24,1,S3",
        ),
        atomic="false",
    )
    assert judgements.status_code == 200, judgements.text
    ndjson = await post_import(
        client,
        world,
        "pupils",
        f'{{"upn": "{upn}", "forename": "{FORENAME}"\n',
        content_type="application/x-ndjson",
    )
    assert ndjson.status_code == 422

    # exports, reports, the subject access export, GraphQL (good and refused)
    for resource in ("pupils", "judgements"):
        export = await client.get(
            f"/api/v1/exports/{resource}", params={"school_id": str(world.school.id)}, headers=admin
        )
        assert export.status_code == 200, export.text
    report = await client.get(
        f"/api/v1/reports/pupils/{pid}", params={"format": "html"}, headers=teacher
    )
    assert report.status_code == 200, report.text
    access = await client.get(f"{PUPILS}/{pid}/subject-access", headers=admin)
    assert access.status_code == 200
    for query, variables in (
        ("query($p: UUID!) { pupil(id: $p) { forename upn } }", {"p": pid}),
        ("query($p: UUID!) { pupil(id: $p) { forename } }", {"p": FORENAME}),
        (f'{{ pupils(upn: "{upn}") {{ items {{ id }} }} }}', {}),
        (f"{{ {FORENAME} }}", {}),
        (f'{{ pupil(id: "{SURNAME}") {{ id }} }}', {}),
    ):
        graphql = await client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=teacher
        )
        assert graphql.status_code in (200, 400), graphql.text

    # refused erasure (SEN retention does not apply: no SEN record), then erasure
    erased = await client.post(
        f"{PUPILS}/{pid}/erasure",
        json={"reason": f"{FORENAME} {SURNAME} ({upn}) asked"},
        headers=admin,
    )
    assert erased.status_code == 200, erased.text

    captured = [r for r in every_record if not r.name.startswith(CALLER_LOGGERS)]
    assert any(r.name.startswith("sqlalchemy.engine") for r in captured), "SQL was not logged"
    assert any(r.name == "stepwise.graphql" for r in captured), "GraphQL errors not logged"
    assert not _leaks(every_record, secrets)


@pytest.mark.slow
def test_the_access_log_of_stepwise_serve_has_no_query_strings(
    settings: ApiSettings, tmp_path: Path, shared_world: World
) -> None:
    upn, name = make_upn(), FORENAME
    with live_server(settings, tmp_path) as base:
        headers = shared_world.headers("teacher")
        for params in ({"upn": upn}, {"search": name}, {"mis_id": name, "limit": "5"}):
            response = httpx.get(f"{base}{PUPILS}", params=params, headers=headers, timeout=30)
            assert response.status_code in (200, 422), response.text
        httpx.get(f"{base}{PUPILS}/{name}", headers=headers, timeout=30)
    log = (tmp_path / "server.log").read_text()
    assert f"GET {PUPILS} HTTP/1.1" in log, log  # the access log was written, without queries
    assert upn not in log, log
    assert name not in log, log

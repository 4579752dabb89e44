"""`stepwise serve` in a process of its own, on the tests' database and keys, for tests of the
Python client and the commands built on it (they talk HTTP to a real server).

The server signs tokens with the session's signing key, so `world`'s tokens and integration
client work against it as they do against the in-process app.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from api.settings import ApiSettings

STEPWISE = [sys.executable, "-c", "from cli.main import app; app()"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _environment(settings: ApiSettings, data_dir: Path) -> dict[str, str]:
    assert settings.database.url is not None
    assert settings.auth.signing_key is not None
    assert settings.pseudonym_key is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STEPWISE_", "DATABASE_"))}
    return env | {
        "DATABASE_URL": settings.database.url,
        "DATABASE_DATA_DIR": str(data_dir),
        "STEPWISE_DATA_DIR": str(data_dir),
        "STEPWISE_AUTH_SIGNING_KEY": settings.auth.signing_key.get_secret_value(),
        "STEPWISE_PSEUDONYM_KEY": settings.pseudonym_key.get_secret_value(),
        "STEPWISE_AUTH_PRINCIPAL_CACHE_SECONDS": "0",
    }


@contextmanager
def live_server(settings: ApiSettings, data_dir: Path) -> Iterator[str]:
    """The base URL of a running `stepwise serve`, stopped on exit."""
    port = free_port()
    log = data_dir / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [*STEPWISE, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=_environment(settings, data_dir),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            else:
                raise RuntimeError(f"stepwise serve did not start:\n{log.read_text()}")
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

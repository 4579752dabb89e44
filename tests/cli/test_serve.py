"""`stepwise serve` and the embedded database, each in a process of its own."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

STEPWISE = [sys.executable, "-c", "from cli.main import app; app()"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"STEPWISE_DATA_DIR": str(data_dir), "DATABASE_DATA_DIR": str(data_dir)}
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return env


@pytest.mark.slow
def test_serve_migrates_then_answers_health_and_says_where(
    database_url: str, tmp_path: Path
) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [*STEPWISE, "serve", "--port", str(port)],
        env=_environment(tmp_path, database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, status = time.monotonic() + 30, None
        while status != 200 and time.monotonic() < deadline and server.poll() is None:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code
            except httpx.TransportError:
                time.sleep(0.2)
        assert status == 200
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=15)
    assert f"Stepwise serving on http://127.0.0.1:{port}" in output
    assert f"http://127.0.0.1:{port}/docs" in output
    assert f"http://127.0.0.1:{port}/graphql" in output


@pytest.mark.slow
def test_without_database_url_the_embedded_server_is_started_and_migrated(
    tmp_path: Path,
) -> None:
    env = _environment(tmp_path, None)

    migrated = subprocess.run(
        [*STEPWISE, "migrate"], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    listed = subprocess.run(
        [*STEPWISE, "users", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )

    assert migrated.returncode == 0, migrated.stderr
    assert "Upgraded postgresql://" in migrated.stdout
    assert (tmp_path / "pgdata").is_dir()
    assert listed.returncode == 0, listed.stderr
    assert "No users yet" in listed.stdout


def _production_keys() -> dict[str, str]:
    from api.identity.keys import new_signing_key

    return {
        "STEPWISE_ENV": "production",
        "STEPWISE_AUTH_SIGNING_KEY": new_signing_key().decode(),
        "STEPWISE_PSEUDONYM_KEY": "a-real-key-" + "x" * 16,
    }


@pytest.mark.slow
def test_in_production_serve_refuses_a_database_whose_demo_passwords_still_work(
    demo: object, database_url: str, tmp_path: Path
) -> None:
    refused = subprocess.run(
        [*STEPWISE, "serve", "--port", str(_free_port())],
        env=_environment(tmp_path, database_url) | _production_keys(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert refused.returncode == 1
    assert "Refusing to serve in production" in refused.stderr
    assert "trust.admin@" in refused.stderr


@pytest.mark.slow
def test_in_production_serve_refuses_to_generate_keys(database_url: str, tmp_path: Path) -> None:
    refused = subprocess.run(
        [*STEPWISE, "serve", "--port", str(_free_port())],
        env=_environment(tmp_path, database_url) | {"STEPWISE_ENV": "production"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert refused.returncode == 1
    assert "STEPWISE_AUTH_SIGNING_KEY" in refused.stderr


@pytest.mark.slow
def test_serve_warns_loudly_when_it_serves_a_demo_database(
    demo: object, database_url: str, tmp_path: Path
) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [*STEPWISE, "serve", "--port", str(port)],
        env=_environment(tmp_path, database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, status = time.monotonic() + 30, None
        while status != 200 and time.monotonic() < deadline and server.poll() is None:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code
            except httpx.TransportError:
                time.sleep(0.2)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=15)

    assert "THIS IS A DEMO DATABASE" in output
    assert status == 200  # a warning, not a refusal, outside production

"""The real app over HTTP, in this process: in-process ASGI, or uvicorn on 127.0.0.1."""

import asyncio
import logging
import secrets
import socket
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import uvicorn
from asgi_lifespan import LifespanManager
from pydantic import SecretStr

from api.app import create_app
from api.identity.keys import new_signing_key
from api.settings import ApiSettings, AuthSettings
from bench.generate import ADMIN_EMAIL, ADMIN_PASSWORD, bench_url
from persistence.database import Database
from persistence.settings import DatabaseSettings


def _settings(data_dir: Path) -> ApiSettings:
    return ApiSettings(
        data_dir=data_dir,
        pseudonym_key=SecretStr(secrets.token_hex(16)),
        migrate_on_start=False,
        auth=AuthSettings(signing_key=SecretStr(new_signing_key().decode())),
        database=DatabaseSettings(url=bench_url(), data_dir=data_dir),
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@asynccontextmanager
async def serving(database: Database, mode: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client for the app on `database`: mode "asgi" (httpx.ASGITransport, no sockets) or
    "uvicorn" (a real server on 127.0.0.1 in this event loop, over TCP and HTTP/1.1)."""
    logging.getLogger("stepwise").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="stepwise-bench-") as tmp:
        app = create_app(_settings(Path(tmp)), database)
        if mode == "asgi":
            async with LifespanManager(app):
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(
                    transport=transport, base_url="http://stepwise.bench", timeout=60
                ) as client:
                    yield client
            return
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        )
        task = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110 - uvicorn offers no started event
            await asyncio.sleep(0.05)
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
                yield client
        finally:
            server.should_exit = True
            await task


async def sign_in(client: httpx.AsyncClient) -> dict[str, str]:
    """The benchmark trust_admin's bearer header, from the password grant."""
    response = await client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}

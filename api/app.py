"""The composition root: builds the runtime and mounts REST and GraphQL on one FastAPI app."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api import log_privacy
from api.body_limit import BodyLimit
from api.errors import add_exception_handlers
from api.graphql.router import graphql_router
from api.health import router as health_router
from api.identity.keys import pseudonym_key, refuse_unsafe_production, signing_key
from api.identity.passwords import Argon2PasswordHasher
from api.identity.tokens import TokenService
from api.middleware import CorrelationId
from api.openapi_problems import document_problems
from api.routes import api_router
from api.runtime import PrincipalCache, Runtime
from api.security_headers import SecurityHeaders
from api.settings import ApiSettings
from api.worker_loop import WorkerLoop
from domain.privacy.pupil_view import Pseudonymiser
from persistence.database import Database
from persistence.embedded import database_url
from persistence.identity.account_notices import AccountListener
from persistence.migrate import upgrade

logger = logging.getLogger("stepwise")

#: allocations between young collections (CPython's default is 700)
YOUNG_COLLECTION_THRESHOLD = 10_000

DESCRIPTION = """
Pupil-progress tracking for special schools, alternative provision and their trusts.

**Sign in** at `POST /api/v1/auth/token` (password grant for staff, client_credentials for
integrations) and send `Authorization: Bearer <token>`. Every response is scoped to the
caller's schools. Errors are RFC 9457 `application/problem+json` with an `errors` list of
`{field, reason, code}`. Lists are cursor-paged (`limit`, `cursor`, `next_cursor`, `Link`).
Updates and deletes need `If-Match` with the `ETag` you read. GraphQL is at `/graphql`.
"""


def build_runtime(settings: ApiSettings, database: Database) -> Runtime:
    return Runtime(
        settings=settings,
        database=database,
        tokens=TokenService(signing_key(settings), settings.auth),
        hasher=Argon2PasswordHasher(),
        pseudonymiser=Pseudonymiser(pseudonym_key(settings)),
        principals=PrincipalCache(ttl=settings.auth.principal_cache_seconds),
    )


async def _open_database(settings: ApiSettings) -> Database:
    """DATABASE_URL or the embedded server, migrated. Both steps block (process start-up,
    Alembic's own asyncio.run), so they run in a worker thread, off the event loop."""
    url = await anyio.to_thread.run_sync(database_url, settings.database)
    if settings.migrate_on_start:
        await anyio.to_thread.run_sync(upgrade, url)
    return Database.connect(url, settings.database)


def _account_notices(runtime: Runtime) -> AccountListener | None:
    """While callers are cached, hear of every account change in any process at once."""
    cache = runtime.principals
    if cache.ttl <= 0:
        return None
    cache.deaf()  # until the listener is listening
    listener = AccountListener(
        runtime.database.url, cache.forget_account, cache.deaf, cache.hearing
    )
    listener.start()
    return listener


def _settle_collector() -> None:
    """Move what start-up made (modules, the schema, the app) out of the cyclic collector's way.

    A full collection walks every tracked object; with the service's own start-up objects in
    the oldest generation it stopped every thread for 200-300 ms at a time under heavy GraphQL
    traffic (bench/graphql_bounds.py). Frozen, they are never walked again, and a full
    collection only looks at what requests made. Young collections start after 10,000
    allocations rather than 700, so a large answer being built is not walked over and over
    (with both, /health's p99 under that traffic fell from 373 to 66 ms)."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, old)


def create_app(settings: ApiSettings | None = None, database: Database | None = None) -> FastAPI:
    """`database` lets the caller own the engine (tests, `stepwise serve`); else it is made here."""
    settings = settings or ApiSettings()
    refuse_unsafe_production(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = database is None
        db = database or await _open_database(settings)
        runtime = build_runtime(settings, db)
        runtime.worker = WorkerLoop("stepwise-graphql", runtime)
        runtime.worker.start()
        notices = _account_notices(runtime)
        app.state.runtime = runtime
        _settle_collector()
        try:
            yield
        finally:
            if notices is not None:
                await notices.stop()
            await runtime.worker.stop()
            if owned:
                await db.dispose()

    app = FastAPI(
        title="Stepwise",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url="/docs" if settings.docs_on else None,
        redoc_url=None,
    )
    add_exception_handlers(app)
    document_problems(app)
    app.include_router(health_router)
    app.include_router(api_router)
    app.include_router(graphql_router(settings), prefix="/graphql", include_in_schema=False)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["ETag", "Link", "X-Request-ID"],
        )
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(CorrelationId)
    log_privacy.install(lambda: [*app.openapi()["paths"], "/graphql", "/health", "/docs"])
    return app

"""The GraphQL schema with its guards: depth, alias, token and cost limits, a time limit per
operation, a limit on operations at once, masked errors; operations run on a worker loop."""

import asyncio
import logging
import weakref
from collections.abc import Iterable, Mapping
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from api.graphql import enums
from api.graphql.context import Context, feature_query_fields
from api.graphql.cost import QueryCost
from api.graphql.errors import TIMED_OUT, DomainErrorCodes
from api.graphql.mutations import Mutation
from api.graphql.queries import Query
from api.graphql.shapes import SHAPE_ENUMS
from api.log_privacy import described
from api.runtime import Runtime
from domain.kernel.access import Role

DEFAULT_MAX_DEPTH = 10
DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_CONCURRENCY = 4

logger = logging.getLogger("stepwise.graphql")


class _Schema(strawberry.Schema):
    def __init__(
        self, *args: Any, timeout_seconds: float, concurrency: int = 4, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.timeout_seconds = timeout_seconds
        self.concurrency = concurrency
        #: operations running at once, per event loop (each loop needs its own semaphore)
        self._slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """The operation, on the runtime's worker loop when it has one (api/worker_loop.py),
        so resolving it never holds up the service's own loop."""
        given = context_value if isinstance(context_value, Context) else None
        worker = given.runtime.worker if given is not None else None
        if given is None or worker is None:
            return await self._bounded(
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                allowed_operation_types,
                operation_extensions,
            )

        async def there(runtime: Runtime) -> ExecutionResult:
            return await self._bounded(
                query,
                variable_values,
                given.moved_to(runtime),
                root_value,
                operation_name,
                allowed_operation_types,
                operation_extensions,
            )

        return await worker.run(there)

    async def _bounded(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None,
        context_value: Any | None,
        root_value: Any | None,
        operation_name: str | None,
        allowed_operation_types: Iterable[OperationType] | None,
        operation_extensions: dict[str, Any] | None,
    ) -> ExecutionResult:
        """The operation, once one of `concurrency` places is free, stopped after
        `timeout_seconds` (the wait included): its resolvers are cancelled (their statements
        with them), what it built is dropped, and the caller is told why."""
        try:
            async with asyncio.timeout(self.timeout_seconds), self._slot():
                return await super().execute(
                    query,
                    variable_values,
                    context_value,
                    root_value,
                    operation_name,
                    allowed_operation_types,
                    operation_extensions,
                )
        except TimeoutError:
            logger.warning("GraphQL operation stopped after %s s", self.timeout_seconds)
            error = GraphQLError(
                f"The operation took longer than {self.timeout_seconds:g} s and was stopped:"
                " ask for less at a time.",
                extensions={"code": TIMED_OUT},
            )
            return ExecutionResult(data=None, errors=[error])

    def _slot(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        slots = self._slots.get(loop)
        if slots is None:
            slots = self._slots.setdefault(loop, asyncio.Semaphore(self.concurrency))
        return slots

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """The caller gets the errors; the log gets where and what kind, never the message:
        graphql-core quotes the value it refused, often a pupil's name or UPN."""
        for error in errors:
            where = ".".join(str(p) for p in error.path or ()) or "document"
            if error.original_error is None:
                logger.info("GraphQL request refused at %s", where)
            else:
                logger.error("GraphQL error at %s: %s", where, described(error.original_error))


def _budgets(given: Mapping[Role, int]) -> Any:
    lowest = min(given.values(), default=0)

    def budget_for(context: object) -> tuple[int, str]:
        if not isinstance(context, Context):
            return lowest, "caller"
        role = context.principal.role
        return given.get(role, lowest), role.value.replace("_", " ")

    return budget_for


def _query_root() -> type:
    """The Query root: its own fields, then each feature's declared fields in module order."""
    features = [q.fields for q in feature_query_fields()]
    return merge_types("Query", (Query, *features)) if features else Query


def build_schema(
    max_depth: int = DEFAULT_MAX_DEPTH,
    budgets: Mapping[Role, int] | None = None,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> strawberry.Schema:
    from api.settings import ApiSettings  # the defaults, when the caller gives none

    budget_for = _budgets(budgets if budgets is not None else ApiSettings().graphql_budgets)
    enums.register(enums.DOMAIN_ENUMS)
    enums.register(frozenset(SHAPE_ENUMS))
    return _Schema(
        query=_query_root(),
        mutation=Mutation,
        extensions=[  # factories: a fresh extension per request
            lambda: QueryDepthLimiter(max_depth=max_depth),
            lambda: MaxAliasesLimiter(max_alias_count=30),
            lambda: MaxTokensLimiter(max_token_count=5000),
            lambda: QueryCost(budget_for),
            DomainErrorCodes,
        ],
        timeout_seconds=timeout_seconds,
        concurrency=concurrency,
    )


def sdl() -> str:
    """The schema as SDL, as checked in at schema.graphql."""
    return build_schema().as_str() + "\n"

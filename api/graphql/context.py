"""Per-request GraphQL context: the caller, the runtime and fresh data loaders."""

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials
from strawberry.fastapi import BaseContext
from strawberry.types import Info

from api.dependencies import RuntimeDep, _bearer, get_principal
from api.graphql.cost import ListBound
from api.graphql.loaders import Loaders
from api.runtime import Runtime
from domain.kernel.access import Principal
from domain.kernel.discovery import declared
from persistence.unit_of_work import SqlUnitOfWork


@dataclass
class Context(BaseContext):
    runtime: Runtime
    principal: Principal
    loaders: Loaders

    def __post_init__(self) -> None:
        super().__init__()

    def uow(self) -> SqlUnitOfWork:
        """A new unit of work for one use case; loaders and resolvers never share a session."""
        return self.runtime.uow_for(self.principal)

    def analytics_uow(self) -> SqlUnitOfWork:
        """Read-only, on the read replica if one is configured: aggregate analytics only."""
        return self.runtime.analytics_uow_for(self.principal)

    def moved_to(self, runtime: Runtime) -> "Context":
        """The same caller and request, on another runtime (a worker loop's), with loaders
        of its own made there."""
        moved = Context(
            runtime=runtime, principal=self.principal, loaders=Loaders(runtime, self.principal)
        )
        moved.request, moved.response = self.request, self.response
        moved.background_tasks = self.background_tasks
        return moved


async def get_context(
    request: Request,
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Context | None:
    """Operations need a token (401 otherwise); only the GraphiQL page itself is open."""
    if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
        return None
    principal = await get_principal(runtime, credentials)
    return Context(runtime=runtime, principal=principal, loaders=Loaders(runtime, principal))


#: What a resolver's `info` is.
Ctx = Info[Context, None]


@dataclass(frozen=True)
class QueryFields:
    """A feature's fields on the Query root: a Strawberry type whose fields join those of
    api.graphql.queries.Query, and the bound of each list its types hold that is not a
    connection (api.graphql.cost). Declared in the feature's `..._routes` module beside its
    REST routes; the schema and the cost analysis find them all."""

    fields: type
    bounds: Mapping[tuple[str, str], ListBound] = field(default_factory=dict)


@functools.cache
def feature_query_fields() -> tuple[QueryFields, ...]:
    """Every feature's QueryFields, found once (domain.kernel.discovery): the schema's root
    takes their fields and the cost analysis their bounds."""
    import api  # the package the features' `..._routes` modules are in

    return tuple(declared(api, QueryFields, "_routes"))

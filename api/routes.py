"""The REST API under /api/v1: every feature's routers (its `..._routes` modules' routers).

The routers are found, not listed (domain.kernel.discovery), so a new resource's router is
served once its module exists. They are included in module order, except that a router whose
path would catch requests meant for another's comes after it: Starlette takes the first
route that matches, so /targets/suggestions must be tried before /targets/{target_id}.
"""

from fastapi import APIRouter
from fastapi.routing import APIRoute

import api
from domain.kernel.discovery import declared


def _shadows(general: str, specific: str) -> bool:
    """A request for `specific` would match `general` (a parameter where it has a word)."""
    ours, theirs = general.split("/"), specific.split("/")
    if len(ours) != len(theirs):
        return False
    wider = False
    for mine, other in zip(ours, theirs, strict=True):
        if mine == other:
            continue
        if not (mine.startswith("{") and not other.startswith("{")):
            return False
        wider = True
    return wider


def _paths(router: APIRouter) -> list[str]:
    return [route.path for route in router.routes if isinstance(route, APIRoute)]


def _specific_first(routers: list[APIRouter]) -> list[APIRouter]:
    """Module order, but never a router before one whose path it would shadow."""
    left, ordered = list(routers), []
    while left:
        ready = next(
            (
                r
                for r in left
                if not any(
                    other is not r and _shadows(mine, theirs)
                    for other in left
                    for mine in _paths(r)
                    for theirs in _paths(other)
                )
            ),
            left[0],  # routers that shadow each other: module order decides
        )
        ordered.append(ready)
        left.remove(ready)
    return ordered


def _api_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    for feature_router in _specific_first(declared(api, APIRouter, "_routes")):
        router.include_router(feature_router)
    return router


api_router = _api_router()

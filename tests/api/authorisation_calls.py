"""Making one matrix call and naming its outcome in the table's words.

Outcome classes: `ok` (2xx; for GraphQL, data without errors or a mutation's success type),
or the status, with GraphQL's error codes and problem types read as the status they stand
for (NOT_FOUND / NotFoundProblem = 404, FORBIDDEN / ForbiddenProblem = 403, ...).
"""

import json
from typing import Any

import httpx

from tests.api.authorisation_cases import MUTATIONS, QUERIES, Ids, RestCall

_GRAPHQL_CODES = {
    "FORBIDDEN": "403",
    "NOT_FOUND": "404",
    "CONFLICT": "409",
    "STALE_VERSION": "412",
    "BAD_USER_INPUT": "422",
}
_PROBLEM_TYPES = {
    "ForbiddenProblem": "403",
    "NotFoundProblem": "404",
    "ConflictProblem": "409",
    "StaleVersionProblem": "412",
    "ValidationProblem": "422",
}


def _headers(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


async def call_rest(
    client: httpx.AsyncClient,
    method: str,
    template: str,
    call: RestCall,
    ids: Ids,
    token: str | None,
) -> httpx.Response:
    headers = _headers(token)
    if call.if_match:
        headers["If-Match"] = "*"
    content: str | None = None
    if call.csv is not None:
        headers["Content-Type"] = "text/csv"
        content = call.csv
    path_ids = {**ids, **{placeholder: ids[key] for placeholder, key in call.path}}
    return await client.request(
        method,
        template.format(**path_ids),
        params=call.query(ids) if call.query else None,
        json=call.body(ids) if call.body else None,
        data=call.form(ids) if call.form else None,
        content=content,
        headers=headers,
    )


async def call_graphql(
    client: httpx.AsyncClient, name: str, variables: dict[str, Any], token: str | None
) -> httpx.Response:
    query = QUERIES.get(name) or MUTATIONS[name]
    return await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=_headers(token)
    )


def rest_outcome(response: httpx.Response) -> str:
    return "ok" if 200 <= response.status_code < 300 else str(response.status_code)


def graphql_outcome(name: str, response: httpx.Response) -> str:
    if response.status_code != 200:
        return str(response.status_code)
    body = response.json()
    codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
    if codes:
        return _GRAPHQL_CODES.get(codes[0] or "", f"error {codes[0]}")
    data = (body.get("data") or {}).get(name)
    if data is None:
        return "null"
    if name in MUTATIONS:
        return _PROBLEM_TYPES.get(data["__typename"], "ok")
    return "ok"


def without_echo(response: httpx.Response) -> str:
    """The body minus fields that only echo the request (the path in `instance`)."""
    try:
        body = response.json()
    except ValueError:
        return response.text
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k not in ("instance", "correlation_id")}
    return json.dumps(body, ensure_ascii=False)

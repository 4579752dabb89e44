"""The API's operations as flows (see actions.py): what to send, and what the answer means."""

import re
import uuid
from collections.abc import Iterable
from dataclasses import replace
from typing import Literal

import httpx

from stepwise_client.actions import Call, Flow, Read, Upload
from stepwise_client.errors import NotFound, SchoolNotFound
from stepwise_client.models import ChangePage, ImportReport, School
from stepwise_client.session import Session, problem_body, refusal

API = "/api/v1"
PAGE_SIZE = 500  # the API's largest page

#: a resource name as it appears in a path (imports/judgements, exports/pupils)
RESOURCE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")

ImportMode = Literal["validate", "commit"]
ExportFormat = Literal["csv", "ndjson"]


def checked_resource(resource: str) -> str:
    if not RESOURCE_NAME.fullmatch(resource):
        raise ValueError(f"not a resource name: {resource!r}")
    return resource


def schools(session: Session, trust_id: uuid.UUID | None = None) -> Flow[list[School]]:
    """Every school the credentials can see, page after page."""
    found: list[School] = []
    cursor: str | None = None
    while True:
        params = [("limit", str(PAGE_SIZE))]
        params += [("trust_id", str(trust_id))] if trust_id else []
        params += [("cursor", cursor)] if cursor else []
        body = yield from session.json(Call("GET", f"{API}/schools", params))
        found += [School.of(item) for item in body["items"]]
        cursor = body.get("next_cursor")
        if not cursor:
            return found


def school(session: Session, key: str) -> Flow[School]:
    """The school with this id or URN (the API lists schools; the URN is matched here)."""
    key = key.strip()
    try:
        school_id = uuid.UUID(key)
    except ValueError:
        for candidate in (yield from schools(session)):
            if candidate.urn == key:
                return candidate
        raise SchoolNotFound(key) from None
    try:
        body = yield from session.json(Call("GET", f"{API}/schools/{school_id}"))
    except NotFound as error:
        raise SchoolNotFound(key) from error
    return School.of(body)


SchoolKey = uuid.UUID | str  # a school's id, or its URN


def school_id_of(session: Session, key: SchoolKey) -> Flow[uuid.UUID]:
    """A school id as given, or looked up from a URN."""
    if isinstance(key, uuid.UUID):
        return key
    found = yield from school(session, key)
    return found.id


def import_rows(
    session: Session,
    resource: str,
    upload: Upload,
    school: SchoolKey,
    idempotency_key: str | None = None,
    mode: ImportMode = "commit",
    atomic: bool = True,
    source: str = "",
) -> Flow[ImportReport]:
    """Stream `upload` to /imports/{resource}; the report, whether committed or refused (422).

    The Idempotency-Key (a new one per import unless given) makes a retry after a dropped
    connection or a 502/503/504 safe: the server answers a repeat with its first answer and
    writes nothing again.
    """
    idempotency_key = idempotency_key or str(uuid.uuid4())
    school_id = yield from school_id_of(session, school)
    params = [
        ("school_id", str(school_id)),
        ("mode", mode),
        ("atomic", "true" if atomic else "false"),
    ]
    params += [("source", source[:200])] if source else []
    call = Call(
        "POST",
        f"{API}/imports/{checked_resource(resource)}",
        params,
        headers={"Content-Type": upload.content_type, "Idempotency-Key": idempotency_key},
        upload=upload,
    )
    response = yield from session.send(call)
    yield Read(response)
    body = problem_body(response)
    if response.status_code in (200, 422) and ImportReport.describes(body):
        replayed = response.headers.get("Idempotent-Replayed", "").lower() == "true"
        return ImportReport.of(body, idempotency_key, replayed)
    raise refusal(response)


def export(
    session: Session,
    resource: str,
    format: ExportFormat = "csv",
    school: SchoolKey | None = None,
    trust_id: uuid.UUID | None = None,
    academic_year: str | None = None,
    module: int | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Flow[httpx.Response]:
    """The export's response, its body left to stream (the caller reads and closes it)."""
    school_id = None if school is None else (yield from school_id_of(session, school))
    filters = {
        "format": format,
        "school_id": school_id,
        "trust_id": trust_id,
        "academic_year": academic_year,
        "module": module,
        "since": since,
        "until": until,
    }
    params = [(name, str(value)) for name, value in filters.items() if value is not None]
    call = Call("GET", f"{API}/exports/{checked_resource(resource)}", params)
    response = yield from session.send(call)
    if response.is_error:
        yield Read(response)
        raise refusal(response)
    return response


def change_page(
    session: Session,
    since: str | None = None,
    resources: Iterable[str] = (),
    school_id: uuid.UUID | None = None,
    limit: int | None = None,
) -> Flow[ChangePage]:
    """One page of the change feed after `since` (None: from the beginning).

    The page's `next_cursor` is where to carry on; when the server sends none (no
    changes yet), `since` is kept, so a caller can always save the page's cursor.
    """
    params = [("since", since)] if since else []
    params += [("limit", str(limit))] if limit else []
    params += [("resource", checked_resource(r)) for r in resources]
    params += [("school_id", str(school_id))] if school_id else []
    body = yield from session.json(Call("GET", f"{API}/changes", params))
    page = ChangePage.of(body)
    return page if page.next_cursor is not None else replace(page, next_cursor=since)


def latest_cursor(session: Session) -> Flow[str | None]:
    """The feed's current end: start a sync here to skip the history."""
    body = yield from session.json(Call("GET", f"{API}/changes/latest"))
    cursor = body.get("cursor")
    return None if cursor is None else str(cursor)

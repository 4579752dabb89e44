"""Imports through the Python client, sync and async, against a running server."""

import uuid
from pathlib import Path

import httpx
import pytest

from stepwise_client import (
    ApiError,
    AsyncStepwise,
    AuthenticationFailed,
    ImportReport,
    RetryPolicy,
    SchoolNotFound,
    Stepwise,
)
from stepwise_client.actions import Call
from stepwise_client.models import Token
from tests.factories import World
from tests.import_files import good_rows, judgement_row, stored_judgements, write_csv

QUICK = RetryPolicy(attempts=3, base_delay=0.01)


def _client(api_url: str, world: World, transport: httpx.BaseTransport | None = None) -> Stepwise:
    return Stepwise(
        api_url,
        client_id=world.client_id,
        client_secret=world.client_secret,
        retry=QUICK,
        transport=transport,
    )


def test_a_file_is_streamed_with_progress_and_committed(
    api_url: str, world: World, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "judgements.csv", good_rows(world))
    progress: list[int] = []

    with _client(api_url, world) as api:
        report = api.import_file(
            "judgements", file, school=world.school.urn, on_progress=progress.append
        )

    assert report.committed
    assert report.clean
    assert (report.rows, report.counts.inserted) == (3, 3)
    assert progress
    assert progress == sorted(progress)
    assert progress[-1] == file.stat().st_size
    assert len(stored_judgements(api_url, world)) == 3


async def test_the_async_client_reports_as_the_sync_client_does(
    api_url: str, world: World, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "judgements.csv", good_rows(world))
    async with AsyncStepwise(
        api_url, client_id=world.client_id, client_secret=world.client_secret, retry=QUICK
    ) as api:
        committed = await api.import_file("judgements", file, school=world.school.id)
        checked_async = await api.import_file(
            "judgements", file, school=world.school.urn, mode="validate"
        )
    with _client(api_url, world) as api:
        checked_sync = api.import_file("judgements", file, school=world.school.id, mode="validate")

    assert committed.counts.inserted == 3
    assert checked_async.counts.unchanged == 3
    assert _without_key(checked_async) == _without_key(checked_sync)


def _without_key(report: ImportReport) -> tuple[object, ...]:
    return (report.resource, report.mode, report.rows, report.counts, report.errors)


def test_a_refused_atomic_import_is_a_report_naming_each_bad_row(
    api_url: str, world: World, tmp_path: Path
) -> None:
    file = write_csv(
        tmp_path / "judgements.csv", [judgement_row(world), judgement_row(world, step="S99")]
    )

    with _client(api_url, world) as api:
        report = api.import_file("judgements", file, school=world.school.id)

    assert not report.committed
    assert report.rejected == 1
    assert [(e.line, e.field, e.code) for e in report.errors] == [(3, "step", "not_on_scale")]
    assert "nothing was written" in report.detail
    assert stored_judgements(api_url, world) == []


def test_a_dropped_answer_is_retried_with_the_same_key_and_the_rows_written_once(
    api_url: str, world: World, tmp_path: Path
) -> None:
    """The first request reaches the server, which commits; its answer is lost on the way
    back. The retry carries the same Idempotency-Key, so the server replays its answer."""
    file = write_csv(tmp_path / "judgements.csv", good_rows(world))
    network = httpx.HTTPTransport()
    keys: list[str] = []

    def lossy(request: httpx.Request) -> httpx.Response:
        response = network.handle_request(request)
        if request.url.path.startswith("/api/v1/imports/"):
            keys.append(request.headers["Idempotency-Key"])
            if len(keys) == 1:
                response.read()
                raise httpx.ReadError("connection reset by peer", request=request)
        return response

    with network, _client(api_url, world, transport=httpx.MockTransport(lossy)) as api:
        report = api.import_file("judgements", file, school=world.school.id)

    assert len(keys) == 2
    assert keys[0] == keys[1] == report.idempotency_key
    assert report.replayed
    assert report.counts.inserted == 3
    assert len(stored_judgements(api_url, world)) == 3


def test_a_busy_server_is_waited_for_as_retry_after_says(
    api_url: str, world: World, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "judgements.csv", good_rows(world))
    network = httpx.HTTPTransport()
    answered: list[int] = []

    def busy_once(request: httpx.Request) -> httpx.Response:
        if not request.url.path.startswith("/api/v1/imports/"):
            return network.handle_request(request)
        if not answered:
            request.read()  # the body is sent, then the server refuses it
            answered.append(503)
            return httpx.Response(503, headers={"Retry-After": "0"})
        response = network.handle_request(request)
        answered.append(response.status_code)
        return response

    with network, _client(api_url, world, transport=httpx.MockTransport(busy_once)) as api:
        report = api.import_file("judgements", file, school=world.school.id)

    assert answered == [503, 200]
    assert report.committed
    assert not report.replayed
    assert report.counts.inserted == 3


def test_an_expired_token_is_renewed_once_after_a_401(
    api_url: str, world: World, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "judgements.csv", good_rows(world))
    with _client(api_url, world) as api:
        # a token the server does not accept, though the client believes it fresh
        api.session.token = Token("not-a-token", api.session.clock() + 3600)
        report = api.import_file("judgements", file, school=world.school.id)
        renewed = api.session.token

    assert report.committed
    assert renewed is not None
    assert renewed.access_token != "not-a-token"


def test_a_wrong_secret_raises_authentication_failed(api_url: str, world: World) -> None:
    with (
        Stepwise(api_url, client_id=world.client_id, client_secret="wrong", retry=QUICK) as api,
        pytest.raises(AuthenticationFailed) as refused,
    ):
        api.schools()

    assert refused.value.status == 401
    assert "unknown client or wrong secret" in refused.value.detail


def test_a_ready_token_is_used_and_a_refused_one_is_final(api_url: str, world: World) -> None:
    with Stepwise(api_url, token=world.tokens["teacher"]) as api:
        assert [s.urn for s in api.schools()] == [world.school.urn]
    with Stepwise(api_url, token="not-a-token") as api, pytest.raises(AuthenticationFailed):
        api.schools()


def test_a_school_is_found_by_urn_or_id_within_the_credentials_scope(
    api_url: str, world: World
) -> None:
    with _client(api_url, world) as api:
        by_urn = api.school(world.school.urn)
        by_id = api.school(str(world.school.id))
        with pytest.raises(SchoolNotFound):
            api.school(world.other_school.urn)  # same trust, not the client's school
        with pytest.raises(SchoolNotFound):
            api.school(str(uuid.uuid4()))

    assert by_urn == by_id
    assert (by_urn.id, by_urn.name) == (world.school.id, world.school.name)


def test_a_refusal_carries_the_problems_fields(api_url: str, world: World) -> None:
    """A problem+json body becomes a typed exception with its title, detail and errors."""
    bad_page = Call("GET", "/api/v1/schools", [("limit", "0")])
    with _client(api_url, world) as api, pytest.raises(ApiError) as refused:
        api.run(api.session.json(bad_page))

    assert refused.value.status == 422
    assert refused.value.title
    assert [e.field for e in refused.value.errors] == ["limit"]
    assert refused.value.correlation_id

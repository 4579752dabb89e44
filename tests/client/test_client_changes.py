"""The change feed through the Python client, against a running server."""

from pathlib import Path

from stepwise_client import AsyncStepwise, Stepwise
from tests.factories import World
from tests.import_files import good_rows, stored_judgements, write_csv


def _client(api_url: str, world: World) -> Stepwise:
    return Stepwise(api_url, client_id=world.client_id, client_secret=world.client_secret)


def test_the_feed_is_followed_page_by_page_from_a_cursor(
    api_url: str, world: World, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "judgements.csv", good_rows(world))
    with _client(api_url, world) as api:
        start = api.latest_cursor()
        api.import_file("judgements", file, school=world.school.id)
        pages = list(
            api.changes(start, resources=["judgements"], school_id=world.school.id, limit=2)
        )

    assert len(pages) == 2
    assert [p.has_more for p in pages] == [True, False]
    changes = [c for p in pages for c in p.changes]
    stored = {j["id"]: j for j in stored_judgements(api_url, world)}
    assert {c.id for c in changes} == set(stored)
    assert {(c.resource, c.action, c.school_id) for c in changes} == {
        ("judgements", "upsert", str(world.school.id))
    }
    assert all(c.data is not None for c in changes)
    assert pages[-1].next_cursor not in (None, start)


async def test_the_async_client_reads_the_same_changes(
    api_url: str, world: World, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "judgements.csv", good_rows(world))
    with _client(api_url, world) as api:
        start = api.latest_cursor()
        api.import_file("judgements", file, school=world.school.id)
        expected = [c for p in api.changes(start, school_id=world.school.id) for c in p.changes]
    async with AsyncStepwise(
        api_url, client_id=world.client_id, client_secret=world.client_secret
    ) as api:
        read = [c async for p in api.changes(start, school_id=world.school.id) for c in p.changes]

    assert read == expected
    assert len(read) == 3

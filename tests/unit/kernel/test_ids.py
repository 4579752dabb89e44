"""Entity ids are UUIDv7: version 7, RFC 9562 variant, ordered by the millisecond they were made."""

import itertools
import time
import uuid

import pytest

from domain.kernel.ids import new_id


def test_new_id_is_a_version_7_rfc_9562_uuid() -> None:
    made = new_id()
    assert made.version == 7
    assert made.variant == uuid.RFC_4122


def test_new_id_carries_the_unix_milliseconds_it_was_made_in() -> None:
    before = time.time_ns() // 1_000_000
    made = new_id()
    after = time.time_ns() // 1_000_000
    assert before <= made.int >> 80 <= after


def test_ids_made_in_a_later_millisecond_sort_after_earlier_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = []
    for millis in (1_700_000_000_000, 1_700_000_000_001, 1_700_000_000_002, 1_800_000_000_000):
        monkeypatch.setattr(time, "time_ns", lambda m=millis: m * 1_000_000)
        made += [new_id() for _ in range(50)]
    for earlier, later in zip(made[:50], made[50:100], strict=True):
        assert earlier < later
    assert max(made[:150]) < min(made[150:])


def test_new_ids_do_not_repeat() -> None:
    assert len({new_id() for _ in range(10_000)}) == 10_000


def test_ids_made_within_one_millisecond_still_increase() -> None:
    """Thousands of ids per millisecond (bulk imports) keep creation order for keyset pages."""
    made = [new_id() for _ in range(20_000)]
    assert all(earlier < later for earlier, later in itertools.pairwise(made))
    assert {m.version for m in made} == {7}

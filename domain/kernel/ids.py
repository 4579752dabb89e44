"""Identifiers.

Every entity is keyed by a UUID. We mint version-7 UUIDs (time-ordered) so that
keyset pagination by id follows creation order and B-tree inserts stay local.
Within one millisecond the random part is replaced by a counter (RFC 9562 §6.2,
method 3), so ids minted by this process are strictly increasing.
"""

import os
import threading
import time
import uuid
from typing import NewType

TrustId = NewType("TrustId", uuid.UUID)
SchoolId = NewType("SchoolId", uuid.UUID)
PupilId = NewType("PupilId", uuid.UUID)
FrameworkId = NewType("FrameworkId", uuid.UUID)
StrandId = NewType("StrandId", uuid.UUID)
StepId = NewType("StepId", uuid.UUID)
ModuleId = NewType("ModuleId", uuid.UUID)
JudgementId = NewType("JudgementId", uuid.UUID)
TargetId = NewType("TargetId", uuid.UUID)
OutcomeTargetId = NewType("OutcomeTargetId", uuid.UUID)
DestinationId = NewType("DestinationId", uuid.UUID)
UserId = NewType("UserId", uuid.UUID)


_lock = threading.Lock()
_last = 0

_VERSION_AND_VARIANT = (0x7 << 76) | (0b10 << 62)


def new_id() -> uuid.UUID:
    """A UUIDv7: 48 bits of Unix milliseconds, then random bits; never lower than the last one."""
    global _last
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    candidate = ((millis & 0xFFFF_FFFF_FFFF) << 80) | _VERSION_AND_VARIANT
    candidate |= ((rand >> 62) & 0x0FFF) << 64 | (rand & 0x3FFF_FFFF_FFFF_FFFF)
    with _lock:
        if candidate <= _last:
            candidate = _next_after(_last)
        _last = candidate
    return uuid.UUID(int=candidate)


def _next_after(value: int) -> int:
    """The next id after `value` in the same layout: add one to the random bits, carrying into
    the timestamp if they are exhausted (which would take 2**74 ids in one millisecond)."""
    random_part = (((value >> 64) & 0x0FFF) << 62) | (value & 0x3FFF_FFFF_FFFF_FFFF)
    random_part += 1
    millis = value >> 80
    if random_part >> 74:
        millis, random_part = millis + 1, 0
    return (
        (millis << 80)
        | _VERSION_AND_VARIANT
        | (((random_part >> 62) & 0x0FFF) << 64)
        | (random_part & 0x3FFF_FFFF_FFFF_FFFF)
    )

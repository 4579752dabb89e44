"""Identifiers.

Every entity is keyed by a UUID. We mint version-7 UUIDs (time-ordered) so that
keyset pagination by id follows creation order and B-tree inserts stay local.
"""

import os
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


def new_id() -> uuid.UUID:
    """A UUIDv7: 48 bits of Unix milliseconds, then random bits (RFC 9562)."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & 0xFFFF_FFFF_FFFF) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 68) & 0x0FFF) << 64  # rand_a (12 bits)
    value |= 0b10 << 62  # variant
    value |= rand & 0x3FFF_FFFF_FFFF_FFFF  # rand_b (62 bits)
    return uuid.UUID(int=value)

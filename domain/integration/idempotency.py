"""Idempotency keys: a retried request with the same key gets the first answer again.

A key is kept per school with a digest of the request it came with; the same key with a
different request is refused rather than silently answered with the old result.
"""

from dataclasses import dataclass
from datetime import datetime

from domain.integration.imports import ImportReport


@dataclass(frozen=True, slots=True)
class StoredImport:
    key: str
    request_digest: str
    report: ImportReport
    created_at: datetime

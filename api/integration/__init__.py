"""Data in and out: imports, exports, the change feed, audit, idempotency."""

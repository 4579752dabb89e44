"""A Python client for the Stepwise API: `Stepwise` (blocking) and `AsyncStepwise` (async).

Needs only httpx: it imports nothing from the server's packages, so an MIS integration can
install and use it on its own.
"""

from stepwise_client.async_client import AsyncStepwise
from stepwise_client.client import Stepwise
from stepwise_client.errors import (
    ApiError,
    AuthenticationFailed,
    Conflict,
    ConnectionFailed,
    FieldProblem,
    Forbidden,
    NotFound,
    SchoolNotFound,
    StepwiseError,
)
from stepwise_client.models import (
    Change,
    ChangePage,
    ExportSummary,
    ImportCounts,
    ImportReport,
    RowError,
    School,
)
from stepwise_client.session import RetryPolicy

__all__ = [
    "ApiError",
    "AsyncStepwise",
    "AuthenticationFailed",
    "Change",
    "ChangePage",
    "Conflict",
    "ConnectionFailed",
    "ExportSummary",
    "FieldProblem",
    "Forbidden",
    "ImportCounts",
    "ImportReport",
    "NotFound",
    "RetryPolicy",
    "RowError",
    "School",
    "SchoolNotFound",
    "Stepwise",
    "StepwiseError",
]

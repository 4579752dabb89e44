"""PostgreSQL's `xid8` (a 64-bit transaction id) as a SQLAlchemy type.

The change feed stamps rows with the transaction that last wrote them (migration 0007).
SQLAlchemy has no such type: registering it with the dialect lets reflection, and so the
models-versus-migrations test, recognise the column instead of warning about it. asyncpg
reads it as an int.
"""

from typing import Any

from sqlalchemy.dialects.postgresql.base import ischema_names
from sqlalchemy.types import UserDefinedType


class Xid8(UserDefinedType[int]):
    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "XID8"


ischema_names["xid8"] = Xid8

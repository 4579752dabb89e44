"""Whether a database still has demo accounts that sign in with their published passwords.

The demo's passwords are printed by `stepwise demo` and written in the README: on a server
with real pupils' data they would let anyone in. `stepwise serve` warns when it finds them,
and in production refuses to start.
"""

from cli.database import Operator
from cli.demo.accounts import ACCOUNTS


async def published_demo_accounts(op: Operator) -> list[str]:
    """The e-mail addresses of demo accounts whose published password still works."""
    async with op.uow() as uow:
        found = [(account, await uow.users.by_email(account.email)) for account in ACCOUNTS]
    return [
        account.email
        for account, user in found
        if user is not None
        and user.active
        and await op.hasher.verify(user.password_hash, account.password)
    ]

"""Staff accounts after they are made: read, change role or scope, deactivate, reactivate,
and passwords (changed by their owner, or reset by an admin).

An admin manages an account if it lies wholly within what they administer, as for clients
(`identity.administers`): a trust admin every account of their trust (trust roles, and school
roles whose schools are all in it), a school admin the school-role accounts whose schools are
all theirs. Anyone else is told the account does not exist. Deactivating an account,
changing its role or scope, and setting its password end every token it holds (its token
generation moves on, and each request checks it). Each change is audited in the schools the
account reaches, never with a password.
"""

import uuid
from dataclasses import dataclass, replace
from typing import Protocol

from domain.identity.identity import User
from domain.identity.identity_service import (
    MIN_PASSWORD_LENGTH,
    AuthenticationFailed,
    administers,
    record_failure,
    refuse_while_waiting,
    require_admin,
    require_scope_admin,
    scope_problems,
)
from domain.identity.ports import HasClients, HasSignIns, HasUsers, PasswordHasher
from domain.identity.sign_in import RULES, Rules, ThrottleKey
from domain.integration.audit import AuditAction
from domain.integration.ports import HasAccountAudit
from domain.kernel.access import Permission, Principal, Role
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.errors import Conflict, InvariantViolation, NotFound, PermissionDenied, Problem
from domain.kernel.references import check_version
from domain.kernel.transaction import Transaction
from domain.kernel.unset import UNSET, Unset, given
from domain.organisation.ports import HasSchools, HasTrusts


class AccountWork(
    HasAccountAudit, HasClients, HasSchools, HasSignIns, HasTrusts, HasUsers, Transaction, Protocol
):
    """What these use cases need of the unit of work."""


USERS = "users"


@dataclass(frozen=True, slots=True)
class UpdateUser:
    user_id: uuid.UUID
    expected_version: int | None
    name: str | Unset = UNSET
    role: Role | Unset = UNSET
    trust_id: uuid.UUID | Unset | None = UNSET
    school_ids: frozenset[uuid.UUID] | Unset = UNSET


async def _administered(uow: AccountWork, actor: Principal, user_id: uuid.UUID) -> User:
    user = await uow.users.get(user_id)
    if user is None or not administers(actor, user):
        raise NotFound("user", user_id)
    return user


async def get_user(uow: AccountWork, actor: Principal, user_id: uuid.UUID) -> User:
    require_admin(actor)
    async with uow:
        return await _administered(uow, actor, user_id)


async def update_user(uow: AccountWork, actor: Principal, cmd: UpdateUser) -> User:
    """Rename, or change the role or scope (which ends the account's tokens). An admin can
    only give what they administer, and a school admin cannot make trust roles."""
    require_admin(actor)
    async with uow:
        user = await _administered(uow, actor, cmd.user_id)
        check_version("user", user.version, cmd.expected_version)
        role = given(cmd.role, user.role)
        trust_id = given(cmd.trust_id, user.trust_id)
        school_ids = given(cmd.school_ids, user.school_ids)
        if role.is_trust_role:
            school_ids = frozenset()
        else:
            trust_id = None
        if role.is_trust_role and not actor.unrestricted:
            actor.require(Permission.MANAGE_TRUST)
        require_scope_admin(actor, trust_id, school_ids)
        changed = replace(
            user,
            name=given(cmd.name, user.name).strip(),
            role=role,
            trust_id=trust_id,
            school_ids=school_ids,
            version=user.version + 1,
        )
        problems = changed.problems()
        if not changed.name:
            problems.append(Problem("name", "must not be blank", "blank"))
        problems += await scope_problems(uow, trust_id, school_ids)
        if problems:
            raise InvariantViolation(problems)
        differences = _differences(user, changed)
        entry = _change("updated", differences)
        rescoped = bool({"trust_id", "school_ids"} & differences.keys())
        if rescoped or "role" in differences:
            changed.end_tokens()
        if rescoped:  # the schools it leaves hear of it too
            await uow.audit.account_entry(USERS, user.id, AuditAction.ACCOUNT, entry)
        await uow.users.update(changed, user.version)
        await uow.audit.account_entry(USERS, user.id, AuditAction.ACCOUNT, entry)
        await uow.commit()
    return changed


async def set_active(uow: AccountWork, actor: Principal, user_id: uuid.UUID, active: bool) -> User:
    """Deactivate (every token ends at once, and sign-in is refused) or reactivate an account.
    Doing it again changes nothing; nobody deactivates their own account."""
    require_admin(actor)
    async with uow:
        user = await _administered(uow, actor, user_id)
        if user.active == active:
            return user
        if not active and str(user.id) == actor.subject:
            raise Conflict("you cannot deactivate your own account", field="user_id")
        previous = user.version
        user.active = active
        user.version += 1
        if not active:
            user.end_tokens()
        await uow.users.update(user, previous)
        change = "reactivated" if active else "deactivated"
        await uow.audit.account_entry(USERS, user.id, AuditAction.ACCOUNT, _change(change))
        await uow.commit()
    return user


async def reset_password(
    uow: AccountWork,
    actor: Principal,
    user_id: uuid.UUID,
    new_password: str,
    hasher: PasswordHasher,
) -> User:
    """An admin sets a new password for an account they manage; its tokens end."""
    require_admin(actor)
    _check_password(new_password, "new_password")
    password_hash = await hasher.hash(new_password)
    async with uow:
        user = await _administered(uow, actor, user_id)
        await _set_password(uow, user, password_hash, "password reset")
        await uow.commit()
    return user


async def change_own_password(
    uow: AccountWork,
    actor: Principal,
    current_password: str,
    new_password: str,
    hasher: PasswordHasher,
    address: str,
    clock: Clock = SYSTEM_CLOCK,
    rules: Rules = RULES,
) -> User:
    """A user changes their own password, giving the current one (throttled and audited as a
    sign-in is); every token they hold ends, the one they used included."""
    try:
        user_id = uuid.UUID(actor.subject)
    except ValueError as error:
        raise PermissionDenied("only staff accounts have a password") from error
    _check_password(new_password, "new_password")
    async with uow:
        user = await uow.users.get(user_id)
        if user is None:
            raise NotFound("user", user_id)
        keys = (ThrottleKey.account(user.email), ThrottleKey.address(address))
        await refuse_while_waiting(uow, keys, clock)
    if not await hasher.verify(user.password_hash, current_password):
        async with uow:
            grant = "password change"
            await record_failure(uow, keys, USERS, user.id, address, grant, clock, rules)
            await uow.commit()
        raise AuthenticationFailed
    password_hash = await hasher.hash(new_password)
    async with uow:
        stored = await uow.users.get(user_id)
        if stored is None:
            raise NotFound("user", user_id)
        await _set_password(uow, stored, password_hash, "password changed")
        await uow.sign_ins.forget(keys[0])
        await uow.commit()
    return stored


async def _set_password(uow: AccountWork, user: User, password_hash: str, change: str) -> None:
    previous = user.version
    user.password_hash = password_hash
    user.version += 1
    user.end_tokens()
    await uow.users.update(user, previous)
    await uow.audit.account_entry(USERS, user.id, AuditAction.ACCOUNT, _change(change))


def _check_password(password: str, field: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        reason = f"at least {MIN_PASSWORD_LENGTH} characters"
        raise InvariantViolation([Problem(field, reason, "password.short")])


def _differences(before: User, after: User) -> dict[str, dict[str, object]]:
    found: dict[str, dict[str, object]] = {}
    for name in ("name", "role", "trust_id", "school_ids"):
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            shown = (
                (sorted(map(str, old)), sorted(map(str, new)))
                if name == "school_ids"
                else (
                    str(old) if old is not None else None,
                    str(new) if new is not None else None,
                )
            )
            found[name] = {"old": shown[0], "new": shown[1]}
    return found


def _change(change: str, fields: dict[str, dict[str, object]] | None = None) -> dict[str, object]:
    return {"change": change, **({"fields": fields} if fields else {})}

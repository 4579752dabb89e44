"""Signing in and knowing who is calling.

A token only names its subject; each request resolves the subject's current
role and scope from the database, so a deactivated user or revoked client is
refused at once and a school added to a trust is seen by its trust's staff.
"""

import secrets
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from domain.identity.identity import EMAIL_UNAVAILABLE, IntegrationClient, User
from domain.identity.ports import HasClients, HasSignIns, HasUsers, PasswordHasher
from domain.identity.sign_in import RULES, Rules, SignInThrottled, ThrottleKey
from domain.integration.audit import AuditAction
from domain.integration.ports import HasAccountAudit
from domain.kernel.access import ROLE_PERMISSIONS, Permission, Principal, Role
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.errors import Conflict, InvariantViolation, NotFound, PermissionDenied, Problem
from domain.kernel.ids import new_id
from domain.kernel.paging import Page, PageRequest
from domain.kernel.transaction import Transaction
from domain.organisation.ports import HasSchools, HasTrusts


class IdentityWork(
    HasAccountAudit, HasClients, HasSchools, HasSignIns, HasTrusts, HasUsers, Transaction, Protocol
):
    """What these use cases need of the unit of work."""


MIN_PASSWORD_LENGTH = 10


class AuthenticationFailed(Exception):
    """Wrong credentials, or a subject that may no longer sign in. Deliberately vague."""


@dataclass(frozen=True, slots=True)
class CreateUser:
    email: str
    name: str
    role: Role
    password: str
    trust_id: uuid.UUID | None = None
    school_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class CreateClient:
    name: str
    permissions: frozenset[Permission]
    trust_id: uuid.UUID | None = None
    school_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class IssuedClient:
    client: IntegrationClient
    secret: str  # shown once; only its hash is stored


def require_scope_admin(
    actor: Principal, trust_id: uuid.UUID | None, school_ids: frozenset[uuid.UUID]
) -> None:
    """Only grant what you administer: your trust, or schools you manage. Checked before the
    request's own validity, so a caller who may not create accounts is told so (403) first."""
    if actor.unrestricted:
        return
    if not (actor.has(Permission.MANAGE_TRUST) or actor.has(Permission.MANAGE_SCHOOL)):
        raise PermissionDenied("requires the manage_school or manage_trust permission")
    if trust_id is not None:
        actor.require_trust(Permission.MANAGE_TRUST, trust_id)
    trust_admin = actor.has(Permission.MANAGE_TRUST)
    for school_id in school_ids:
        if not (trust_admin and actor.can_see(school_id)):
            actor.require(Permission.MANAGE_SCHOOL, school_id)


async def scope_problems(
    uow: IdentityWork, trust_id: uuid.UUID | None, school_ids: frozenset[uuid.UUID]
) -> list[Problem]:
    """The trust and schools an account is scoped to must exist, and schools share one trust."""
    found: list[Problem] = []
    if trust_id is not None and await uow.trusts.get(trust_id) is None:
        found.append(Problem("trust_id", "no such trust", "reference"))
    schools = await uow.schools.get_many(sorted(school_ids))
    if missing := school_ids - {s.id for s in schools}:
        listed = ", ".join(str(m) for m in sorted(missing))
        found.append(Problem("school_ids", f"no such school: {listed}", "reference"))
    if len({s.trust_id for s in schools}) > 1:
        found.append(Problem("school_ids", "the schools must belong to one trust", "scope"))
    return found


async def create_user(
    uow: IdentityWork, actor: Principal, cmd: CreateUser, hasher: PasswordHasher
) -> User:
    """Admins create staff accounts in their own scope; school admins cannot mint trust roles."""
    trust_id = cmd.trust_id if cmd.role.is_trust_role else None
    school_ids = frozenset() if cmd.role.is_trust_role else cmd.school_ids
    if cmd.role.is_trust_role and not actor.unrestricted:
        actor.require(Permission.MANAGE_TRUST)
    require_scope_admin(actor, trust_id, school_ids)
    problems = User(new_id(), cmd.email, cmd.name, cmd.role, "", trust_id, school_ids).problems()
    if cmd.role.is_trust_role and cmd.school_ids:
        problems.append(Problem("school_ids", f"a {cmd.role.value} is scoped to a trust", "scope"))
    if not cmd.role.is_trust_role and cmd.trust_id is not None:
        problems.append(Problem("trust_id", f"a {cmd.role.value} is scoped to schools", "scope"))
    if len(cmd.password) < MIN_PASSWORD_LENGTH:
        problems.append(
            Problem("password", f"at least {MIN_PASSWORD_LENGTH} characters", "password.short")
        )
    if not cmd.name.strip():
        problems.append(Problem("name", "must not be blank", "blank"))
    if problems:
        raise InvariantViolation(problems)
    user = User(
        id=new_id(),
        email=cmd.email,
        name=cmd.name.strip(),
        role=cmd.role,
        password_hash=await hasher.hash(cmd.password),
        trust_id=trust_id,
        school_ids=school_ids,
    )
    async with uow:
        if problems := await scope_problems(uow, trust_id, school_ids):
            raise InvariantViolation(problems)
        if await uow.users.by_email(user.email) is not None:
            # the same answer whoever holds the address: another school's admin learns
            # nothing of accounts outside their scope from the wording
            raise Conflict(EMAIL_UNAVAILABLE, field="email")
        await uow.users.add(user)
        await uow.audit.account_entry(
            "users", user.id, AuditAction.ACCOUNT, {"change": "created", "role": user.role.value}
        )
        await uow.commit()
    return user


async def list_users(uow: IdentityWork, actor: Principal, page: PageRequest) -> Page[User]:
    """Admins see the accounts in their scope."""
    if not (actor.has(Permission.MANAGE_TRUST) or actor.has(Permission.MANAGE_SCHOOL)):
        actor.require(Permission.MANAGE_SCHOOL)
    async with uow:
        if actor.unrestricted:
            return await uow.users.matching(None, None, page)
        trust_id = actor.trust_id if actor.has(Permission.MANAGE_TRUST) else None
        return await uow.users.matching(actor.school_ids, trust_id, page)


async def create_client(
    uow: IdentityWork,
    actor: Principal,
    cmd: CreateClient,
    hasher: PasswordHasher,
    clock: Clock = SYSTEM_CLOCK,
) -> IssuedClient:
    require_scope_admin(actor, cmd.trust_id, cmd.school_ids)
    secret = secrets.token_urlsafe(32)
    client = IntegrationClient(
        id=new_id(),
        client_id=f"sw_{secrets.token_hex(8)}",
        name=cmd.name.strip(),
        secret_hash=await hasher.hash(secret),
        permissions=cmd.permissions,
        created_at=clock.now(),
        trust_id=cmd.trust_id,
        school_ids=cmd.school_ids,
    )
    if problems := client.problems():
        raise InvariantViolation(problems)
    async with uow:
        if problems := await scope_problems(uow, cmd.trust_id, cmd.school_ids):
            raise InvariantViolation(problems)
        await uow.clients.add(client)
        await uow.commit()
    return IssuedClient(client, secret)


class Scoped(Protocol):
    """An account scoped to a trust or to schools: a staff user or an integration client."""

    @property
    def trust_id(self) -> uuid.UUID | None: ...
    @property
    def school_ids(self) -> frozenset[uuid.UUID]: ...


def administers(actor: Principal, account: Scoped) -> bool:
    """A trust admin administers their trust's accounts; an admin of every school a
    school-scoped account reaches (a trust admin's scope is every school of the trust)
    administers that account."""
    if actor.unrestricted:
        return True
    if account.trust_id is not None:
        return actor.has(Permission.MANAGE_TRUST) and actor.trust_id == account.trust_id
    return actor.has(Permission.MANAGE_SCHOOL) and account.school_ids <= actor.school_ids


def require_admin(actor: Principal) -> None:
    if not (actor.has(Permission.MANAGE_TRUST) or actor.has(Permission.MANAGE_SCHOOL)):
        raise PermissionDenied("requires the manage_school or manage_trust permission")


async def list_clients(
    uow: IdentityWork, actor: Principal, page: PageRequest
) -> Page[IntegrationClient]:
    """Admins see the clients they administer (revoked ones too, for the record)."""
    require_admin(actor)
    async with uow:
        if actor.unrestricted:
            return await uow.clients.matching(None, None, page)
        trust_id = actor.trust_id if actor.has(Permission.MANAGE_TRUST) else None
        return await uow.clients.matching(actor.school_ids, trust_id, page)


async def _administered(
    uow: IdentityWork, actor: Principal, client_key: uuid.UUID | str
) -> IntegrationClient:
    """The client by id (or by its client_id string), if the actor administers it."""
    if isinstance(client_key, uuid.UUID):
        client = await uow.clients.get(client_key)
    else:
        client = await uow.clients.by_client_id(client_key)
    if client is None or not administers(actor, client):
        raise NotFound("client", client_key)
    return client


async def get_client(
    uow: IdentityWork, actor: Principal, client_key: uuid.UUID | str
) -> IntegrationClient:
    require_admin(actor)
    async with uow:
        return await _administered(uow, actor, client_key)


async def revoke_client(
    uow: IdentityWork, actor: Principal, client_key: uuid.UUID | str, clock: Clock = SYSTEM_CLOCK
) -> IntegrationClient:
    """Revoked at once and for good: it cannot get a token, and tokens it holds are refused
    (each request resolves the client afresh). Revoking again changes nothing."""
    require_admin(actor)
    async with uow:
        client = await _administered(uow, actor, client_key)
        if client.revoked_at is None:
            client.revoked_at = clock.now()
            await uow.clients.revoke(client)
            await uow.commit()
    return client


async def authenticate_user(
    uow: IdentityWork,
    email: str,
    password: str,
    hasher: PasswordHasher,
    address: str,
    clock: Clock = SYSTEM_CLOCK,
    rules: Rules = RULES,
) -> User:
    """A staff sign-in (see `_checked`)."""
    wanted = email.strip().lower()
    attempt = _Attempt(email, password, address, "users", "password")
    return await _checked(
        uow, attempt, lambda u: u.users.by_email(wanted), lambda a: a.password_hash,
        hasher, clock, rules,
    )  # fmt: skip


async def authenticate_client(
    uow: IdentityWork,
    client_id: str,
    secret: str,
    hasher: PasswordHasher,
    address: str,
    clock: Clock = SYSTEM_CLOCK,
    rules: Rules = RULES,
) -> IntegrationClient:
    """A client's sign-in (see `_checked`); a success marks the client used."""
    attempt = _Attempt(client_id, secret, address, "integration_clients", "client_credentials")
    client = await _checked(
        uow, attempt, lambda u: u.clients.by_client_id(client_id), lambda a: a.secret_hash,
        hasher, clock, rules,
    )  # fmt: skip
    async with uow:
        await uow.clients.mark_used(client)
        await uow.commit()
    return client


@dataclass(frozen=True, slots=True)
class _Attempt:
    name: str  # the e-mail address or client id, as typed
    secret: str
    address: str
    resource: str  # users or integration_clients, for the audit log
    grant: str


Account = TypeVar("Account", User, IntegrationClient)


async def _checked(
    uow: IdentityWork,
    attempt: _Attempt,
    find: Callable[[IdentityWork], Awaitable[Account | None]],
    hash_of: Callable[[Account], str],
    hasher: PasswordHasher,
    clock: Clock,
    rules: Rules,
) -> Account:
    """A sign-in: refused while the account or the address must wait (SignInThrottled), else
    checked; a failure is counted and audited, a success clears the account's count. An
    unknown account costs and answers exactly as a wrong secret does (it is checked against
    no hash, which the hasher answers with its own, equally costly, dummy)."""
    keys = (ThrottleKey.account(attempt.name), ThrottleKey.address(attempt.address))
    async with uow:
        await refuse_while_waiting(uow, keys, clock)
        account = await find(uow)
    valid = await hasher.verify(hash_of(account) if account else "", attempt.secret)
    known = account is not None and account.active and valid
    async with uow:
        if known:
            await uow.sign_ins.forget(keys[0])
        else:
            await record_failure(
                uow, keys, attempt.resource, account.id if account else None,
                attempt.address, attempt.grant, clock, rules,
            )  # fmt: skip
        await uow.commit()
    if account is None or not known:
        raise AuthenticationFailed
    return account


async def refuse_while_waiting(
    uow: IdentityWork, keys: tuple[ThrottleKey, ...], clock: Clock
) -> None:
    now = clock.now()
    if (until := await uow.sign_ins.blocked_until(keys, now)) is not None:
        raise SignInThrottled(until, now)


async def record_failure(
    uow: IdentityWork,
    keys: tuple[ThrottleKey, ...],
    resource: str,
    account: uuid.UUID | None,
    address: str,
    grant: str,
    clock: Clock,
    rules: Rules,
) -> None:
    """A failed sign-in (or password check), counted and audited with the address and the
    grant, never what was typed (inside the caller's unit of work)."""
    await uow.sign_ins.record_failure(keys, clock.now(), rules)
    await uow.audit.account_entry(
        resource, account, AuditAction.SIGN_IN_FAILED, {"address": address, "grant": grant}
    )


async def principal_for_user(
    uow: IdentityWork, user_id: uuid.UUID, generation: int = 1
) -> Principal:
    """The user's current role and scope (uow must be unrestricted: scope is what we compute),
    if the token's generation is still theirs (a deactivation, role, scope or password change
    ends the tokens issued before it)."""
    async with uow:
        user = await uow.users.get(user_id)
        if user is None or not user.active or user.token_generation != generation:
            raise AuthenticationFailed
        school_ids, trust_ids = await _scope(uow, user.trust_id, user.school_ids)
    return Principal(
        subject=str(user.id),
        role=user.role,
        school_ids=school_ids,
        trust_ids=trust_ids,
        permissions=ROLE_PERMISSIONS[user.role],
        trust_id=user.trust_id,
        display_name=user.name,
    )


async def principal_for_client(uow: IdentityWork, client_id: str) -> Principal:
    async with uow:
        client = await uow.clients.by_client_id(client_id)
        if client is None or not client.active:
            raise AuthenticationFailed
        school_ids, trust_ids = await _scope(uow, client.trust_id, client.school_ids)
    return Principal(
        subject=client.client_id,
        role=Role.INTEGRATION,
        school_ids=school_ids,
        trust_ids=trust_ids,
        permissions=client.permissions,
        trust_id=None,
        display_name=client.name,
    )


async def _scope(
    uow: IdentityWork, trust_id: uuid.UUID | None, school_ids: frozenset[uuid.UUID]
) -> tuple[frozenset[uuid.UUID], frozenset[uuid.UUID]]:
    if trust_id is not None:
        return await uow.schools.ids_of_trust(trust_id), frozenset({trust_id})
    schools = await uow.schools.get_many(sorted(school_ids))
    return frozenset(s.id for s in schools), frozenset(s.trust_id for s in schools)

"""Accounts and sign-in against the fakes: create users and clients, authenticate, resolve scope."""

import uuid
from dataclasses import replace

import pytest

from domain.identity import identity_service as identity
from domain.identity.identity import User
from domain.identity.identity_service import AuthenticationFailed
from domain.kernel.access import ROLE_PERMISSIONS, Permission, Principal, Role
from domain.kernel.errors import Conflict, InvariantViolation, PermissionDenied
from domain.kernel.ids import new_id
from tests.unit.world import World

PASSWORD = "correct horse battery"
ADDRESS = "192.0.2.10"


def new_user(
    role: Role,
    schools: frozenset[uuid.UUID] = frozenset(),
    trust_id: uuid.UUID | None = None,
    password: str = PASSWORD,
    email: str = "new.person@school.example",
) -> identity.CreateUser:
    return identity.CreateUser(email, "New Person", role, password, trust_id, schools)


async def create(w: World, actor: Principal, cmd: identity.CreateUser) -> User:
    return await identity.create_user(w.uow(), actor, cmd, w.hasher)


def no_users(w: World) -> bool:
    return w.store.tables.users == {}


async def test_a_school_admin_creates_a_teacher_for_their_school(w: World) -> None:
    user = await create(w, w.school_admin, new_user(Role.TEACHER, frozenset({w.school.id})))
    assert (user.role, user.school_ids, user.trust_id) == (
        Role.TEACHER,
        frozenset({w.school.id}),
        None,
    )
    assert PASSWORD not in user.password_hash
    assert await w.hasher.verify(user.password_hash, PASSWORD)
    async with w.uow() as uow:
        assert await uow.users.by_email("NEW.PERSON@school.example") == user


async def test_a_school_admin_cannot_create_a_trust_admin(w: World) -> None:
    with pytest.raises(PermissionDenied):
        await create(w, w.school_admin, new_user(Role.TRUST_ADMIN, trust_id=w.trust.id))
    assert no_users(w)


async def test_a_school_admin_cannot_create_a_user_for_another_school(w: World) -> None:
    schools = frozenset({w.school.id, w.sister_school.id})
    with pytest.raises(PermissionDenied):
        await create(w, w.school_admin, new_user(Role.TEACHER, schools))
    assert no_users(w)


async def test_teachers_cannot_create_users(w: World) -> None:
    with pytest.raises(PermissionDenied):
        await create(w, w.teacher, new_user(Role.TEACHER, frozenset({w.school.id})))


async def test_a_trust_admin_creates_users_in_any_school_of_the_trust_only(w: World) -> None:
    sister = await create(
        w, w.trust_admin, new_user(Role.SCHOOL_ADMIN, frozenset({w.sister_school.id}))
    )
    assert sister.school_ids == {w.sister_school.id}
    analyst = await create(
        w,
        w.trust_admin,
        new_user(Role.TRUST_ANALYST, trust_id=w.trust.id, email="analyst@trust.example"),
    )
    assert (analyst.trust_id, analyst.school_ids) == (w.trust.id, frozenset())
    with pytest.raises(PermissionDenied):
        await create(
            w,
            w.trust_admin,
            new_user(Role.TEACHER, frozenset({w.foreign_school.id}), email="x@far.example"),
        )
    with pytest.raises(PermissionDenied):
        await create(
            w,
            w.trust_admin,
            new_user(Role.TRUST_ADMIN, trust_id=w.foreign_trust.id, email="y@far.example"),
        )


async def test_passwords_under_ten_characters_are_refused(w: World) -> None:
    cmd = new_user(Role.TEACHER, frozenset({w.school.id}), password="123456789")
    with pytest.raises(InvariantViolation) as caught:
        await create(w, w.school_admin, cmd)
    assert [(p.field, p.code) for p in caught.value.problems] == [("password", "password.short")]
    assert no_users(w)


async def test_create_user_lists_every_problem(w: World) -> None:
    cmd = replace(new_user(Role.TEACHER, password="short"), email="not-an-email", name=" ")
    with pytest.raises(InvariantViolation) as caught:
        await create(w, w.system, cmd)
    assert {p.field for p in caught.value.problems} == {"email", "school_ids", "password", "name"}


async def test_a_second_user_with_the_same_email_is_a_conflict(w: World) -> None:
    cmd = new_user(Role.TEACHER, frozenset({w.school.id}))
    await create(w, w.school_admin, cmd)
    with pytest.raises(Conflict) as caught:
        await create(w, w.school_admin, replace(cmd, email=" New.Person@School.Example"))
    assert caught.value.field == "email"


async def seeded_user(w: World, role: Role = Role.TEACHER, active: bool = True) -> User:
    user = User(
        id=new_id(),
        email="tom@school.example",
        name="Tom Teacher",
        role=role,
        password_hash=await w.hasher.hash(PASSWORD),
        trust_id=w.trust.id if role.is_trust_role else None,
        school_ids=frozenset() if role.is_trust_role else frozenset({w.school.id}),
        active=active,
    )
    w.store.seed(user)
    return user


async def test_authenticate_user_accepts_the_right_password_case_insensitively(w: World) -> None:
    user = await seeded_user(w)
    assert (
        await identity.authenticate_user(
            w.uow(), " TOM@school.example ", PASSWORD, w.hasher, ADDRESS, w.clock
        )
        == user
    )


@pytest.mark.parametrize(
    ("email", "password", "active"),
    [
        ("nobody@school.example", PASSWORD, True),
        ("tom@school.example", "wrong password", True),
        ("tom@school.example", PASSWORD, False),
    ],
)
async def test_authenticate_user_refuses_unknown_wrong_or_inactive(
    w: World, email: str, password: str, active: bool
) -> None:
    await seeded_user(w, active=active)
    calls = w.hasher.verify_calls
    with pytest.raises(AuthenticationFailed):
        await identity.authenticate_user(w.uow(), email, password, w.hasher, ADDRESS, w.clock)
    assert w.hasher.verify_calls == calls + 1  # always hashed, so timing does not tell


async def issue_client(w: World) -> identity.IssuedClient:
    cmd = identity.CreateClient(
        "MIS sync", frozenset({Permission.READ_ROSTER}), school_ids=frozenset({w.school.id})
    )
    return await identity.create_client(w.uow(), w.school_admin, cmd, w.hasher, w.clock)


async def test_authenticate_client_accepts_the_issued_secret_and_marks_it_used(w: World) -> None:
    issued = await issue_client(w)
    assert issued.secret not in issued.client.secret_hash
    client = await identity.authenticate_client(
        w.uow(), issued.client.client_id, issued.secret, w.hasher, ADDRESS, w.clock
    )
    assert client.id == issued.client.id
    async with w.uow() as uow:
        stored = await uow.clients.by_client_id(issued.client.client_id)
    assert stored is not None
    assert stored.last_used_at == w.clock.now()


async def test_authenticate_client_refuses_unknown_revoked_or_wrong_secret(w: World) -> None:
    issued = await issue_client(w)
    with pytest.raises(AuthenticationFailed):
        await identity.authenticate_client(
            w.uow(), "sw_unknown", issued.secret, w.hasher, ADDRESS, w.clock
        )
    with pytest.raises(AuthenticationFailed):
        await identity.authenticate_client(
            w.uow(), issued.client.client_id, "guess", w.hasher, ADDRESS, w.clock
        )
    w.store.seed(replace(issued.client, revoked_at=w.clock.now()))
    with pytest.raises(AuthenticationFailed):
        await identity.authenticate_client(
            w.uow(), issued.client.client_id, issued.secret, w.hasher, ADDRESS, w.clock
        )
    assert w.store.tables.clients[issued.client.id].last_used_at is None


@pytest.mark.parametrize("permission", [Permission.MANAGE_SCHOOL, Permission.MANAGE_TRUST])
async def test_clients_cannot_be_granted_admin_permissions(
    w: World, permission: Permission
) -> None:
    cmd = identity.CreateClient(
        "Too strong", frozenset({permission}), school_ids=frozenset({w.school.id})
    )
    with pytest.raises(InvariantViolation):
        await identity.create_client(w.uow(), w.school_admin, cmd, w.hasher, w.clock)
    assert w.store.tables.clients == {}


async def test_principal_for_a_trust_user_covers_every_school_of_the_trust(w: World) -> None:
    user = await seeded_user(w, Role.TRUST_ADMIN)
    principal = await identity.principal_for_user(w.uow(), user.id)
    assert principal.school_ids == {w.school.id, w.sister_school.id}
    assert (principal.trust_id, principal.trust_ids) == (w.trust.id, frozenset({w.trust.id}))
    assert principal.permissions == ROLE_PERMISSIONS[Role.TRUST_ADMIN]
    assert (principal.subject, principal.display_name) == (str(user.id), "Tom Teacher")


async def test_principal_for_a_school_user_covers_its_schools_and_their_trust(w: World) -> None:
    user = await seeded_user(w)
    principal = await identity.principal_for_user(w.uow(), user.id)
    assert principal.school_ids == {w.school.id}
    assert (principal.trust_id, principal.trust_ids) == (None, frozenset({w.trust.id}))
    assert principal.role is Role.TEACHER


async def test_principal_for_an_inactive_or_unknown_user_fails(w: World) -> None:
    user = await seeded_user(w, active=False)
    for user_id in (user.id, uuid.uuid4()):
        with pytest.raises(AuthenticationFailed):
            await identity.principal_for_user(w.uow(), user_id)


async def test_principal_for_a_client_has_exactly_its_grants(w: World) -> None:
    issued = await issue_client(w)
    principal = await identity.principal_for_client(w.uow(), issued.client.client_id)
    assert (principal.role, principal.permissions, principal.school_ids) == (
        Role.INTEGRATION,
        frozenset({Permission.READ_ROSTER}),
        frozenset({w.school.id}),
    )


async def test_a_teacher_asking_for_an_account_without_schools_is_refused_not_validated(
    w: World,
) -> None:
    """Permission comes first: a 403, not a 422 telling the caller how to fix the request."""
    with pytest.raises(PermissionDenied):
        await create(w, w.teacher, new_user(Role.TEACHER, frozenset()))


async def test_a_trust_role_given_schools_is_refused_rather_than_silently_rescoped(
    w: World,
) -> None:
    with pytest.raises(InvariantViolation) as caught:
        await create(
            w,
            Principal.system(),
            new_user(Role.TRUST_ANALYST, frozenset({w.school.id}), w.trust.id),
        )
    assert [p.field for p in caught.value.problems] == ["school_ids"]
    assert no_users(w)


async def test_a_school_role_given_a_trust_is_refused(w: World) -> None:
    with pytest.raises(InvariantViolation) as caught:
        await create(
            w, Principal.system(), new_user(Role.TEACHER, frozenset({w.school.id}), w.trust.id)
        )
    assert [p.field for p in caught.value.problems] == ["trust_id"]


async def test_an_account_for_a_school_that_does_not_exist_is_refused(w: World) -> None:
    with pytest.raises(InvariantViolation) as caught:
        await create(w, Principal.system(), new_user(Role.TEACHER, frozenset({uuid.uuid4()})))
    assert [(p.field, p.code) for p in caught.value.problems] == [("school_ids", "reference")]
    assert no_users(w)


async def test_a_client_cannot_span_schools_of_two_trusts(w: World) -> None:
    cmd = identity.CreateClient(
        "Sync",
        frozenset({Permission.READ_ROSTER}),
        school_ids=frozenset({w.school.id, w.foreign_school.id}),
    )
    with pytest.raises(InvariantViolation) as caught:
        await identity.create_client(w.uow(), Principal.system(), cmd, w.hasher, w.clock)
    assert [(p.field, p.code) for p in caught.value.problems] == [("school_ids", "scope")]

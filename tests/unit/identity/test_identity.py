"""Staff users and integration clients: who may be scoped to what."""

import uuid
from datetime import UTC, datetime

import pytest

from domain.identity.identity import IntegrationClient, User
from domain.kernel.access import Permission, Role

TRUST, SCHOOL = uuid.uuid4(), uuid.uuid4()
NOW = datetime(2024, 3, 15, 10, 30, tzinfo=UTC)


def user(
    role: Role,
    trust_id: uuid.UUID | None = None,
    school_ids: frozenset[uuid.UUID] = frozenset(),
    email: str = "tom@school.example",
) -> User:
    return User(uuid.uuid4(), email, "Tom", role, "hash", trust_id, school_ids)


def fields(u: User | IntegrationClient) -> list[str]:
    return [p.field for p in u.problems()]


def test_user_email_is_stored_lowercase_without_spaces() -> None:
    assert user(Role.TEACHER, email="  Tom.Teacher@School.Example ").email == (
        "tom.teacher@school.example"
    )


@pytest.mark.parametrize("email", ["tom", "tom@school", "tom @school.example", "@school.example"])
def test_user_email_must_look_like_an_address(email: str) -> None:
    assert fields(user(Role.TEACHER, school_ids=frozenset({SCHOOL}), email=email)) == ["email"]


@pytest.mark.parametrize("role", [Role.TRUST_ADMIN, Role.TRUST_ANALYST])
def test_trust_roles_belong_to_a_trust(role: Role) -> None:
    assert fields(user(role, trust_id=TRUST)) == []
    assert fields(user(role, school_ids=frozenset({SCHOOL}))) == ["trust_id"]


@pytest.mark.parametrize("role", [Role.SCHOOL_ADMIN, Role.TEACHER])
def test_school_roles_belong_to_one_or_more_schools(role: Role) -> None:
    assert fields(user(role, school_ids=frozenset({SCHOOL, uuid.uuid4()}))) == []
    assert fields(user(role, trust_id=TRUST)) == ["school_ids"]


def test_the_integration_role_is_not_for_users() -> None:
    assert fields(user(Role.INTEGRATION, trust_id=TRUST, school_ids=frozenset({SCHOOL}))) == [
        "role"
    ]


def client(
    permissions: frozenset[Permission] = frozenset({Permission.READ_ROSTER}),
    trust_id: uuid.UUID | None = None,
    school_ids: frozenset[uuid.UUID] = frozenset({SCHOOL}),
) -> IntegrationClient:
    return IntegrationClient(
        id=uuid.uuid4(),
        client_id="sw_0123456789abcdef",
        name="MIS sync",
        secret_hash="hash",
        permissions=permissions,
        created_at=NOW,
        trust_id=trust_id,
        school_ids=school_ids,
    )


def test_a_client_scoped_to_schools_or_to_a_trust_is_valid() -> None:
    assert client().problems() == []
    assert client(trust_id=TRUST, school_ids=frozenset()).problems() == []


@pytest.mark.parametrize("permission", [Permission.MANAGE_SCHOOL, Permission.MANAGE_TRUST])
def test_a_client_cannot_be_granted_admin_permissions(permission: Permission) -> None:
    [problem] = client(permissions=frozenset({Permission.READ_ROSTER, permission})).problems()
    assert (problem.field, problem.code) == ("permissions", "grant")
    assert permission.value in problem.reason


def test_a_client_needs_at_least_one_permission() -> None:
    assert fields(client(permissions=frozenset())) == ["permissions"]


@pytest.mark.parametrize(
    ("trust_id", "school_ids"), [(None, frozenset()), (TRUST, frozenset({SCHOOL}))]
)
def test_a_client_is_scoped_to_exactly_one_of_a_trust_or_schools(
    trust_id: uuid.UUID | None, school_ids: frozenset[uuid.UUID]
) -> None:
    assert fields(client(trust_id=trust_id, school_ids=school_ids)) == ["scope"]


def test_a_revoked_client_is_inactive() -> None:
    c = client()
    assert c.active
    c.revoked_at = NOW
    assert not c.active

"""Principals: what each role may do, and where."""

import uuid

import pytest

from domain.kernel.access import CLIENT_GRANTABLE, ROLE_PERMISSIONS, Permission, Principal, Role
from domain.kernel.errors import PermissionDenied

P = Permission
SCHOOL, OTHER_SCHOOL = uuid.uuid4(), uuid.uuid4()
TRUST, OTHER_TRUST = uuid.uuid4(), uuid.uuid4()


def principal(role: Role, trust_id: uuid.UUID | None = None) -> Principal:
    return Principal(
        subject=f"{role.value}-1",
        role=role,
        school_ids=frozenset({SCHOOL}),
        permissions=ROLE_PERMISSIONS[role],
        trust_id=trust_id,
        trust_ids=frozenset({TRUST}),
    )


def test_role_permissions() -> None:
    assert {
        Role.TRUST_ADMIN: frozenset(Permission),
        Role.TRUST_ANALYST: {P.READ_ROSTER, P.READ_ANALYTICS},
        Role.SCHOOL_ADMIN: frozenset(Permission) - {P.MANAGE_TRUST},
        Role.TEACHER: {P.READ_ROSTER, P.WRITE_ASSESSMENT, P.READ_ANALYTICS},
        Role.INTEGRATION: frozenset(),
    } == ROLE_PERMISSIONS


def test_teachers_cannot_edit_the_roster_or_manage_anything() -> None:
    teacher = principal(Role.TEACHER)
    for permission in (P.WRITE_ROSTER, P.MANAGE_SCHOOL, P.MANAGE_TRUST):
        with pytest.raises(PermissionDenied) as caught:
            teacher.require(permission)
        assert caught.value.reason == f"requires the {permission.value} permission"


def test_require_passes_with_the_permission_inside_the_scope_only() -> None:
    teacher = principal(Role.TEACHER)
    teacher.require(P.WRITE_ASSESSMENT)
    teacher.require(P.WRITE_ASSESSMENT, SCHOOL)
    with pytest.raises(PermissionDenied):
        teacher.require(P.WRITE_ASSESSMENT, OTHER_SCHOOL)


def test_require_refuses_a_school_outside_the_scope() -> None:
    with pytest.raises(PermissionDenied) as caught:
        principal(Role.SCHOOL_ADMIN).require(P.WRITE_ROSTER, OTHER_SCHOOL)
    assert caught.value.reason == "school is outside the caller's scope"


def test_require_checks_the_permission_before_the_school() -> None:
    with pytest.raises(PermissionDenied) as caught:
        principal(Role.TRUST_ANALYST).require(P.WRITE_ROSTER, SCHOOL)
    assert "write_roster" in caught.value.reason


def test_require_trust_only_passes_for_the_callers_own_trust() -> None:
    admin = principal(Role.TRUST_ADMIN, trust_id=TRUST)
    admin.require_trust(P.MANAGE_TRUST, TRUST)
    with pytest.raises(PermissionDenied):
        admin.require_trust(P.MANAGE_TRUST, OTHER_TRUST)
    with pytest.raises(PermissionDenied):
        principal(Role.SCHOOL_ADMIN).require_trust(P.MANAGE_TRUST, TRUST)


def test_the_system_principal_is_unrestricted() -> None:
    system = Principal.system()
    assert system.unrestricted
    assert system.permissions == frozenset(Permission)
    assert system.can_see(uuid.uuid4())
    assert system.can_see_trust(uuid.uuid4())
    system.require(P.MANAGE_SCHOOL, uuid.uuid4())
    system.require_trust(P.MANAGE_TRUST, uuid.uuid4())
    assert not system.pseudonymised


def test_can_see_trust_covers_the_trusts_of_visible_schools_and_the_administered_trust() -> None:
    teacher = principal(Role.TEACHER)
    assert teacher.can_see_trust(TRUST)
    assert not teacher.can_see_trust(OTHER_TRUST)
    assert teacher.can_see(SCHOOL)
    assert not teacher.can_see(OTHER_SCHOOL)


@pytest.mark.parametrize("role", list(Role))
def test_only_trust_analysts_are_pseudonymised(role: Role) -> None:
    assert principal(role).pseudonymised is (role is Role.TRUST_ANALYST)


def test_trust_roles_are_admin_and_analyst() -> None:
    assert {r for r in Role if r.is_trust_role} == {Role.TRUST_ADMIN, Role.TRUST_ANALYST}


def test_admin_permissions_are_never_grantable_to_clients() -> None:
    assert frozenset(Permission) - CLIENT_GRANTABLE == {P.MANAGE_SCHOOL, P.MANAGE_TRUST}

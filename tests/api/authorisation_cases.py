"""How to call every REST operation and GraphQL root field against school A's records.

One request per operation, shared by every caller: the authorisation matrix
(tests/api/authorisation_matrix.md) says what each caller gets back. Bodies are valid, so a
caller who is allowed succeeds, and values that must be unique (URNs, e-mails) are fresh on
every call. Deletes aim at records nothing else needs (a spare module, a spare framework).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.api.authorisation_victim import Victim
from tests.factories import PASSWORD, make_urn

Ids = dict[str, str]


@dataclass(frozen=True)
class RestCall:
    """One REST request: path ids come from the victim (or `path` renames them)."""

    query: Callable[[Ids], dict[str, str]] | None = None
    body: Callable[[Ids], Any] | None = None
    csv: str | None = None  # a CSV upload instead of a JSON body
    form: Callable[[Ids], dict[str, str]] | None = None
    if_match: bool = False
    path: tuple[tuple[str, str], ...] = ()  # (placeholder, ids key) to aim at another record


def _school(ids: Ids) -> dict[str, str]:
    return {"school_id": ids["school_id"]}


def _module_one(ids: Ids) -> dict[str, str]:
    return {"school_id": ids["school_id"], "academic_year": "2023/24", "module": "1"}


def _import(header: str) -> RestCall:
    """An import of an empty file in validate mode: the caller's right to import, no writes."""
    return RestCall(
        query=lambda ids: {"school_id": ids["school_id"], "mode": "validate"}, csv=header + "\n"
    )


def rest_calls(victim: Victim) -> dict[tuple[str, str], RestCall]:
    world = victim.world
    strand = [str(s.id) for s in world.framework.strands]
    step = [str(s.id) for s in world.framework.steps]
    rules = [{"start_min": 0, "start_max": 9, "rate_per_year": 1}]
    return {
        ("GET", "/health"): RestCall(),
        ("GET", "/ready"): RestCall(),
        ("POST", "/api/v1/auth/token"): RestCall(
            form=lambda ids: {
                "grant_type": "client_credentials",
                "client_id": victim.client.client.client_id,
                "client_secret": victim.client.secret,
            }
        ),
        ("GET", "/api/v1/auth/me"): RestCall(),
        ("GET", "/api/v1/trusts"): RestCall(),
        ("GET", "/api/v1/trusts/{trust_id}"): RestCall(),
        ("PATCH", "/api/v1/trusts/{trust_id}"): RestCall(
            body=lambda ids: {"name": "Renamed"}, if_match=True
        ),
        ("GET", "/api/v1/schools"): RestCall(query=lambda ids: {"trust_id": ids["trust_id"]}),
        ("POST", "/api/v1/schools"): RestCall(
            body=lambda ids: {
                "trust_id": ids["trust_id"],
                "urn": make_urn(),
                "name": "X",
                "type": "special",
            }
        ),
        ("GET", "/api/v1/schools/{school_id}"): RestCall(),
        ("PATCH", "/api/v1/schools/{school_id}"): RestCall(
            body=lambda ids: {"name": "Milestone Special"}, if_match=True
        ),
        ("GET", "/api/v1/pupils"): RestCall(query=_school),
        ("POST", "/api/v1/pupils"): RestCall(
            body=lambda ids: {
                "school_id": ids["school_id"],
                "forename": "Dara",
                "surname": "New",
                "date_of_birth": "2012-01-01",
                "gender": "F",
                "year_group": "6",
                "mis_id": f"X-{uuid.uuid4().hex[:8]}",
                "enrolments": [{"joined_on": "2023-09-01"}],
            }
        ),
        ("GET", "/api/v1/pupils/{pupil_id}"): RestCall(),
        ("PATCH", "/api/v1/pupils/{pupil_id}"): RestCall(
            body=lambda ids: {"pathway": "formal"}, if_match=True
        ),
        ("DELETE", "/api/v1/pupils/{pupil_id}"): RestCall(if_match=True),
        ("POST", "/api/v1/pupils/{pupil_id}/restore"): RestCall(),
        ("GET", "/api/v1/pupils/{pupil_id}/subject-access"): RestCall(),
        ("POST", "/api/v1/pupils/{pupil_id}/erasure"): RestCall(
            body=lambda ids: {
                "reason": "parent's request",
                "school_decision": True,
                "school_decision_reason": "governors' decision",
            }
        ),
        ("GET", "/api/v1/frameworks"): RestCall(query=_school),
        ("POST", "/api/v1/frameworks"): RestCall(
            body=lambda ids: {
                "name": f"Framework {uuid.uuid4().hex[:6]}",
                "school_id": ids["school_id"],
                "strands": [{"code": "A", "name": "A"}],
                "steps": [{"code": "1", "value": 1}, {"code": "2", "value": 2}],
            }
        ),
        # the trust's shared framework: visible to every school of the trust
        ("GET", "/api/v1/frameworks/{framework_id}"): RestCall(),
        ("PATCH", "/api/v1/frameworks/{framework_id}"): RestCall(
            body=lambda ids: {"name": "Small steps"}, if_match=True
        ),
        ("DELETE", "/api/v1/frameworks/{framework_id}"): RestCall(
            if_match=True, path=(("framework_id", "spare_framework_id"),)
        ),
        ("GET", "/api/v1/modules"): RestCall(query=_school),
        ("POST", "/api/v1/modules"): RestCall(
            body=lambda ids: {
                "school_id": ids["school_id"],
                "academic_year": "2025/26",
                "sequence": 1,
                "name": "X",
                "starts_on": "2025-09-01",
                "ends_on": "2025-10-01",
            }
        ),
        ("GET", "/api/v1/modules/{module_id}"): RestCall(),
        ("PATCH", "/api/v1/modules/{module_id}"): RestCall(
            body=lambda ids: {"name": "Term 1"}, if_match=True
        ),
        ("DELETE", "/api/v1/modules/{module_id}"): RestCall(
            if_match=True, path=(("module_id", "spare_module_id"),)
        ),
        ("GET", "/api/v1/judgements"): RestCall(query=lambda ids: {"pupil_id": ids["pupil_id"]}),
        ("POST", "/api/v1/judgements"): RestCall(
            body=lambda ids: {
                "pupil_id": ids["pupil_id"],
                "strand_id": strand[1],
                "module_id": ids["module_id"],
                "step_id": step[0],
            }
        ),
        ("GET", "/api/v1/judgements/{judgement_id}"): RestCall(),
        ("PATCH", "/api/v1/judgements/{judgement_id}"): RestCall(
            body=lambda ids: {"reason": "typo", "assessor": "Ms Patel"}, if_match=True
        ),
        ("DELETE", "/api/v1/judgements/{judgement_id}"): RestCall(
            query=lambda ids: {"reason": "x"}, if_match=True
        ),
        ("POST", "/api/v1/judgements/{judgement_id}/moderation"): RestCall(
            body=lambda ids: {"state": "agreed", "moderator": "x"}
        ),
        ("GET", "/api/v1/judgements/{judgement_id}/history"): RestCall(),
        ("GET", "/api/v1/targets"): RestCall(query=_school),
        ("POST", "/api/v1/targets"): RestCall(
            body=lambda ids: {
                "pupil_id": ids["pupil_id"],
                "strand_id": strand[0],
                "academic_year": "2024/25",
                "step_id": step[1],
            }
        ),
        ("GET", "/api/v1/targets/{target_id}"): RestCall(),
        ("POST", "/api/v1/targets/{target_id}/status"): RestCall(
            body=lambda ids: {"status": "too_challenging"}
        ),
        ("POST", "/api/v1/targets/{target_id}/revision"): RestCall(
            body=lambda ids: {"step_id": step[3], "reason": "x"}
        ),
        ("GET", "/api/v1/targets/{target_id}/history"): RestCall(),
        ("GET", "/api/v1/outcome-targets"): RestCall(
            query=lambda ids: {"pupil_id": ids["pupil_id"]}
        ),
        ("POST", "/api/v1/outcome-targets"): RestCall(
            body=lambda ids: {"pupil_id": ids["pupil_id"], "area": "x", "text": "x"}
        ),
        ("GET", "/api/v1/outcome-targets/{outcome_id}"): RestCall(),
        ("PATCH", "/api/v1/outcome-targets/{outcome_id}"): RestCall(
            body=lambda ids: {"area": "Communication and interaction"}, if_match=True
        ),
        ("POST", "/api/v1/outcome-targets/{outcome_id}/evaluations"): RestCall(
            body=lambda ids: {"academic_year": "2023/24", "term": "summer", "rating": "met"}
        ),
        ("GET", "/api/v1/destinations"): RestCall(query=_school),
        ("POST", "/api/v1/destinations"): RestCall(
            body=lambda ids: {
                "pupil_id": ids["pupil_id"],
                "left_on": "2024-07-19",
                "category": "employment",
            }
        ),
        ("GET", "/api/v1/destinations/{destination_id}"): RestCall(),
        ("PATCH", "/api/v1/destinations/{destination_id}"): RestCall(
            body=lambda ids: {"provider": "Weald College"}, if_match=True
        ),
        ("DELETE", "/api/v1/destinations/{destination_id}"): RestCall(if_match=True),
        ("GET", "/api/v1/pupils/{pupil_id}/progress"): RestCall(),
        ("GET", "/api/v1/analytics/cohort"): RestCall(query=_module_one),
        ("GET", "/api/v1/progress-models"): RestCall(
            query=lambda ids: {"framework_id": ids["framework_id"]}
        ),
        ("POST", "/api/v1/progress-models"): RestCall(
            body=lambda ids: {
                "framework_id": ids["framework_id"],
                "pathway": f"pathway-{uuid.uuid4().hex[:6]}",
                "name": "X",
                "rules": rules,
            }
        ),
        ("GET", "/api/v1/progress-models/{model_id}"): RestCall(),
        ("POST", "/api/v1/progress-models/{model_id}/revision"): RestCall(
            body=lambda ids: {"name": "Similar learners", "kind": "percentile", "min_peers": 5},
            path=(("model_id", "second_model_id"),),
        ),
        ("POST", "/api/v1/progress-models/{model_id}/reference"): RestCall(
            body=lambda ids: {"academic_years": ["2022/23"]}
        ),
        ("GET", "/api/v1/progress-models/{model_id}/reference"): RestCall(),
        ("GET", "/api/v1/analytics/missing-judgements"): RestCall(query=_module_one),
        ("GET", "/api/v1/targets/progress"): RestCall(query=_module_one),
        ("GET", "/api/v1/pupils/{pupil_id}/targets/progress"): RestCall(),
        ("GET", "/api/v1/targets/suggestions"): RestCall(
            query=lambda ids: {"school_id": ids["school_id"], "academic_year": "2024/25"}
        ),
        ("POST", "/api/v1/targets/suggestions/apply"): RestCall(
            body=lambda ids: {"academic_year": "2025/26", "school_id": ids["school_id"]}
        ),
        ("GET", "/api/v1/analytics/flags"): RestCall(query=_module_one),
        ("GET", "/api/v1/pupils/{pupil_id}/flags"): RestCall(),
        ("GET", "/api/v1/reports/pupils/{pupil_id}"): RestCall(),
        ("GET", "/api/v1/reports/schools/{school_id}/summary"): RestCall(),
        ("GET", "/api/v1/reports/trusts/{trust_id}/summary"): RestCall(),
        ("POST", "/api/v1/imports/judgements"): _import("UPN,Strand,Academic Year,Module,Step"),
        ("POST", "/api/v1/imports/pupils"): _import(
            "UPN,Legal Surname,Legal Forename,Date of Birth,Gender,NC Year,Date of Admission"
        ),
        ("POST", "/api/v1/imports/targets"): _import("UPN,Strand,Academic Year,Step"),
        ("POST", "/api/v1/imports/attendance"): _import("UPN,Date,Session,Mark"),
        ("POST", "/api/v1/imports/qualifications"): _import(
            "UPN,Awarding Body,Qualification Title,Level"
        ),
        ("POST", "/api/v1/imports/destinations"): _import("UPN,Date of Leaving,Destination"),
        ("POST", "/api/v1/imports/group_memberships"): _import("UPN,Class,Academic Year"),
        ("GET", "/api/v1/groups"): RestCall(query=_school),
        ("POST", "/api/v1/groups"): RestCall(
            body=lambda ids: {
                "school_id": ids["school_id"],
                "name": f"Ash {uuid.uuid4().hex[:6]}",
                "academic_year": "2023/24",
            }
        ),
        ("GET", "/api/v1/groups/{group_id}"): RestCall(),
        ("PATCH", "/api/v1/groups/{group_id}"): RestCall(
            body=lambda ids: {"kind": "teaching"}, if_match=True
        ),
        ("DELETE", "/api/v1/groups/{group_id}"): RestCall(
            if_match=True, path=(("group_id", "spare_group_id"),)
        ),
        ("GET", "/api/v1/group-memberships"): RestCall(
            query=lambda ids: {"group_id": ids["group_id"]}
        ),
        ("POST", "/api/v1/group-memberships"): RestCall(
            body=lambda ids: {
                "group_id": ids["group_id"],
                "pupil_id": ids["pupil_id"],
                "starts_on": "2024-01-08",
            }
        ),
        ("GET", "/api/v1/group-memberships/{membership_id}"): RestCall(),
        ("PATCH", "/api/v1/group-memberships/{membership_id}"): RestCall(
            body=lambda ids: {"ends_on": "2023-12-21"}, if_match=True
        ),
        ("DELETE", "/api/v1/group-memberships/{membership_id}"): RestCall(if_match=True),
        ("POST", "/api/v1/attendance/sessions"): RestCall(
            body=lambda ids: {
                "marks": [
                    {
                        "pupil_id": ids["pupil_id"],
                        "date": "2023-10-02",
                        "session": "AM",
                        "code": "/",
                    }
                ]
            }
        ),
        ("GET", "/api/v1/attendance/sessions"): RestCall(query=_school),
        ("GET", "/api/v1/attendance/summary"): RestCall(query=_school),
        ("GET", "/api/v1/qualifications"): RestCall(
            query=lambda ids: {"pupil_id": ids["pupil_id"]}
        ),
        ("POST", "/api/v1/qualifications"): RestCall(
            body=lambda ids: {
                "pupil_id": ids["pupil_id"],
                "awarding_body": "AQA",
                "title": f"Unit award {uuid.uuid4().hex[:6]}",
                "level": "entry_1",
            }
        ),
        ("GET", "/api/v1/qualifications/summary"): RestCall(query=_school),
        ("GET", "/api/v1/qualifications/{entry_id}"): RestCall(),
        ("PATCH", "/api/v1/qualifications/{entry_id}"): RestCall(
            body=lambda ids: {"status": "completed", "result": "pass"}, if_match=True
        ),
        ("DELETE", "/api/v1/qualifications/{entry_id}"): RestCall(if_match=True),
        ("GET", "/api/v1/measures"): RestCall(query=_school),
        ("POST", "/api/v1/measures"): RestCall(
            body=lambda ids: {
                "name": f"Measure {uuid.uuid4().hex[:6]}",
                "school_id": ids["school_id"],
                "year_group_at_leaving": "11",
                "min_qualifications": 1,
            }
        ),
        ("GET", "/api/v1/measures/{measure_id}"): RestCall(),
        ("GET", "/api/v1/measures/{measure_id}/results"): RestCall(
            query=lambda ids: {"academic_year": "2023/24"}
        ),
        ("GET", "/api/v1/destinations/summary"): RestCall(query=_school),
        ("GET", "/api/v1/exports/{resource}"): RestCall(query=_school),
        ("GET", "/api/v1/users"): RestCall(),
        ("POST", "/api/v1/users"): RestCall(
            body=lambda ids: {
                "email": f"new.{uuid.uuid4().hex[:8]}@stepwise.test",
                "name": "X",
                "role": "teacher",
                "password": PASSWORD,
                "school_ids": [ids["school_id"]],
            }
        ),
        # a teacher of school A who is not one of the callers; each caller changes its own
        # password with a wrong current one (a right one would end its token mid-run)
        ("POST", "/api/v1/users/me/password"): RestCall(
            body=lambda ids: {"current_password": "not it at all", "new_password": "x" * 12}
        ),
        ("GET", "/api/v1/users/{user_id}"): RestCall(),
        ("PATCH", "/api/v1/users/{user_id}"): RestCall(
            body=lambda ids: {"name": "Renamed Teacher"}, if_match=True
        ),
        ("POST", "/api/v1/users/{user_id}/deactivate"): RestCall(),
        ("POST", "/api/v1/users/{user_id}/reactivate"): RestCall(),
        ("POST", "/api/v1/users/{user_id}/password"): RestCall(
            body=lambda ids: {"new_password": "a new password"}
        ),
        ("GET", "/api/v1/clients"): RestCall(),
        ("POST", "/api/v1/clients"): RestCall(
            body=lambda ids: {
                "name": "Another MIS",
                "permissions": ["read_roster"],
                "school_ids": [ids["school_id"]],
            }
        ),
        ("GET", "/api/v1/clients/{client_key}"): RestCall(),
        ("POST", "/api/v1/clients/{client_key}/revoke"): RestCall(),
        ("GET", "/api/v1/audit"): RestCall(query=_school),
        # narrowed to A's school; unnarrowed, the feed carries only the caller's own schools
        # (tests/api/integration/test_change_feed.py follows it to the end)
        ("GET", "/api/v1/changes"): RestCall(query=_school),
        ("GET", "/api/v1/changes/latest"): RestCall(),
    }


# --- GraphQL ------------------------------------------------------------------------------

#: Each query asks for the fields a pseudonymised caller must get blank, where the type has them.
QUERIES: dict[str, str] = {
    "me": "{ me { subject } }",
    "trusts": "{ trusts { nodes { id schools { nodes { id name } } } } }",
    "trust": "query($id: UUID!) { trust(id: $id) { id } }",
    "schools": "query($t: UUID) { schools(trustId: $t) { nodes { id } } }",
    "school": (
        "query($id: UUID!) { school(id: $id) { id pupils"
        " { nodes { id forename surname dateOfBirth upn misId } } } }"
    ),
    "pupil": (
        "query($id: UUID!) { pupil(id: $id) { id forename surname dateOfBirth upn misId"
        " judgements { nodes { note assessor evidence moderation { moderator }"
        " history { nodes { note assessor reason moderation { moderator } } } } }"
        " targets { nodes { rationale history { nodes { reason } } } } } }"
    ),
    "pupils": (
        "query($s: UUID) { pupils(schoolId: $s)"
        " { nodes { id forename surname dateOfBirth upn misId } } }"
    ),
    "framework": "query($id: UUID!) { framework(id: $id) { id } }",
    "frameworks": "query($s: UUID) { frameworks(schoolId: $s) { nodes { id } } }",
    "module": "query($id: UUID!) { module(id: $id) { id } }",
    "modules": "query($s: UUID) { modules(schoolId: $s) { nodes { id } } }",
    "judgement": (
        "query($id: UUID!) { judgement(id: $id) { id note assessor evidence"
        " moderation { moderator } history { nodes { note assessor reason"
        " moderation { moderator } } } } }"
    ),
    "judgements": (
        "query($p: UUID) { judgements(pupilId: $p)"
        " { nodes { id note assessor evidence moderation { moderator } } } }"
    ),
    "target": "query($id: UUID!) { target(id: $id) { id rationale history { nodes { reason } } } }",
    "targets": (
        "query($s: UUID) { targets(schoolId: $s)"
        " { nodes { id rationale history { nodes { reason } } } } }"
    ),
    "outcomeTargets": (
        "query($p: UUID) { outcomeTargets(pupilId: $p)"
        " { nodes { id text evaluations { nodes { note } } } } }"
    ),
    "destinations": "query($s: UUID) { destinations(schoolId: $s) { nodes { id provider } } }",
    "groups": "query($s: UUID) { groups(schoolId: $s) { nodes { id name staffIds } } }",
    "group": "query($id: UUID!) { group(id: $id) { id name } }",
    "groupMemberships": (
        "query($g: UUID) { groupMemberships(groupId: $g) { nodes { id pupilId startsOn } } }"
    ),
    "cohortAnalysis": (
        'query($s: UUID) { cohortAnalysis(academicYear: "2023/24", module: 1, schoolId: $s)'
        " { schoolIds thisYear { cohort { measured } } } }"
    ),
    "targetProgress": (
        'query($s: UUID) { targetProgress(academicYear: "2023/24", module: 1, schoolId: $s)'
        " { schoolIds items { targetId } } }"
    ),
    "targetSuggestions": (
        'query($s: UUID) { targetSuggestions(academicYear: "2024/25", schoolId: $s)'
        " { schoolIds items { pupilId } } }"
    ),
    "flagWorklist": (
        'query($s: UUID) { flagWorklist(academicYear: "2023/24", module: 1, schoolId: $s)'
        " { pupils { pupilId } } }"
    ),
    "attendanceSummary": "query($s: UUID) { attendanceSummary(schoolId: $s) { schoolIds } }",
    "passRates": "query($s: UUID) { passRates(schoolId: $s) { schoolIds } }",
    "measureResults": (
        'query($m: UUID!) { measureResults(measureId: $m, academicYear: "2023/24") { schoolIds } }'
    ),
    "destinationsSummary": "query($s: UUID) { destinationsSummary(schoolId: $s) { schoolIds } }",
    "missingJudgements": (
        'query($s: UUID) { missingJudgements(academicYear: "2023/24", module: 1, schoolId: $s)'
        " { total items { pupilId } } }"
    ),
}

MUTATIONS: dict[str, str] = {
    name: (
        f"mutation($input: {name[0].upper()}{name[1:]}Input!)"
        f" {{ {name}(input: $input) {{ __typename }} }}"
    )
    for name in (
        "recordJudgement",
        "correctJudgement",
        "moderateJudgement",
        "setTarget",
        "changeTargetStatus",
        "reviseTarget",
    )
}


def graphql_variables(name: str, victim: Victim, ids: Ids) -> dict[str, Any]:
    """The variables of root field `name`, aimed at the records `ids` name."""
    world = victim.world
    strand = [str(s.id) for s in world.framework.strands]
    step = [str(s.id) for s in world.framework.steps]
    by_field: dict[str, dict[str, Any]] = {
        "trust": {"id": ids["trust_id"]},
        "schools": {"t": ids["trust_id"]},
        "school": {"id": ids["school_id"]},
        "pupil": {"id": ids["pupil_id"]},
        "framework": {"id": ids["framework_id"]},
        "module": {"id": ids["module_id"]},
        "judgement": {"id": ids["judgement_id"]},
        "judgements": {"p": ids["pupil_id"]},
        "target": {"id": ids["target_id"]},
        "outcomeTargets": {"p": ids["pupil_id"]},
        "measureResults": {"m": ids["measure_id"]},
        "group": {"id": ids["group_id"]},
        "groupMemberships": {"g": ids["group_id"]},
        "recordJudgement": {
            "input": {
                "pupilId": ids["pupil_id"],
                "strandId": strand[1],
                "moduleId": str(world.modules[1].id),
                "stepId": step[0],
            }
        },
        "correctJudgement": {
            "input": {
                "judgementId": ids["graphql_correct_judgement"],
                "expectedVersion": 1,
                "reason": "typo",
                "assessor": "Mr Li",
            }
        },
        "moderateJudgement": {
            "input": {
                "judgementId": ids["graphql_moderate_judgement"],
                "expectedVersion": 1,
                "state": "AGREED",
            }
        },
        "setTarget": {
            "input": {
                "pupilId": ids["pupil_id"],
                "strandId": strand[1],
                "academicYear": "2024/25",
                "stepId": step[1],
            }
        },
        "changeTargetStatus": {
            "input": {
                "targetId": ids["graphql_change_target_status"],
                "expectedVersion": 1,
                "status": "MET",
            }
        },
        "reviseTarget": {
            "input": {
                "targetId": ids["graphql_revise_target"],
                "expectedVersion": 1,
                "stepId": step[5],
                "reason": "x",
            }
        },
    }
    school_wide = {"s": ids["school_id"]}
    return by_field.get(name, school_wide if "$s" in QUERIES.get(name, "") else {})

"""The tenancy matrix: every operation, called by someone who must not reach the data.

Two intruders try every REST operation (enumerated from the OpenAPI document) and every
GraphQL root field with the ids of school A's records:
  - `other_trust`: the trust admin of an unrelated trust (every permission, wrong tenant);
  - `other_school`: the school admin of another school in A's own trust.
Each must get 403 or 404 and never any of A's data. Creates that only *refer* to A's records
in their body (a judgement for A's pupil) answer 422 "no such pupil", byte-for-byte the same
answer as for an id that does not exist, so there is no oracle either. A route missing from
the table fails the coverage test until it is classified.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.graphql.schema import build_schema
from api.runtime import Runtime
from domain.access import Permission, Principal, Role
from domain.calendar import AcademicYear
from domain.destination import DestinationCategory
from domain.progress import RateRule
from domain.qualification import QualificationKind, QualificationLevel
from domain.services import (
    destinations,
    identity,
    judgements,
    measures,
    outcomes,
    progress_models,
    qualifications,
    targets,
)
from domain.target import OutcomeSource
from tests.factories import PASSWORD, World

INTRUDERS = ("other_trust", "other_school")


@dataclass
class Victim:
    """School A's records, and the strings that must never reach an intruder."""

    world: World
    judgement_id: uuid.UUID
    target_id: uuid.UUID
    outcome_id: uuid.UUID
    destination_id: uuid.UUID
    model_id: uuid.UUID
    entry_id: uuid.UUID
    measure_id: uuid.UUID
    tokens: dict[str, str] = field(default_factory=dict)
    client: identity.IssuedClient | None = None

    @property
    def ids(self) -> dict[str, str]:
        w = self.world
        return {
            "trust_id": str(w.trust.id),
            "school_id": str(w.school.id),
            "pupil_id": str(w.pupil.id),
            "framework_id": str(w.framework.id),
            "module_id": str(w.modules[0].id),
            "judgement_id": str(self.judgement_id),
            "target_id": str(self.target_id),
            "outcome_id": str(self.outcome_id),
            "destination_id": str(self.destination_id),
            "model_id": str(self.model_id),
            "entry_id": str(self.entry_id),
            "measure_id": str(self.measure_id),
            "resource": "judgements",  # GET /exports/{resource}
            "client_key": str(self.client.client.id) if self.client else "",
        }

    @property
    def markers(self) -> list[str]:
        """Values only school A's data contains."""
        w = self.world
        found = [str(p.id) for p in w.pupils] + [p.upn or "" for p in w.pupils]
        found += [
            str(self.judgement_id),
            str(self.target_id),
            str(self.outcome_id),
            str(self.destination_id),
        ]
        found += [str(w.school.id), str(w.modules[0].id), w.school.urn]
        if self.client is not None:
            found += [str(self.client.client.id), self.client.client.client_id, self.client.secret]
        return [m for m in found if m]


@pytest.fixture(scope="module")
async def victim(app: FastAPI) -> Victim:
    runtime: Runtime = app.state.runtime
    world = await World.build(runtime)
    stranger = await World.build(runtime)
    system = Principal.system()
    uow = runtime.system_uow
    judgement = await judgements.record_judgement(
        uow(),
        system,
        judgements.RecordJudgement(
            world.pupil.id,
            world.framework.strands[0].id,
            world.modules[0].id,
            world.framework.steps[2].id,
            assessed_on=date(2023, 10, 1),
            assessor="Ms Patel",
        ),
    )
    target = await targets.set_target(
        uow(),
        system,
        targets.SetTarget(
            world.pupil.id,
            world.framework.strands[0].id,
            AcademicYear(2023),
            world.framework.steps[4].id,
        ),
    )
    outcome = await outcomes.set_outcome_target(
        uow(),
        system,
        outcomes.SetOutcomeTarget(
            world.pupil.id, OutcomeSource.EHCP, "Communication", "Uses a symbol to ask"
        ),
    )
    destination = await destinations.record_destination(
        uow(),
        system,
        destinations.RecordDestination(
            world.pupils[1].id, date(2024, 7, 19), DestinationCategory.FE_COLLEGE
        ),
    )
    neighbour = await identity.create_user(
        uow(),
        system,
        identity.CreateUser(
            email=f"neighbour.{uuid.uuid4().hex[:6]}@stepwise.test",
            name="Neighbour Admin",
            role=Role.SCHOOL_ADMIN,
            password=PASSWORD,
            school_ids=frozenset({world.other_school.id}),
        ),
        runtime.hasher,
    )
    model = await progress_models.create_model(
        uow(),
        system,
        progress_models.CreateModel(
            world.framework.id,
            progress_models.ModelSpec("Two a year", rules=(RateRule(0, 100, 2.0),)),
        ),
    )
    entry = await qualifications.record_entry(
        uow(),
        system,
        qualifications.RecordEntry(
            world.pupil.id,
            "Pearson",
            "Functional Skills English",
            QualificationLevel.ENTRY_3,
            QualificationKind.FUNCTIONAL_SKILLS,
        ),
    )
    measure = await measures.create_measure(
        uow(),
        system,
        measures.CreateMeasure("Attainment 5", "11", 5, school_id=world.school.id),
    )
    victim = Victim(
        world, judgement.id, target.id, outcome.id, destination.id, model.id, entry.id, measure.id
    )
    victim.client = await identity.create_client(
        uow(),
        system,
        identity.CreateClient(
            "Victim MIS",
            frozenset({Permission.READ_ROSTER}),
            school_ids=frozenset({world.school.id}),
        ),
        runtime.hasher,
    )
    victim.tokens = {
        "other_trust": stranger.tokens["trust_admin"],
        "other_school": runtime.tokens.issue(str(neighbour.id), "user", Role.SCHOOL_ADMIN.value),
    }
    return victim


# --- the REST table ---------------------------------------------------------------------

Body = Callable[[dict[str, str]], dict[str, Any]]
NOT_VISIBLE = frozenset({404})
REFUSED = frozenset({403})
REFERENCE = frozenset({422})


@dataclass(frozen=True)
class Case:
    """How to call one operation against A, and what each intruder may get back."""

    expect: dict[str, frozenset[int]]
    query: Callable[[dict[str, str]], dict[str, str]] | None = None
    body: Body | None = None
    if_match: bool = False

    @staticmethod
    def same(codes: frozenset[int], **kwargs: Any) -> "Case":
        return Case(expect=dict.fromkeys(INTRUDERS, codes), **kwargs)


def _judgement_body(ids: dict[str, str], world: World) -> dict[str, Any]:
    return {
        "pupil_id": ids["pupil_id"],
        "strand_id": str(world.framework.strands[1].id),
        "module_id": ids["module_id"],
        "step_id": str(world.framework.steps[0].id),
    }


def rest_cases(world: World) -> dict[tuple[str, str], Case]:
    strand = str(world.framework.strands[0].id)
    step = str(world.framework.steps[1].id)
    pupil_body = {
        "forename": "Intruder",
        "surname": "Made",
        "date_of_birth": "2012-01-01",
        "gender": "F",
        "year_group": "6",
        "mis_id": "X-1",
        "enrolments": [{"joined_on": "2023-09-01"}],
    }
    return {
        ("GET", "/api/v1/trusts/{trust_id}"): Case(
            expect={"other_trust": NOT_VISIBLE, "other_school": frozenset({200})}
        ),
        ("PATCH", "/api/v1/trusts/{trust_id}"): Case(
            expect={"other_trust": NOT_VISIBLE, "other_school": REFUSED},
            body=lambda ids: {"name": "Renamed"},
            if_match=True,
        ),
        ("GET", "/api/v1/trusts"): Case(expect=dict.fromkeys(INTRUDERS, frozenset({200}))),
        ("GET", "/api/v1/schools"): Case(
            expect={"other_trust": REFUSED, "other_school": frozenset({200})},
            query=lambda ids: {"trust_id": ids["trust_id"]},
        ),
        ("POST", "/api/v1/schools"): Case.same(
            REFUSED,
            body=lambda ids: {
                "trust_id": ids["trust_id"],
                "urn": "999998",
                "name": "X",
                "type": "special",
            },
        ),
        ("GET", "/api/v1/schools/{school_id}"): Case.same(NOT_VISIBLE),
        ("PATCH", "/api/v1/schools/{school_id}"): Case.same(
            NOT_VISIBLE, body=lambda ids: {"name": "X"}, if_match=True
        ),
        ("GET", "/api/v1/pupils"): Case.same(
            REFUSED, query=lambda ids: {"school_id": ids["school_id"]}
        ),
        ("POST", "/api/v1/pupils"): Case.same(
            REFUSED, body=lambda ids: {**pupil_body, "school_id": ids["school_id"]}
        ),
        ("GET", "/api/v1/pupils/{pupil_id}"): Case.same(NOT_VISIBLE),
        ("PATCH", "/api/v1/pupils/{pupil_id}"): Case.same(
            NOT_VISIBLE, body=lambda ids: {"forename": "X"}, if_match=True
        ),
        ("DELETE", "/api/v1/pupils/{pupil_id}"): Case.same(NOT_VISIBLE, if_match=True),
        ("POST", "/api/v1/pupils/{pupil_id}/restore"): Case.same(NOT_VISIBLE),
        ("GET", "/api/v1/frameworks"): Case.same(
            REFUSED, query=lambda ids: {"school_id": ids["school_id"]}
        ),
        ("POST", "/api/v1/frameworks"): Case.same(
            REFUSED,
            body=lambda ids: {
                "name": "Smuggled",
                "school_id": ids["school_id"],
                "strands": [{"code": "A", "name": "A"}],
                "steps": [{"code": "1", "value": 1}, {"code": "2", "value": 2}],
            },
        ),
        # the trust's shared framework is legitimately visible to every school of the trust
        ("GET", "/api/v1/frameworks/{framework_id}"): Case(
            expect={"other_trust": NOT_VISIBLE, "other_school": frozenset({200})}
        ),
        ("PATCH", "/api/v1/frameworks/{framework_id}"): Case(
            expect={"other_trust": NOT_VISIBLE, "other_school": REFUSED},
            body=lambda ids: {"name": "X"},
            if_match=True,
        ),
        ("DELETE", "/api/v1/frameworks/{framework_id}"): Case(
            expect={"other_trust": NOT_VISIBLE, "other_school": REFUSED}, if_match=True
        ),
        ("GET", "/api/v1/modules"): Case.same(
            REFUSED, query=lambda ids: {"school_id": ids["school_id"]}
        ),
        ("POST", "/api/v1/modules"): Case.same(
            REFUSED,
            body=lambda ids: {
                "school_id": ids["school_id"],
                "academic_year": "2025/26",
                "sequence": 1,
                "name": "X",
                "starts_on": "2025-09-01",
                "ends_on": "2025-10-01",
            },
        ),
        ("GET", "/api/v1/modules/{module_id}"): Case.same(NOT_VISIBLE),
        ("PATCH", "/api/v1/modules/{module_id}"): Case.same(
            NOT_VISIBLE, body=lambda ids: {"name": "X"}, if_match=True
        ),
        ("DELETE", "/api/v1/modules/{module_id}"): Case.same(NOT_VISIBLE, if_match=True),
        ("GET", "/api/v1/judgements"): Case.same(
            NOT_VISIBLE, query=lambda ids: {"pupil_id": ids["pupil_id"]}
        ),
        ("POST", "/api/v1/judgements"): Case.same(
            REFERENCE, body=lambda ids: _judgement_body(ids, world)
        ),
        ("GET", "/api/v1/judgements/{judgement_id}"): Case.same(NOT_VISIBLE),
        ("PATCH", "/api/v1/judgements/{judgement_id}"): Case.same(
            NOT_VISIBLE, body=lambda ids: {"reason": "x", "note": "x"}, if_match=True
        ),
        ("DELETE", "/api/v1/judgements/{judgement_id}"): Case.same(
            NOT_VISIBLE, query=lambda ids: {"reason": "x"}, if_match=True
        ),
        ("POST", "/api/v1/judgements/{judgement_id}/moderation"): Case.same(
            NOT_VISIBLE, body=lambda ids: {"state": "agreed", "moderator": "x"}
        ),
        ("GET", "/api/v1/judgements/{judgement_id}/history"): Case.same(NOT_VISIBLE),
        ("GET", "/api/v1/targets"): Case.same(
            REFUSED, query=lambda ids: {"school_id": ids["school_id"]}
        ),
        ("POST", "/api/v1/targets"): Case.same(
            REFERENCE,
            body=lambda ids: {
                "pupil_id": ids["pupil_id"],
                "strand_id": strand,
                "academic_year": "2024/25",
                "step_id": step,
            },
        ),
        ("GET", "/api/v1/targets/{target_id}"): Case.same(NOT_VISIBLE),
        ("POST", "/api/v1/targets/{target_id}/status"): Case.same(
            NOT_VISIBLE, body=lambda ids: {"status": "met"}
        ),
        ("POST", "/api/v1/targets/{target_id}/revision"): Case.same(
            NOT_VISIBLE, body=lambda ids: {"step_id": step, "reason": "x"}
        ),
        ("GET", "/api/v1/targets/{target_id}/history"): Case.same(NOT_VISIBLE),
        ("GET", "/api/v1/outcome-targets"): Case.same(
            NOT_VISIBLE, query=lambda ids: {"pupil_id": ids["pupil_id"]}
        ),
        ("POST", "/api/v1/outcome-targets"): Case.same(
            REFERENCE, body=lambda ids: {"pupil_id": ids["pupil_id"], "area": "x", "text": "x"}
        ),
        ("GET", "/api/v1/outcome-targets/{outcome_id}"): Case.same(NOT_VISIBLE),
        ("PATCH", "/api/v1/outcome-targets/{outcome_id}"): Case.same(
            NOT_VISIBLE, body=lambda ids: {"text": "x"}, if_match=True
        ),
        ("POST", "/api/v1/outcome-targets/{outcome_id}/evaluations"): Case.same(
            NOT_VISIBLE,
            body=lambda ids: {"academic_year": "2023/24", "term": "summer", "rating": "met"},
        ),
        ("GET", "/api/v1/destinations"): Case.same(
            REFUSED, query=lambda ids: {"school_id": ids["school_id"]}
        ),
        ("POST", "/api/v1/destinations"): Case.same(
            REFERENCE,
            body=lambda ids: {
                "pupil_id": ids["pupil_id"],
                "left_on": "2024-07-19",
                "category": "employment",
            },
        ),
        ("GET", "/api/v1/destinations/{destination_id}"): Case.same(NOT_VISIBLE),
        ("PATCH", "/api/v1/destinations/{destination_id}"): Case.same(
            NOT_VISIBLE, body=lambda ids: {"provider": "x"}, if_match=True
        ),
        ("DELETE", "/api/v1/destinations/{destination_id}"): Case.same(NOT_VISIBLE, if_match=True),
        ("GET", "/api/v1/pupils/{pupil_id}/progress"): Case.same(NOT_VISIBLE),
        ("GET", "/api/v1/analytics/cohort"): Case.same(
            REFUSED,
            query=lambda ids: {
                "school_id": ids["school_id"],
                "academic_year": "2023/24",
                "module": "1",
            },
        ),
        # the trust framework's models are visible to its schools; only trust admins change them
        ("GET", "/api/v1/progress-models"): Case(
            expect={"other_trust": NOT_VISIBLE, "other_school": frozenset({200})},
            query=lambda ids: {"framework_id": ids["framework_id"]},
        ),
        ("POST", "/api/v1/progress-models"): Case(
            expect={"other_trust": REFERENCE, "other_school": REFUSED},
            body=lambda ids: {
                "framework_id": ids["framework_id"],
                "pathway": "smuggled",
                "name": "X",
                "rules": [{"start_min": 0, "start_max": 9, "rate_per_year": 1}],
            },
        ),
        ("GET", "/api/v1/progress-models/{model_id}"): Case(
            expect={"other_trust": NOT_VISIBLE, "other_school": frozenset({200})}
        ),
        ("POST", "/api/v1/progress-models/{model_id}/revision"): Case(
            expect={"other_trust": NOT_VISIBLE, "other_school": REFUSED},
            body=lambda ids: {
                "name": "X",
                "rules": [{"start_min": 0, "start_max": 9, "rate_per_year": 1}],
            },
        ),
        ("POST", "/api/v1/progress-models/{model_id}/reference"): Case(
            expect={"other_trust": NOT_VISIBLE, "other_school": REFUSED}, body=lambda ids: {}
        ),
        ("GET", "/api/v1/progress-models/{model_id}/reference"): Case(
            expect={"other_trust": NOT_VISIBLE, "other_school": frozenset({200})}
        ),
        ("GET", "/api/v1/analytics/missing-judgements"): Case.same(
            REFUSED,
            query=lambda ids: {
                "school_id": ids["school_id"],
                "academic_year": "2023/24",
                "module": "1",
            },
        ),
        # --- targets tracked and suggested
        ("GET", "/api/v1/targets/progress"): Case.same(
            REFUSED,
            query=lambda ids: {
                "school_id": ids["school_id"],
                "academic_year": "2023/24",
                "module": "1",
            },
        ),
        ("GET", "/api/v1/pupils/{pupil_id}/targets/progress"): Case.same(NOT_VISIBLE),
        ("GET", "/api/v1/targets/suggestions"): Case.same(
            REFUSED, query=lambda ids: {"school_id": ids["school_id"], "academic_year": "2024/25"}
        ),
        ("POST", "/api/v1/targets/suggestions/apply"): Case.same(
            REFUSED, body=lambda ids: {"academic_year": "2024/25", "school_id": ids["school_id"]}
        ),
        # --- SEN Code of Practice 6.17 flags
        ("GET", "/api/v1/analytics/flags"): Case.same(
            REFUSED,
            query=lambda ids: {
                "school_id": ids["school_id"],
                "academic_year": "2023/24",
                "module": "1",
            },
        ),
        ("GET", "/api/v1/pupils/{pupil_id}/flags"): Case.same(NOT_VISIBLE),
        # --- the pupil report (JSON by default; the HTML page is refused the same way)
        ("GET", "/api/v1/reports/pupils/{pupil_id}"): Case.same(NOT_VISIBLE),
        # --- school and trust summaries (JSON by default; the HTML page is refused alike).
        # A school admin of A's trust gets the trust report of the schools they see: not A.
        ("GET", "/api/v1/reports/schools/{school_id}/summary"): Case.same(REFUSED),
        ("GET", "/api/v1/reports/trusts/{trust_id}/summary"): Case(
            expect={"other_trust": REFUSED, "other_school": frozenset({200})}
        ),
        # --- imports (an intruder's JSON body is refused for who they are, not as a 415)
        ("POST", "/api/v1/imports/judgements"): Case.same(
            NOT_VISIBLE,
            query=lambda ids: {"school_id": ids["school_id"]},
            body=lambda ids: {"upn": "x"},
        ),
        ("POST", "/api/v1/imports/pupils"): Case.same(
            NOT_VISIBLE,
            query=lambda ids: {"school_id": ids["school_id"]},
            body=lambda ids: {"upn": "x"},
        ),
        ("POST", "/api/v1/imports/targets"): Case.same(
            NOT_VISIBLE,
            query=lambda ids: {"school_id": ids["school_id"]},
            body=lambda ids: {"upn": "x"},
        ),
        ("POST", "/api/v1/imports/attendance"): Case.same(
            NOT_VISIBLE,
            query=lambda ids: {"school_id": ids["school_id"]},
            body=lambda ids: {"upn": "x"},
        ),
        ("POST", "/api/v1/imports/qualifications"): Case.same(
            NOT_VISIBLE,
            query=lambda ids: {"school_id": ids["school_id"]},
            body=lambda ids: {"upn": "x"},
        ),
        ("POST", "/api/v1/imports/destinations"): Case.same(
            NOT_VISIBLE,
            query=lambda ids: {"school_id": ids["school_id"]},
            body=lambda ids: {"upn": "x"},
        ),
        # --- attendance, qualifications, measures, destinations summary
        ("POST", "/api/v1/attendance/sessions"): Case.same(
            REFERENCE,
            body=lambda ids: {
                "marks": [
                    {
                        "pupil_id": ids["pupil_id"],
                        "date": "2023-10-02",
                        "session": "AM",
                        "code": "/",
                    }
                ]
            },
        ),
        ("GET", "/api/v1/attendance/sessions"): Case.same(
            REFUSED, query=lambda ids: {"school_id": ids["school_id"]}
        ),
        ("GET", "/api/v1/attendance/summary"): Case.same(
            REFUSED, query=lambda ids: {"school_id": ids["school_id"]}
        ),
        ("GET", "/api/v1/qualifications"): Case.same(
            NOT_VISIBLE, query=lambda ids: {"pupil_id": ids["pupil_id"]}
        ),
        ("POST", "/api/v1/qualifications"): Case.same(
            REFERENCE,
            body=lambda ids: {
                "pupil_id": ids["pupil_id"],
                "awarding_body": "AQA",
                "title": "X",
                "level": "entry_1",
            },
        ),
        ("GET", "/api/v1/qualifications/summary"): Case.same(
            REFUSED, query=lambda ids: {"school_id": ids["school_id"]}
        ),
        ("GET", "/api/v1/qualifications/{entry_id}"): Case.same(NOT_VISIBLE),
        ("PATCH", "/api/v1/qualifications/{entry_id}"): Case.same(
            NOT_VISIBLE, body=lambda ids: {"result": "pass"}, if_match=True
        ),
        ("DELETE", "/api/v1/qualifications/{entry_id}"): Case.same(NOT_VISIBLE, if_match=True),
        ("GET", "/api/v1/measures"): Case.same(
            REFUSED, query=lambda ids: {"school_id": ids["school_id"]}
        ),
        ("POST", "/api/v1/measures"): Case.same(
            REFUSED,
            body=lambda ids: {
                "name": "Smuggled",
                "school_id": ids["school_id"],
                "year_group_at_leaving": "11",
                "min_qualifications": 1,
            },
        ),
        ("GET", "/api/v1/measures/{measure_id}"): Case.same(NOT_VISIBLE),
        ("GET", "/api/v1/measures/{measure_id}/results"): Case.same(
            NOT_VISIBLE, query=lambda ids: {"academic_year": "2023/24"}
        ),
        ("GET", "/api/v1/destinations/summary"): Case.same(
            REFUSED, query=lambda ids: {"school_id": ids["school_id"]}
        ),
        # --- exports (every resource is refused alike: tests/api/test_exports.py)
        ("GET", "/api/v1/exports/{resource}"): Case.same(
            REFUSED, query=lambda ids: {"school_id": ids["school_id"]}
        ),
        ("GET", "/api/v1/users"): Case.same(frozenset({200})),
        # --- integration clients and the audit log (admins, each within their own scope)
        ("GET", "/api/v1/clients"): Case.same(frozenset({200})),
        ("POST", "/api/v1/clients"): Case.same(
            REFUSED,
            body=lambda ids: {
                "name": "Smuggled",
                "permissions": ["read_roster"],
                "school_ids": [ids["school_id"]],
            },
        ),
        ("GET", "/api/v1/clients/{client_key}"): Case.same(NOT_VISIBLE),
        ("POST", "/api/v1/clients/{client_key}/revoke"): Case.same(NOT_VISIBLE),
        ("GET", "/api/v1/audit"): Case.same(
            REFUSED, query=lambda ids: {"school_id": ids["school_id"]}
        ),
        # --- the change feed: narrowed to A's school it is refused; unnarrowed it carries only
        # the intruder's own schools (tests/api/test_change_feed.py follows it to the end)
        ("GET", "/api/v1/changes"): Case.same(
            REFUSED, query=lambda ids: {"school_id": ids["school_id"]}
        ),
        ("GET", "/api/v1/changes/latest"): Case.same(frozenset({200})),
        ("POST", "/api/v1/users"): Case.same(
            REFUSED,
            body=lambda ids: {
                "email": "smuggled@stepwise.test",
                "name": "X",
                "role": "teacher",
                "password": PASSWORD,
                "school_ids": [ids["school_id"]],
            },
        ),
    }


#: Operations about the caller itself, not about any school's records.
SELF_SERVICE = {("POST", "/api/v1/auth/token"), ("GET", "/api/v1/auth/me")}


def _without_echo(response: httpx.Response) -> str:
    """The body minus fields that only echo the request (the path in `instance`)."""
    try:
        body = response.json()
    except ValueError:
        return response.text
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k not in ("instance", "correlation_id")}
    return json.dumps(body)


async def _call(
    client: httpx.AsyncClient,
    method: str,
    template: str,
    case: Case,
    ids: dict[str, str],
    token: str,
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if case.if_match:
        headers["If-Match"] = '"1"'
    return await client.request(
        method,
        template.format(**ids),
        params=case.query(ids) if case.query else None,
        json=case.body(ids) if case.body else None,
        headers=headers,
    )


async def test_every_rest_operation_is_in_the_matrix(app: FastAPI, victim: Victim) -> None:
    operations = {
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        if path.startswith("/api/v1")
        for method in item
    }
    classified = set(rest_cases(victim.world)) | SELF_SERVICE
    assert operations - classified == set(), "classify new operations in the tenancy matrix"
    assert classified - operations == set(), "the matrix lists operations the API no longer has"


@pytest.mark.parametrize("intruder", INTRUDERS)
async def test_no_rest_operation_gives_an_intruder_school_a_data(
    client: httpx.AsyncClient, victim: Victim, intruder: str
) -> None:
    ids = victim.ids
    failures = []
    for (method, template), case in rest_cases(victim.world).items():
        response = await _call(client, method, template, case, ids, victim.tokens[intruder])
        leaked = [m for m in victim.markers if m in _without_echo(response)]
        if response.status_code not in case.expect[intruder] or leaked:
            failures.append(
                f"{method} {template}: {response.status_code} leaked={leaked} {response.text[:200]}"
            )
    assert failures == []


async def test_refused_references_look_exactly_like_missing_ones(
    client: httpx.AsyncClient, victim: Victim
) -> None:
    """A 422 for A's pupil is indistinguishable from a 422 for an id that never existed."""
    ids = victim.ids
    invented = {key: str(uuid.uuid4()) for key in ids}
    for (method, template), case in rest_cases(victim.world).items():
        if case.expect["other_trust"] != REFERENCE:
            continue
        token = victim.tokens["other_trust"]
        real = await _call(client, method, template, case, ids, token)
        fake = await _call(client, method, template, case, invented, token)
        assert (real.status_code, _without_echo(real)) == (fake.status_code, _without_echo(fake)), (
            template
        )


async def test_the_same_trusts_school_admin_sees_only_their_own_school_in_lists(
    client: httpx.AsyncClient, victim: Victim
) -> None:
    headers = {"Authorization": f"Bearer {victim.tokens['other_school']}"}
    schools = await client.get("/api/v1/schools", headers=headers)
    pupils = await client.get("/api/v1/pupils", headers=headers)
    assert [s["id"] for s in schools.json()["items"]] == [str(victim.world.other_school.id)]
    assert {p["school_id"] for p in pupils.json()["items"]} == {str(victim.world.other_school.id)}


# --- GraphQL -------------------------------------------------------------------------------

QUERIES: dict[str, str] = {
    "me": "{ me { subject } }",
    "trusts": "{ trusts { id schools { id name } } }",
    "trust": "query($id: UUID!) { trust(id: $id) { id } }",
    "schools": "query($t: UUID) { schools(trustId: $t) { id } }",
    "school": "query($id: UUID!) { school(id: $id) { id pupils { id } } }",
    "pupil": "query($id: UUID!) { pupil(id: $id) { id surname } }",
    "pupils": "query($s: UUID) { pupils(schoolId: $s) { nodes { id } } }",
    "framework": "query($id: UUID!) { framework(id: $id) { id } }",
    "frameworks": "query($s: UUID) { frameworks(schoolId: $s) { nodes { id } } }",
    "module": "query($id: UUID!) { module(id: $id) { id } }",
    "modules": "query($s: UUID) { modules(schoolId: $s) { nodes { id } } }",
    "judgement": "query($id: UUID!) { judgement(id: $id) { id } }",
    "judgements": "query($p: UUID) { judgements(pupilId: $p) { nodes { id } } }",
    "target": "query($id: UUID!) { target(id: $id) { id } }",
    "targets": "query($s: UUID) { targets(schoolId: $s) { nodes { id } } }",
    "outcomeTargets": "query($p: UUID) { outcomeTargets(pupilId: $p) { nodes { id } } }",
    "destinations": "query($s: UUID) { destinations(schoolId: $s) { nodes { id } } }",
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


def _graphql_variables(name: str, victim: Victim) -> dict[str, Any]:
    ids = victim.ids
    world = victim.world
    by_field = {
        "trust": {"id": ids["trust_id"]},
        "schools": {"t": ids["trust_id"]},
        "school": {"id": ids["school_id"]},
        "pupil": {"id": ids["pupil_id"]},
        "pupils": {"s": ids["school_id"]},
        "framework": {"id": ids["framework_id"]},
        "frameworks": {"s": ids["school_id"]},
        "module": {"id": ids["module_id"]},
        "modules": {"s": ids["school_id"]},
        "judgement": {"id": ids["judgement_id"]},
        "judgements": {"p": ids["pupil_id"]},
        "target": {"id": ids["target_id"]},
        "targets": {"s": ids["school_id"]},
        "outcomeTargets": {"p": ids["pupil_id"]},
        "destinations": {"s": ids["school_id"]},
        "cohortAnalysis": {"s": ids["school_id"]},
        "missingJudgements": {"s": ids["school_id"]},
        "targetProgress": {"s": ids["school_id"]},
        "targetSuggestions": {"s": ids["school_id"]},
        "flagWorklist": {"s": ids["school_id"]},
        "attendanceSummary": {"s": ids["school_id"]},
        "passRates": {"s": ids["school_id"]},
        "measureResults": {"m": ids["measure_id"]},
        "destinationsSummary": {"s": ids["school_id"]},
        "recordJudgement": {"input": {**_judgement_body(ids, world)}},
        "correctJudgement": {
            "input": {"judgementId": ids["judgement_id"], "reason": "x", "note": "x"}
        },
        "moderateJudgement": {"input": {"judgementId": ids["judgement_id"], "state": "AGREED"}},
        "setTarget": {
            "input": {
                "pupilId": ids["pupil_id"],
                "strandId": str(world.framework.strands[0].id),
                "academicYear": "2024/25",
                "stepId": str(world.framework.steps[1].id),
            }
        },
        "changeTargetStatus": {"input": {"targetId": ids["target_id"], "status": "MET"}},
        "reviseTarget": {
            "input": {
                "targetId": ids["target_id"],
                "stepId": str(world.framework.steps[1].id),
                "reason": "x",
            }
        },
    }
    variables = by_field.get(name, {})
    if name == "recordJudgement":
        body = variables["input"]
        variables["input"] = {
            "pupilId": body["pupil_id"],
            "strandId": body["strand_id"],
            "moduleId": body["module_id"],
            "stepId": body["step_id"],
        }
    return variables


#: Root fields whose answer for the same trust's other school is legitimately not empty.
SHARED_WITH_THE_TRUST = {"trusts", "trust", "schools", "framework", "me"}


def test_every_graphql_root_field_is_in_the_matrix() -> None:
    schema = build_schema()._schema
    assert schema.query_type is not None
    assert schema.mutation_type is not None
    assert set(schema.query_type.fields) == set(QUERIES)
    assert set(schema.mutation_type.fields) == set(MUTATIONS)


@pytest.mark.parametrize("intruder", INTRUDERS)
async def test_no_graphql_field_gives_an_intruder_school_a_data(
    client: httpx.AsyncClient, victim: Victim, intruder: str
) -> None:
    failures = []
    for name, query in {**QUERIES, **MUTATIONS}.items():
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": _graphql_variables(name, victim)},
            headers={"Authorization": f"Bearer {victim.tokens[intruder]}"},
        )
        text = response.text
        leaked = [m for m in victim.markers if m in text]
        body = response.json()
        data = (body.get("data") or {}).get(name)
        codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or []}
        if name in MUTATIONS:
            refused = isinstance(data, dict) and data["__typename"] in {
                "NotFoundProblem",
                "ForbiddenProblem",
                "ValidationProblem",
            }
        elif name in SHARED_WITH_THE_TRUST and (
            intruder == "other_school" or name in ("me", "trusts")
        ):
            refused = True  # visible by design; the marker scan below still guards A's records
        else:
            refused = data is None and bool(codes & {"NOT_FOUND", "FORBIDDEN"})
        if response.status_code != 200 or not refused or leaked:
            failures.append(f"{name}: {response.status_code} leaked={leaked} {text[:200]}")
    assert failures == []

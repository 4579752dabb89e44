"""Mutations answer with the changed entity, or with the problem member that says what is wrong."""

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from tests.api.graphql_support import data, judgement, post, target
from tests.factories import World

JUDGEMENT = """
  ... on Judgement {
    id version pupilId note
    step { code } effectiveStep { code } module { name }
    moderation { state moderator }
  }
"""
TARGET = "... on Target { id version status supersedesId step { code } }"
PROBLEMS = """
  __typename
  ... on ValidationProblem { message errors { field reason code } }
  ... on NotFoundProblem { message }
  ... on ForbiddenProblem { message }
  ... on ConflictProblem { message field }
  ... on StaleVersionProblem { message expectedVersion actualVersion }
"""

#: Each mutation's input type and the selection of its success member.
MUTATIONS = {
    "recordJudgement": ("RecordJudgementInput", JUDGEMENT),
    "correctJudgement": ("CorrectJudgementInput", JUDGEMENT),
    "moderateJudgement": ("ModerateJudgementInput", JUDGEMENT),
    "setTarget": ("SetTargetInput", TARGET),
    "changeTargetStatus": ("ChangeTargetStatusInput", TARGET),
    "reviseTarget": ("ReviseTargetInput", TARGET),
}


async def mutate(
    client: httpx.AsyncClient, world: World, who: str, name: str, input: dict[str, Any]
) -> dict[str, Any]:
    """Run mutation `name` with `input`; its result (a success or a problem member)."""
    input_type, success = MUTATIONS[name]
    query = (
        f"mutation ($input: {input_type}!) {{ {name}(input: $input) {{ {PROBLEMS} {success} }} }}"
    )
    result: dict[str, Any] = (await data(client, world, who, query, {"input": input}))[name]
    return result


def recording(world: World, **changes: Any) -> dict[str, Any]:
    """A valid recordJudgement input for the first pupil, reading, term 1, step S2."""
    return {
        "pupilId": str(world.pupil.id),
        "strandId": world.reading,
        "moduleId": str(world.modules[0].id),
        "stepId": world.step("S2"),
        **changes,
    }


def setting(world: World, **changes: Any) -> dict[str, Any]:
    """A valid setTarget input for the first pupil, reading, 2023/24, step S4."""
    return {
        "pupilId": str(world.pupil.id),
        "strandId": world.reading,
        "academicYear": "2023/24",
        "stepId": world.step("S4"),
        **changes,
    }


def field_errors(result: dict[str, Any]) -> list[tuple[str, str]]:
    assert result["__typename"] == "ValidationProblem", result
    return [(e["field"], e["code"]) for e in result["errors"]]


# --- recordJudgement ------------------------------------------------------------------


async def test_record_judgement_returns_the_new_judgement_and_stores_it(
    client: httpx.AsyncClient, world: World
) -> None:
    result = await mutate(
        client, world, "teacher", "recordJudgement", recording(world, note="with prompts")
    )

    assert result["__typename"] == "Judgement"
    assert result["version"] == 1
    assert result["step"] == result["effectiveStep"] == {"code": "S2"}
    assert result["module"] == {"name": "Term 1"}
    assert result["moderation"]["state"] == "UNMODERATED"
    stored = await data(
        client,
        world,
        "teacher",
        "query ($id: UUID!) { judgement(id: $id) { note pupilId } }",
        {"id": result["id"]},
    )
    assert stored["judgement"] == {"note": "with prompts", "pupilId": str(world.pupil.id)}


async def test_an_integration_client_with_the_grant_records_judgements(
    client: httpx.AsyncClient, world: World
) -> None:
    result = await mutate(client, world, "integration", "recordJudgement", recording(world))

    assert result["__typename"] == "Judgement"


async def test_record_judgement_with_a_step_not_on_the_scale_is_a_validation_problem(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    foreign_step = other_world.step("S2")

    result = await mutate(
        client, world, "teacher", "recordJudgement", recording(world, stepId=foreign_step)
    )

    assert field_errors(result) == [("step_id", "step.scale")]
    assert "Small steps" in result["errors"][0]["reason"]


async def test_record_judgement_with_a_module_of_another_school_is_a_validation_problem(
    client: httpx.AsyncClient, world: World
) -> None:
    result = await mutate(
        client,
        world,
        "school_admin",
        "recordJudgement",
        recording(world, moduleId=str(world.other_module.id)),
    )

    assert field_errors(result) == [("module_id", "reference")]


async def test_record_judgement_for_a_pupil_the_caller_cannot_see_names_the_pupil_field(
    client: httpx.AsyncClient, world: World
) -> None:
    """A teacher of another school cannot tell the pupil exists: the reference does not resolve."""
    result = await mutate(client, world, "other_teacher", "recordJudgement", recording(world))

    assert field_errors(result) == [("pupil_id", "reference")]
    assert world.pupil.forename not in str(result)


async def test_record_judgement_twice_for_a_pupil_strand_and_module_is_a_conflict(
    client: httpx.AsyncClient, world: World
) -> None:
    existing = await judgement(world)

    result = await mutate(
        client, world, "teacher", "recordJudgement", recording(world, stepId=world.step("S3"))
    )

    assert result["__typename"] == "ConflictProblem"
    assert result["field"] == "module_id"
    assert str(existing.id) in result["message"]


async def test_an_analyst_recording_a_judgement_is_forbidden(
    client: httpx.AsyncClient, world: World
) -> None:
    result = await mutate(client, world, "trust_analyst", "recordJudgement", recording(world))

    assert result == {
        "__typename": "ForbiddenProblem",
        "message": "requires the write_assessment permission",
    }
    listed = await data(
        client,
        world,
        "trust_analyst",
        "query ($p: UUID!) { judgements(pupilId: $p) { nodes { id } } }",
        {"p": str(world.pupil.id)},
    )
    assert listed["judgements"]["nodes"] == []


# --- correctJudgement -----------------------------------------------------------------


async def test_correct_judgement_returns_the_next_version_and_keeps_history(
    client: httpx.AsyncClient, world: World
) -> None:
    recorded = await judgement(world, step="S2")

    result = await mutate(
        client,
        world,
        "teacher",
        "correctJudgement",
        {
            "judgementId": str(recorded.id),
            "expectedVersion": 1,
            "reason": "typo",
            "stepId": world.step("S3"),
            "note": "re-checked",
        },
    )

    assert result["__typename"] == "Judgement"
    assert (result["version"], result["step"], result["note"]) == (2, {"code": "S3"}, "re-checked")
    history = await data(
        client,
        world,
        "teacher",
        "query ($id: UUID!) { judgement(id: $id) { history { nodes { version reason stepId } } } }",
        {"id": str(recorded.id)},
    )
    assert history["judgement"]["history"]["nodes"] == [
        {"version": 1, "reason": "typo", "stepId": world.step("S2")}
    ]


async def test_correct_judgement_with_a_stale_expected_version_is_a_stale_version_problem(
    client: httpx.AsyncClient, world: World
) -> None:
    recorded = await judgement(world)
    correct = {"judgementId": str(recorded.id), "expectedVersion": 1, "reason": "first"}
    await mutate(client, world, "teacher", "correctJudgement", correct)

    result = await mutate(client, world, "teacher", "correctJudgement", correct)

    assert result["__typename"] == "StaleVersionProblem"
    assert (result["expectedVersion"], result["actualVersion"]) == (1, 2)


async def test_correct_judgement_of_an_unknown_id_is_not_found(
    client: httpx.AsyncClient, world: World
) -> None:
    result = await mutate(
        client,
        world,
        "teacher",
        "correctJudgement",
        {"judgementId": str(uuid.uuid4()), "expectedVersion": 1, "reason": "typo"},
    )

    assert result == {"__typename": "NotFoundProblem", "message": "judgement not found"}


async def test_correct_judgement_of_another_schools_judgement_is_not_found(
    client: httpx.AsyncClient, world: World
) -> None:
    recorded = await judgement(world)

    result = await mutate(
        client,
        world,
        "other_teacher",
        "correctJudgement",
        {
            "judgementId": str(recorded.id),
            "expectedVersion": 1,
            "reason": "vandalism",
            "stepId": world.step("S8"),
        },
    )

    assert result == {"__typename": "NotFoundProblem", "message": "judgement not found"}
    unchanged = await data(
        client,
        world,
        "teacher",
        "query ($id: UUID!) { judgement(id: $id) { version step { code } } }",
        {"id": str(recorded.id)},
    )
    assert unchanged["judgement"] == {"version": 1, "step": {"code": "S2"}}


async def test_an_analyst_correcting_a_judgement_they_can_see_is_forbidden(
    client: httpx.AsyncClient, world: World
) -> None:
    recorded = await judgement(world)

    result = await mutate(
        client,
        world,
        "trust_analyst",
        "correctJudgement",
        {
            "judgementId": str(recorded.id),
            "expectedVersion": 1,
            "reason": "looks low",
            "stepId": world.step("S5"),
        },
    )

    assert result["__typename"] == "ForbiddenProblem"


async def test_correct_judgement_without_a_reason_is_a_validation_problem(
    client: httpx.AsyncClient, world: World
) -> None:
    recorded = await judgement(world)

    result = await mutate(
        client,
        world,
        "teacher",
        "correctJudgement",
        {"judgementId": str(recorded.id), "expectedVersion": 1, "reason": " "},
    )

    assert field_errors(result) == [("reason", "required")]


# --- moderateJudgement ----------------------------------------------------------------


async def test_moderate_judgement_adjusted_changes_the_effective_step(
    client: httpx.AsyncClient, world: World
) -> None:
    recorded = await judgement(world, step="S2")

    result = await mutate(
        client,
        world,
        "school_admin",
        "moderateJudgement",
        {
            "judgementId": str(recorded.id),
            "expectedVersion": 1,
            "state": "ADJUSTED",
            "stepId": world.step("S1"),
            "moderator": "Mr Jones",
        },
    )

    assert result["__typename"] == "Judgement"
    assert result["step"] == {"code": "S2"}
    assert result["effectiveStep"] == {"code": "S1"}
    assert result["moderation"] == {"state": "ADJUSTED", "moderator": "Mr Jones"}


async def test_moderate_judgement_adjusted_without_a_step_is_a_validation_problem(
    client: httpx.AsyncClient, world: World
) -> None:
    recorded = await judgement(world)

    result = await mutate(
        client,
        world,
        "school_admin",
        "moderateJudgement",
        {"judgementId": str(recorded.id), "expectedVersion": 1, "state": "ADJUSTED"},
    )

    assert field_errors(result) == [("step_id", "required")]


async def test_moderate_judgement_adjusted_to_a_step_off_the_scale_is_a_validation_problem(
    client: httpx.AsyncClient, world: World
) -> None:
    recorded = await judgement(world)

    result = await mutate(
        client,
        world,
        "school_admin",
        "moderateJudgement",
        {
            "judgementId": str(recorded.id),
            "expectedVersion": 1,
            "state": "ADJUSTED",
            "stepId": str(uuid.uuid4()),
        },
    )

    assert field_errors(result) == [("step_id", "step.scale")]


async def test_moderate_judgement_with_a_stale_expected_version_is_a_stale_version_problem(
    client: httpx.AsyncClient, world: World
) -> None:
    recorded = await judgement(world)

    result = await mutate(
        client,
        world,
        "school_admin",
        "moderateJudgement",
        {"judgementId": str(recorded.id), "expectedVersion": 7, "state": "AGREED"},
    )

    assert result["__typename"] == "StaleVersionProblem"
    assert (result["expectedVersion"], result["actualVersion"]) == (7, 1)


async def test_moderate_judgement_of_an_unknown_id_is_not_found(
    client: httpx.AsyncClient, world: World
) -> None:
    result = await mutate(
        client,
        world,
        "school_admin",
        "moderateJudgement",
        {"judgementId": str(uuid.uuid4()), "expectedVersion": 1, "state": "AGREED"},
    )

    assert result["__typename"] == "NotFoundProblem"


async def test_an_analyst_moderating_is_forbidden(client: httpx.AsyncClient, world: World) -> None:
    recorded = await judgement(world)

    result = await mutate(
        client,
        world,
        "trust_analyst",
        "moderateJudgement",
        {"judgementId": str(recorded.id), "expectedVersion": 1, "state": "AGREED"},
    )

    assert result["__typename"] == "ForbiddenProblem"


# --- setTarget ------------------------------------------------------------------------


async def test_set_target_returns_the_active_target(
    client: httpx.AsyncClient, world: World
) -> None:
    result = await mutate(client, world, "teacher", "setTarget", setting(world))

    assert result["__typename"] == "Target"
    assert (result["status"], result["version"], result["step"]) == ("ACTIVE", 1, {"code": "S4"})


async def test_set_target_when_one_is_current_is_a_conflict(
    client: httpx.AsyncClient, world: World
) -> None:
    await target(world)

    result = await mutate(client, world, "teacher", "setTarget", setting(world))

    assert result["__typename"] == "ConflictProblem"
    assert result["field"] == "strand_id"


async def test_set_target_with_a_malformed_academic_year_is_a_validation_problem(
    client: httpx.AsyncClient, world: World
) -> None:
    result = await mutate(
        client, world, "teacher", "setTarget", setting(world, academicYear="2023")
    )

    assert field_errors(result) == [("academic_year", "academic_year")]


async def test_set_target_with_a_step_not_on_the_scale_is_a_validation_problem(
    client: httpx.AsyncClient, world: World
) -> None:
    result = await mutate(
        client, world, "teacher", "setTarget", setting(world, stepId=str(uuid.uuid4()))
    )

    assert field_errors(result) == [("step_id", "step.scale")]


async def test_an_analyst_setting_a_target_is_forbidden(
    client: httpx.AsyncClient, world: World
) -> None:
    result = await mutate(client, world, "trust_analyst", "setTarget", setting(world))

    assert result["__typename"] == "ForbiddenProblem"


# --- changeTargetStatus ---------------------------------------------------------------


async def test_change_target_status_marks_the_target_met(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await target(world)

    result = await mutate(
        client,
        world,
        "teacher",
        "changeTargetStatus",
        {"targetId": str(made.id), "status": "MET", "expectedVersion": 1, "reason": "assessed"},
    )

    assert result["__typename"] == "Target"
    assert (result["status"], result["version"]) == ("MET", 2)


async def test_change_target_status_with_a_stale_expected_version_is_a_stale_version_problem(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await target(world)

    result = await mutate(
        client,
        world,
        "teacher",
        "changeTargetStatus",
        {"targetId": str(made.id), "status": "WITHDRAWN", "expectedVersion": 3},
    )

    assert result["__typename"] == "StaleVersionProblem"
    assert (result["expectedVersion"], result["actualVersion"]) == (3, 1)


async def test_change_target_status_against_the_transitions_is_a_conflict(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await target(world)
    withdraw = {"targetId": str(made.id), "expectedVersion": 1, "status": "WITHDRAWN"}
    await mutate(client, world, "teacher", "changeTargetStatus", withdraw)

    result = await mutate(
        client,
        world,
        "teacher",
        "changeTargetStatus",
        withdraw | {"status": "MET", "expectedVersion": 2},
    )

    assert result["__typename"] == "ConflictProblem"
    assert result["field"] == "status"


async def test_change_target_status_of_another_schools_target_is_not_found(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await target(world)

    result = await mutate(
        client,
        world,
        "other_teacher",
        "changeTargetStatus",
        {"targetId": str(made.id), "expectedVersion": 1, "status": "WITHDRAWN"},
    )

    assert result == {"__typename": "NotFoundProblem", "message": "target not found"}


async def test_an_analyst_changing_a_target_status_is_forbidden(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await target(world)

    result = await mutate(
        client,
        world,
        "trust_analyst",
        "changeTargetStatus",
        {"targetId": str(made.id), "expectedVersion": 1, "status": "WITHDRAWN"},
    )

    assert result["__typename"] == "ForbiddenProblem"


# --- reviseTarget ---------------------------------------------------------------------


async def test_revise_target_returns_the_new_target_that_supersedes_the_old(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await target(world, step="S4")

    result = await mutate(
        client,
        world,
        "teacher",
        "reviseTarget",
        {
            "targetId": str(made.id),
            "stepId": world.step("S6"),
            "reason": "ahead",
            "expectedVersion": 1,
        },
    )

    assert result["__typename"] == "Target"
    assert result["supersedesId"] == str(made.id)
    assert (result["status"], result["step"]) == ("ACTIVE", {"code": "S6"})
    old = await data(
        client,
        world,
        "teacher",
        "query ($id: UUID!) { target(id: $id) { status version } }",
        {"id": str(made.id)},
    )
    assert old["target"] == {"status": "REVISED", "version": 2}


async def test_revise_target_with_a_stale_expected_version_is_a_stale_version_problem(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await target(world)
    revise = {
        "targetId": str(made.id),
        "stepId": world.step("S5"),
        "reason": "ahead",
        "expectedVersion": 1,
    }
    await mutate(client, world, "teacher", "reviseTarget", revise)

    result = await mutate(client, world, "teacher", "reviseTarget", revise)

    assert result["__typename"] == "StaleVersionProblem"
    assert (result["expectedVersion"], result["actualVersion"]) == (1, 2)


async def test_revise_target_without_a_reason_or_with_a_step_off_the_scale_is_invalid(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await target(world)
    revise = {
        "targetId": str(made.id),
        "expectedVersion": 1,
        "stepId": world.step("S5"),
        "reason": "",
    }

    no_reason = await mutate(client, world, "teacher", "reviseTarget", revise)
    off_scale = await mutate(
        client,
        world,
        "teacher",
        "reviseTarget",
        revise | {"reason": "ahead", "stepId": str(uuid.uuid4())},
    )

    assert field_errors(no_reason) == [("reason", "required")]
    assert field_errors(off_scale) == [("step_id", "step.scale")]


async def test_revise_target_of_an_unknown_id_is_not_found(
    client: httpx.AsyncClient, world: World
) -> None:
    result = await mutate(
        client,
        world,
        "teacher",
        "reviseTarget",
        {
            "targetId": str(uuid.uuid4()),
            "expectedVersion": 1,
            "stepId": world.step("S5"),
            "reason": "ahead",
        },
    )

    assert result["__typename"] == "NotFoundProblem"


async def test_an_analyst_revising_a_target_is_forbidden(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await target(world)

    result = await mutate(
        client,
        world,
        "trust_analyst",
        "reviseTarget",
        {
            "targetId": str(made.id),
            "expectedVersion": 1,
            "stepId": world.step("S5"),
            "reason": "ahead",
        },
    )

    assert result["__typename"] == "ForbiddenProblem"


# --- expectedVersion -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "input"),
    [
        ("correctJudgement", {"reason": "typo", "note": "blind"}),
        ("moderateJudgement", {"state": "AGREED"}),
        ("changeTargetStatus", {"status": "WITHDRAWN"}),
        ("reviseTarget", {"stepId": "S5", "reason": "ahead"}),
    ],
)
async def test_a_change_without_expected_version_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, world: World, name: str, input: dict[str, Any]
) -> None:
    recorded, made = await judgement(world), await target(world)
    key = {"judgementId": str(recorded.id)} if "Judgement" in name else {"targetId": str(made.id)}
    if "stepId" in input:
        input = {**input, "stepId": world.step(input["stepId"])}
    input_type, _ = MUTATIONS[name]

    body = await post(
        client,
        world,
        "school_admin",
        f"mutation ($input: {input_type}!) {{ {name}(input: $input) {{ __typename }} }}",
        {"input": {**key, **input}},
    )

    assert body["data"] is None
    (error,) = body["errors"]
    assert "expectedVersion" in error["message"]
    read = await data(
        client,
        world,
        "teacher",
        "query ($j: UUID!, $t: UUID!) { judgement(id: $j) { version } target(id: $t) { version } }",
        {"j": str(recorded.id), "t": str(made.id)},
    )
    assert (read["judgement"]["version"], read["target"]["version"]) == (1, 1)


async def test_ten_concurrent_corrections_of_one_version_keep_one_and_lose_none_silently(
    client: httpx.AsyncClient, world: World
) -> None:
    """Regression: with the version optional, 2 of 10 blind corrections overwrote another."""
    recorded = await judgement(world)
    notes = [f"correction {n}" for n in range(10)]

    results = await asyncio.gather(
        *(
            mutate(
                client,
                world,
                "teacher",
                "correctJudgement",
                {
                    "judgementId": str(recorded.id),
                    "expectedVersion": 1,
                    "reason": "re-checked",
                    "note": note,
                },
            )
            for note in notes
        )
    )

    kinds = sorted(r["__typename"] for r in results)
    assert kinds == ["Judgement"] + ["StaleVersionProblem"] * 9
    (kept,) = [r for r in results if r["__typename"] == "Judgement"]
    read = await data(
        client,
        world,
        "teacher",
        "query ($id: UUID!) { judgement(id: $id) { version note } }",
        {"id": str(recorded.id)},
    )
    assert read["judgement"] == {"version": 2, "note": kept["note"]}

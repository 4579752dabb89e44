"""Every root query field, with its nested fields, answered for a caller who may see the data."""

from datetime import date

import httpx

from domain.assessment import judgement_service as judgements
from domain.assessment.judgement import ModerationState
from domain.kernel.access import Principal
from domain.outcomes import destination_service as destinations
from domain.outcomes.destination import DestinationCategory
from domain.targets import outcome_target_service as outcomes
from domain.targets import target_service as targets
from domain.targets.target import OutcomeSource
from tests.api.graphql_support import data, judgement, step_id, target
from tests.factories import World


async def test_me_describes_the_callers_role_scope_and_permissions(
    client: httpx.AsyncClient, world: World
) -> None:
    result = await data(
        client,
        world,
        "teacher",
        "{ me { subject name role schoolIds trustIds permissions pseudonymised } }",
    )

    assert result["me"] == {
        "subject": str(world.users["teacher"].id),
        "name": "Teacher",
        "role": "teacher",
        "schoolIds": [str(world.school.id)],
        "trustIds": [str(world.trust.id)],
        "permissions": ["read_analytics", "read_roster", "write_assessment"],
        "pseudonymised": False,
    }


async def test_me_of_an_integration_client_names_the_client_and_its_granted_permissions(
    client: httpx.AsyncClient, world: World
) -> None:
    result = await data(client, world, "integration", "{ me { subject role permissions } }")

    assert result["me"] == {
        "subject": world.client_id,
        "role": "integration",
        "permissions": ["read_roster", "write_assessment"],
    }


async def test_trusts_lists_only_the_callers_trust(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    query = "{ trusts { nodes { id name kind version } } }"
    result = await data(client, world, "trust_admin", query)

    assert result["trusts"]["nodes"] == [
        {
            "id": str(world.trust.id),
            "name": world.trust.name,
            "kind": "MULTI_ACADEMY_TRUST",
            "version": 1,
        }
    ]


async def test_trust_lists_its_schools_that_the_caller_may_see(
    client: httpx.AsyncClient, world: World
) -> None:
    query = (
        "query ($id: UUID!) { trust(id: $id) { name schools { nodes { id name type trustId } } } }"
    )
    variables = {"id": str(world.trust.id)}

    as_admin = await data(client, world, "trust_admin", query, variables)
    as_teacher = await data(client, world, "teacher", query, variables)

    assert as_admin["trust"]["name"] == world.trust.name
    assert sorted(s["name"] for s in as_admin["trust"]["schools"]["nodes"]) == [
        "Milestone Special",
        "Riverside PRU",
    ]
    assert {s["trustId"] for s in as_admin["trust"]["schools"]["nodes"]} == {str(world.trust.id)}
    assert as_teacher["trust"]["schools"]["nodes"] == [
        {
            "id": str(world.school.id),
            "name": "Milestone Special",
            "type": "SPECIAL",
            "trustId": str(world.trust.id),
        }
    ]


async def test_schools_filtered_by_trust_lists_the_trusts_schools(
    client: httpx.AsyncClient, world: World
) -> None:
    result = await data(
        client,
        world,
        "trust_admin",
        "query ($trust: UUID) { schools(trustId: $trust) { nodes { id urn } } }",
        {"trust": str(world.trust.id)},
    )

    assert sorted(s["id"] for s in result["schools"]["nodes"]) == sorted(
        [str(world.school.id), str(world.other_school.id)]
    )
    urns = {s["urn"] for s in result["schools"]["nodes"]}
    assert urns == {world.school.urn, world.other_school.urn}


async def test_school_nests_pupils_with_judgements_and_their_step_strand_and_module(
    client: httpx.AsyncClient, world: World
) -> None:
    recorded = await judgement(world, pupil_index=0, step="S2", module_index=0)
    await judgements.moderate_judgement(
        world.runtime.system_uow(),
        Principal.system(),
        judgements.ModerateJudgement(
            recorded.id, recorded.version, ModerationState.ADJUSTED, step_id=step_id(world, "S3")
        ),
    )
    query = """
    query ($id: UUID!) {
      school(id: $id) {
        name
        pupils(first: 10) {
          nodes {
            forename
            surname
            yearGroup
            characteristics(first: 10) { nodes { kind value } }
            enrolments(first: 5) { nodes { joinedOn registration } }
            judgements(first: 10) {
              nodes {
                version
                step { code }
                effectiveStep { code }
                strand { name }
                module { name academicYear }
                moderation { state step { code } }
                history(first: 5) { nodes { version step: stepId moderation { state } reason } }
              }
            }
          }
        }
      }
    }
    """

    result = await data(client, world, "teacher", query, {"id": str(world.school.id)})

    school = result["school"]
    assert school["name"] == "Milestone Special"
    assert [(p["forename"], p["surname"]) for p in school["pupils"]["nodes"]] == [
        ("Amira", "Khan"),
        ("Ben", "Okafor"),
    ]
    amira, ben = school["pupils"]["nodes"]
    assert amira["yearGroup"] == "7"
    assert {c["kind"] for c in amira["characteristics"]["nodes"]} == {
        "SEN_PROVISION",
        "SEN_NEED",
        "PUPIL_PREMIUM",
    }
    assert amira["enrolments"]["nodes"] == [{"joinedOn": "2022-09-01", "registration": "SINGLE"}]
    assert amira["judgements"]["nodes"] == [
        {
            "version": 2,
            "step": {"code": "S2"},
            "effectiveStep": {"code": "S3"},
            "strand": {"name": "Reading"},
            "module": {"name": "Term 1", "academicYear": "2023/24"},
            "moderation": {"state": "ADJUSTED", "step": {"code": "S3"}},
            "history": {
                "nodes": [
                    {
                        "version": 1,
                        "step": world.step("S2"),
                        "moderation": {"state": "UNMODERATED"},
                        "reason": "moderation: adjusted",
                    }
                ]
            },
        }
    ]
    assert ben["judgements"]["nodes"] == []


async def test_school_filters_its_pupils_and_judgements_by_their_arguments(
    client: httpx.AsyncClient, world: World
) -> None:
    await judgement(world, pupil_index=0, module_index=0)
    await judgement(world, pupil_index=0, module_index=1)
    query = """
    query ($id: UUID!, $module: UUID!) {
      school(id: $id) {
        pupils(yearGroup: "7") {
          nodes { forename judgements(moduleId: $module) { nodes { module { name } } } }
        }
      }
    }
    """

    result = await data(
        client,
        world,
        "teacher",
        query,
        {"id": str(world.school.id), "module": str(world.modules[1].id)},
    )

    assert result["school"]["pupils"]["nodes"] == [
        {"forename": "Amira", "judgements": {"nodes": [{"module": {"name": "Term 2"}}]}}
    ]


async def test_school_lists_its_modules_and_the_frameworks_it_can_use(
    client: httpx.AsyncClient, world: World
) -> None:
    query = """
    query ($id: UUID!) {
      school(id: $id) {
        modules(academicYear: "2023/24") { nodes { sequence name startsOn endsOn schoolId } }
        frameworks { nodes { name trustId strands { code name position } } }
      }
    }
    """

    result = await data(client, world, "teacher", query, {"id": str(world.school.id)})

    school = result["school"]
    modules = school["modules"]["nodes"]
    assert [(m["sequence"], m["name"]) for m in modules] == [
        (1, "Term 1"),
        (2, "Term 2"),
        (3, "Term 3"),
    ]
    assert modules[0]["startsOn"] == "2023-09-04"
    assert {m["schoolId"] for m in modules} == {str(world.school.id)}
    assert school["frameworks"]["nodes"] == [
        {
            "name": "Small steps",
            "trustId": str(world.trust.id),
            "strands": [
                {"code": "READ", "name": "Reading", "position": 1},
                {"code": "MATH", "name": "Maths", "position": 2},
            ],
        }
    ]


async def test_pupil_nests_targets_with_their_step_and_history_and_its_school(
    client: httpx.AsyncClient, world: World
) -> None:
    first = await target(world, step="S4")
    revised = await targets.revise_target(
        world.runtime.system_uow(),
        Principal.system(),
        targets.ReviseTarget(first.id, first.version, step_id(world, "S5"), "flying ahead"),
    )
    query = """
    query ($id: UUID!) {
      pupil(id: $id) {
        forename
        upn
        pseudonym
        school { name }
        targets(academicYear: "2023/24") {
          nodes {
            id
            status
            supersedesId
            academicYear
            step { code }
            strand { name }
            history { nodes { status reason changedBy } }
          }
        }
      }
    }
    """

    result = await data(client, world, "teacher", query, {"id": str(world.pupil.id)})

    pupil = result["pupil"]
    assert pupil["forename"] == "Amira"
    assert pupil["upn"] == world.pupil.upn
    assert pupil["pseudonym"] is None
    assert pupil["school"] == {"name": "Milestone Special"}
    by_id = {t["id"]: t for t in pupil["targets"]["nodes"]}
    assert by_id.keys() == {str(first.id), str(revised.id)}
    old, new = by_id[str(first.id)], by_id[str(revised.id)]
    assert (old["status"], old["step"], old["supersedesId"]) == ("REVISED", {"code": "S4"}, None)
    assert (new["status"], new["step"], new["supersedesId"]) == (
        "ACTIVE",
        {"code": "S5"},
        str(first.id),
    )
    assert new["strand"] == {"name": "Reading"}
    assert new["academicYear"] == "2023/24"
    assert [(h["status"], h["reason"]) for h in new["history"]["nodes"]] == [
        ("ACTIVE", "set"),
        ("REVISED", "flying ahead"),
        ("ACTIVE", "flying ahead"),
    ]
    assert {h["changedBy"] for h in new["history"]["nodes"]} == {"system"}


async def test_pupils_connection_pages_through_with_first_and_after(
    client: httpx.AsyncClient, world: World
) -> None:
    query = """
    query ($school: UUID!, $after: String) {
      pupils(schoolId: $school, first: 1, after: $after) {
        nodes { id forename }
        pageInfo { hasNextPage endCursor }
      }
    }
    """
    variables: dict[str, str | None] = {"school": str(world.school.id), "after": None}

    first = (await data(client, world, "teacher", query, variables))["pupils"]
    second = (
        await data(
            client, world, "teacher", query, variables | {"after": first["pageInfo"]["endCursor"]}
        )
    )["pupils"]

    assert first["pageInfo"]["hasNextPage"] is True
    assert second["pageInfo"] == {"hasNextPage": False, "endCursor": None}
    assert sorted(p["id"] for p in first["nodes"] + second["nodes"]) == sorted(
        str(p.id) for p in world.pupils
    )


async def test_pupils_connection_filters_by_year_group_and_pathway(
    client: httpx.AsyncClient, world: World
) -> None:
    query = """
    query ($school: UUID!) {
      ks3: pupils(schoolId: $school, yearGroup: "9", pathway: "semi-formal") { nodes { forename } }
      none: pupils(schoolId: $school, pathway: "formal") { nodes { forename } }
    }
    """

    result = await data(client, world, "teacher", query, {"school": str(world.school.id)})

    assert result["ks3"]["nodes"] == [{"forename": "Ben"}]
    assert result["none"]["nodes"] == []


async def test_frameworks_connection_lists_strands_and_steps_and_pages(
    client: httpx.AsyncClient, world: World
) -> None:
    query = """
    query ($school: UUID!) {
      frameworks(schoolId: $school, first: 1) {
        nodes { id name version strands { name } steps { code label value } }
        pageInfo { hasNextPage endCursor }
      }
    }
    """

    result = await data(client, world, "teacher", query, {"school": str(world.school.id)})

    connection = result["frameworks"]
    assert connection["pageInfo"] == {"hasNextPage": False, "endCursor": None}
    (framework,) = connection["nodes"]
    assert framework["id"] == str(world.framework.id)
    assert framework["name"] == "Small steps"
    assert [s["name"] for s in framework["strands"]] == ["Reading", "Maths"]
    assert [s["code"] for s in framework["steps"]] == [f"S{i}" for i in range(1, 9)]
    assert framework["steps"][0] == {"code": "S1", "label": "Step 1", "value": 1.0}


async def test_framework_by_id_has_its_scale(client: httpx.AsyncClient, world: World) -> None:
    result = await data(
        client,
        world,
        "trust_analyst",
        "query ($id: UUID!) { framework(id: $id) { name schoolId steps { code } } }",
        {"id": str(world.framework.id)},
    )

    assert result["framework"]["name"] == "Small steps"
    assert result["framework"]["schoolId"] is None
    assert len(result["framework"]["steps"]) == 8


async def test_modules_connection_pages_through_a_schools_modules(
    client: httpx.AsyncClient, world: World
) -> None:
    query = """
    query ($school: UUID!, $after: String) {
      modules(schoolId: $school, academicYear: "2023/24", first: 2, after: $after) {
        nodes { id name }
        pageInfo { hasNextPage endCursor }
      }
    }
    """
    variables: dict[str, str | None] = {"school": str(world.school.id), "after": None}

    first = (await data(client, world, "teacher", query, variables))["modules"]
    rest = (
        await data(
            client, world, "teacher", query, variables | {"after": first["pageInfo"]["endCursor"]}
        )
    )["modules"]

    assert len(first["nodes"]) == 2
    assert first["pageInfo"]["hasNextPage"] is True
    assert len(rest["nodes"]) == 1
    assert rest["pageInfo"]["hasNextPage"] is False
    assert sorted(m["name"] for m in first["nodes"] + rest["nodes"]) == [
        "Term 1",
        "Term 2",
        "Term 3",
    ]


async def test_module_by_id(client: httpx.AsyncClient, world: World) -> None:
    result = await data(
        client,
        world,
        "teacher",
        "query ($id: UUID!) { module(id: $id) { name sequence academicYear version } }",
        {"id": str(world.modules[2].id)},
    )

    assert result["module"] == {
        "name": "Term 3",
        "sequence": 3,
        "academicYear": "2023/24",
        "version": 1,
    }


async def test_judgement_by_id_nests_its_step_strand_and_module(
    client: httpx.AsyncClient, world: World
) -> None:
    recorded = await judgement(world, step="S6", strand_index=1, module_index=2)
    query = """
    query ($id: UUID!) {
      judgement(id: $id) {
        pupilId kind assessor note evidence
        step { code } effectiveStep { code } strand { name } module { name }
      }
    }
    """

    result = await data(client, world, "teacher", query, {"id": str(recorded.id)})

    assert result["judgement"] == {
        "pupilId": str(world.pupil.id),
        "kind": "CHECKPOINT",
        "assessor": "Ms Patel",
        "note": "",
        "evidence": [],
        "step": {"code": "S6"},
        "effectiveStep": {"code": "S6"},
        "strand": {"name": "Maths"},
        "module": {"name": "Term 3"},
    }


async def test_judgements_connection_filters_and_pages(
    client: httpx.AsyncClient, world: World
) -> None:
    made = [await judgement(world, pupil_index=0, module_index=m) for m in range(3)]
    await judgement(world, pupil_index=1)
    query = """
    query ($pupil: UUID!, $after: String) {
      judgements(pupilId: $pupil, first: 2, after: $after) {
        nodes { id pupilId step { code } }
        pageInfo { hasNextPage endCursor }
      }
    }
    """
    variables: dict[str, str | None] = {"pupil": str(world.pupil.id), "after": None}

    first = (await data(client, world, "teacher", query, variables))["judgements"]
    rest = (
        await data(
            client, world, "teacher", query, variables | {"after": first["pageInfo"]["endCursor"]}
        )
    )["judgements"]

    assert first["pageInfo"]["hasNextPage"] is True
    assert rest["pageInfo"]["hasNextPage"] is False
    nodes = first["nodes"] + rest["nodes"]
    assert sorted(n["id"] for n in nodes) == sorted(str(j.id) for j in made)
    assert {n["pupilId"] for n in nodes} == {str(world.pupil.id)}


async def test_target_by_id_and_targets_connection(client: httpx.AsyncClient, world: World) -> None:
    reading = await target(world, pupil_index=0, strand_index=0, step="S3")
    maths = await target(world, pupil_index=0, strand_index=1, step="S4")
    query = """
    query ($id: UUID!, $pupil: UUID!) {
      target(id: $id) { id rationale setBy step { code } strand { name } }
      targets(pupilId: $pupil, academicYear: "2023/24", status: ACTIVE, first: 1) {
        nodes { id }
        pageInfo { hasNextPage endCursor }
      }
    }
    """

    result = await data(
        client, world, "teacher", query, {"id": str(maths.id), "pupil": str(world.pupil.id)}
    )
    after = result["targets"]["pageInfo"]["endCursor"]
    rest = await data(
        client,
        world,
        "teacher",
        "query ($after: String!) { targets(first: 1, after: $after) { nodes { id } } }",
        {"after": after},
    )

    assert result["target"] == {
        "id": str(maths.id),
        "rationale": "next small step",
        "setBy": "system",
        "step": {"code": "S4"},
        "strand": {"name": "Maths"},
    }
    assert result["targets"]["pageInfo"]["hasNextPage"] is True
    assert {result["targets"]["nodes"][0]["id"], rest["targets"]["nodes"][0]["id"]} == {
        str(reading.id),
        str(maths.id),
    }


async def test_outcome_targets_connection_lists_a_pupils_outcomes(
    client: httpx.AsyncClient, world: World
) -> None:
    await outcomes.set_outcome_target(
        world.runtime.system_uow(),
        Principal.system(),
        outcomes.SetOutcomeTarget(
            world.pupil.id, OutcomeSource.EHCP, "Communication", "Uses PECS to request"
        ),
    )
    query = """
    query ($pupil: UUID!) {
      outcomeTargets(pupilId: $pupil) {
        nodes { pupilId source area text status evaluations { nodes { rating } } }
        pageInfo { hasNextPage }
      }
    }
    """

    result = await data(client, world, "teacher", query, {"pupil": str(world.pupil.id)})

    assert result["outcomeTargets"] == {
        "nodes": [
            {
                "pupilId": str(world.pupil.id),
                "source": "EHCP",
                "area": "Communication",
                "text": "Uses PECS to request",
                "status": "ACTIVE",
                "evaluations": {"nodes": []},
            }
        ],
        "pageInfo": {"hasNextPage": False},
    }


async def test_destinations_connection_lists_a_schools_leavers(
    client: httpx.AsyncClient, world: World
) -> None:
    await destinations.record_destination(
        world.runtime.system_uow(),
        Principal.system(),
        destinations.RecordDestination(
            world.pupils[1].id, date(2024, 7, 19), DestinationCategory.FE_COLLEGE, provider="City"
        ),
    )
    query = """
    query ($school: UUID!) {
      destinations(schoolId: $school) {
        nodes { pupilId leftOn category provider yearGroupAtLeaving sustained }
      }
    }
    """

    result = await data(client, world, "school_admin", query, {"school": str(world.school.id)})

    assert result["destinations"]["nodes"] == [
        {
            "pupilId": str(world.pupils[1].id),
            "leftOn": "2024-07-19",
            "category": "FE_COLLEGE",
            "provider": "City",
            "yearGroupAtLeaving": "9",
            "sustained": None,
        }
    ]


async def test_targets_for_another_academic_year_are_left_out_of_a_pupils_targets(
    client: httpx.AsyncClient, world: World
) -> None:
    await target(world)
    result = await data(
        client,
        world,
        "teacher",
        "query ($id: UUID!) { pupil(id: $id)"
        ' { targets(academicYear: "2024/25") { nodes { id } } } }',
        {"id": str(world.pupil.id)},
    )

    assert result["pupil"]["targets"]["nodes"] == []

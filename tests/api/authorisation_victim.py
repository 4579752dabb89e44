"""School A's records that the authorisation matrix aims at, and a token per kind of caller.

Each caller gets a victim of its own, so an operation that succeeds (an archive, a revision)
cannot change what another caller's call finds: the order of rows and callers never matters.
"""

import secrets
import string
import uuid
from dataclasses import dataclass, field
from datetime import date

from api.runtime import Runtime
from domain.analytics import progress_model_service as progress_models
from domain.analytics.progress import ModelKind
from domain.assessment import framework_service as frameworks
from domain.assessment import judgement_service as judgements
from domain.assessment import module_service as modules
from domain.assessment.judgement import Judgement, ModerationState
from domain.identity import identity_service as identity
from domain.kernel.access import Permission, Principal, Role
from domain.kernel.calendar import AcademicYear
from domain.kernel.unset import UNSET
from domain.outcomes import destination_service as destinations
from domain.outcomes import measure_service as measures
from domain.outcomes import qualification_service as qualifications
from domain.outcomes.destination import DestinationCategory
from domain.outcomes.qualification import QualificationKind, QualificationLevel
from domain.pupils import group_service as groups
from domain.pupils import pupil_service as pupils
from domain.pupils.group import GroupKind
from domain.targets import outcome_target_service as outcomes
from domain.targets import target_service as targets
from domain.targets.target import OutcomeRating, OutcomeSource, Target, Term
from tests.factories import PASSWORD, World

#: The table's columns: who calls. `other_school` is the school admin of the other school in
#: A's own trust, `other_trust` the trust admin of an unrelated trust.
CALLERS = (
    "anonymous",
    "trust_admin",
    "trust_analyst",
    "school_admin",
    "teacher",
    "read_roster_client",
    "other_school",
    "other_trust",
)

#: Callers that may see nothing of school A: every response to them is scanned for A's markers.
INTRUDERS = ("anonymous", "other_school", "other_trust")


@dataclass
class Victim:
    """School A's records, the strings that must not reach the wrong caller, and the callers."""

    world: World
    judgement_id: uuid.UUID
    target_id: uuid.UUID
    second_target_id: uuid.UUID
    #: records GraphQL's mutations change, each still at version 1 (REST changes the others)
    graphql_ids: dict[str, uuid.UUID]
    outcome_id: uuid.UUID
    destination_id: uuid.UUID
    model_id: uuid.UUID
    second_model_id: uuid.UUID
    entry_id: uuid.UUID
    measure_id: uuid.UUID
    spare_module_id: uuid.UUID
    spare_framework_id: uuid.UUID
    #: a class of school A with a member (the victim pupil) and its teacher; a spare, empty
    #: group, so that a caller allowed to delete one succeeds rather than meets a 409
    group_id: uuid.UUID
    membership_id: uuid.UUID
    spare_group_id: uuid.UUID
    client: identity.IssuedClient
    #: a teacher of school A (not one of the callers) whose account the admins manage
    staff_id: uuid.UUID
    mis_id: str
    free_text: list[str]
    tokens: dict[str, str] = field(default_factory=dict)

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
            "second_target_id": str(self.second_target_id),
            **{f"graphql_{name}": str(key) for name, key in self.graphql_ids.items()},
            "outcome_id": str(self.outcome_id),
            "destination_id": str(self.destination_id),
            "model_id": str(self.model_id),
            "second_model_id": str(self.second_model_id),
            "entry_id": str(self.entry_id),
            "measure_id": str(self.measure_id),
            "spare_module_id": str(self.spare_module_id),
            "spare_framework_id": str(self.spare_framework_id),
            "group_id": str(self.group_id),
            "membership_id": str(self.membership_id),
            "spare_group_id": str(self.spare_group_id),
            "resource": "pupils",  # GET /exports/{resource}
            "client_key": str(self.client.client.id),
            "user_id": str(self.staff_id),
        }

    @property
    def markers(self) -> list[str]:
        """Values only school A's data contains: no intruder may ever see one."""
        w = self.world
        found = [m for p in w.pupils for m in (str(p.id), p.upn or "", p.forename, p.surname)]
        found += [
            str(self.judgement_id),
            str(self.target_id),
            str(self.second_target_id),
            str(self.outcome_id),
            str(self.destination_id),
            str(self.group_id),
            str(self.membership_id),
        ]
        found += [str(w.school.id), str(w.modules[0].id), w.school.urn]
        found += [str(self.client.client.id), self.client.client.client_id, self.client.secret]
        found += [str(self.staff_id)]
        found += [self.mis_id, *self.free_text]
        return [m for m in found if m]

    @property
    def personal(self) -> list[str]:
        """What a pseudonymised caller (trust analyst) must never see: names, UPNs, dates of
        birth, MIS ids and free text written about a pupil."""
        found: list[str] = [self.mis_id, *self.free_text]
        for p in self.world.pupils:
            found += [p.forename, p.surname, p.upn or "", p.date_of_birth.isoformat()]
        return [m for m in found if m]


async def _judgement(runtime: Runtime, world: World, module: int) -> Judgement:
    """A judgement of the second pupil on the second strand at module `module`, version 1."""
    return await judgements.record_judgement(
        runtime.system_uow(),
        Principal.system(),
        judgements.RecordJudgement(
            world.pupils[1].id,
            world.framework.strands[1].id,
            world.modules[module].id,
            world.framework.steps[2].id,
        ),
    )


async def _target(runtime: Runtime, world: World, year: int) -> Target:
    """A target of the second pupil on the first strand for `year`, version 1."""
    return await targets.set_target(
        runtime.system_uow(),
        Principal.system(),
        targets.SetTarget(
            world.pupils[1].id,
            world.framework.strands[0].id,
            AcademicYear(year),
            world.framework.steps[4].id,
        ),
    )


def _letters() -> str:
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))


async def build_victim(runtime: Runtime, stranger: World) -> Victim:
    """A fresh trust (World) with one record of every kind in school A."""
    world = await World.build(runtime)
    system = Principal.system()
    uow = runtime.system_uow
    word = secrets.token_hex(4)
    note, corrected_note = f"Note-{word}", f"Corrected-{word}"
    rationale, outcome_text = f"Rationale-{word}", f"Outcome-{word}"
    mis_id = f"MIS-{word}"
    # free text that can name a pupil, in every field that holds some (issue 13: a moderator
    # field "talked to Zyxfore's mum" came back whole to an analyst)
    assessor, moderator = f"Assessor-{word}", f"Moderator-{word}"
    evidence, correction = f"https://evidence.example/{word}", f"Correction-{word}"
    revision, provider = f"Revision-{word}", f"Provider-{word}"
    evaluation_note = f"Evaluation-{word}"
    # names no other text could contain by chance (a cursor, a pseudonym), so a scan is exact
    world.pupils = [
        await pupils.update_pupil(
            uow(),
            system,
            pupils.UpdatePupil(
                p.id,
                None,
                forename=f"{p.forename}{_letters()}",
                surname=f"{p.surname}{_letters()}",
                mis_id=mis_id if p.id == world.pupil.id else UNSET,
            ),
        )
        for p in world.pupils
    ]
    judgement = await judgements.record_judgement(
        uow(),
        system,
        judgements.RecordJudgement(
            world.pupil.id,
            world.framework.strands[0].id,
            world.modules[0].id,
            world.framework.steps[2].id,
            assessed_on=date(2023, 10, 1),
            assessor=assessor,
            note=note,
            evidence=[evidence],
        ),
    )
    # corrected once, so its history holds a note and a reason too, then moderated
    corrected = await judgements.correct_judgement(
        uow(),
        system,
        judgements.CorrectJudgement(judgement.id, None, correction, note=corrected_note),
    )
    await judgements.moderate_judgement(
        uow(),
        system,
        judgements.ModerateJudgement(
            judgement.id, corrected.version, ModerationState.AGREED, moderator=moderator
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
            rationale=rationale,
        ),
    )
    # REST revises the first target; GraphQL's mutations change this one
    second_target = await targets.set_target(
        uow(),
        system,
        targets.SetTarget(
            world.pupil.id,
            world.framework.strands[1].id,
            AcademicYear(2023),
            world.framework.steps[4].id,
        ),
    )
    # revised, so the target's history holds a reason; REST's calls aim at the successor
    target = await targets.revise_target(
        uow(),
        system,
        targets.ReviseTarget(target.id, target.version, world.framework.steps[5].id, revision),
    )
    graphql_ids = {
        "correct_judgement": (await _judgement(runtime, world, 1)).id,
        "moderate_judgement": (await _judgement(runtime, world, 2)).id,
        "change_target_status": (await _target(runtime, world, 2023)).id,
        "revise_target": (await _target(runtime, world, 2024)).id,
    }
    outcome = await outcomes.set_outcome_target(
        uow(),
        system,
        outcomes.SetOutcomeTarget(
            world.pupil.id, OutcomeSource.EHCP, "Communication", outcome_text
        ),
    )
    await outcomes.evaluate_outcome(
        uow(),
        system,
        outcomes.EvaluateOutcome(
            outcome.id, AcademicYear(2023), Term.AUTUMN, OutcomeRating.PARTLY_MET, evaluation_note
        ),
    )
    destination = await destinations.record_destination(
        uow(),
        system,
        destinations.RecordDestination(
            world.pupils[1].id, date(2024, 7, 19), DestinationCategory.FE_COLLEGE, provider=provider
        ),
    )
    model = await progress_models.create_model(
        uow(),
        system,
        progress_models.CreateModel(
            world.framework.id,
            # a percentile model, the kind that has reference data to rebuild
            progress_models.ModelSpec("Similar learners", ModelKind.PERCENTILE, min_peers=5),
        ),
    )
    # REST rebuilds the first model's reference data and revises this one (each makes a new
    # version, after which the old one is 409 for the other)
    second_model = await progress_models.create_model(
        uow(),
        system,
        progress_models.CreateModel(
            world.framework.id,
            progress_models.ModelSpec("Similar learners", ModelKind.PERCENTILE, min_peers=5),
            pathway="formal",
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
    # unused, so that a caller allowed to delete one succeeds rather than meets a 409
    spare_module = await modules.create_module(
        uow(),
        system,
        modules.CreateModule(
            world.school.id, AcademicYear(2026), 1, "Spare", date(2026, 9, 1), date(2026, 10, 1)
        ),
    )
    spare_framework = await frameworks.create_framework(
        uow(),
        system,
        frameworks.CreateFramework(
            name="Spare",
            school_id=world.school.id,
            strands=[frameworks.StrandSpec("X", "X")],
            steps=[frameworks.StepSpec("1", "1", 1.0), frameworks.StepSpec("2", "2", 2.0)],
        ),
    )
    client = await identity.create_client(
        uow(),
        system,
        identity.CreateClient(
            "Victim MIS",
            frozenset({Permission.READ_ROSTER}),
            school_ids=frozenset({world.school.id}),
        ),
        runtime.hasher,
    )
    neighbour = await identity.create_user(
        uow(),
        system,
        identity.CreateUser(
            email=f"neighbour.{uuid.uuid4().hex[:8]}@stepwise.test",
            name="Neighbour Admin",
            role=Role.SCHOOL_ADMIN,
            password=PASSWORD,
            school_ids=frozenset({world.other_school.id}),
        ),
        runtime.hasher,
    )
    staff = await identity.create_user(
        uow(),
        system,
        identity.CreateUser(
            email=f"staff.{uuid.uuid4().hex[:8]}@stepwise.test",
            name="Victim Teacher",
            role=Role.TEACHER,
            password=PASSWORD,
            school_ids=frozenset({world.school.id}),
        ),
        runtime.hasher,
    )
    group = await groups.create_group(
        uow(),
        system,
        groups.CreateGroup(
            world.school.id, "Oak", GroupKind.CLASS, "2023/24", frozenset({staff.id})
        ),
    )
    membership = await groups.add_member(
        uow(),
        system,
        # ended, so that POST /group-memberships may put the pupil back in from January
        groups.AddMember(group.id, world.pupil.id, date(2023, 9, 4), date(2023, 12, 20)),
    )
    spare_group = await groups.create_group(
        uow(), system, groups.CreateGroup(world.school.id, "Spare", GroupKind.TEACHING, "2023/24")
    )
    victim = Victim(
        world,
        judgement.id,
        target.id,
        second_target.id,
        graphql_ids,
        outcome.id,
        destination.id,
        model.id,
        second_model.id,
        entry.id,
        measure.id,
        spare_module.id,
        spare_framework.id,
        group.id,
        membership.id,
        spare_group.id,
        client,
        staff.id,
        mis_id,
        [
            *(note, corrected_note, rationale, outcome_text, assessor, moderator, evidence),
            *(correction, revision, provider, evaluation_note),
        ],
    )
    issue = runtime.tokens.issue
    victim.tokens = {
        **{who: world.tokens[who] for who in CALLERS if who in world.tokens},
        "read_roster_client": issue(client.client.client_id, "client", "integration"),
        "other_school": issue(str(neighbour.id), "user", Role.SCHOOL_ADMIN.value),
        "other_trust": stranger.tokens["trust_admin"],
    }
    return victim

"""`stepwise demo`: the seed documents' figures, realistic judgements and targets, and a
second run that changes nothing."""

import random
import uuid
from collections import Counter
from datetime import date

from sqlalchemy import func, select
from sqlmodel import col
from typer.testing import Result

from api.identity.passwords import Argon2PasswordHasher
from cli.demo.accounts import ACCOUNTS
from cli.demo.register import Register
from cli.demo.roll import SpecialRoll
from cli.demo.schools import MILESTONE, RIVERSIDE, TRUST_NAME
from domain.analytics.progress_service import (
    CohortReport,
    CohortRequest,
    cohort_analysis,
    latest_point,
)
from domain.assessment.judgement import JudgementKind
from domain.identity.identity_service import authenticate_user
from domain.kernel.access import Principal
from domain.kernel.calendar import AcademicYear
from domain.kernel.paging import PageRequest
from domain.outcomes.destination import Destination, DestinationCategory
from domain.outcomes.destination_service import list_destinations
from domain.outcomes.ports import DestinationFilter
from domain.targets.ports import TargetFilter
from domain.targets.target import TargetStatus
from domain.targets.target_service import list_targets, target_history
from persistence.assessment.tables import JudgementRevisionRow, JudgementRow, ModuleRow
from persistence.database import Database
from persistence.organisation.tables import SchoolRow, TrustRow
from persistence.pupils.tables import EnrolmentRow, PupilRow
from persistence.scope import Scope
from persistence.targets.tables import OutcomeTargetRow, TargetRow
from persistence.unit_of_work import SqlUnitOfWork
from tests.cli.conftest import Stepwise, read

SYSTEM = Principal.system()
LAST_YEAR = AcademicYear.containing(date.today()).previous()  # noqa: DTZ011 - as the demo does


async def _demo_schools(db: Database) -> dict[str, uuid.UUID]:
    """The demo trust's schools by URN (the session database holds other tests' schools too)."""
    async with db.engine.connect() as connection:
        rows = await connection.execute(
            select(col(SchoolRow.urn), col(SchoolRow.id))
            .join(TrustRow, col(TrustRow.id) == col(SchoolRow.trust_id))
            .where(col(TrustRow.name) == TRUST_NAME)
        )
        return {row[0]: row[1] for row in rows}


async def _leavers(db: Database, urn: str, year_group: str) -> list[Destination]:
    school_id = (await _demo_schools(db))[urn]
    wanted = DestinationFilter(
        school_id=school_id,
        year_group_at_leaving=year_group,
        left_from=LAST_YEAR.starts_on,
        left_to=LAST_YEAR.ends_on,
    )
    uow = db.unit_of_work(Scope.unrestricted())
    return (await list_destinations(uow, SYSTEM, wanted, PageRequest(500))).items


def test_demo_prints_what_it_wrote_and_every_sign_in(demo: Result) -> None:
    assert f"Loaded {TRUST_NAME}" in demo.output
    assert "judgements" in demo.output
    for account in ACCOUNTS:
        assert account.email in demo.output
        assert account.password in demo.output
    assert "client_secret:" in demo.output


def test_milestone_year_14_destinations_are_the_seeds_10_3_2(
    demo: Result, database_url: str
) -> None:
    leavers = read(database_url, lambda db: _leavers(db, MILESTONE.urn, "14"))

    counts = Counter(d.category for d in leavers)
    assert counts == {
        DestinationCategory.INDEPENDENT_SPECIALIST_COLLEGE: 10,
        DestinationCategory.FE_COLLEGE: 3,
        DestinationCategory.SOCIAL_CARE_PROVISION: 2,
    }
    shares = sorted(round(100 * n / len(leavers), 1) for n in counts.values())
    assert shares == [13.3, 20.0, 66.7]
    assert {d.left_on.month for d in leavers} == {7}


def test_riverside_year_11_leavers_are_nine_of_ten_eet(demo: Result, database_url: str) -> None:
    leavers = read(database_url, lambda db: _leavers(db, RIVERSIDE.urn, "11"))

    assert len(leavers) == 10
    assert sum(1 for d in leavers if d.eet) == 9
    assert {d.left_on.month for d in leavers} == {7}


async def _milestone_cohort(db: Database) -> CohortReport:
    school_id = (await _demo_schools(db))[MILESTONE.urn]
    uow = SqlUnitOfWork(db.sessions, Scope.unrestricted())
    async with SqlUnitOfWork(db.sessions, Scope.unrestricted()) as lookup:
        point = await latest_point(lookup, school_id)
    return await cohort_analysis(uow, SYSTEM, CohortRequest(point, school_id=school_id))


def test_the_demos_progress_models_give_the_engine_bands_to_report(
    demo: Result, database_url: str
) -> None:
    report = read(database_url, _milestone_cohort)

    cohort = report.this_year.cohort
    assert cohort.percentages is not None, "no expected-progress model applied"
    assert 0 < cohort.percentages.expected_or_better < 100
    assert cohort.counts.measured > 100


def test_a_second_run_finds_the_trust_and_writes_nothing(
    demo: Result, stepwise: Stepwise, database_url: str
) -> None:
    tables = (PupilRow, EnrolmentRow, ModuleRow, JudgementRow, TargetRow, OutcomeTargetRow)

    async def counts(db: Database) -> list[int]:
        ids = list((await _demo_schools(db)).values())
        async with db.engine.connect() as connection:
            return [
                (
                    await connection.execute(
                        select(func.count()).select_from(t).where(col(t.school_id).in_(ids))
                    )
                ).scalar_one()
                for t in tables
            ]

    before = read(database_url, counts)
    again = stepwise("demo")

    assert again.exit_code == 0, again.output
    assert "already loaded" in again.output
    assert read(database_url, counts) == before
    assert all(before)


def test_reset_on_a_loaded_demo_refuses_and_says_how_to_start_again(
    demo: Result, stepwise: Stepwise
) -> None:
    result = stepwise("demo", "--reset")

    assert result.exit_code == 1
    assert "does not delete" in result.output
    assert "DATABASE_URL" in result.output
    assert "Traceback" not in result.output


def test_judgements_start_with_a_baseline_and_are_never_in_the_future(
    demo: Result, database_url: str
) -> None:
    async def judgements(db: Database) -> list[tuple[uuid.UUID, uuid.UUID, str, date]]:
        ids = list((await _demo_schools(db)).values())
        async with db.engine.connect() as connection:
            rows = await connection.execute(
                select(
                    col(JudgementRow.pupil_id),
                    col(JudgementRow.strand_id),
                    col(JudgementRow.kind),
                    col(JudgementRow.assessed_on),
                )
                .join(ModuleRow, col(ModuleRow.id) == col(JudgementRow.module_id))
                .where(col(JudgementRow.school_id).in_(ids))
                .order_by(col(ModuleRow.starts_on))
            )
            return [(p, s, k, d) for p, s, k, d in rows]

    rows = read(database_url, judgements)
    first_kinds: dict[tuple[uuid.UUID, uuid.UUID], str] = {}
    for pupil_id, strand_id, kind, _ in rows:
        first_kinds.setdefault((pupil_id, strand_id), kind)

    assert len(rows) > 3000
    assert max(day for *_, day in rows) <= date.today()  # noqa: DTZ011 - the demo's today
    assert set(first_kinds.values()) == {JudgementKind.BASELINE.value}
    assert {kind for _, _, kind, _ in rows} == {k.value for k in JudgementKind}


def test_some_judgements_were_moderated_or_corrected_with_history(
    demo: Result, database_url: str
) -> None:
    async def reasons(db: Database) -> Counter[str]:
        async with db.engine.connect() as connection:
            found = await connection.execute(select(col(JudgementRevisionRow.reason)))
            return Counter(
                "correction" if not r.startswith("moderation") else r for r in found.scalars()
            )

    found = read(database_url, reasons)
    assert found["moderation: agreed"] > found["moderation: adjusted"] > 0
    assert found["correction"] > 0


def test_targets_show_every_status_and_revisions_keep_their_history(
    demo: Result, database_url: str
) -> None:
    async def revised_history(db: Database) -> tuple[set[TargetStatus], list[str]]:
        school_id = (await _demo_schools(db))[MILESTONE.urn]

        def uow() -> SqlUnitOfWork:
            return db.unit_of_work(Scope.unrestricted())

        everything = await list_targets(
            uow(), SYSTEM, TargetFilter(school_id=school_id), PageRequest(500)
        )
        revised = await list_targets(
            uow(),
            SYSTEM,
            TargetFilter(school_id=school_id, status=TargetStatus.REVISED),
            PageRequest(1),
        )
        history = await target_history(uow(), SYSTEM, revised.items[0].id)
        return {t.status for t in everything.items}, [entry.reason for entry in history]

    statuses, reasons = read(database_url, revised_history)
    assert {TargetStatus.ACTIVE, TargetStatus.MET, TargetStatus.REVISED} <= statuses
    assert reasons[0] == "set"
    assert len(reasons) >= 3
    assert any("raised" in r or "Revised" in r for r in reasons)


def test_every_demo_account_signs_in_with_its_printed_password(
    demo: Result, database_url: str
) -> None:
    async def sign_in_all(db: Database) -> list[str]:
        hasher = Argon2PasswordHasher()
        return [
            (
                await authenticate_user(
                    db.unit_of_work(Scope.unrestricted()), a.email, a.password, hasher, "test"
                )
            ).email
            for a in ACCOUNTS
        ]

    assert read(database_url, sign_in_all) == [a.email for a in ACCOUNTS]


def test_the_same_day_gives_the_same_roll() -> None:
    def roll() -> list[tuple[str, str, str, str]]:
        rng = random.Random("same-seed")
        plans = SpecialRoll(rng, Register(rng), date(2026, 11, 23)).milestone()
        return [(p.forename, p.surname, p.upn, p.year_group) for p in plans]

    first = roll()
    assert first == roll()
    assert len({upn for *_, upn, _ in first}) == len(first)

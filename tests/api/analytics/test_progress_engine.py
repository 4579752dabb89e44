"""The progress engine in SQL, at its boundaries, and in agreement with domain.progress.band_for."""

import random
from datetime import date, timedelta

import pytest

from api.runtime import Runtime
from domain.analytics import progress_model_service as progress_models
from domain.analytics.progress import (
    AssessmentPoint,
    Band,
    KeyStage,
    ProgressFact,
    ProgressModel,
    RateRule,
    Thresholds,
    band_for,
)
from domain.assessment import judgement_service as judgements
from domain.assessment.judgement import JudgementKind, ModerationState
from domain.kernel.calendar import AcademicYear
from domain.pupils.pupil import Enrolment, Pupil
from persistence.scope import Scope
from tests.api.progress_support import SYSTEM, Tracker

FOUR_YEARS = AcademicYear(
    2019
)  # baseline 2019-09-05 -> latest 2023-09-05 is 1461 days = 4 x 365.25


async def facts_of(
    tracker: Tracker, point: AssessmentPoint, pupil: Pupil | None = None
) -> list[ProgressFact]:
    async with tracker.runtime.database.unit_of_work(Scope.unrestricted()) as uow:
        return await uow.progress.facts(
            point, [tracker.school.id], 2026, pupil_id=pupil.id if pupil else None
        )


async def band_after(tracker: Tracker, gain: int, latest_on: date) -> ProgressFact:
    pupil = await tracker.pupil(joined_on=date(2019, 9, 1), year_group="9")
    await tracker.judge(pupil, "ENG", "2019/20", 1, 5, date(2019, 9, 5), JudgementKind.BASELINE)
    await tracker.judge(pupil, "ENG", "2023/24", 1, 5 + gain, latest_on)
    [fact] = await facts_of(tracker, AssessmentPoint("2023/24", 1), pupil)
    return fact


@pytest.fixture
async def half_a_step_a_year(runtime: Runtime) -> Tracker:
    """Expected gain over exactly four years on roll: 0.5 x 4 = 2.0 steps."""
    tracker = await Tracker.build(runtime, rate=0.5)
    await tracker.add_year(FOUR_YEARS)
    return tracker


@pytest.mark.parametrize(
    ("gain", "band"),
    [
        (-1, Band.BELOW_EXPECTED),
        (1, Band.BELOW_EXPECTED),
        (2, Band.EXPECTED),  # 2 / 2.0 = 1.0: expected starts here
        (3, Band.ABOVE_EXPECTED),  # 1.5
        (4, Band.ACCELERATED),  # 2.0
        (9, Band.ACCELERATED),
    ],
)
async def test_a_band_starts_exactly_at_its_threshold(
    half_a_step_a_year: Tracker, gain: int, band: Band
) -> None:
    fact = await band_after(half_a_step_a_year, gain, date(2023, 9, 5))
    assert (fact.days_on_roll, fact.expected_gain) == (1461, 2.0)
    assert fact.band is band


@pytest.mark.parametrize(
    ("gain", "band"),
    [(2, Band.BELOW_EXPECTED), (3, Band.EXPECTED), (4, Band.ABOVE_EXPECTED)],
)
async def test_one_more_day_on_roll_puts_each_boundary_gain_just_below_it(
    half_a_step_a_year: Tracker, gain: int, band: Band
) -> None:
    fact = await band_after(half_a_step_a_year, gain, date(2023, 9, 6))
    assert fact.days_on_roll == 1462
    assert fact.expected_gain is not None
    assert fact.expected_gain > 2.0
    assert fact.band is band


@pytest.mark.parametrize(
    ("counts_as_expected", "gain", "band"),
    [
        (True, 0, Band.EXPECTED),
        (False, 0, Band.BELOW_EXPECTED),
        (True, -1, Band.BELOW_EXPECTED),
        (True, 1, Band.ABOVE_EXPECTED),
    ],
)
async def test_where_maintenance_is_expected_holding_steady_counts_as_the_model_says(
    runtime: Runtime, counts_as_expected: bool, gain: int, band: Band
) -> None:
    tracker = await Tracker.build(runtime, rate=0.0)
    [model] = await list_models(tracker)
    await progress_models.revise_model(
        runtime.system_uow(),
        SYSTEM,
        model.id,
        progress_models.ModelSpec(
            "Maintenance",
            rules=(RateRule(0, 100, 0.0),),
            thresholds=Thresholds(maintenance_counts_as_expected=counts_as_expected),
        ),
    )
    pupil = await tracker.pupil()
    await tracker.progress(pupil, "ENG", "2023/24", gain, baseline_value=5)
    [fact] = await facts_of(tracker, AssessmentPoint("2023/24", 6), pupil)
    assert (fact.expected_gain, fact.band, fact.model_label) == (0.0, band, "Maintenance v2")


async def list_models(tracker: Tracker) -> list[ProgressModel]:
    return await progress_models.list_models(
        tracker.runtime.system_uow(), SYSTEM, tracker.framework.id
    )


async def test_sql_bands_agree_with_the_domain_rule_for_varied_gains_and_times(
    runtime: Runtime,
) -> None:
    tracker = await Tracker.build(runtime, rate=2.5)
    rng = random.Random(17)
    for _ in range(40):
        pupil = await tracker.pupil(
            joined_on=date(2023, 9, 1) + timedelta(days=rng.randint(0, 200))
        )
        start = max(date(2023, 9, 4), pupil.enrolments[0].joined_on)
        module = next(seq for seq in range(1, 7) if tracker.module("2023/24", seq).ends_on >= start)
        baseline_on = max(start, tracker.module("2023/24", module).starts_on)
        baseline = rng.randint(3, 20)
        await tracker.judge(
            pupil, "ENG", "2023/24", module, baseline, baseline_on, JudgementKind.BASELINE
        )
        await tracker.judge(
            pupil, "ENG", "2023/24", 6, baseline + rng.randint(-2, 6), date(2024, 7, 1)
        )
    facts = await facts_of(tracker, AssessmentPoint("2023/24", 6))
    assert len(facts) == 40
    bands = {f.band for f in facts}
    assert len(bands) >= 3, "the data should span several bands"
    for fact in facts:
        assert fact.band is band_for(fact.gain, fact.expected_gain, Thresholds()), fact


async def test_without_a_baseline_or_a_model_progress_is_insufficient_data(
    runtime: Runtime,
) -> None:
    tracker = await Tracker.build(runtime, strands=("ENG", "ART"))
    only_latest = await tracker.pupil()
    await tracker.judge(only_latest, "ENG", "2023/24", 6, 7, date(2024, 7, 1))
    [fact] = await facts_of(tracker, AssessmentPoint("2023/24", 6), only_latest)
    assert (fact.baseline_step_id, fact.gain, fact.band) == (None, None, Band.INSUFFICIENT_DATA)


async def test_time_on_roll_leaves_out_the_weeks_between_two_enrolments(runtime: Runtime) -> None:
    """A PRU pupil who left in November and came back in February is pro-rated for 2 stays."""
    tracker = await Tracker.build(runtime)
    pupil = await tracker.pupil(
        enrolments=[Enrolment(date(2023, 9, 4), date(2023, 11, 30)), Enrolment(date(2024, 2, 1))]
    )
    await tracker.progress(pupil, "ENG", "2023/24", 3)
    [fact] = await facts_of(tracker, AssessmentPoint("2023/24", 6), pupil)
    on_roll = (date(2023, 11, 30) - date(2023, 9, 15)).days + (
        date(2024, 7, 10) - date(2024, 2, 1)
    ).days
    assert fact.days_on_roll == on_roll
    assert fact.expected_gain == pytest.approx(3.0 * on_roll / 365.25)


async def test_without_a_baseline_judgement_the_first_judgement_since_joining_is_the_baseline(
    runtime: Runtime,
) -> None:
    tracker = await Tracker.build(runtime)
    pupil = await tracker.pupil(joined_on=date(2024, 1, 8))
    await tracker.judge(pupil, "ENG", "2023/24", 3, 4, date(2024, 1, 20))
    await tracker.judge(pupil, "ENG", "2023/24", 4, 5, date(2024, 3, 1))
    await tracker.judge(pupil, "ENG", "2023/24", 6, 8, date(2024, 7, 1))
    [fact] = await facts_of(tracker, AssessmentPoint("2023/24", 6), pupil)
    assert (fact.baseline_value, fact.baseline_on, fact.gain) == (4.0, date(2024, 1, 20), 4.0)


async def test_an_adjusted_moderation_counts_at_the_moderated_step(runtime: Runtime) -> None:
    tracker = await Tracker.build(runtime)
    pupil = await tracker.pupil()
    await tracker.progress(pupil, "ENG", "2023/24", 6)
    async with runtime.system_uow() as uow:
        latest = await uow.judgements.find(
            pupil.id, tracker.strand("ENG"), tracker.module("2023/24", 6).id
        )
    assert latest is not None
    await judgements.moderate_judgement(
        runtime.system_uow(),
        SYSTEM,
        judgements.ModerateJudgement(
            latest.id, None, ModerationState.ADJUSTED, tracker.step(5), "Moderator"
        ),
    )
    [fact] = await facts_of(tracker, AssessmentPoint("2023/24", 6), pupil)
    assert (fact.latest_value, fact.gain) == (5.0, 3.0)


async def test_a_pathway_model_beats_the_general_one_and_a_key_stage_rule_beats_any_stage(
    runtime: Runtime,
) -> None:
    tracker = await Tracker.build(runtime, rate=3.0)
    await progress_models.create_model(
        runtime.system_uow(),
        SYSTEM,
        progress_models.CreateModel(
            tracker.framework.id,
            progress_models.ModelSpec(
                "Pre-formal",
                rules=(RateRule(0, 100, 1.0), RateRule(0, 100, 0.5, KeyStage.KS3)),
            ),
            pathway="pre-formal",
        ),
    )
    # year groups are stored as they are now (2026/27): Year 11 now was Year 8 in 2023/24
    general = await tracker.pupil(year_group="11")
    pre_formal = await tracker.pupil(year_group="11")
    async with runtime.system_uow() as uow:
        loaded = await uow.pupils.get(pre_formal.id)
        assert loaded is not None
        loaded.pathway = "pre-formal"
        loaded.version += 1
        await uow.pupils.update(loaded, 1)
        await uow.commit()
    for pupil in (general, pre_formal):
        await tracker.progress(pupil, "ENG", "2023/24", 1)
    facts = {f.pupil_id: f for f in await facts_of(tracker, AssessmentPoint("2023/24", 6))}
    assert facts[general.id].model_label == "Three a year v1"
    assert facts[pre_formal.id].model_label == "Pre-formal v1"
    # Year 8 at the 2023/24 baseline is key stage 3: the KS3 rule (0.5/yr), not any-stage 1.0
    assert facts[pre_formal.id].expected_gain == pytest.approx(0.5 * 299 / 365.25)
    assert facts[pre_formal.id].band is Band.ACCELERATED

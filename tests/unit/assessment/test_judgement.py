"""Judgements: the effective step, corrections, moderation, snapshots and evidence."""

import uuid
from datetime import UTC, date, datetime

import pytest

from domain.assessment.judgement import Judgement, JudgementKind, Moderation, ModerationState

TODAY = date(2024, 3, 15)
NOW = datetime(2024, 3, 15, 10, 30, tzinfo=UTC)
STEP, OTHER_STEP, MODERATED_STEP = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def make(**overrides: object) -> Judgement:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "school_id": uuid.uuid4(),
        "pupil_id": uuid.uuid4(),
        "strand_id": uuid.uuid4(),
        "module_id": uuid.uuid4(),
        "step_id": STEP,
        "kind": JudgementKind.CHECKPOINT,
        "assessed_on": date(2024, 3, 1),
        "assessor": "Tom Teacher",
        "recorded_by": "teacher-1",
        "recorded_at": NOW,
    }
    fields.update(overrides)
    return Judgement(**fields)  # type: ignore[arg-type]


def codes(judgement: Judgement) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in judgement.problems(TODAY)]


def correct(
    judgement: Judgement,
    *,
    step_id: uuid.UUID | None = None,
    kind: JudgementKind | None = None,
    note: str | None = None,
    evidence: list[str] | None = None,
) -> None:
    judgement.correct(
        step_id=step_id, kind=kind, assessed_on=None, assessor=None, note=note, evidence=evidence
    )


def test_effective_step_is_the_teachers_step_until_moderation_adjusts_it() -> None:
    judgement = make()
    assert judgement.effective_step_id == STEP
    judgement.moderate(ModerationState.AGREED, None, "Mo Moderator", TODAY)
    assert judgement.effective_step_id == STEP
    judgement.moderate(ModerationState.ADJUSTED, MODERATED_STEP, "Mo Moderator", TODAY)
    assert judgement.effective_step_id == MODERATED_STEP
    assert judgement.step_id == STEP  # the teacher's judgement is kept


def test_agreed_moderation_does_not_keep_a_step() -> None:
    judgement = make()
    judgement.moderate(ModerationState.AGREED, MODERATED_STEP, "Mo Moderator", TODAY)
    assert judgement.moderation == Moderation(ModerationState.AGREED, None, "Mo Moderator", TODAY)
    assert judgement.effective_step_id == STEP
    assert judgement.version == 2


def test_correcting_the_step_resets_moderation() -> None:
    judgement = make()
    judgement.moderate(ModerationState.ADJUSTED, MODERATED_STEP, "Mo Moderator", TODAY)
    correct(judgement, step_id=OTHER_STEP)
    assert judgement.step_id == OTHER_STEP
    assert judgement.moderation == Moderation()
    assert judgement.effective_step_id == OTHER_STEP
    assert judgement.version == 3


def test_correcting_other_fields_keeps_moderation() -> None:
    judgement = make()
    judgement.moderate(ModerationState.AGREED, None, "Mo Moderator", TODAY)
    correct(judgement, step_id=STEP, note="typo fixed")
    assert judgement.moderation.state is ModerationState.AGREED
    assert judgement.note == "typo fixed"


def test_correct_leaves_fields_that_are_not_given_alone() -> None:
    judgement = make(note="first", evidence=["https://evidence.example/1"])
    correct(judgement, kind=JudgementKind.EXIT, evidence=[])
    assert judgement.kind is JudgementKind.EXIT
    assert judgement.evidence == []
    assert judgement.note == "first"
    assert judgement.assessor == "Tom Teacher"
    assert judgement.assessed_on == date(2024, 3, 1)


def test_snapshot_keeps_the_state_before_a_change() -> None:
    judgement = make(note="before")
    judgement.moderate(ModerationState.ADJUSTED, MODERATED_STEP, "Mo Moderator", TODAY)
    revision = judgement.snapshot("teacher-1", NOW, "wrong step")
    correct(judgement, step_id=OTHER_STEP, note="after")
    assert revision.judgement_id == judgement.id
    assert revision.version == 2
    assert revision.step_id == STEP
    assert revision.note == "before"
    assert revision.moderation.step_id == MODERATED_STEP
    assert (revision.changed_by, revision.changed_at, revision.reason) == (
        "teacher-1",
        NOW,
        "wrong step",
    )


def test_a_complete_judgement_has_no_problems() -> None:
    assert codes(make(evidence=["https://drive.example/p/1", "http://intranet.example"])) == []


@pytest.mark.parametrize(
    "link",
    [
        "ftp://files.example/work.pdf",
        "javascript:alert(1)",
        "https://",
        "https://has space.example",
        "evidence.example/photo.jpg",
        "https://evidence.example/1\n",
        "https://evidence.example/" + "a" * 2000,
    ],
)
def test_evidence_must_be_http_or_https_urls(link: str) -> None:
    assert codes(make(evidence=["https://ok.example", link])) == [("evidence[1]", "url")]


def test_at_most_50_evidence_links() -> None:
    links = [f"https://evidence.example/{i}" for i in range(51)]
    assert codes(make(evidence=links)) == [("evidence", "too_many")]


def test_future_assessed_on_is_refused() -> None:
    assert codes(make(assessed_on=date(2024, 3, 16))) == [("assessed_on", "date.future")]
    assert codes(make(assessed_on=TODAY)) == []


def test_blank_assessor_and_long_note_are_refused() -> None:
    assert codes(make(assessor=" ", note="n" * 4001)) == [
        ("assessor", "blank"),
        ("note", "too_long"),
    ]


def test_adjusted_moderation_must_name_its_step_and_moderator() -> None:
    judgement = make(moderation=Moderation(ModerationState.ADJUSTED, None, " ", TODAY))
    assert codes(judgement) == [
        ("moderation.step_id", "required"),
        ("moderation.moderator", "required"),
    ]

"""Band counts of disjoint cohorts add up, field by field."""

from domain.analytics.progress import BandCounts


def test_counts_of_two_schools_add_field_by_field() -> None:
    north = BandCounts(
        judged=10, measured=9, expected_or_better=7, above_or_better=3, accelerated=1
    )
    south = BandCounts(judged=5, measured=5, expected_or_better=2, above_or_better=2, accelerated=0)

    assert north + south == BandCounts(
        judged=15, measured=14, expected_or_better=9, above_or_better=5, accelerated=1
    )


def test_adding_an_empty_cohort_changes_nothing() -> None:
    counts = BandCounts(
        judged=3, measured=2, expected_or_better=2, above_or_better=1, accelerated=1
    )

    assert counts + BandCounts(0, 0, 0, 0, 0) == counts

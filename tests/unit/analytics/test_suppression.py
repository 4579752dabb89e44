"""Small-group suppression: too-small groups, and the one that would give a lone one away."""

from domain.analytics.suppression import withheld


def test_nothing_is_withheld_without_a_minimum() -> None:
    assert withheld([("", None, 3), ("pp", "yes", 1), ("pp", "no", 2)], 0) == set()


def test_a_lone_small_group_takes_the_next_smallest_with_it() -> None:
    groups = [("", None, 10), ("pp", "yes", 3), ("pp", "no", 7)]
    assert withheld(groups, 5) == {("pp", "yes"), ("pp", "no")}


def test_two_small_groups_need_no_second_suppression() -> None:
    groups = [("need", "ASD", 2), ("need", "SLD", 3), ("need", "MLD", 9), ("need", "SEMH", 12)]
    assert withheld(groups, 5) == {("need", "ASD"), ("need", "SLD")}


def test_the_smallest_shown_group_is_the_one_withheld_second() -> None:
    groups = [("need", "ASD", 2), ("need", "SLD", 8), ("need", "MLD", 6), ("need", "SEMH", 12)]
    assert withheld(groups, 5) == {("need", "ASD"), ("need", "MLD")}


def test_the_whole_cohort_is_withheld_only_when_it_is_too_small() -> None:
    assert withheld([("", None, 4)], 5) == {("", None)}
    assert withheld([("", None, 5)], 5) == set()

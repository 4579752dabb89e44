"""Dated characteristics for demo pupils, within the census rules the domain enforces.

One SEN provision at a time (a few pupils move from SEN support to an EHC plan),
ranked needs with unique ranks, NSA only with SEN support, and group flags
(free school meals, Pupil Premium, EAL, looked after) as dated periods.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from domain.pupils.pupil import Characteristic, CharacteristicKind, NeedType, SenProvision


@dataclass(frozen=True, slots=True)
class NeedProfile:
    """How likely each primary need is on a pathway, and which needs come second."""

    primary: dict[NeedType, int]
    secondary: tuple[NeedType, ...]
    secondary_chance: float
    third_chance: float


N = NeedType
PROFILES = {
    "formal": NeedProfile(
        {N.ASD: 40, N.MLD: 35, N.SLCN: 15, N.SEMH: 5, N.SPLD: 5},
        (N.SLCN, N.SEMH, N.SPLD, N.PD, N.HI, N.OTH),
        0.6,
        0.15,
    ),
    "semi-formal": NeedProfile(
        {N.ASD: 40, N.SLD: 30, N.MLD: 20, N.SLCN: 10},
        (N.SLCN, N.ASD, N.SEMH, N.PD, N.VI),
        0.65,
        0.2,
    ),
    "pre-formal": NeedProfile(
        {N.SLD: 50, N.ASD: 25, N.PMLD: 15, N.MSI: 5, N.PD: 5},
        (N.ASD, N.PD, N.VI, N.HI, N.SLCN),
        0.7,
        0.3,
    ),
    "Brook / PMLD": NeedProfile(
        {N.PMLD: 85, N.MSI: 10, N.SLD: 5}, (N.PD, N.VI, N.HI, N.MSI, N.OTH), 0.85, 0.4
    ),
    "pru": NeedProfile({N.SEMH: 70, N.SLCN: 12, N.SPLD: 10, N.ASD: 8}, (N.SLCN, N.SPLD), 0.3, 0),
}


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


def needs(rng: random.Random, profile: NeedProfile, since: date) -> list[Characteristic]:
    """Ranked needs from `since`: a primary need, often a secondary, sometimes a third."""
    kinds, weights = zip(*profile.primary.items(), strict=True)
    chosen = [rng.choices(kinds, weights)[0]]
    if rng.random() < profile.secondary_chance:
        chosen.append(rng.choice([n for n in profile.secondary if n not in chosen]))
        others = [n for n in profile.secondary if n not in chosen]
        if others and rng.random() < profile.third_chance:
            chosen.append(rng.choice(others))
    return [
        Characteristic(CharacteristicKind.SEN_NEED, since, value=need.value, rank=rank)
        for rank, need in enumerate(chosen, start=1)
    ]


def _provision(code: SenProvision, start: date, end: date | None = None) -> Characteristic:
    return Characteristic(CharacteristicKind.SEN_PROVISION, start, end, value=code.value)


def special_school_sen(
    rng: random.Random, joined: date, today: date, profile: NeedProfile
) -> list[Characteristic]:
    """Most arrive with an EHC plan; a few are on SEN support until their plan is issued."""
    if rng.random() < 0.9:
        since = joined - _days(rng, 60, 900)
        return [_provision(SenProvision.EHC_PLAN, since), *needs(rng, profile, since)]
    plan_on = joined + _days(rng, 100, 280)
    if plan_on >= today:
        return [_provision(SenProvision.SEN_SUPPORT, joined), *needs(rng, profile, joined)]
    return [
        _provision(SenProvision.SEN_SUPPORT, joined, plan_on - timedelta(days=1)),
        _provision(SenProvision.EHC_PLAN, plan_on),
        *needs(rng, profile, joined),
    ]


def pru_sen(rng: random.Random, joined: date, provision: SenProvision) -> list[Characteristic]:
    """PRU pupils: mostly SEN support for SEMH (some never assessed: NSA), some none, few plans."""
    since = joined - _days(rng, 0, 500)
    if provision is SenProvision.NO_SEN:
        return []
    if provision is SenProvision.SEN_SUPPORT and rng.random() < 0.15:
        nsa = Characteristic(CharacteristicKind.SEN_NEED, since, value=NeedType.NSA.value, rank=1)
        return [_provision(provision, since), nsa]
    return [_provision(provision, since), *needs(rng, PROFILES["pru"], since)]


def _flag(kind: CharacteristicKind, start: date, end: date | None = None) -> Characteristic:
    return Characteristic(kind, start, end)


def started_school(born: date) -> date:
    """1 September of the pupil's Reception year."""
    return date(born.year + (5 if born.month >= 9 else 4), 9, 1)


def group_flags(
    rng: random.Random,
    born: date,
    joined: date,
    today: date,
    *,
    fsm_chance: float,
    looked_after_chance: float,
    eal: bool,
    pupil_premium: bool | None = None,
) -> list[Characteristic]:
    """FSM, Pupil Premium (Ever 6 FSM, looked after, or other), EAL and looked-after periods.

    `pupil_premium` forces the Pupil Premium group in or out (None: by chance).
    """
    first_day = started_school(born)
    found: list[Characteristic] = []
    starts: list[date] = []
    fsm = rng.random() < fsm_chance if pupil_premium is None else pupil_premium
    if fsm:
        start = max(first_day, joined - _days(rng, 0, 900))
        end = start + _days(rng, 200, 700)
        ended = rng.random() < 0.15 and end < today - timedelta(days=30)
        found.append(_flag(CharacteristicKind.FSM, start, end if ended else None))
        starts.append(start)
    if pupil_premium is not False and rng.random() < looked_after_chance:
        start = max(first_day, joined - _days(rng, 0, 700))
        found.append(_flag(CharacteristicKind.LOOKED_AFTER, start))
        starts.append(start)
    if starts or (pupil_premium is None and rng.random() < 0.07):
        found.append(_flag(CharacteristicKind.PUPIL_PREMIUM, min(starts, default=joined)))
    if eal:
        found.append(_flag(CharacteristicKind.EAL, first_day))
    return found

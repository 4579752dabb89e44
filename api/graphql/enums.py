"""The domain's enums as GraphQL enums, under their own names.

Strawberry marks an enum class when it registers it. That happens here, once, when the schema
is built (`api.graphql.schema.build_schema`), not as a side effect of importing a module: the
domain's classes are untouched until a schema is made from them.
"""

import enum

import strawberry

from domain.analytics import progress as pg
from domain.assessment import judgement as jm
from domain.organisation import organisation as org
from domain.outcomes import destination as dest
from domain.pupils import pupil as pm
from domain.targets import target as tm

#: Enums the entity types use (the report types' enums come from their models: api.graphql.shapes).
DOMAIN_ENUMS: tuple[type[enum.Enum], ...] = (
    org.TrustKind,
    org.SchoolType,
    pm.Gender,
    pm.CharacteristicKind,
    pm.Registration,
    jm.JudgementKind,
    jm.ModerationState,
    tm.TargetStatus,
    tm.OutcomeSource,
    tm.OutcomeStatus,
    tm.OutcomeRating,
    tm.Term,
    dest.DestinationCategory,
    pg.Band,
)


def register(kinds: tuple[type[enum.Enum], ...] | frozenset[type[enum.Enum]]) -> None:
    """Each enum as a GraphQL enum of the same name; registering twice changes nothing."""
    for kind in kinds:
        if not hasattr(kind, "_enum_definition"):
            strawberry.enum(kind, name=kind.__name__)

"""KS4 measure definitions and their results over HTTP."""

import uuid

from pydantic import BaseModel, Field

from api.schemas import InputModel, ReadModel
from domain.outcomes.measure import Subgroup
from domain.outcomes.measure_service import Figure, MeasureResult
from domain.outcomes.qualification import QualificationLevel

#: What GraphQL names this module's types after (api.graphql.shapes).
GRAPHQL_TOPIC = "measures"


class MeasureIn(InputModel):
    name: str = Field(min_length=1, max_length=200, examples=["Attainment 5 - Premier"])
    description: str = Field(default="", max_length=2000)
    trust_id: uuid.UUID | None = Field(default=None, description="owner: a trust, or...")
    school_id: uuid.UUID | None = Field(default=None, description="...one school")
    year_group_at_leaving: str = Field(max_length=2, examples=["11"])
    min_terms_on_programme: int = Field(
        default=0, ge=0, le=12, description="terms on roll in the programme's years"
    )
    programme_years: int = Field(
        default=2, ge=1, le=4, description="academic years up to leaving (2 for KS4)"
    )
    min_qualifications: int = Field(ge=0, le=50, examples=[5])
    min_level: QualificationLevel = QualificationLevel.LEVEL_1
    require_english_and_maths: bool = Field(
        default=False, description="also a passed English and maths entry at any level"
    )
    excluding_id: uuid.UUID | None = Field(
        default=None, description="count only pupils this other measure does not count"
    )
    subgroups: list[Subgroup] = Field(
        default_factory=lambda: [Subgroup.PUPIL_PREMIUM, Subgroup.EHCP], max_length=len(Subgroup)
    )


class MeasureOut(ReadModel):
    id: uuid.UUID
    name: str
    description: str
    trust_id: uuid.UUID | None
    school_id: uuid.UUID | None
    year_group_at_leaving: str
    min_terms_on_programme: int
    programme_years: int
    min_qualifications: int
    min_level: QualificationLevel
    require_english_and_maths: bool
    excluding_id: uuid.UUID | None
    subgroups: list[Subgroup]
    version: int


class FigureOut(BaseModel):
    dimension: str = Field(description='the subgroup, e.g. "pupil_premium"')
    value: str | None = Field(description='e.g. "yes"')
    n: int | None = Field(description="leavers in the group")
    numerator: int | None = Field(description="of whom the measure counts")
    percentage: float | None = Field(description="numerator / n, rounded half-up")
    suppressed: bool = Field(description="a small group: figures withheld")

    @classmethod
    def of(cls, f: Figure) -> "FigureOut":
        return cls(
            dimension=f.dimension,
            value=f.value,
            n=f.leavers,
            numerator=f.counted,
            percentage=f.percentage,
            suppressed=f.suppressed,
        )


class ExcludedOut(BaseModel):
    id: uuid.UUID
    name: str


class MeasureResultOut(BaseModel):
    measure_id: uuid.UUID
    name: str
    academic_year: str = Field(description="the leaving year")
    school_ids: list[uuid.UUID]
    n: int | None = Field(description="leavers in the cohort")
    numerator: int | None
    percentage: float | None
    suppressed: bool
    qualifying: int | None = Field(description="met the rule, before any exclusion")
    excluded: int | None = Field(description="met the rule but counted by `excluding`")
    excluding: ExcludedOut | None
    subgroups: list[FigureOut]

    @classmethod
    def of(cls, r: MeasureResult) -> "MeasureResultOut":
        c = r.cohort
        excluded = (
            r.qualifying - c.counted if r.qualifying is not None and c.counted is not None else None
        )
        return cls(
            measure_id=r.measure.id,
            name=r.measure.name,
            academic_year=r.academic_year,
            school_ids=r.school_ids,
            n=c.leavers,
            numerator=c.counted,
            percentage=c.percentage,
            suppressed=c.suppressed,
            qualifying=r.qualifying,
            excluded=excluded,
            excluding=ExcludedOut(id=r.excluding.id, name=r.excluding.name)
            if r.excluding
            else None,
            subgroups=[FigureOut.of(f) for f in r.subgroups],
        )

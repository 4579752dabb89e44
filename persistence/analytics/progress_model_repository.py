"""Expected-progress models, their rate rules and reference cells; visible with their framework."""

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import ColumnElement, insert, update
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from domain.analytics.progress import (
    KeyStage,
    ModelKind,
    ProgressModel,
    RateRule,
    ReferenceCell,
    Thresholds,
)
from persistence.analytics.tables import ProgressModelRow, RateRuleRow, ReferenceCellRow
from persistence.assessment.framework_repository import SqlFrameworkRepository
from persistence.assessment.tables import FrameworkRow
from persistence.repository import ScopedRepository


def _model(row: ProgressModelRow, rules: Sequence[RateRuleRow]) -> ProgressModel:
    return ProgressModel(
        id=row.id,
        lineage=row.lineage,
        version=row.version,
        framework_id=row.framework_id,
        name=row.name,
        kind=ModelKind(row.kind),
        pathway=row.pathway,
        thresholds=Thresholds(
            expected=row.expected_ratio,
            above=row.above_ratio,
            accelerated=row.accelerated_ratio,
            maintenance_counts_as_expected=row.maintenance_counts_as_expected,
        ),
        rules=[
            RateRule(
                start_min=r.start_min,
                start_max=r.start_max,
                rate_per_year=r.rate_per_year,
                key_stage=KeyStage(r.key_stage) if r.key_stage else None,
            )
            for r in sorted(rules, key=lambda r: (r.start_min, r.key_stage or ""))
        ],
        start_band_width=row.start_band_width,
        age_band_years=row.age_band_years,
        match_primary_need=row.match_primary_need,
        min_peers=row.min_peers,
        active=row.active,
    )


class SqlProgressModelRepository(ScopedRepository):
    def _visible_frameworks(self) -> ColumnElement[bool]:
        """A model is visible where its framework is."""
        return SqlFrameworkRepository(self.session, self.scope)._visible()

    async def _hydrate(self, rows: Sequence[ProgressModelRow]) -> list[ProgressModel]:
        rules: dict[uuid.UUID, list[RateRuleRow]] = defaultdict(list)
        if rows:
            stmt = select(RateRuleRow).where(col(RateRuleRow.model_id).in_([r.id for r in rows]))
            for rule in (await self.session.execute(stmt)).scalars():
                rules[rule.model_id].append(rule)
        return [_model(r, rules[r.id]) for r in rows]

    def _select(self) -> SelectOfScalar[ProgressModelRow]:
        return (
            select(ProgressModelRow)
            .join(FrameworkRow, col(FrameworkRow.id) == ProgressModelRow.framework_id)
            .where(self._visible_frameworks())
        )

    async def get(self, model_id: uuid.UUID) -> ProgressModel | None:
        stmt = self._select().where(col(ProgressModelRow.id) == model_id)
        found = await self._hydrate((await self.session.execute(stmt)).scalars().all())
        return found[0] if found else None

    async def for_framework(self, framework_id: uuid.UUID) -> list[ProgressModel]:
        stmt = (
            self._select()
            .where(col(ProgressModelRow.framework_id) == framework_id)
            .order_by(col(ProgressModelRow.name), col(ProgressModelRow.version))
        )
        return await self._hydrate((await self.session.execute(stmt)).scalars().all())

    async def add(self, model: ProgressModel) -> None:
        t = model.thresholds
        await self.session.execute(
            insert(ProgressModelRow).values(
                id=model.id,
                lineage=model.lineage,
                version=model.version,
                framework_id=model.framework_id,
                name=model.name,
                kind=model.kind.value,
                pathway=model.pathway,
                expected_ratio=t.expected,
                above_ratio=t.above,
                accelerated_ratio=t.accelerated,
                maintenance_counts_as_expected=t.maintenance_counts_as_expected,
                start_band_width=model.start_band_width,
                age_band_years=model.age_band_years,
                match_primary_need=model.match_primary_need,
                min_peers=model.min_peers,
                active=model.active,
            )
        )
        if model.rules:
            await self.session.execute(
                insert(RateRuleRow),
                [
                    {
                        "id": uuid.uuid4(),
                        "model_id": model.id,
                        "start_min": r.start_min,
                        "start_max": r.start_max,
                        "rate_per_year": r.rate_per_year,
                        "key_stage": r.key_stage.value if r.key_stage else None,
                    }
                    for r in model.rules
                ],
            )

    async def retire(self, model: ProgressModel) -> None:
        """A superseded version stays, for the results it made, but is no longer used."""
        await self.session.execute(
            update(ProgressModelRow)
            .where(col(ProgressModelRow.id) == model.id)
            .values(active=False)
        )

    async def cells(self, model_id: uuid.UUID) -> list[ReferenceCell]:
        stmt = select(ReferenceCellRow).where(col(ReferenceCellRow.model_id) == model_id)
        return [
            ReferenceCell(
                strand_id=c.strand_id,
                start_band=c.start_band,
                age_band=c.age_band,
                primary_need=c.primary_need,
                learners=c.learners,
                p25=c.p25,
                p50=c.p50,
                p75=c.p75,
                p90=c.p90,
            )
            for c in (await self.session.execute(stmt)).scalars()
        ]

    async def add_cells(self, model_id: uuid.UUID, cells: Sequence[ReferenceCell]) -> None:
        if cells:
            await self.session.execute(
                insert(ReferenceCellRow),
                [
                    {
                        "model_id": model_id,
                        "strand_id": c.strand_id,
                        "start_band": c.start_band,
                        "age_band": c.age_band,
                        "primary_need": c.primary_need,
                        "learners": c.learners,
                        "p25": c.p25,
                        "p50": c.p50,
                        "p75": c.p75,
                        "p90": c.p90,
                    }
                    for c in cells
                ],
            )

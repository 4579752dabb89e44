"""Judgements: staged in bulk and upserted by pupil, strand and module (set-based in SQL)."""

from collections.abc import Mapping, Sequence

from domain.assessment.judgement_rows import (
    JUDGEMENT_COLUMNS,
    REQUIRED_COLUMNS,
    ImportedJudgement,
    JudgementCatalogue,
)
from domain.assessment.ports import FrameworkFilter, ModuleFilter
from domain.integration.import_resource import ImportResource, ImportSetup
from domain.integration.imports import ImportCounts, RowError
from domain.kernel.access import Permission
from domain.kernel.paging import MAX_LIMIT, PageRequest


class JudgementImporter:
    def __init__(self, setup: ImportSetup, catalogue: JudgementCatalogue) -> None:
        self.setup = setup
        self.catalogue = catalogue

    def check(self, line: int, row: Mapping[str, str]) -> ImportedJudgement | list[RowError]:
        return self.catalogue.check(line, row)

    async def stage(self, rows: Sequence[ImportedJudgement]) -> list[RowError]:
        await self.setup.uow.imports.stage_judgements(self.setup.school.id, rows)
        return []

    async def duplicates(self) -> list[RowError]:
        return await self.setup.uow.imports.drop_duplicate_judgements(self.setup.school.id)

    async def apply(self) -> ImportCounts:
        s = self.setup
        return await s.uow.imports.apply_judgements(
            s.school.id, s.actor.subject, s.clock.now(), s.reason
        )


async def start(setup: ImportSetup) -> JudgementImporter:
    uow, school = setup.uow, setup.school
    frameworks = await uow.frameworks.matching(
        FrameworkFilter(school_id=school.id), PageRequest(limit=MAX_LIMIT)
    )
    modules = await uow.modules.matching(
        ModuleFilter(school_id=school.id), PageRequest(limit=MAX_LIMIT)
    )
    catalogue = JudgementCatalogue(
        await uow.imports.pupil_keys(school.id),
        frameworks.items,
        modules.items,
        default_assessor=setup.actor.display_name or setup.actor.subject,
        today=setup.clock.today(),
    )
    return JudgementImporter(setup, catalogue)


JUDGEMENTS: ImportResource[ImportedJudgement] = ImportResource(
    "judgements",
    Permission.WRITE_ASSESSMENT,
    JUDGEMENT_COLUMNS,
    REQUIRED_COLUMNS,
    start,
    matched_by="pupil (UPN or MIS id), strand, academic year and module",
    examples=(
        "UPN,Strand,Academic Year,Module,Step,Date\nA123456789012,READ,2024/25,3,Dev+,2025-02-07\n",
        '{"upn": "A123456789012", "strand": "READ", "academic_year": "2024/25",'
        ' "module": 3, "step": "Dev+"}\n',
    ),
)

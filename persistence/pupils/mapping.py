"""Pupils as rows: the pupil's own row, and its characteristics and enrolments as ordered
child rows (persistence.mapping does the copying)."""

from collections.abc import Iterable
from typing import Any

from domain.kernel.ids import new_id
from domain.pupils.pupil import Characteristic, Enrolment, Pupil
from persistence.mapping import RowMapping, columns_of
from persistence.pupils.tables import CharacteristicRow, EnrolmentRow, PupilRow

PUPILS = RowMapping(Pupil, columns_of(PupilRow))
CHARACTERISTICS = RowMapping(Characteristic, columns_of(CharacteristicRow))
ENROLMENTS = RowMapping(Enrolment, columns_of(EnrolmentRow))


def pupil_from_rows(
    row: PupilRow, characteristics: Iterable[CharacteristicRow], enrolments: Iterable[EnrolmentRow]
) -> Pupil:
    return PUPILS.entity(
        row,
        characteristics=[
            CHARACTERISTICS.entity(c) for c in sorted(characteristics, key=lambda c: c.position)
        ],
        enrolments=[ENROLMENTS.entity(e) for e in sorted(enrolments, key=lambda e: e.position)],
    )


def child_values(pupil: Pupil) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Characteristics and enrolments are a set replaced on each update, so rows get fresh
    ids; their order is kept in `position`."""
    owner = {"school_id": pupil.school_id, "pupil_id": pupil.id}
    return (
        [
            CHARACTERISTICS.values(c, id=new_id(), position=position, **owner)
            for position, c in enumerate(pupil.characteristics)
        ],
        [
            ENROLMENTS.values(e, id=new_id(), position=position, **owner)
            for position, e in enumerate(pupil.enrolments)
        ],
    )

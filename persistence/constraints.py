"""Database constraint violations, told in the domain's words.

Constraint names are deterministic (naming convention in tables.py), so each
one maps to the field a caller must fix. Nothing of the SQL, the table or the
other row's values reaches the caller.
"""

from asyncpg import exceptions as pg
from sqlalchemy.exc import DBAPIError

from domain.identity.identity import EMAIL_UNAVAILABLE
from domain.kernel.errors import Conflict, DomainError, InvariantViolation, Problem
from persistence.tables import metadata

UNIQUE_FIELDS: dict[str, tuple[str, str]] = {
    "uq_pupils_school_id_upn": ("upn", "another pupil in this school has this UPN"),
    "uq_pupils_school_id_mis_id": ("mis_id", "another pupil in this school has this MIS id"),
    "uq_schools_urn": ("urn", "a school with this URN exists"),
    "uq_users_email": ("email", EMAIL_UNAVAILABLE),
    "uq_modules_school_id_academic_year_sequence": (
        "sequence",
        "the school already has a module with this number in this year",
    ),
    "uq_judgements_school_id_pupil_id_strand_id_module_id": (
        "module_id",
        "a judgement for this pupil, strand and module exists",
    ),
    "uq_targets_current": ("strand_id", "the pupil already has a current target for this strand"),
    "uq_outcome_evaluations_school_id_outcome_id_academic_year_term": (
        "term",
        "already evaluated this term",
    ),
    "uq_destinations_school_id_pupil_id_left_on": (
        "left_on",
        "the pupil already has a destination for this leaving date",
    ),
    "uq_strands_framework_id_code": ("code", "the framework already has a strand with this code"),
    "uq_steps_framework_id_code": ("code", "the scale already has a step with this code"),
}


def _cause(error: DBAPIError) -> BaseException | None:
    orig = error.orig
    return getattr(orig, "__cause__", None) or orig


def translate(error: DBAPIError) -> DomainError | None:
    """The domain error for a constraint violation, or None when it is something else."""
    cause = _cause(error)
    name = getattr(cause, "constraint_name", None) or ""
    if isinstance(cause, pg.UniqueViolationError):
        field, reason = UNIQUE_FIELDS.get(name, ("", "this record already exists"))
        return Conflict(reason, field=field or None)
    if isinstance(cause, pg.ForeignKeyViolationError):
        if "is still referenced" in str(cause):
            return Conflict("other records still refer to this one")
        return InvariantViolation(
            Problem(_fk_field(name), "refers to something that is not there", "reference")
        )
    if isinstance(cause, pg.CheckViolationError):
        return InvariantViolation(
            Problem(name.split("_", 2)[-1] or "body", "value not allowed", "invalid")
        )
    if isinstance(cause, pg.CharacterNotInRepertoireError | pg.UntranslatableCharacterError):
        return InvariantViolation(
            Problem("body", "text must not contain NUL or non-UTF-8 characters", "text.encoding")
        )
    if isinstance(cause, pg.DataError):
        # values the database cannot hold (out of range, malformed); the API validates most first
        return InvariantViolation(Problem("body", "a value is out of range or malformed", "data"))
    if isinstance(cause, pg.NotNullViolationError):
        return InvariantViolation(
            Problem(getattr(cause, "column_name", "body"), "required", "required")
        )
    return None


def _foreign_key_fields() -> dict[str, str]:
    """Each foreign key's name -> the column a caller supplied (school_id is implied)."""
    fields: dict[str, str] = {}
    for table in metadata.tables.values():
        for constraint in table.foreign_key_constraints:
            columns = [c.name for c in constraint.columns if c.name != "school_id"]
            fields[str(constraint.name)] = columns[0] if columns else "school_id"
    return fields


FOREIGN_KEY_FIELDS = _foreign_key_fields()


def _fk_field(constraint: str) -> str:
    return FOREIGN_KEY_FIELDS.get(constraint, "body")

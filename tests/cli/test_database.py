"""How commands find, migrate and report on the database."""

import pytest

from cli.database import masked
from persistence.urls import with_database
from tests.cli.conftest import Stepwise
from tests.cli.test_schema import NOWHERE


def test_printed_urls_hide_the_password() -> None:
    shown = masked("postgresql://stepwise:s3cret-pw@db.internal:5432/stepwise")

    assert "s3cret-pw" not in shown
    assert shown == "postgresql://stepwise:***@db.internal:5432/stepwise"


def test_migrate_twice_is_harmless(stepwise: Stepwise) -> None:
    first, second = stepwise("migrate"), stepwise("migrate")

    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert "Upgraded" in second.output
    assert "to head" in second.output


def test_revision_and_downgrade_together_are_refused(stepwise: Stepwise) -> None:
    result = stepwise("migrate", "--revision", "head", "--downgrade", "base")

    assert result.exit_code == 2
    assert "give --revision or --downgrade, not both" in result.output


def test_an_unknown_revision_is_reported_without_a_traceback(stepwise: Stepwise) -> None:
    result = stepwise("migrate", "--revision", "no-such-revision")

    assert result.exit_code == 1
    assert "Migration refused" in result.output
    assert "Traceback" not in result.output


def test_an_unreachable_database_is_reported_without_a_traceback(
    stepwise: Stepwise, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", NOWHERE)

    result = stepwise("users", "list")

    assert result.exit_code == 1
    assert "Cannot reach the database" in result.output
    assert "Traceback" not in result.output


def test_a_missing_database_is_reported_without_a_traceback(
    stepwise: Stepwise, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", with_database(database_url, "stepwise_no_such_database"))

    result = stepwise("users", "list")

    assert result.exit_code == 1
    assert 'The database refused: database "stepwise_no_such_database" does not exist' in (
        result.output
    )
    assert "Traceback" not in result.output

"""Trusts and schools as rows (persistence.mapping does the copying)."""

from domain.organisation.organisation import School, Trust
from persistence.mapping import RowMapping, columns_of
from persistence.organisation.tables import SchoolRow, TrustRow

TRUSTS = RowMapping(Trust, columns_of(TrustRow))
SCHOOLS = RowMapping(School, columns_of(SchoolRow))

"""Trusts and schools: the tenancy tree above pupils."""

"""Pupils, their characteristics and enrolments."""

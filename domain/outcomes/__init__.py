"""Attendance, qualifications, KS4 measures and leavers' destinations."""

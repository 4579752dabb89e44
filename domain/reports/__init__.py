"""The reports people read: pupil report, school summary, trust report."""

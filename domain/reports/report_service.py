"""Use cases for the reports people read: a school's progress summary, a trust's side by
side, a pupil's annual review. Each composes the analytics use cases it shows."""

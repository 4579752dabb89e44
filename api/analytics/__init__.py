"""Progress, expected-progress models, CoP 6.17 flags and data quality."""

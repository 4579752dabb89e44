"""Benchmarks of the progress engine against hand-written SQL (see bench/README.md)."""

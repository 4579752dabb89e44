"""The benchmark scripts, run small so they keep working."""

"""Scale targets, outcome (EHCP/IEP) targets, target progress and suggestions."""

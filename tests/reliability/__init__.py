"""Reliability tests: faults, crashes, hostile outputs and inputs, secrets (issue 11)."""

"""geometry problem families."""

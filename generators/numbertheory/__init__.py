"""numbertheory problem families."""

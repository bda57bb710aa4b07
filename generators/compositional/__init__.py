"""compositional problem families."""

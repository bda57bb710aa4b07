"""transformative problem families."""

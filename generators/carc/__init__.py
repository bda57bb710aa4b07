"""carc problem families."""

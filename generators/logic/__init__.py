"""logic problem families."""

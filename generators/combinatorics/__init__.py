"""combinatorics problem families."""

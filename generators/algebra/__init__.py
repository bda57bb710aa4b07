"""algebra problem families."""

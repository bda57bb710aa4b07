"""Seeded, templated problem generators: families, level ladders, settings per axis and C-ARC episodes.

Use as a library: ``from generators import registry`` then ``registry.get_setting("arithmetic_gcd")``.
"""
from generators.record import ProblemRecord, Message
from generators.family import Family, Problem, Reject
from generators import registry

__all__ = ["ProblemRecord", "Message", "Family", "Problem", "Reject", "registry"]

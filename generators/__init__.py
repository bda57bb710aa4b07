"""Seeded, templated problem generators: families, level ladders, settings per axis and C-ARC episodes.

Use as a library: ``from generators import generate, score`` (see generators/api.py), or
``from generators import registry`` then ``registry.get_setting("arithmetic_gcd")``.
"""
from generators.record import ProblemRecord, Message
from generators.family import Family, Problem, Reject
from generators import registry
from generators.api import accuracy, generate, list_settings, score

__all__ = ["ProblemRecord", "Message", "Family", "Problem", "Reject", "registry", "generate", "score", "accuracy",
           "list_settings"]

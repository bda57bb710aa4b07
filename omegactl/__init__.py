"""omegactl: measure how LLM reasoning generalizes, from seeded generators to a CI regression gate."""
__version__ = "0.1.0"

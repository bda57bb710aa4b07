"""Input-size limits that every verifier stage checks before doing work (the cheap half of "never hangs")."""
from __future__ import annotations

# Responses longer than this are cut to their last MAX_RESPONSE_CHARS characters before extraction:
# the answer is expected at the end, and a 10 MB response must not cost a linear scan per rule.
MAX_RESPONSE_CHARS = 200_000
# An extracted answer longer than this is not parsed at all (verdict reason "too large").
MAX_ANSWER_CHARS = 20_000
# Tokens in one answer, and the parser's nesting depth (brackets, \frac, exponents, ...).
MAX_TOKENS = 8_000
MAX_DEPTH = 60
# Elements in one set / tuple / matrix answer, and how many may go to the symbolic comparer.
MAX_ELEMENTS = 2_000
MAX_SYMBOLIC_ELEMENTS = 40
# Exact arithmetic: integer exponents, result size (bits), factorials and binomials.
MAX_EXPONENT = 100_000
MAX_RESULT_BITS = 200_000
MAX_FACTORIAL = 10_000
# Brace-matching work per response when looking for \boxed{...}: how many candidate boxes are tried.
MAX_BOX_CANDIDATES = 32
# Grid answers: rows and columns.
MAX_GRID_SIDE = 100

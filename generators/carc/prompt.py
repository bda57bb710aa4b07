"""The C-ARC LLM prompt: grid encodings and the single user message of an episode.

Encodings: ``python`` (default, the paper's: the list-of-lists repr on one line), ``digits`` (one row of
digits per line, no separators) and ``spaces`` (one row per line, digits separated by spaces). Whatever
the encoding, the model is asked to answer as ``output: [[...]]`` (a Python list of rows), which is what
the grid verifier parses.

Layout: a task description, then ``Study examples:`` with ``example input i:`` / ``example output i:`` for
every study pair, then ``Final input:`` and the query grid. No boxed-answer suffix is added.
"""
from __future__ import annotations

from generators.carc.config import ENCODINGS
from generators.carc.grid import Grid

_ENCODING_NOTES = {
    "python": "Grids are written as Python lists of rows.",
    "digits": "Grids are written one row per line, each row as a string of digits.",
    "spaces": "Grids are written one row per line, with the digits of a row separated by spaces.",
}


def encode_grid(grid: Grid, encoding: str = "python") -> str:
    """A grid as prompt text in ``encoding``."""
    if encoding == "python":
        return str([list(row) for row in grid])
    if encoding == "digits":
        return "\n".join("".join(str(v) for v in row) for row in grid)
    if encoding == "spaces":
        return "\n".join(" ".join(str(v) for v in row) for row in grid)
    raise ValueError(f"unknown grid encoding {encoding!r} (valid: {', '.join(ENCODINGS)})")


def _description(condition: str, kinds: list[str], size: int) -> str:
    n = len(kinds)
    if condition == "3shot":
        return (
            f"Each of the {n} example pairs below shows an input grid and the output grid obtained from it. "
            "The same combination of geometric transformations turns every input into its output. "
            "Find that combination and apply it to the final input grid. Do not write any code."
        )
    singles = sum(1 for k in kinds if "+" not in k)
    doubles = n - singles
    text = (
        f"Each of the {n} example pairs below shows an input grid and the output grid obtained from it by "
        "geometric transformations of an object. Which transformation an object undergoes depends on its "
        "colour, on its shape, or on whether a particular additional object is present in the grid."
    )
    if singles and doubles:
        text += (f" In the first {singles} pairs a single transformation applies; in the last {doubles} "
                 "pairs two transformations apply together.")
    return text + " Work out the transformations, combine them, and apply them to the final input grid."


def build_prompt(study: list[dict], query_input: Grid, condition: str, encoding: str = "python",
                 size: int = 10) -> str:
    """The user message for ``study`` pairs (dicts with kind/input/output) and one query input."""
    sep = " " if encoding == "python" else "\n"
    lines = [
        "### Task",
        f"You are given {size}x{size} grids whose cells hold integers from 0 to 9; 0 is the empty background. "
        + _description(condition, [p["kind"] for p in study], size),
        "",
        "### Answer format",
        "Reply with the final output grid only, exactly in the form",
        "output: [[...]]",
        f"where [[...]] is a Python list of {size} rows, each a list of {size} integers from 0 to 9. "
        "Do not add any other text.",
        "",
        "### Input",
        _ENCODING_NOTES[encoding],
        "Study examples:",
    ]
    for i, pair in enumerate(study, start=1):
        lines.append(f"example input {i}:{sep}{encode_grid(pair['input'], encoding)}")
        lines.append(f"example output {i}:{sep}{encode_grid(pair['output'], encoding)}")
    lines += ["", "Final input:", encode_grid(query_input, encoding)]
    return "\n".join(lines)

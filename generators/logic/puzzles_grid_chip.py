"""logic_puzzles_grid_chip: black and white chips on an s x s grid with one colour per row and column.

Rules (stated in every question): a cell holds at most one chip, and all chips in one row, and all chips
in one column, have the same colour. Two variants, drawn 50/50:

* ``max``: some chips are already on the grid (no row or column mixes colours). More chips may be added
  under the rules. What is the largest possible number of chips of colour Y on the grid? A Y chip fits
  exactly in the cells whose row and column hold no chip of the other colour, and all those cells can be
  filled with Y at once, so the answer is (rows free of the other colour) x (columns free of it). The
  original generator added the constraint cells to this product (OMEGA weak point #9).
* ``count``: a placement is *maximal* when no chip can be added without breaking a rule. Some chips of a
  maximal placement are listed, at least one in every row and every column. In a maximal placement every
  row and column is non-empty, hence has a colour, and the chips are exactly the cells whose row and
  column colours agree, so the answer is #black rows x #black columns + #white rows x #white columns.

solve: the two formulas above.
check: ``max`` - exhaustive search over the colour of every row and every column that is consistent with
the placed chips, keeping the largest block of Y rows x Y columns (the joint search over rows and columns
for s <= 5, the row and column searches separately above, which is exact because the objective is a
product of the two independent sizes); ``count`` - a simulation that adds legal chips in scan order until
none fits, counting the chips of the result, plus the same exhaustive colour search confirming that every
consistent maximal placement has the same number of chips.

Ladder: level L+1 has a larger grid (side 6..10), so there are more chips to read and 2^(2s) row/column
colourings to reason about (the test's proxy: the answer, a count of cells, grows with s^2). The closed
formulas are the same at every level; only the size grows (issue 16 notes this; not changed here).
Guessability: the count variant draws uniform numbers of black rows and columns. Instance identity: a
position up to reordering rows, reordering columns, transposing and swapping the colours (issue 16); sides
start at 6 and the chip counts range up to 2s (max) and s spare chips (count), so that every level holds
thousands of distinct positions.
"""
from __future__ import annotations

import random
from itertools import product

from generators.balance import thin
from generators.canonical_form import matrix_lines_key
from generators.family import Family, Problem, Reject
from generators.instance_key import canonical_json, params_key
from generators.registration import register_family

COLOURS = ("black", "white")
JOINT_SEARCH_MAX_SIDE = 5

_RULES = (
    "A square grid has {s} rows, numbered 1 to {s} from top to bottom, and {s} columns, numbered 1 to {s} "
    "from left to right. There is an unlimited supply of black chips and of white chips. Chips must obey two rules: "
    "each cell holds at most one chip, and all chips in the same row, as well as all chips in the same "
    "column, have the same colour."
)

_MAX_QUESTIONS = (
    "{rules} The following chips are already on the grid and must stay there: {chips}. Further chips may "
    "be added as long as both rules still hold. What is the largest possible number of {target} chips on the "
    "grid, counting the {target} chips already placed? Give the answer as an integer.",
    "{rules} Currently the grid holds these chips: {chips}. You may add as many chips as you like without "
    "breaking either rule (the chips already placed cannot be moved or removed). At most how many {target} "
    "chips can the grid contain in total? Answer with an integer.",
)

_COUNT_QUESTIONS = (
    "{rules} A placement of chips is called maximal if no further chip can be added anywhere without "
    "breaking a rule. In a certain maximal placement the following cells are known to hold chips: {chips}. "
    "How many chips does this maximal placement contain in total? Give the answer as an integer.",
    "{rules} Chips are placed so that the placement is maximal: adding any chip to any empty cell would "
    "break one of the rules. Among the placed chips are these: {chips}. What is the total number of chips "
    "in the placement? Answer with an integer.",
)


def _chips_text(chips: list[list]) -> str:
    return "; ".join(f"a {colour} chip in row {r}, column {c}" for r, c, colour in chips)


def _line_colours(chips: list[list], index: int, side: int) -> list[set[str]]:
    """For each row (index 0) or column (index 1), the set of colours of the listed chips in it."""
    seen: list[set[str]] = [set() for _ in range(side)]
    for chip in chips:
        seen[chip[index] - 1].add(chip[2])
    return seen


def max_chips_formula(side: int, chips: list[list], target: str) -> int:
    other = COLOURS[1 - COLOURS.index(target)]
    rows = sum(1 for cols in _line_colours(chips, 0, side) if other not in cols)
    cols = sum(1 for rows_ in _line_colours(chips, 1, side) if other not in rows_)
    return rows * cols


def maximal_count_formula(side: int, chips: list[list]) -> int:
    row_colour = [next(iter(c)) for c in _line_colours(chips, 0, side)]
    col_colour = [next(iter(c)) for c in _line_colours(chips, 1, side)]
    return sum(row_colour.count(colour) * col_colour.count(colour) for colour in COLOURS)


def _consistent_assignments(side: int, chips: list[list], index: int) -> list[tuple[str, ...]]:
    """Every colour assignment to the rows (index 0) or columns (index 1) that agrees with the chips."""
    out = []
    for assignment in product(COLOURS, repeat=side):
        if all(assignment[chip[index] - 1] == chip[2] for chip in chips):
            out.append(assignment)
    return out


def max_chips_by_search(side: int, chips: list[list], target: str) -> int:
    rows = _consistent_assignments(side, chips, 0)
    cols = _consistent_assignments(side, chips, 1)
    if side <= JOINT_SEARCH_MAX_SIDE:
        best = 0
        for ra in rows:
            for ca in cols:
                filled = sum(1 for r in range(side) for c in range(side) if ra[r] == target == ca[c])
                best = max(best, filled)
        return best
    return max(a.count(target) for a in rows) * max(a.count(target) for a in cols)


def maximal_counts_by_search(side: int, chips: list[list]) -> set[int]:
    """Chip counts of every maximal placement containing the chips (one per consistent row/column colouring
    in which each colour used by a row is also used by a column and vice versa)."""
    counts = set()
    for ra in _consistent_assignments(side, chips, 0):
        for ca in _consistent_assignments(side, chips, 1):
            if set(ra) != set(ca):  # a row of a colour no column has would stay empty: not maximal
                continue
            counts.add(sum(1 for r in range(side) for c in range(side) if ra[r] == ca[c]))
    return counts


def fill_greedily(side: int, chips: list[list]) -> dict[tuple[int, int], str]:
    """Add legal chips (black tried before white) in row-major scan order until a full pass adds none."""
    grid = {(r, c): colour for r, c, colour in chips}
    changed = True
    while changed:
        changed = False
        for r in range(1, side + 1):
            for c in range(1, side + 1):
                if (r, c) in grid:
                    continue
                for colour in COLOURS:
                    row_ok = all(grid.get((r, k), colour) == colour for k in range(1, side + 1))
                    col_ok = all(grid.get((k, c), colour) == colour for k in range(1, side + 1))
                    if row_ok and col_ok:
                        grid[(r, c)] = colour
                        changed = True
                        break
    return grid


def _random_line_colours(rng: random.Random, side: int) -> tuple[list[str], list[str]]:
    """Row and column colours of a maximal placement: both colours on both sides, or one colour everywhere."""
    if rng.random() < 0.08:
        colour = rng.choice(COLOURS)
        return [colour] * side, [colour] * side
    # the number of black rows and of black columns are uniform in 1..side-1 (independent coins made the
    # count bunch at side^2/2: 68% one answer at level 1, issue 16)
    black_rows, black_cols = rng.randint(1, side - 1), rng.randint(1, side - 1)
    rows = ["black"] * black_rows + ["white"] * (side - black_rows)
    cols = ["black"] * black_cols + ["white"] * (side - black_cols)
    rng.shuffle(rows)
    rng.shuffle(cols)
    return rows, cols


def chips_normal_form(side: int, chips: list, target: str | None = None) -> list:
    """[grid up to row/column permutations and transposition, target], least over the two colour namings:
    the identity of a grid-chip position for any question that treats rows, columns and colours alike."""
    images = []
    for swap in (False, True):
        rename = {"black": "white", "white": "black"} if swap else {"black": "black", "white": "white"}
        grid = [["."] * side for _ in range(side)]
        for r, c, colour in chips:
            grid[r - 1][c - 1] = rename[colour]
        images.append([matrix_lines_key(grid), rename[target] if target else None])
    return min(images, key=canonical_json)


@register_family
class LogicPuzzlesGridChip(Family):
    name = "logic_puzzles_grid_chip"
    domain = "logic"
    description = "Black/white chips with one colour per row and column: maximum chips of a colour, or chips in a maximal placement"
    answer_type = "int"
    version = "3"  # issue 16: balanced line colours; sides 6..10 and wider chip counts (full instance key)
    # sides 6..10: under the full instance key (rows, columns and colours interchangeable) sides 4 and 5 hold
    # only about 200 and 800 distinct positions, too few for 200 items in each of three splits
    levels = {1: {"side": 6}, 2: {"side": 7}, 3: {"side": 8}, 4: {"side": 9}, 5: {"side": 10}}

    def generate(self, rng: random.Random, level: int) -> Problem:
        side = self.levels[level]["side"]
        rules = _RULES.format(s=side)
        if rng.random() < 0.5:
            problem = self._generate_max(rng, side, rules)
        else:
            problem = self._generate_count(rng, side, rules)
        thin(rng, self.solve(problem.params), self.levels[level].get("keep"))
        return problem

    def _generate_max(self, rng: random.Random, side: int, rules: str) -> Problem:
        rows = [rng.choice(COLOURS) for _ in range(side)]
        cols = [rng.choice(COLOURS) for _ in range(side)]
        cells = [(r, c) for r in range(side) for c in range(side) if rows[r] == cols[c]]
        count = rng.randint(max(2, side // 2), 2 * side)
        if len(cells) < count:
            raise Reject("too few matching cells")
        chips = sorted([r + 1, c + 1, rows[r]] for r, c in rng.sample(cells, count))
        target = rng.choice(COLOURS)
        if all(chip[2] == target for chip in chips):
            raise Reject("no chip of the other colour")
        if max_chips_formula(side, chips, target) == 0:
            raise Reject("no room for the target colour")
        question = rng.choice(_MAX_QUESTIONS).format(rules=rules, chips=_chips_text(chips), target=target)
        return Problem(question=question, params={"variant": "max", "side": side, "chips": chips, "target": target})

    def _generate_count(self, rng: random.Random, side: int, rules: str) -> Problem:
        rows, cols = _random_line_colours(rng, side)
        picked: set[tuple[int, int]] = set()
        for r in range(side):  # cover every row ...
            picked.add((r, rng.choice([c for c in range(side) if cols[c] == rows[r]])))
        for c in range(side):  # ... and every column not covered yet
            if not any(pc == c for _, pc in picked):
                picked.add((rng.choice([r for r in range(side) if rows[r] == cols[c]]), c))
        spare = [(r, c) for r in range(side) for c in range(side) if rows[r] == cols[c] and (r, c) not in picked]
        picked.update(rng.sample(spare, min(len(spare), rng.randint(0, side))))
        chips = sorted([r + 1, c + 1, rows[r]] for r, c in picked)
        question = rng.choice(_COUNT_QUESTIONS).format(rules=rules, chips=_chips_text(chips))
        return Problem(question=question, params={"variant": "count", "side": side, "chips": chips})

    def instance_key(self, params: dict) -> str:
        """The rules and both answers do not change when rows are reordered, columns are reordered (each
        independently), the grid is transposed or black and white are swapped (with the target colour): the
        chips up to all of those, a full normal form (see ``generators.canonical_form``)."""
        return params_key(params, drop=("chips", "target", *self.key_ignored_params),
                          chips=chips_normal_form(params["side"], params["chips"], params.get("target")))


    def instance_level(self, params) -> int | None:
        """Levels draw disjoint board sides (in the instance key), so the instance shows its level."""
        return self.level_with(side=params["side"])

    def solve(self, params: dict) -> int:
        if params["variant"] == "max":
            return max_chips_formula(params["side"], params["chips"], params["target"])
        return maximal_count_formula(params["side"], params["chips"])

    def check(self, params: dict, answer: int) -> bool:
        side, chips = params["side"], params["chips"]
        if not isinstance(answer, int):
            return False
        if params["variant"] == "max":
            return max_chips_by_search(side, chips, params["target"]) == answer
        filled = fill_greedily(side, chips)
        return maximal_counts_by_search(side, chips) == {answer} and len(filled) == answer

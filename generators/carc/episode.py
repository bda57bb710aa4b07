"""Episode generation: an episode's grammar (cues + bound rules) and its study and query pairs.

Grammar. Three distinct transformation types (one type-triplet of the split) are shuffled onto the three
cues, in the fixed composition order shape -> colour -> neighbour:

* shape cue: the object's shape equals S (a random-walk shape, never the indicator's shape);
* colour cue: the object's colour is C (uniform on 1..9);
* neighbour cue: the indicator object (colour I != C, one of the ten indicator shapes, at a fixed
  position) is present anywhere in the grid. Presence is enough; adjacency is not required.

Each bound type draws its parameters once per episode. Objects that should not fire a cue avoid it:
a non-shape example uses a random shape other than S, a non-colour example a colour outside {C, I}.

Pairs. A pair of kind ("shape", "colour") has an object of shape S and colour C and no indicator, and its
output applies the shape rule, then the colour rule. Each pair gets up to ``placement_tries`` draws
(object, colour, position); a draw is rejected when an intermediate object leaves the grid, a reflection
or rotation is a no-op, the object touches the indicator (Chebyshev distance < 2) in the input or the
output, the output equals the input (unless ``allow_identity``), or the input repeats an earlier input of
the episode. A pair that cannot be placed rejects the whole episode (``Reject``); the caller re-draws it.

Study sets. "systematicity": ``primitives_per_cue`` pairs per cue (shape, colour, neighbour), then
``compositions_per_pair`` per cue pair (shape+colour, shape+neighbour, colour+neighbour), 12 by default,
in that fixed order. "3shot": ``shots`` pairs of the full level-2 composition. Queries are always level-2
(all three cues fire).
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from generators.carc.config import CONDITIONS, CarcConfig
from generators.carc.grid import Cell, Grid, Shape, grid_key, in_bounds, paint, place, shape_size, touching
from generators.carc.primitives import Rule, apply_rule, is_forbidden_noop
from generators.carc.shapes import INDICATOR_SHAPES, random_shape_except
from generators.carc.split import Triplet
from generators.family import Reject

ROLES: tuple[str, ...] = ("shape", "colour", "neighbour")  # the cues, in composition order
LEVEL2: tuple[str, ...] = ROLES
COLOURS: tuple[int, ...] = tuple(range(1, 10))


def kind_label(kind: tuple[str, ...]) -> str:
    return "+".join(kind)


def study_kinds(condition: str, config: CarcConfig) -> list[tuple[str, ...]]:
    """The cue combinations of the study pairs, in prompt order."""
    if condition == "systematicity":
        singles = [(role,) for role in ROLES for _ in range(config.primitives_per_cue)]
        pairs = [pair for pair in (("shape", "colour"), ("shape", "neighbour"), ("colour", "neighbour"))
                 for _ in range(config.compositions_per_pair)]
        return singles + pairs
    if condition == "3shot":
        return [LEVEL2] * config.shots
    raise ValueError(f"unknown C-ARC condition {condition!r} (valid: {', '.join(CONDITIONS)})")


@dataclass(frozen=True)
class Grammar:
    """One episode's cues and the rule bound to each cue."""

    triplet: Triplet
    rules: dict[str, Rule]  # cue -> rule
    colour: int  # C
    shape: Shape  # S
    indicator_cells: frozenset[Cell]
    indicator_colour: int  # I

    @property
    def free_colours(self) -> list[int]:
        return [c for c in COLOURS if c not in (self.colour, self.indicator_colour)]

    def to_params(self) -> dict[str, Any]:
        return {
            "triplet": list(self.triplet),
            "composition_order": list(ROLES),
            "rules": {role: self.rules[role].to_dict() for role in ROLES},
            "triggers": {
                "colour": self.colour,
                "shape": [list(cell) for cell in self.shape],
                "indicator": {"cells": [list(cell) for cell in sorted(self.indicator_cells)],
                              "colour": self.indicator_colour},
            },
        }


@dataclass(frozen=True)
class Pair:
    kind: tuple[str, ...]
    input: Grid
    output: Grid

    def to_dict(self) -> dict[str, Any]:
        return {"kind": kind_label(self.kind), "input": self.input, "output": self.output}


@dataclass(frozen=True)
class Episode:
    condition: str
    grammar: Grammar
    study: list[Pair]
    queries: list[Pair]

    def to_params(self, query_index: int, config: CarcConfig, held_out: list[Triplet]) -> dict[str, Any]:
        """Everything needed to rebuild the prompt and re-derive every output, for one query."""
        query = self.queries[query_index]
        return {
            "condition": self.condition,
            "split_seed": config.split_seed,
            "held_out_triplets": [list(t) for t in held_out],
            **self.grammar.to_params(),
            "neighbour_rule": "co-presence",
            "grid_size": config.grid_size,
            "encoding": config.encoding,
            "allow_identity": config.allow_identity,
            "study": [pair.to_dict() for pair in self.study],
            "query": {"kind": kind_label(query.kind), "input": query.input},
            "query_index": query_index,
            "queries_per_episode": len(self.queries),
        }


def _apply_chain(grammar: Grammar, kind: tuple[str, ...], cells: frozenset[Cell], colour: int,
                 size: int | None) -> tuple[frozenset[Cell], int, str | None]:
    """Apply the rules ``kind`` fires in composition order; the third value names a failure, if any."""
    for role in ROLES:
        if role not in kind:
            continue
        rule = grammar.rules[role]
        new, colour = apply_rule(rule, cells, colour)
        if is_forbidden_noop(rule, cells, new):
            return cells, colour, f"{rule.type}_noop"
        if size is not None and not in_bounds(new, size):
            return new, colour, "out_of_bounds"
        cells = new
    return cells, colour, None


def draw_grammar(rng: random.Random, triplets: list[Triplet], config: CarcConfig,
                 kinds: list[tuple[str, ...]]) -> Grammar:
    """Draw the cues and rules; reject grammars that make some pair kind impossible for every placement."""
    triplet = rng.choice(triplets)
    types = list(triplet)
    rng.shuffle(types)
    options = config.options()
    rules = {role: Rule(t, dict(rng.choice(options[t]))) for role, t in zip(ROLES, types)}
    colour = rng.choice(COLOURS)
    indicator_colour = rng.choice([c for c in COLOURS if c != colour])
    indicator_shape = rng.choice(INDICATOR_SHAPES)
    h, w = shape_size(indicator_shape)
    size = config.grid_size
    indicator_cells = place(indicator_shape, rng.randint(0, size - h), rng.randint(0, size - w))
    try:
        shape = random_shape_except(rng, (indicator_shape,), config.max_shape_size)
    except RuntimeError as exc:
        raise Reject(str(exc)) from None
    grammar = Grammar(tuple(triplet), rules, colour, shape, indicator_cells, indicator_colour)
    # Every rule is translation-equivariant, so a no-op on S is a no-op at every position: reject early.
    for kind in dict.fromkeys(kinds):
        if "shape" in kind:
            _, _, failure = _apply_chain(grammar, kind, frozenset(shape), colour, None)
            if failure:
                raise Reject(f"grammar: {failure} on shape S for {kind_label(kind)} pairs")
    colour_rule = rules["colour"]
    if (("colour",) in kinds and not config.allow_identity and colour_rule.type == "recolour"
            and colour_rule.kwargs["colour"] == colour):
        raise Reject("grammar: colour rule recolours C to itself, so colour-only pairs are identities")
    return grammar


def draw_pair(rng: random.Random, grammar: Grammar, kind: tuple[str, ...], config: CarcConfig,
              used_inputs: set, stats: Counter | None = None) -> Pair:
    """One pair of ``kind`` satisfying every constraint, or ``Reject`` after ``placement_tries`` draws."""
    size = config.grid_size
    with_indicator = "neighbour" in kind
    indicator = grammar.indicator_cells
    free = grammar.free_colours
    reasons: Counter = Counter()
    for _ in range(config.placement_tries):
        colour = grammar.colour if "colour" in kind else rng.choice(free)
        if "shape" in kind:
            shape = grammar.shape
        else:
            try:
                shape = random_shape_except(rng, (grammar.shape,), config.max_shape_size)
            except RuntimeError as exc:
                raise Reject(str(exc)) from None
        h, w = shape_size(shape)
        cells = place(shape, rng.randint(0, size - h), rng.randint(0, size - w))
        failure = None
        if with_indicator and touching(cells, indicator):
            failure = "touches_indicator_in_input"
        else:
            out_cells, out_colour, failure = _apply_chain(grammar, kind, cells, colour, size)
            if failure is None and with_indicator and touching(out_cells, indicator):
                failure = "touches_indicator_in_output"
        if failure is None:
            extra = [(indicator, grammar.indicator_colour)] if with_indicator else []
            inp = paint([(cells, colour), *extra], size)
            out = paint([(out_cells, out_colour), *extra], size)
            key = grid_key(inp)
            if not config.allow_identity and inp == out:
                failure = "identity"
            elif key in used_inputs:
                failure = "repeated_input"
            else:
                used_inputs.add(key)
                if stats is not None:
                    stats["pairs"] += 1
                    stats["pair_draws"] += sum(reasons.values()) + 1
                    stats.update({f"pair_reject:{k}": v for k, v in reasons.items()})
                return Pair(kind, inp, out)
        reasons[failure] += 1
    if stats is not None:
        stats["pair_draws"] += sum(reasons.values())
        stats.update({f"pair_reject:{k}": v for k, v in reasons.items()})
    top = ", ".join(f"{k} x{v}" for k, v in reasons.most_common(3))
    raise Reject(f"no valid {kind_label(kind)} pair in {config.placement_tries} draws ({top})")


def generate_episode(rng: random.Random, condition: str, triplets: list[Triplet], config: CarcConfig,
                     stats: Counter | None = None) -> Episode:
    """One episode of ``condition`` over ``triplets``; raises ``Reject`` when it cannot be completed."""
    kinds = study_kinds(condition, config)
    try:
        grammar = draw_grammar(rng, triplets, config, kinds + [LEVEL2])
    except Reject as exc:
        if stats is not None:
            stats[f"episode_reject:{str(exc).split(':')[0]}"] += 1
        raise
    used: set = set()
    try:
        study = [draw_pair(rng, grammar, kind, config, used, stats) for kind in kinds]
        queries = [draw_pair(rng, grammar, LEVEL2, config, used, stats) for _ in range(config.queries_per_episode)]
    except Reject:
        if stats is not None:
            stats["episode_reject:pair"] += 1
        raise
    if stats is not None:
        stats["episodes"] += 1
    return Episode(condition, grammar, study, queries)

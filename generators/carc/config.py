"""C-ARC generation knobs. Defaults follow the paper's released data (see docs in ``setting``).

``CarcConfig`` is frozen and JSON-friendly; ``options()`` lists the parameter choices per transformation
type, from which an episode draws one choice per bound type.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from generators.carc.primitives import TYPES

ENCODINGS: tuple[str, ...] = ("python", "digits", "spaces")
CONDITIONS: tuple[str, ...] = ("systematicity", "3shot")
ALL_QUERIES = 10  # the paper's split keeps 10 level-2 queries per episode


@dataclass(frozen=True)
class CarcConfig:
    """Every knob of the episode generator (defaults: the paper's data and LLM protocol)."""

    split_seed: int = 1860  # which 2 of the 10 type-triplets are held out (1860/1870/1880/1890 as released)
    held_out: int = 2  # number of held-out triplets (int(0.2 * 10))
    grid_size: int = 10
    max_shape_size: int = 9  # random-walk shapes have a target size of 1..max_shape_size
    translation_directions: tuple[str, ...] = ("right", "down")
    translation_steps: tuple[int, ...] = (1,)
    reflection_flips: tuple[str, ...] = ("upside_down", "left_right")
    rotation_directions: tuple[str, ...] = ("cw",)  # ("cw", "ccw") adds counter-clockwise turns
    extension_directions: tuple[str, ...] = ("up", "left")
    recolour_targets: tuple[int, ...] = (1, 2)
    primitives_per_cue: int = 2  # study pairs showing one rule, per cue (shape, colour, neighbour)
    compositions_per_pair: int = 2  # study pairs showing two rules, per pair of cues
    shots: int = 3  # study pairs of the 3-shot condition (all level-2 compositions)
    queries_per_episode: int = 1  # records per episode; ALL_QUERIES (10) reproduces the paper's split
    allow_identity: bool = False  # keep pairs whose output equals their input (the reference keeps them)
    encoding: str = "python"  # grid encoding in prompts: python | digits | spaces
    placement_tries: int = 500  # draws per study / query pair before the whole episode is re-drawn
    episode_attempts: int = 200  # whole-episode re-draws per record before generation fails

    def __post_init__(self) -> None:
        if not set(self.rotation_directions) <= {"cw", "ccw"} or not self.rotation_directions:
            raise ValueError(f"rotation_directions must be a non-empty subset of cw, ccw (got {self.rotation_directions})")
        if not set(self.translation_directions) <= {"right", "down"} or not self.translation_directions:
            raise ValueError("translation_directions must be a non-empty subset of right, down")
        if not set(self.reflection_flips) <= {"upside_down", "left_right"} or not self.reflection_flips:
            raise ValueError("reflection_flips must be a non-empty subset of upside_down, left_right")
        if not set(self.extension_directions) <= {"up", "left"} or not self.extension_directions:
            raise ValueError("extension_directions must be a non-empty subset of up, left")
        if not self.recolour_targets or not all(1 <= c <= 9 for c in self.recolour_targets):
            raise ValueError("recolour_targets must be colours in 1..9")
        if not self.translation_steps or min(self.translation_steps) < 1:
            raise ValueError("translation_steps must be positive")
        if self.encoding not in ENCODINGS:
            raise ValueError(f"unknown grid encoding {self.encoding!r} (valid: {', '.join(ENCODINGS)})")
        if not 3 <= self.grid_size <= 30:
            raise ValueError("grid_size must be in 3..30")
        if not 1 <= self.max_shape_size <= self.grid_size - 1:
            raise ValueError("max_shape_size must be in 1..grid_size-1")
        if not 1 <= self.held_out <= 8:
            raise ValueError("held_out must be in 1..8 (each split needs at least one triplet)")
        for name in ("primitives_per_cue", "compositions_per_pair"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")
        for name in ("shots", "queries_per_episode", "placement_tries", "episode_attempts"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1")

    def options(self) -> dict[str, list[dict[str, Any]]]:
        """Type -> the parameter choices an episode draws from (in a fixed order)."""
        out = {
            "translation": [{"direction": d, "step": s} for d in self.translation_directions for s in self.translation_steps],
            "reflection": [{"flip": f} for f in self.reflection_flips],
            "rotation": [{"direction": d} for d in self.rotation_directions],
            "extension": [{"direction": d} for d in self.extension_directions],
            "recolour": [{"colour": c} for c in self.recolour_targets],
        }
        assert tuple(out) == TYPES
        return out

    def with_options(self, **changes: Any) -> "CarcConfig":
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

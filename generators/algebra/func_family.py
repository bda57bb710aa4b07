"""Shared base of the function-analysis families: level ladder, drawing, memoised certified solving.

Subclasses say what is drawn (``draw``), what is asked (``question``), how the certified analysis
becomes the answer (``compute``, raising :class:`Uncertain` or :class:`Reject` for unusable instances)
and how the independent scan confirms it (``check``). ``solve`` is ``compute`` memoised on the params,
so the certified work done while generating an item is not repeated when the framework solves it.

Decisions shared by the eight families:
* level L composes L+1 components for f (g, where there is one, has L); each draw holds a sin, cos or exp
  component with probability 1/2 (OMEGA §2.3). Level L+1 is harder because f nests one more component
  (the ladder test's proxy); at levels 4 and 5 a share of draws are certified hard cases built by
  ``func_hard`` (double zeros, tangencies, poles just outside an integration end; see the families). Domain [-10, 10]; the counting families (zeros, intersections, derivative
  sign) draw integer end points lo in [-10, -3], hi in [3, 10] (``draw_interval``), because on a fixed
  symmetric interval the counts were even 98% of the time (issue 16); integrals and areas use integer
  bounds a < b in [-5, 5] with b - a <= 4.
* guessability: a level's ``keep`` thins the answers it over-produces (``generators.balance``), applied
  once the certified answer is known.
* counts (zeros, intersections, extrema, monotone intervals) must lie in [2, 40] (OMEGA asked for > 3;
  2 keeps non-oscillating functions in the mix); coordinates need at least one feature.
* instances whose certified features (zeros, critical points, corners, poles, interval ends) are closer
  than ``SEPARATION`` are rejected as ill-conditioned, which also lets the check scan resolve them.
* decimal answers (coordinates, areas, integrals) are ``decimal:2`` strings; values within 1e-6 of a
  rounding boundary are rejected. Areas and integrals are capped per level at 50, 100, 150, 250, 500.
"""
from __future__ import annotations

import json
import random
from abc import abstractmethod
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from generators.algebra.func_model import TRANSCENDENTAL_KINDS, Chain, draw_chain, render_chain
from generators.algebra.func_roots import EXP_ARG_LIMIT, TRIG_PERIOD_LIMIT, Uncertain
from generators.answers import format_decimal, near_rounding_boundary
from generators.balance import thin
from generators.family import Family, Problem, Reject

# L1..L5: f is a composition of 2..6 components (g, where there is one, has one fewer); OMEGA §2.3
COMPONENT_LADDER = {1: 2, 2: 3, 3: 4, 4: 5, 5: 6}
DOMAIN = (-10, 10)
SEPARATION = 1e-3  # certified features closer than this are rejected (and the scan resolves 4x finer)
SCAN_SPACING = SEPARATION / 4
DECIMAL_MARGIN = Fraction(1, 10**6)  # decimal answers this close to a rounding boundary are rejected


def ladder(**extra: Any) -> dict[int, dict[str, Any]]:
    return {lv: {"components": n, "p_transcendental": 0.5, **extra} for lv, n in COMPONENT_LADDER.items()}


def rounded(value: mpmath.mpf | Fraction, places: int = 2) -> str:
    """The decimal answer string; Reject when the value is too near a rounding boundary."""
    q = value if isinstance(value, Fraction) else Fraction(mpmath.nstr(value, 40, min_fixed=-1000, max_fixed=1000))
    if near_rounding_boundary(q, places, DECIMAL_MARGIN):
        raise Reject("value too near a rounding boundary")
    return format_decimal(q, places)


def _float_stage(comp: dict[str, Any], u: np.ndarray) -> np.ndarray:
    k = comp["kind"]
    if k == "lin":
        return comp["a"] * u + comp["b"]
    if k == "quad":
        return (comp["a"] * u + comp["b"]) * u + comp["c"]
    if k == "abs":
        return comp["a"] * np.abs(u - comp["b"]) + comp["c"]
    if k == "rat":
        return (comp["a"] * u + comp["b"]) / (comp["c"] * u + comp["d"])
    if k in ("sin", "cos"):
        fn = np.sin if k == "sin" else np.cos
        return comp["a"] * fn(comp["b"] * np.pi * u + comp["c"]) + comp["d"]
    return comp["a"] * np.exp(np.clip(comp["b"] * u, -700, 700)) + comp["c"]


@dataclass
class Sampled:
    """Float samples of h on a uniform grid (a generation filter's view, never an answer): values, cells
    holding a pole or a corner of some |.|. The estimates let a family reject a draw whose answer is
    hopeless (out of the level's range, or thinned) before any certified work; a misestimate only
    changes which draws are tried, never a label."""

    y: np.ndarray
    pole: np.ndarray  # per cell
    corner: np.ndarray  # per cell

    def zeros(self) -> int:
        """Sampled sign changes of h not across a pole, plus exact zeros at samples."""
        sg = np.sign(self.y)
        return int(((sg[:-1] * sg[1:] < 0) & ~self.pole).sum()) + int((sg == 0).sum())

    def _steps(self) -> np.ndarray:
        d = np.nan_to_num(np.sign(np.diff(self.y))).astype(int)
        d[self.pole] = 0
        return d

    def extrema(self, ask: str = "extrema") -> int:
        """Sampled local extrema: sign changes of consecutive differences (corners included), not at a pole."""
        d = self._steps()
        turn = (d[:-1] * d[1:] < 0) & ~self.pole[:-1] & ~self.pole[1:]
        if ask == "minima":
            turn &= d[:-1] < 0
        elif ask == "maxima":
            turn &= d[:-1] > 0
        return int(turn.sum())

    def runs(self, direction: int) -> int:
        """Sampled maximal runs of cells where h moves in ``direction``, split at poles and corners."""
        on = (self._steps() == direction) & ~self.corner  # a cell holding a corner belongs to no run
        starts = on.copy()
        starts[1:] &= ~on[:-1]
        return int(starts.sum())


@lru_cache(maxsize=512)
def _sample_points(lo: float, hi: float, points: int) -> np.ndarray:
    """``np.linspace(lo, hi, points)``, read-only and shared (the screen samples a few hundred intervals)."""
    x = np.linspace(lo, hi, points)
    x.flags.writeable = False
    return x


def prefilter(chains: list[Chain], signs: tuple[int, ...], lo: float, hi: float, min_count: int = 0,
              points: int = 4001, area: tuple[float, float, bool] | None = None) -> Sampled:
    """Cheap float screening before the certified analysis (a generation filter, never an answer):
    rejects poles feeding the transcendental component, runaway exponentials or oscillations, draws
    whose sampled sign changes fall short of ``min_count``, and, with ``area=(low, high, absolute)``,
    draws whose trapezoid estimate of the integral (of |h| when absolute) is far outside [low, high].
    Returns the samples (:class:`Sampled`) for the families' answer estimates."""
    x = _sample_points(lo, hi, points)
    pole = np.zeros(points - 1, dtype=bool)
    corner = np.zeros(points - 1, dtype=bool)
    total = np.zeros(points)
    with np.errstate(all="ignore"):
        for ch, s in zip(chains, signs):
            u = x
            for comp in ch:
                if comp["kind"] == "rat":
                    sg = np.sign(comp["c"] * u + comp["d"])
                    pole |= sg[:-1] != sg[1:]
                elif comp["kind"] == "abs":
                    arg = np.sign(u - comp["b"])
                    corner |= arg[:-1] != arg[1:]
                if comp["kind"] in TRANSCENDENTAL_KINDS:
                    if pole.any():
                        raise Reject("a pole feeds the transcendental component")
                    if comp["kind"] == "exp" and np.nanmax(np.abs(comp["b"] * u)) > EXP_ARG_LIMIT:
                        raise Reject("exponential argument too large")
                    if comp["kind"] != "exp" and comp["b"] * (np.nanmax(u) - np.nanmin(u)) / 2 > TRIG_PERIOD_LIMIT:
                        raise Reject("too many oscillations")
                u = _float_stage(comp, u)
                bad = ~np.isfinite(u)
                pole |= bad[:-1] | bad[1:]
            total = total + s * u
    if area is not None:
        if pole.any():
            raise Reject("a pole inside the integration interval")
        y = np.abs(total) if area[2] else total
        est = abs(float(np.sum((y[1:] + y[:-1]) * np.diff(x)) / 2))
        if not (0.5 * area[0] <= est <= 1.5 * area[1]) if area[2] else est > 1.5 * area[1]:
            raise Reject("estimated integral outside the level's range")
    sampled = Sampled(total, pole, corner)
    if min_count and sampled.zeros() < min_count:
        raise Reject("too few sampled sign changes")
    return sampled


def draw_interval(rng: random.Random) -> tuple[int, int]:
    """Integer end points of a counting question: lo in [-10, -3], hi in [3, 10]."""
    return rng.randint(DOMAIN[0], -3), rng.randint(3, DOMAIN[1])


def fx(chain: Chain, name: str = "f") -> str:
    return f"${name}(x) = {render_chain(chain)}$"


class FuncFamily(Family):
    domain = "algebra"
    axis = "exploratory"
    version = "1"
    max_attempts = 600
    key_ignored_params = ("level", "certificate")  # a hard draw's witness (func_hard) is not the instance
    test_items = 3  # items per level in the generic all-families test; the full counts run in our own slow tests
    _cache_size = 256

    def __init__(self) -> None:
        self._memo: OrderedDict[str, Any] = OrderedDict()

    # -- to override
    @abstractmethod
    def draw(self, rng: random.Random, level: int) -> dict[str, Any]:
        """The instance's parameters (functions, interval, what is asked)."""

    @abstractmethod
    def question(self, params: dict[str, Any], rng: random.Random) -> str:
        """The question text for ``params``."""

    @abstractmethod
    def compute(self, params: dict[str, Any]) -> Any:
        """The certified answer for ``params``."""

    def screen(self, params: dict[str, Any]) -> Any:
        """Optional cheap rejection before the certified work (raise Reject). A counting family may return
        a float estimate of its answer: an estimate outside the level's range is rejected, and the
        answer-thinning coin is tossed on it, before the certified work (the coin is tossed again on the
        certified answer, so an item is kept only when both pass; they agree whenever the estimate is right)."""

    def instance_level(self, params: dict[str, Any]) -> int | None:
        """The level an instance shows: at level L, f composes L + 1 components (the certified hard draws
        too) and g, where there is one, L; f is the longer of an unordered pair. Used by the split rule's
        level-aware buckets (``Family.instance_level``)."""
        return max(len(params[k]) for k in ("f", "g") if k in params) - 1

    # -- shared
    def draw_chain(self, rng: random.Random, level: int, fewer: int = 0) -> Chain:
        knobs = self.levels[level]
        return draw_chain(rng, max(1, knobs["components"] - fewer), knobs["p_transcendental"])

    def generate(self, rng: random.Random, level: int) -> Problem:
        return self.complete(self.draft(rng, level))

    def draft(self, rng: random.Random, level: int) -> Problem:
        """Parameters and question only (``screen`` and ``solve`` never use ``rng``): the framework
        completes a draft only when its question is kept by the split, so no certified work is wasted."""
        params = self.draw(rng, level)
        params["level"] = level
        question = self.question(params, rng)
        # the coin for answer thinning (generators.balance), drawn now so that ``complete`` needs no rng
        return Problem(question=question, params=params, draft_state=rng.getrandbits(64))

    def complete(self, problem: Problem) -> Problem:
        estimate = self.screen(problem.params)
        if estimate is not None:
            level = problem.params["level"]
            self.count_in_range(estimate, level)
            thin(random.Random(problem.draft_state), estimate, self.levels[level].get("keep"))
        try:
            answer = self.solve(problem.params)
        except Uncertain as exc:
            raise Reject(str(exc)) from exc
        thin(random.Random(problem.draft_state), answer, self.levels[problem.params["level"]].get("keep"))
        return problem


    def solve(self, params: dict[str, Any]) -> Any:
        key = json.dumps(params, sort_keys=True)
        if key in self._memo:
            self._memo.move_to_end(key)
            return self._memo[key]
        answer = self.compute(params)
        self._memo[key] = answer
        if len(self._memo) > self._cache_size:
            self._memo.popitem(last=False)
        return answer

    def count_in_range(self, count: int, level: int) -> int:
        knobs = self.levels[level]
        if not knobs.get("min_count", 0) <= count <= knobs.get("max_count", 10**9):
            raise Reject(f"count {count} outside the level's range")
        return count

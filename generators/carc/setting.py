"""The registered ``carc`` family and setting: Compositional-ARC episodes as problem records.

Levels are the two evaluation conditions (every record also carries ``params["condition"]``):

* level 1, "systematicity": 12 study pairs (2 per cue, then 2 per cue pair, fixed order) and a level-2
  query (shape -> colour -> neighbour all fire);
* level 2, "3shot": 3 study pairs of the same level-2 composition, then a level-2 query.

Splits: ``train`` uses the 8 train type-triplets; ``val`` and ``test`` use only the 2 held-out triplets
(``generators.carc.split``). The held-out pair depends only on the split seed, 1860 by default; pick
another with ``CarcSetting(CarcConfig(split_seed=1870))`` or ``get_setting("carc").with_options(split_seed=1870)``.
``val`` and ``test`` never share an episode: each keeps only episodes whose study pairs hash into its half.
The split seed is stored in every record's params. ``seed`` is the generation seed: episode ``i`` of
(split, level) draws from ``item_rng(seed, "carc", split, level, i, attempt)``, re-drawn whole (bounded by
``episode_attempts``) when a pair cannot be placed.

Decisions (documented deviations and choices; see ``CarcConfig``):

* identity pairs (output == input) are rejected by default; ``allow_identity=True`` keeps them, as the
  reference generator does (it had ~1.5 % of them);
* rotation is clockwise only by default, as in the released data; ``rotation_directions=("cw", "ccw")``
  adds counter-clockwise turns about the same pivot;
* the neighbour cue is co-presence of the indicator object (as in the reference code), not adjacency;
* one query (one record) per episode by default, as in the paper's LLM evaluation;
  ``queries_per_episode=ALL_QUERIES`` (10) emits one record per query, all sharing the episode's study
  pairs; record ``index`` is then ``episode * queries_per_episode + query``;
* ``encoding`` picks the prompt's grid encoding (python lists by default, digits, spaces).

Each record's answer is re-derived from its params by ``rederive`` (``solve``), checked by the
independent array-based ``gridcheck`` (``check``) and compared with the generator's own output.
"""
from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from generators.answers import ground_truth_string
from generators.carc.config import CarcConfig
from generators.carc.episode import Episode, generate_episode
from generators.carc.gridcheck import check_output
from generators.carc.prompt import build_prompt
from generators.carc.rederive import DerivationError, derive_output
from generators.carc.split import held_out_triplets, split_triplets
from generators.family import Family, GenerationError, Problem, Reject, VerificationError
from generators.instance_key import params_key
from generators.record import Message, ProblemRecord
from generators.registration import register_family, register_setting
from generators.seeding import item_rng
from generators.settings import Setting, key_bucket, record_id, seen_key

NAME = "carc"
TITLE = "Compositional-ARC: systematic generalization on 10x10 grid transformations"
LEVEL_CONDITIONS = {1: "systematicity", 2: "3shot"}
SPLITS = ("train", "val", "test")
# val and test draw from the same held-out triplets: an episode belongs to one of them by the hash of its study
# pairs, so the two splits never share an episode; train uses other triplets, so it shares none with either.
HELD_OUT_BUCKETS = {"val": 0, "test": 1}


def study_key(params: dict[str, Any]) -> str:
    """The identity of an episode's study part (shared by all its queries)."""
    return params_key({k: params[k] for k in ("condition", "grid_size", "study") if k in params})


@register_family
class CarcEpisodes(Family):
    """C-ARC episodes for one split (the registered instance serves the train triplets)."""

    name = NAME
    axis = "carc"
    domain = "carc"
    description = "Compositional-ARC grid episodes: level 1 systematicity (12 study pairs), level 2 3-shot"
    answer_type = "grid"
    levels = {1: {"condition": "systematicity"}, 2: {"condition": "3shot"}}
    train_levels = (1, 2)
    ood_levels = (1, 2)
    version = "1"
    prompt_suffix = ""
    test_items = 100  # items per level in the generic family test

    def __init__(self, config: CarcConfig | None = None, split: str = "train"):
        self.config = config or CarcConfig()
        self.split = split
        self.triplets = split_triplets(split, self.config.split_seed, self.config.held_out)
        self.held_out = held_out_triplets(self.config.split_seed, self.config.held_out)
        self.max_attempts = self.config.episode_attempts

    def episode(self, rng: random.Random, level: int, stats: Counter | None = None) -> Episode:
        if level not in LEVEL_CONDITIONS:
            raise GenerationError(f"carc: level {level} is out of range (valid: 1-2)")
        ep = generate_episode(rng, LEVEL_CONDITIONS[level], self.triplets, self.config, stats)
        if self.split in HELD_OUT_BUCKETS:
            bucket = key_bucket(study_key(ep.to_params(0, self.config, self.held_out)), 2)
            if bucket != HELD_OUT_BUCKETS[self.split]:
                raise Reject("episode of the other held-out split")
        return ep

    def question(self, params: dict[str, Any]) -> str:
        return build_prompt(params["study"], params["query"]["input"], params["condition"],
                            params["encoding"], params["grid_size"])

    def generate(self, rng: random.Random, level: int) -> Problem:
        ep = self.episode(rng, level)
        params = ep.to_params(0, self.config, self.held_out)
        return Problem(question=self.question(params), params=params)

    # Prompt rendering and split configuration, not the episode itself.
    key_ignored_params = ("encoding", "split_seed", "held_out_triplets", "allow_identity", "query_index",
                          "queries_per_episode", "level")

    def instance_key(self, params: dict[str, Any]) -> str:
        """What the prompt shows: the condition, the study pairs and the query input (not the grid encoding,
        the latent rule parameters or the split configuration)."""
        return params_key({k: params[k] for k in ("condition", "grid_size", "study", "query") if k in params})

    def solve(self, params: dict[str, Any]) -> list[list[int]]:
        return derive_output(params["query"]["input"], params)

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        if not all(check_output(params, p["input"], p["output"], p["kind"]) for p in params["study"]):
            return False
        return check_output(params, params["query"]["input"], answer, params["query"]["kind"])


class CarcSetting(Setting):
    """The ``carc`` setting: splits train / val / test, levels 1 (systematicity) and 2 (3-shot)."""

    name = NAME
    axis = "carc"
    title = TITLE
    description = "Compositional-ARC grid episodes; test uses held-out rule triplets (L1 systematicity, L2 3-shot)"

    def __init__(self, config: CarcConfig | None = None):
        self.config = config or CarcConfig()
        self._families: dict[str, CarcEpisodes] = {}

    def with_options(self, **changes: Any) -> "CarcSetting":
        """A copy with some ``CarcConfig`` fields changed (split_seed, encoding, queries_per_episode, ...)."""
        return CarcSetting(self.config.with_options(**changes))

    @property
    def splits(self) -> dict[str, tuple[int, ...]]:
        return {split: (1, 2) for split in SPLITS}

    @property
    def levels(self) -> tuple[int, ...]:
        return (1, 2)

    @property
    def answer_types(self) -> tuple[str, ...]:
        return ("grid",)

    @property
    def source_families(self) -> tuple[str, ...]:
        return (NAME,)

    def family(self, split: str) -> CarcEpisodes:
        if split not in self._families:
            self._families[split] = CarcEpisodes(self.config, split)
        return self._families[split]

    def plan(self, split, levels, n):
        """(family, level, episodes) jobs; each episode yields ``queries_per_episode`` records."""
        return [(self.family(split), lv, n) for lv in (levels if levels is not None else self.splits[split])]

    def count(self, split: str, levels: tuple[int, ...] | None, n: int) -> int:
        return sum(c for _, _, c in self.plan(split, levels, n)) * self.config.queries_per_episode

    def records(
        self,
        split: str,
        *,
        n: int,
        seed: int,
        levels: tuple[int, ...] | None = None,
        on_item: Callable[[], None] | None = None,
        stats: Counter | None = None,
    ) -> Iterator[ProblemRecord]:
        """``n`` episodes per level of ``split``; each gives ``queries_per_episode`` records."""
        self.validate(split, levels)
        seen: set[str] = set()
        for family, level, count in self.plan(split, levels, n):
            for index in range(count):
                for rec in self.episode_records(family, split, level, seed, index, seen, stats):
                    yield rec
                    if on_item is not None:
                        on_item()

    def episode_records(self, family: CarcEpisodes, split: str, level: int, seed: int, index: int,
                        seen: set[str] | None = None, stats: Counter | None = None) -> list[ProblemRecord]:
        """The records of episode ``index``: re-drawn whole on a rejection (including, for val/test, an episode
        of the other held-out split) or a repeated instance (bounded)."""
        seen = seen if seen is not None else set()
        reasons: Counter = Counter()
        for attempt in range(self.config.episode_attempts):
            rng = item_rng(seed, NAME, split, level, index, attempt)
            try:
                ep = family.episode(rng, level, stats)
            except Reject as exc:
                reasons[str(exc).split(" (")[0]] += 1
                continue
            records = [self._record(family, ep, q, split, level, seed, index) for q in range(len(ep.queries))]
            ids = [seen_key(family, family.instance_key(r.params)) for r in records]
            if len(set(ids)) != len(ids) or any(i in seen for i in ids):
                reasons["repeated episode"] += 1
                continue
            seen.update(ids)
            return records
        top = "; ".join(f"{k} x{v}" for k, v in reasons.most_common(3))
        raise GenerationError(
            f"carc {split} level {level} episode {index} (seed {seed}): no valid episode after "
            f"{self.config.episode_attempts} whole-episode draws ({top}); raise placement_tries or "
            f"episode_attempts, or allow identity pairs"
        )

    def _record(self, family: CarcEpisodes, ep: Episode, q: int, split: str, level: int, seed: int,
                index: int) -> ProblemRecord:
        params = ep.to_params(q, self.config, family.held_out)
        question = family.question(params)
        try:
            answer = family.solve(params)
        except DerivationError as exc:
            raise VerificationError(f"carc {split} level {level} episode {index}: {exc}") from None
        if answer != ep.queries[q].output or not family.check(params, answer):
            raise VerificationError(
                f"carc {split} level {level} episode {index} (seed {seed}): the generator, the re-derivation "
                "and the independent grid check disagree; this is a bug, nothing was written"
            )
        qpe = self.config.queries_per_episode
        return ProblemRecord(
            id=record_id(NAME, question),
            setting_key=NAME,
            setting_name=TITLE,
            messages=[Message(role="user", content=question + family.prompt_suffix)],
            ground_truth=ground_truth_string(answer, "grid"),
            dataset="omegactl/carc",
            axis="carc",
            family=NAME,
            split=split,
            level=level,
            seed=seed,
            index=index * qpe + q,
            answer_type="grid",
            answer=answer,
            params=params,
            generator_version=f"{NAME}@{family.version}",
        )


register_setting(CarcSetting())

"""Convert released Compositional-ARC split episodes (``{study_examples, queries, meta_data}``) to records.

Each released episode line holds the study pairs in the fixed order of the systematicity split (two pairs
per cue: shape, colour, neighbour, then two per cue pair: shape+colour, shape+neighbour, colour+neighbour)
or the three pairs of the 3-shot variant, then ten level-2 queries. Following the paper's LLM protocol, one
record is made per episode from ``queries[0]`` (``queries="all"`` makes one per query). The prompt is
omegactl's C-ARC prompt (``generators.carc.prompt``, python-list grids), so scores on released and
generated episodes are comparable; level 1 is the systematicity condition, level 2 the 3-shot one.
"""
from __future__ import annotations

from typing import Any

from generators.answers import ground_truth_string
from generators.carc.prompt import build_prompt
from generators.carc.setting import TITLE
from generators.record import Message, ProblemRecord
from generators.settings import record_id
from omegactl.common.errors import UserError

SYSTEMATICITY_KINDS = (["shape"] * 2 + ["colour"] * 2 + ["neighbour"] * 2 + ["shape+colour"] * 2
                       + ["shape+neighbour"] * 2 + ["colour+neighbour"] * 2)
LEVEL2_KIND = "shape+colour+neighbour"
RAW_KEYS = ("primitive_functions", "function_compositions")


def is_carc_episode(row: dict[str, Any]) -> bool:
    return "study_examples" in row and "queries" in row or all(k in row for k in RAW_KEYS)


def _grid(value: Any, where: str) -> list[list[int]]:
    ok = (isinstance(value, list) and value and all(isinstance(r, list) and r for r in value)
          and len({len(r) for r in value}) == 1
          and all(isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= 9 for r in value for x in r))
    if not ok:
        raise UserError(f"{where}: not a grid (a rectangular list of rows of integers 0-9)")
    return [list(r) for r in value]


def _pairs(value: Any, where: str) -> list[tuple[list[list[int]], list[list[int]]]]:
    if not isinstance(value, list) or not value:
        raise UserError(f"{where}: expected a non-empty list of (input, output) grid pairs")
    out = []
    for i, pair in enumerate(value):
        if not isinstance(pair, list) or len(pair) != 2:
            raise UserError(f"{where}[{i}]: expected an (input, output) pair of grids")
        out.append((_grid(pair[0], f"{where}[{i}] input"), _grid(pair[1], f"{where}[{i}] output")))
    return out


def condition_of(n_study: int) -> tuple[str, int, list[str]]:
    """(condition, level, study kinds) from the number of study pairs."""
    if n_study == len(SYSTEMATICITY_KINDS):
        return "systematicity", 1, list(SYSTEMATICITY_KINDS)
    if n_study == 3:
        return "3shot", 2, [LEVEL2_KIND] * 3
    return "custom", 1, ["unknown"] * n_study


def episode_records(row: dict[str, Any], *, where: str, split: str, episode: int, dataset: str,
                    split_seed: int | None, queries: str = "first") -> list[ProblemRecord]:
    """The record(s) of one released episode line (``where`` is ``file:line`` for error messages)."""
    if all(k in row for k in RAW_KEYS) and "study_examples" not in row:
        raise UserError(f"{where}: a raw C-ARC episode (all_episodes); use the split files "
                        "split_seed_*/{train,val,test}_systematicity.jsonl.gz instead")
    study = _pairs(row.get("study_examples"), f"{where}: study_examples")
    query_pairs = _pairs(row.get("queries"), f"{where}: queries")
    condition, level, kinds = condition_of(len(study))
    size = len(study[0][0])
    chosen = query_pairs if queries == "all" else query_pairs[:1]
    records = []
    for q, (query_in, query_out) in enumerate(chosen):
        study_dicts = [{"kind": k, "input": i, "output": o} for k, (i, o) in zip(kinds, study)]
        question = build_prompt(study_dicts, query_in, "3shot" if condition == "3shot" else "systematicity",
                                "python", size)
        params = {
            "condition": condition,
            "split_seed": split_seed,
            "grid_size": size,
            "encoding": "python",
            "study": study_dicts,
            "query": {"kind": LEVEL2_KIND, "input": query_in},
            "query_index": q,
            "queries_per_episode": len(query_pairs),
            "meta_data": row.get("meta_data"),
            "official_episode": episode,
        }
        extras = {k: v for k, v in row.items() if k not in ("study_examples", "queries", "meta_data")}
        if extras:
            params["row_extra"] = extras
        records.append(ProblemRecord(
            id=record_id("carc", question),
            setting_key="carc",
            setting_name=TITLE,
            messages=[Message(role="user", content=question)],
            ground_truth=ground_truth_string(query_out, "grid"),
            dataset=dataset,
            axis="carc",
            family="carc",
            split=split,
            level=level,
            seed=0,
            index=episode * len(chosen) + q,
            answer_type="grid",
            answer=query_out,
            params=params,
            generator_version=f"official:{dataset}",
        ))
    return records

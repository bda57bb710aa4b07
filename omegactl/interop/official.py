"""Read the public release files (OMEGA Hugging Face rows, C-ARC episodes) as omegactl problem records.

Accepted, as a user has them on disk: OMEGA rows (``id, setting_key, setting_name, messages, ground_truth,
dataset``, optionally ``family``) in parquet or (gzip) JSONL, from ``allenai/omega-explorative``,
``-compositional``, ``-transformative``, ``allenai/omega-problems`` and OMEGA-500; and C-ARC split episodes
(``study_examples, queries, meta_data``) in ``jsonl.gz``. ``hf:REPO[/CONFIG]:SPLIT`` reads from the Hub
instead, only when the ``datasets`` package is installed (never in tests).

What the rows do not say is taken from the path (``.../omega-explorative/arithmetic_gcd/test_out-00000-
of-00001.parquet``, ``.../omega-problems/<family>/level_3-...``, ``split_seed_1860/test_systematicity
.jsonl.gz``) and documented in docs/interop.md: the release (dataset), axis, setting, split and level.
Answer types come from the ground truth (``official_answers``). Records get ``seed`` 0, ``index`` = row
order within the file, ``params`` = the row's fields beyond the six public ones, and ``generator_version``
``official:<dataset>``. Rows whose ``dataset`` field says ``omegactl/...`` are omegactl's own ``--format hf``
output, not a release: their source kind is ``file``.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generators.record import AXES, ProblemRecord
from generators.settings import record_id
from omegactl.common.errors import UserError
from omegactl.interop.official_answers import infer_answer
from omegactl.interop.official_carc import episode_records, is_carc_episode
from omegactl.common.rows_io import iter_rows

HF_FIELDS = ("id", "setting_key", "setting_name", "messages", "ground_truth", "dataset")
RELEASES = {  # path marker -> (dataset name, axis or None when the setting key decides)
    "omega-explorative": ("allenai/omega-explorative", "exploratory"),
    "omega-compositional": ("allenai/omega-compositional", "compositional"),
    "omega-transformative": ("allenai/omega-transformative", "transformative"),
    "omega-problems": ("allenai/omega-problems", "exploratory"),
    "omega-500": ("allenai/omega-500", "exploratory"),
    "omega_500": ("allenai/omega-500", "exploratory"),
    "compositional-arc": ("mainlp/Compositional-ARC", "carc"),
}
EVAL_ONLY = {"allenai/omega-problems", "allenai/omega-500"}  # evaluation sets: every row is split "test"
# Ai2's map from omega-problems / omega-500 family names to the explorative config names
FAMILY_ALIASES = {
    "geometry_rotation": "geometry_polygon_rotation",
    "logic_puzzles_blocked_grid": "logic_gridworld_blocked",
    "logic_puzzles_grid_knight": "logic_gridworld_knight_move",
    "logic_puzzles_grid_rook": "logic_gridworld_rookmove",
    "logic_puzzles_zebralogic": "logic_zebralogic",
    "number_theory_digit_sum": "numbertheory_qr_sum",
    "number_theory_prime_mod": "numbertheory_lte_qr",
    "number_theory_triple_count": "numbertheory_ordered_lte",
}
_SPLIT_NAMES = {"train": "train", "test_in": "test_in", "test_out": "test_out", "test": "test", "val": "val",
                "validation": "val", "dev": "val"}
_SPLIT_RE = re.compile(r"(?<![a-z])(train|test_in|test_out|test|validation|val|dev)(?![a-z])")
_LEVEL_RE = re.compile(r"(?<![a-z])level[_-]?(\d+)(?!\d)")
_SEED_RE = re.compile(r"split_seed_(\d+)")
_SHARD_RE = re.compile(r"-\d{5}-of-\d{5}$")


@dataclass
class Location:
    """What a file's path says: release, config folder, split, level, C-ARC split seed."""

    dataset: str | None = None
    axis: str | None = None
    config: str | None = None
    split: str | None = None
    level: int | None = None
    split_seed: int | None = None


@dataclass
class OfficialFile:
    records: list[ProblemRecord]
    kind: str  # "official" (a public release) or "file" (omegactl's own rows in the HF shape)
    dataset: str
    format: str  # "omega-hf" or "carc-episodes"


def file_stem(path: Path) -> str:
    name = path.name
    for suffix in (".jsonl.gz", ".json.gz", ".parquet", ".jsonl", ".json"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    return _SHARD_RE.sub("", name)


def locate(path: Path) -> Location:
    """Infer release, config, split and level from a file path (see the module docstring)."""
    path = Path(path)
    loc = Location()
    lowered = [p.lower() for p in path.parts]
    for part in lowered:
        for marker, (dataset, axis) in RELEASES.items():
            if marker in part:
                loc.dataset, loc.axis = dataset, axis
    stem = file_stem(path).lower()
    m = _SPLIT_RE.search(stem)
    if m:
        loc.split = _SPLIT_NAMES[m.group(1)]
    for part in [stem] + lowered[-2::-1]:
        lv = _LEVEL_RE.search(part)
        if lv:
            loc.level = int(lv.group(1))
            break
    for part in lowered[::-1]:
        s = _SEED_RE.search(part)
        if s:
            loc.split_seed = int(s.group(1))
            break
    parent = path.parent.name  # the config folder, in a release's own layout only
    if loc.dataset and parent and not _SEED_RE.search(parent.lower()) and parent.lower() not in ("data", "."):
        if not any(marker in parent.lower() for marker in RELEASES):
            loc.config = parent
    return loc


def is_release_row(row: dict[str, Any]) -> bool:
    """An OMEGA HF row (messages + ground_truth, none of omegactl's own fields)."""
    return "messages" in row and "ground_truth" in row and "axis" not in row


def sniff(row: dict[str, Any]) -> str:
    """``omega-hf``, ``carc-episodes`` or ``omegactl`` for one decoded row."""
    if is_carc_episode(row):
        return "carc-episodes"
    if is_release_row(row):
        return "omega-hf"
    return "omegactl"


def axis_of(setting: str, loc: Location) -> str:
    if setting.startswith("comp_"):
        return "compositional"
    if setting.startswith("trans_"):
        return "transformative"
    if loc.axis in AXES:
        return loc.axis
    return "exploratory"


def _axis(row: dict[str, Any], setting: str, loc: Location) -> str:
    if setting == "carc":
        return "carc"
    ds = row.get("dataset")
    if isinstance(ds, str) and ds.startswith("omegactl/") and ds.split("/", 1)[1] in AXES:
        return ds.split("/", 1)[1]  # omegactl's own rows in the HF shape name their axis
    return axis_of(setting, loc)


def _messages(value: Any, where: str) -> list[dict[str, str]]:
    if isinstance(value, str):
        return [{"role": "user", "content": value}]
    if not isinstance(value, list) or not value:
        raise UserError(f"{where}: field 'messages' must be a non-empty list of {{role, content}}")
    out = []
    for m in value:
        if not isinstance(m, dict) or m.get("role") not in ("system", "user", "assistant") \
                or not isinstance(m.get("content"), str):
            raise UserError(f"{where}: field 'messages' must hold {{role: system|user|assistant, content: str}}")
        out.append({"role": m["role"], "content": m["content"]})
    return out


def _level(row: dict[str, Any], loc: Location) -> int:
    for key in ("level", "difficulty", "difficulty_level"):
        value = row.get(key)
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # an integer column with gaps comes back from parquet as floats
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            m = _LEVEL_RE.search(value.lower()) or re.fullmatch(r"\s*(\d+)\s*", value)
            if m:
                return int(m.group(1))
    return loc.level if loc.level is not None else 0


def _split(row: dict[str, Any], loc: Location, dataset: str) -> str:
    if dataset in EVAL_ONLY:
        return "test"
    for key in ("split", "omega_split"):
        value = row.get(key)
        if isinstance(value, str) and value.lower() in _SPLIT_NAMES:
            return _SPLIT_NAMES[value.lower()]
    return loc.split or "test"


def omega_record(row: dict[str, Any], *, where: str, index: int, loc: Location, dataset: str) -> ProblemRecord:
    """One OMEGA HF row as a record (``where`` is ``file:row`` for error messages)."""
    messages = _messages(row.get("messages"), where)
    gt = row.get("ground_truth")
    if isinstance(gt, (int, float)) and not isinstance(gt, bool):
        gt = str(gt)
    if not isinstance(gt, str) or not gt.strip():
        raise UserError(f"{where}: field 'ground_truth' must be a non-empty string")
    raw_family = row.get("family") if isinstance(row.get("family"), str) and row.get("family") else None
    setting = next((v for v in (row.get("setting_key"), raw_family, loc.config) if isinstance(v, str) and v), None)
    if setting is None:
        raise UserError(f"{where}: no setting_key or family field, and the path names no release config folder")
    family = FAMILY_ALIASES.get(raw_family or "", raw_family) or setting
    question = messages[-1]["content"]
    grids = setting == "carc" or "output: [[" in question
    answer_type, answer = infer_answer(gt, grids=grids)
    row_id = row.get("id")
    extras = {k: v for k, v in row.items() if k not in HF_FIELDS}
    return ProblemRecord(
        id=str(row_id) if row_id not in (None, "") else record_id(setting, question),
        setting_key=setting,
        setting_name=str(row.get("setting_name") or setting),
        messages=messages,
        ground_truth=gt,
        dataset=str(row.get("dataset") or dataset),
        axis=_axis(row, setting, loc),
        family=family,
        split=_split(row, loc, dataset),
        level=_level(row, loc),
        seed=0,
        index=index,
        answer_type=answer_type,
        answer=answer,
        params=extras,
        generator_version=f"official:{dataset}",
    )


def read_official(path: Path, *, carc_queries: str = "first") -> OfficialFile:
    """All records of one release file (parquet, JSONL or gzip JSONL)."""
    path = Path(path)
    loc = locate(path)
    records: list[ProblemRecord] = []
    fmt = None
    row_datasets: Counter = Counter()
    for number, row in iter_rows(path):
        kind = sniff(row)
        if fmt is None:
            fmt = kind
        if kind != fmt:
            raise UserError(f"{path}:{number}: a {kind} row in a file of {fmt} rows")
        where = f"{path}:{number}"
        if kind == "carc-episodes":
            dataset = loc.dataset if loc.axis == "carc" else "mainlp/Compositional-ARC"
            records.extend(episode_records(row, where=where, split=loc.split or "test", episode=number - 1,
                                           dataset=dataset, split_seed=loc.split_seed, queries=carc_queries))
        elif kind == "omega-hf":
            ds = row.get("dataset")
            row_datasets[ds if isinstance(ds, str) else ""] += 1
            dataset = loc.dataset or (ds if isinstance(ds, str) and ds else "omega-hf")
            records.append(omega_record(row, where=where, index=len(records), loc=loc, dataset=dataset))
        else:
            raise UserError(f"{where}: neither an OMEGA release row (messages, ground_truth) nor a C-ARC episode "
                            "(study_examples, queries)")
    if fmt is None:
        raise UserError(f"{path}: holds no rows")
    if fmt == "carc-episodes":
        return OfficialFile(records, "official", records[0].dataset, fmt)
    own = bool(row_datasets) and all(d.startswith("omegactl/") for d in row_datasets)
    dataset = loc.dataset or (next(iter(row_datasets)) if len(row_datasets) == 1 else "omega-hf") or "omega-hf"
    if own:
        for r in records:
            r.generator_version = f"hf-rows:{r.dataset}"
    return OfficialFile(records, "file" if own else "official", dataset, fmt)


def unique_ids(records: list[ProblemRecord]) -> int:
    """Make ids unique in place: collided ids become ``setting/split/id``, then get ``~2``, ``~3``...

    Returns how many records were renamed. Release files can repeat an id across configs or rows; the
    renaming is deterministic (file order), so a resumed run sees the same ids.
    """
    counts = Counter(r.id for r in records)
    renamed = 0
    for r in records:
        if counts[r.id] > 1:
            r.id = f"{r.setting_key}/{r.split}/{r.id}"
            renamed += 1
    seen: Counter = Counter()
    for r in records:
        seen[r.id] += 1
        if seen[r.id] > 1:
            r.id = f"{r.id}~{seen[r.id]}"
            renamed += 1
    return renamed


def parse_hub_name(spec: str) -> tuple[str, str | None, str]:
    """``hf:REPO_OWNER/REPO[/CONFIG]:SPLIT`` -> (repo, config, split)."""
    body = spec[3:]
    if ":" not in body:
        raise UserError(f"{spec!r}: name the split, e.g. hf:allenai/omega-explorative/arithmetic_gcd:test_out")
    name, split = body.rsplit(":", 1)
    parts = [p for p in name.split("/") if p]
    if len(parts) not in (2, 3) or not split:
        raise UserError(f"{spec!r}: expected hf:OWNER/DATASET[/CONFIG]:SPLIT")
    return "/".join(parts[:2]), (parts[2] if len(parts) == 3 else None), split


def read_hub(spec: str) -> OfficialFile:
    """Rows of a Hub dataset split (needs ``datasets`` and network access; never used by the tests)."""
    repo, config, split = parse_hub_name(spec)
    try:
        import datasets  # type: ignore[import-not-found]
    except ImportError:
        raise UserError("reading from the Hugging Face Hub needs the `datasets` package (pip install datasets); "
                        "or download the release files and pass their path") from None
    try:
        data = datasets.load_dataset(repo, config, split=split)
    except Exception as exc:  # noqa: BLE001 - network, auth and name errors all end the same way
        first = (str(exc).splitlines() or [""])[0][:200]
        raise UserError(f"cannot load {repo} {config or ''} split {split} from the Hub: {first}") from None
    fake_path = Path(repo.split("/")[1]) / (config or "data") / f"{split}.jsonl"
    loc = locate(fake_path)
    records = []
    for i, row in enumerate(data):
        where = f"{spec} row {i + 1}"
        if is_carc_episode(row):
            records.extend(episode_records(row, where=where, split=loc.split or split, episode=i, dataset=repo,
                                           split_seed=loc.split_seed))
        else:
            records.append(omega_record(dict(row), where=where, index=i, loc=loc, dataset=loc.dataset or repo))
    if not records:
        raise UserError(f"{spec}: the split holds no rows")
    fmt = "carc-episodes" if records[0].axis == "carc" else "omega-hf"
    return OfficialFile(records, "official", loc.dataset or repo, fmt)

"""Named evaluation suites: which settings, splits, levels and counts an `eval --suite` generates.

Every suite produces both in-distribution items (``test_in`` for exploratory, ``train`` for the
compositional / transformative / C-ARC settings) and out-of-distribution items (``test_out`` / ``test``),
so a run always ends in an ID→OOD table. Problems come from a fixed suite seed (``--problem-seed`` to
draw fresh ones), so different models evaluated on a suite see the same problems.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rich.table import Table

from generators import registry
from generators.record import ProblemRecord
from generators.registry import UnknownName
from omegactl.common.errors import UserError

SUITE_SEED = 20250601


@dataclass(frozen=True)
class SuiteEntry:
    setting: str
    split: str
    n: int  # problems per level
    levels: tuple[int, ...] | None = None  # None: the split's default levels
    options: tuple[tuple[str, object], ...] = ()  # generator options (C-ARC: encoding, split_seed, ...)


@dataclass
class Suite:
    name: str
    description: str
    entries: list[SuiteEntry] | None = None  # None: derived from the registry (see `resolve`)
    per_level: int = 50
    max_tokens: int = 2048
    axes: tuple[str, ...] = ("exploratory", "compositional", "transformative", "carc")
    splits_by_axis: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: {
            "exploratory": ("test_in", "test_out"),
            "compositional": ("train", "test"),
            "transformative": ("train", "test"),
            "carc": ("train", "test"),
        }
    )

    def resolve(self) -> list[SuiteEntry]:
        if self.entries is not None:
            return self.entries
        out: list[SuiteEntry] = []
        for axis in self.axes:
            for name, setting in registry.settings(axis).items():
                for split in self.splits_by_axis[axis]:
                    if split in setting.splits:
                        out.append(SuiteEntry(name, split, self.per_level))
        return out

    def describe(self) -> dict:
        entries = self.resolve()
        return {
            "description": self.description,
            "max_tokens": self.max_tokens,
            "entries": [e.__dict__ | {"levels": list(e.levels) if e.levels else None, "options": dict(e.options)}
                        for e in entries],
        }


SMOKE_ENTRIES = [
    SuiteEntry("arithmetic_gcd", "test_in", 2, (1,)),
    SuiteEntry("arithmetic_gcd", "test_out", 2, (3,)),
    SuiteEntry("arithmetic_matrix_determinant", "test_in", 1, (1,)),
    SuiteEntry("arithmetic_matrix_determinant", "test_out", 1, (4,)),
    SuiteEntry("logic_gridworld_blocked", "test_in", 2, (1,)),
    SuiteEntry("logic_gridworld_blocked", "test_out", 2, (3,)),
    SuiteEntry("combinatory_probability_no_fixed_points", "test_in", 1, (1,)),
    SuiteEntry("combinatory_probability_no_fixed_points", "test_out", 1, (3,)),
    SuiteEntry("comp_polynomial_gcd", "train", 1, (1,)),
    SuiteEntry("comp_polynomial_gcd", "test", 2, (1,)),
    SuiteEntry("trans_de_moivre", "train", 1, (1,)),
    SuiteEntry("trans_de_moivre", "test", 2, (1,)),
    # the 3-shot condition with digit-row grids keeps C-ARC prompts short enough for a CPU model
    SuiteEntry("carc", "train", 2, (2,), (("encoding", "digits"),)),
    SuiteEntry("carc", "test", 2, (2,), (("encoding", "digits"),)),
]

SUITES: dict[str, Suite] = {
    "smoke": Suite(
        "smoke",
        "a few problems per axis (ID and OOD); minutes on the local CPU model",
        entries=SMOKE_ENTRIES,
        max_tokens=384,
    ),
    "default": Suite("default", "every setting, ID and OOD levels, 50 problems per level", per_level=50),
    "carc": Suite("carc", "Compositional-ARC: train-triplet (ID) and held-out-triplet (OOD) episodes", per_level=100,
                  axes=("carc",), max_tokens=1024),
}


def get_suite(name: str) -> Suite:
    if name not in SUITES:
        raise UserError(f"unknown suite {name!r} (valid: {', '.join(SUITES)}); see `omegactl ls suites`")
    return SUITES[name]


def build_suite(name: str, seed: int = SUITE_SEED, *, progress: bool = False, workers: int | None = None,
                use_cache: bool = True) -> list[ProblemRecord]:
    """The suite's problems (deterministic in ``seed``): read from the suite cache, or generated on
    ``workers`` processes (default: all CPUs) and cached. ``progress`` shows a bar on stderr while building."""
    from omegactl.eval import suite_cache

    suite = get_suite(name)
    specs = _job_specs(name, suite, seed)
    key = suite_cache.suite_key(name, seed) if use_cache else None
    if key is not None:
        cached = suite_cache.load(name, key)
        if cached is not None:
            return cached
    records = _generate(name, specs, progress=progress, workers=workers)
    if key is not None:
        suite_cache.store(name, key, records)
    return records


def _job_specs(name: str, suite: Suite, seed: int) -> list:
    from omegactl.generate.pool import JobSpec

    specs = []
    for entry in suite.resolve():
        try:
            registry.get_setting(entry.setting)
        except UnknownName:
            raise UserError(f"suite {name!r} needs setting {entry.setting!r}, which is not registered in this install") from None
        specs.append(JobSpec(entry.setting, entry.split, entry.n, seed, entry.levels, tuple(entry.options)))
    return specs


def _generate(name: str, specs: list, *, progress: bool, workers: int | None) -> list[ProblemRecord]:
    from rich.console import Console

    from generators.family import GenerationError
    from omegactl.common.item_bar import ItemBar
    from omegactl.generate.pool import item_count, iter_records

    try:
        total = sum(item_count(s) for s in specs)
    except GenerationError as exc:
        raise UserError(f"suite {name!r}: {exc}") from None
    records: list[ProblemRecord] = []
    seen: set[str] = set()
    with ItemBar(f"building suite {name} (once; cached)", total, Console(stderr=True),
                 enabled=progress and total >= 200) as bar:
        try:
            for _, rec in iter_records(specs, workers=workers, on_item=bar.tick):
                if rec.id not in seen:
                    seen.add(rec.id)
                    records.append(rec)
        except GenerationError as exc:
            raise UserError(f"suite {name!r}: {exc}") from None
    if not records:
        raise UserError(f"suite {name!r} resolved to no problems")
    return records


def suites_table() -> Table:
    table = Table(title="eval suites", header_style="bold")
    table.add_column("suite", style="cyan")
    table.add_column("what")
    table.add_column("settings × splits", justify="right")
    table.add_column("max_tokens", justify="right")
    for name, suite in SUITES.items():
        try:
            count = str(len(suite.resolve()))
        except Exception:  # a registry problem shows as '?' rather than breaking `ls`
            count = "?"
        table.add_row(name, suite.description, count, str(suite.max_tokens))
    return table

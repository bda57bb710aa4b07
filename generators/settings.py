"""Settings: how a family (or several) becomes train / in-distribution / out-of-distribution splits.

* exploratory: one family; ``train`` and ``test_in`` from its low levels, ``test_out`` from higher ones.
* compositional / transformative: ``train`` is the union of source families' train items, ``test`` is a
  new template family with its own level ladder.

Splits never share an instance: an exploratory item is kept only when the hash of its family's canonical
instance key (``Family.instance_key``, computed from params, invariant under wording, renaming, symmetric
order and scaling; never the question text) falls in its split's bucket, so splits are disjoint even when
generated separately, and a split is de-duplicated within itself by the same key. The buckets are equal
thirds, except at the levels only test_out draws of a family whose instances show their own level
(``Family.instance_level``): there test_out holds ten twelfths (``instance_bucket``). Every item runs the
family's independent ``check`` before it is returned.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from generators.answers import ground_truth_string, is_valid_answer_type
from generators.family import Family, GenerationError, VerificationError
from generators.record import Message, ProblemRecord, content_hash
from generators.registry import get_family
from generators.seeding import item_rng

# Exploratory splits partition instance-key space by hash, so they can never overlap.
SPLIT_BUCKETS = {"train": 0, "test_in": 1, "test_out": 2}
# The version of the rule that assigns instances to splits (part of the suite cache key): 2 gives test_out
# ten twelfths of the key space at the levels only it draws (``instance_bucket``).
SPLIT_RULE_VERSION = "2"


def key_bucket(key: str, buckets: int = 3) -> int:
    """The split bucket of an instance key (``Family.instance_key``)."""
    return int(content_hash(key)[:12], 16) % buckets


question_bucket = key_bucket  # older name

# At a level only test_out draws by default, of a family whose instances show their level
# (``Family.instance_level``), test_out holds 10 of 12 shares of the key space (train and test_in one each), so
# test_out throws away one draft in six instead of two in three. A key's share depends only on the key and on
# the instance's own level, so an instance has one split wherever it was drawn.
OOD_SHARES = 12


def instance_bucket(family: Family, key: str, params: dict[str, Any], level: int) -> int:
    """The split bucket (``SPLIT_BUCKETS``) of a drawn instance with key ``key``, drawn at ``level``."""
    own = family.instance_level(params)
    if own is None:
        return key_bucket(key)
    if own != level:
        raise VerificationError(
            f"{family.name}: an instance drawn at level {level} shows level {own} (instance_level); "
            f"this is a bug in the family, nothing was written"
        )
    if own in family.default_ood_levels() and own not in family.default_train_levels():
        return min(int(content_hash(key)[:12], 16) % OOD_SHARES, SPLIT_BUCKETS["test_out"])
    return key_bucket(key)


def seen_key(family: Family, key: str) -> str:
    """The de-duplication entry of an instance: its family and its key."""
    return content_hash(family.name + "\x1f" + key)


def record_id(setting_key: str, question: str) -> str:
    return content_hash(setting_key + "\x1f" + question)[:24]


@dataclass
class ItemDraw:
    """The first draw of one item, from attempt ``start`` on, that is not rejected, lies in its split's
    bucket and was solved: ``record`` (or the ``error`` to raise if it is kept), and the tallies so far.
    ``attempt`` is None when the attempts ran out (``error`` then says why)."""

    attempt: int | None
    record: ProblemRecord | None
    seen_key: str | None
    error: BaseException | None
    rejected: int = 0
    buckets_missed: int = 0
    duplicates: int = 0


def make_record(
    family: Family,
    *,
    setting_key: str,
    setting_name: str,
    axis: str,
    split: str,
    level: int,
    seed: int,
    index: int,
    bucket: int | None = None,
    seen: set[str] | None = None,
) -> ProblemRecord:
    """Item ``index`` of (family, split, level) under ``seed``, solved and independently checked.

    Re-draws (bounded by ``family.max_attempts``) on :class:`Reject`, on an instance key outside ``bucket``
    and on an instance already in ``seen``; raises :class:`GenerationError` when the bound is hit.
    """
    coords = dict(setting_key=setting_key, setting_name=setting_name, axis=axis, split=split, level=level,
                  seed=seed, index=index, bucket=bucket)
    return settle_item(family, draw_item(family, **coords), seen, **coords)


def settle_item(family: Family, draw: ItemDraw, seen: set[str] | None, **coords: Any) -> ProblemRecord:
    """Keep ``draw`` unless its problem is already in ``seen`` (then draw on from the next attempt).

    ``draw_item`` does not look at ``seen``, so draws can be made ahead (in other processes) and settled
    here in order: the item chosen is the same as one process drawing attempt after attempt.
    """
    while True:
        if draw.attempt is None:
            raise draw.error
        if seen is not None and draw.seen_key in seen:
            draw = draw_item(family, start=draw.attempt + 1, rejected=draw.rejected,
                             buckets_missed=draw.buckets_missed, duplicates=draw.duplicates + 1, **coords)
            continue
        if draw.error is not None:
            raise draw.error
        if seen is not None:
            seen.add(draw.seen_key)
        return draw.record


def draw_item(
    family: Family,
    *,
    setting_key: str,
    setting_name: str,
    axis: str,
    split: str,
    level: int,
    seed: int,
    index: int,
    bucket: int | None = None,
    start: int = 0,
    rejected: int = 0,
    buckets_missed: int = 0,
    duplicates: int = 0,
) -> ItemDraw:
    """The first usable draw of an item from attempt ``start`` (see :class:`ItemDraw`).

    The family drafts the problem (cheap: parameters and question) and completes it (the expensive,
    certified work) only when the question falls in the split's bucket, so out-of-bucket draws cost
    nothing; a family without a separate draft step does all its work in ``draft``.
    """
    from generators.family import Reject

    if level not in family.levels:
        raise GenerationError(
            f"{family.name}: level {level} is out of range (valid: {_fmt_levels(family.level_range)})"
        )
    for attempt in range(start, family.max_attempts):
        rng = item_rng(seed, family.name, split, level, index, attempt)
        try:
            problem = family.draft(rng, level)
        except Reject:
            rejected += 1
            continue
        key = family.dedupe_key(problem)
        if bucket is not None and instance_bucket(family, key, problem.params, level) != bucket:
            buckets_missed += 1
            continue
        try:
            problem = family.complete(problem)
        except Reject:
            rejected += 1
            continue
        question = problem.question
        rid = record_id(setting_key, question)
        entry = seen_key(family, key)
        tallies = dict(rejected=rejected, buckets_missed=buckets_missed, duplicates=duplicates)
        try:
            record = _solved_record(family, problem, rid, setting_key=setting_key, setting_name=setting_name,
                                    axis=axis, split=split, level=level, seed=seed, index=index)
        except Exception as exc:  # raised only if this draw is kept (a duplicate is skipped, as before)
            return ItemDraw(attempt, None, entry, exc, **tallies)
        return ItemDraw(attempt, record, entry, None, **tallies)
    reason = (
        f"{duplicates} duplicates" if duplicates >= max(rejected, buckets_missed) else f"{rejected} rejected draws"
    )
    error = GenerationError(
        f"{family.name} level {level} split {split}: no new problem for item {index} after "
        f"{family.max_attempts} draws ({reason}); the level space is too small for this many problems - "
        f"lower --n or add levels"
    )
    return ItemDraw(None, None, None, error, rejected, buckets_missed, duplicates)


def _solved_record(family: Family, problem, rid: str, *, setting_key: str, setting_name: str, axis: str,
                   split: str, level: int, seed: int, index: int) -> ProblemRecord:
    answer = family.solve(problem.params)
    if not family.check(problem.params, answer):
        raise VerificationError(
            f"{family.name} level {level} item {index} (seed {seed}): solve() and the independent "
            f"check() disagree on answer {answer!r}; this is a bug in the family, nothing was written"
        )
    answer_type = problem.answer_type or family.answer_type
    if not is_valid_answer_type(answer_type):
        raise VerificationError(f"{family.name}: unknown answer type {answer_type!r}")
    if answer_type != family.answer_type and answer_type not in family.extra_answer_types:
        raise VerificationError(f"{family.name}: answer type {answer_type!r} is not declared (add it to extra_answer_types)")
    return ProblemRecord(
        id=rid,
        setting_key=setting_key,
        setting_name=setting_name,
        messages=[Message(role="user", content=problem.question + family.prompt_suffix)],
        ground_truth=ground_truth_string(answer, answer_type),
        dataset=f"omegactl/{axis}",
        axis=axis,
        family=family.name,
        split=split,
        level=level,
        seed=seed,
        index=index,
        answer_type=answer_type,
        answer=answer,
        params=problem.params,
        generator_version=f"{family.name}@{family.version}",
    )


def _fmt_levels(levels: Iterable[int]) -> str:
    lv = sorted(levels)
    if lv and lv == list(range(lv[0], lv[-1] + 1)):
        return f"{lv[0]}-{lv[-1]}"
    return ",".join(map(str, lv))


class Setting(ABC):
    """A named setting with splits; ``records`` yields its problems for one split."""

    name: str
    axis: str
    title: str
    description: str

    @property
    @abstractmethod
    def splits(self) -> dict[str, tuple[int, ...]]:
        """Split name → its default levels."""

    @property
    @abstractmethod
    def levels(self) -> tuple[int, ...]:
        """Every valid level of this setting."""

    @property
    @abstractmethod
    def answer_types(self) -> tuple[str, ...]:
        ...

    @property
    @abstractmethod
    def source_families(self) -> tuple[str, ...]:
        ...

    @abstractmethod
    def plan(self, split: str, levels: tuple[int, ...] | None, n: int) -> list[tuple[Family, int, int]]:
        """(family, level, count) jobs for ``n`` problems per level of ``split``."""

    def validate(self, split: str, levels: tuple[int, ...] | None = None) -> None:
        if split not in self.splits:
            raise GenerationError(
                f"{self.name} has no split {split!r} (valid: {', '.join(self.splits)})"
            )
        if levels is not None:
            bad = [lv for lv in levels if lv not in self.levels]
            if bad:
                raise GenerationError(
                    f"{self.name}: level {bad[0]} is out of range (valid: {_fmt_levels(self.levels)})"
                )

    def bucket_for(self, split: str) -> int | None:
        return None

    def records(
        self,
        split: str,
        *,
        n: int,
        seed: int,
        levels: tuple[int, ...] | None = None,
        on_item: Callable[[], None] | None = None,
    ) -> Iterator[ProblemRecord]:
        """``n`` problems per level of ``split`` (default levels unless ``levels`` is given)."""
        self.validate(split, levels)
        seen: set[str] = set()
        for family, level, count in self.plan(split, levels, n):
            for index in range(count):
                yield make_record(
                    family,
                    setting_key=self.name,
                    setting_name=self.title,
                    axis=self.axis,
                    split=split,
                    level=level,
                    seed=seed,
                    index=index,
                    bucket=self.bucket_for(split),
                    seen=seen,
                )
                if on_item is not None:
                    on_item()

    def count(self, split: str, levels: tuple[int, ...] | None, n: int) -> int:
        return sum(c for _, _, c in self.plan(split, levels, n))

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "axis": self.axis,
            "levels": _fmt_levels(self.levels),
            "splits": {s: _fmt_levels(lv) for s, lv in self.splits.items()},
            "answer_types": list(self.answer_types),
            "description": self.description,
            "families": list(self.source_families),
        }


class ExploratorySetting(Setting):
    """One family: train/test_in on its low levels, test_out on its higher levels."""

    axis = "exploratory"

    def __init__(self, family: Family):
        self.family = family
        self.name = family.name
        self.title = family.description
        self.description = family.description

    @property
    def splits(self) -> dict[str, tuple[int, ...]]:
        train = self.family.default_train_levels()
        return {"train": train, "test_in": train, "test_out": self.family.default_ood_levels()}

    @property
    def levels(self) -> tuple[int, ...]:
        return self.family.level_range

    @property
    def answer_types(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.family.answer_type, *self.family.extra_answer_types)))

    @property
    def source_families(self) -> tuple[str, ...]:
        return (self.family.name,)

    def bucket_for(self, split: str) -> int | None:
        return SPLIT_BUCKETS[split]

    def plan(self, split, levels, n):
        chosen = levels if levels is not None else self.splits[split]
        return [(self.family, lv, n) for lv in chosen]


class ComposedSetting(Setting):
    """Compositional / transformative: train = union of source families' train items, test = a new template."""

    def __init__(
        self,
        name: str,
        axis: str,
        title: str,
        description: str,
        train_families: tuple[str, ...],
        test_family: str,
    ):
        if axis not in ("compositional", "transformative"):
            raise ValueError(f"{name}: axis must be compositional or transformative")
        self.name = name
        self.axis = axis
        self.title = title
        self.description = description
        self.train_family_names = tuple(train_families)
        self.test_family_name = test_family

    def _fam(self, name: str) -> Family:
        return get_family(name)

    @property
    def test_family(self) -> Family:
        return self._fam(self.test_family_name)

    @property
    def splits(self) -> dict[str, tuple[int, ...]]:
        train_levels = sorted({lv for f in self.train_family_names for lv in self._fam(f).default_train_levels()})
        return {"train": tuple(train_levels), "test": self.test_family.level_range}

    @property
    def levels(self) -> tuple[int, ...]:
        lv = set(self.test_family.level_range)
        for f in self.train_family_names:
            lv |= set(self._fam(f).level_range)
        return tuple(sorted(lv))

    @property
    def answer_types(self) -> tuple[str, ...]:
        fams = [self._fam(f) for f in self.train_family_names] + [self.test_family]
        return tuple(dict.fromkeys(t for fam in fams for t in (fam.answer_type, *fam.extra_answer_types)))

    @property
    def source_families(self) -> tuple[str, ...]:
        return self.train_family_names + (self.test_family_name,)

    def bucket_for(self, split: str) -> int | None:
        # train items are the source families' exploratory train items (same bucket, same seeds)
        return SPLIT_BUCKETS["train"] if split == "train" else None

    def validate(self, split, levels=None):
        if split not in self.splits:
            raise GenerationError(f"{self.name} has no split {split!r} (valid: {', '.join(self.splits)})")
        if levels is None:
            return
        fams = [self._fam(f) for f in self.train_family_names] if split == "train" else [self.test_family]
        for fam in fams:
            bad = [lv for lv in levels if lv not in fam.levels]
            if bad:
                raise GenerationError(
                    f"{self.name}/{split}: level {bad[0]} is out of range for {fam.name} "
                    f"(valid: {_fmt_levels(fam.level_range)})"
                )

    def plan(self, split, levels, n):
        if split == "train":
            jobs = []
            for fname in self.train_family_names:
                fam = self._fam(fname)
                for lv in levels if levels is not None else fam.default_train_levels():
                    jobs.append((fam, lv, n))
            return jobs
        fam = self.test_family
        return [(fam, lv, n) for lv in (levels if levels is not None else fam.level_range)]


def parse_levels(text: str) -> tuple[int, ...]:
    """Parse ``"1-3"``, ``"2"`` or ``"1,3,5"`` into a sorted tuple of levels; raises ValueError."""
    out: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            raise ValueError(f"malformed levels {text!r}: use e.g. 2, 1-3 or 1,3,5")
        if "-" in part:
            lo, _, hi = part.partition("-")
            if not (lo.strip().isdigit() and hi.strip().isdigit()) or int(lo) > int(hi):
                raise ValueError(f"malformed levels {text!r}: use e.g. 2, 1-3 or 1,3,5")
            out.update(range(int(lo), int(hi) + 1))
        elif part.isdigit():
            out.add(int(part))
        else:
            raise ValueError(f"malformed levels {text!r}: use e.g. 2, 1-3 or 1,3,5")
    return tuple(sorted(out))


__all__ = [
    "Setting",
    "ExploratorySetting",
    "ComposedSetting",
    "make_record",
    "parse_levels",
    "question_bucket",
    "key_bucket",
    "instance_bucket",
    "seen_key",
    "record_id",
    "SPLIT_BUCKETS",
    "SPLIT_RULE_VERSION",
]

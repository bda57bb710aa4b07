"""`omegactl overlap A B`: exact and near-duplicate problems between two problem files (contamination check).

Both files are read like `eval --problems` reads them (omegactl records or public release files). A
problem's text is its question (the last message, without the boxed-answer suffix), normalized: Unicode
NFKC, lower case, whitespace collapsed. Matches of a problem in A against problems in B:

* ``exact``: identical normalized text;
* ``near``: not exact, the Jaccard similarity of the two sets of word 5-grams (a text shorter than five
  words is one 5-gram) is at least ``threshold`` (0.8), and both texts hold the same numbers in the same
  order. A changed or moved number makes a different problem with a different answer, so it is never a
  near-duplicate; a paraphrase, a reformatted prompt, another suffix or renamed letters with the same
  numbers are;
* ``template``: not exact or near, but identical once every number is masked: the same template with other
  numbers. Generated train and test sets share templates by design; this count is information, not overlap.

Instance duplicates (the same problem under another wording, renamed letters, swapped operands or a scaled
equation) are found separately by :func:`find_instance_overlap`:

* ``key``: when every problem of both files is an omegactl record (a registered family, its params, a
  ``family@version`` generator), by the family's canonical instance key (``Family.instance_key``);
* ``signature``: otherwise (a foreign file, e.g. an official release vs our training data), by a
  wording-insensitive signature: the multiset of the numbers in the question and the normalized answer.
  Two problems with the same numbers and the same answer are reported; a reworded copy always matches,
  a different problem matches only when it happens to use the same numbers and has the same answer.

Similarity is computed exactly on direct sets (no MinHash): candidate pairs come from an inverted index
of each B text's rarest 5-grams (prefix filtering: two sets with Jaccard >= t share at least one of the
first ``floor((1 - t) * n) + 1`` 5-grams in a global rarest-first order), then are scored exactly.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from generators.record import ProblemRecord

DEFAULT_THRESHOLD = 0.8
SHINGLE = 5
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_WORD = re.compile(r"\w+|[^\w\s]")


def normalize(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def numbers(text: str) -> tuple[str, ...]:
    """The numeric literals of ``text`` in order of appearance."""
    return tuple(_NUMBER.findall(text))


def masked(text: str) -> str:
    return _NUMBER.sub("#", text)


def shingles(text: str, k: int = SHINGLE) -> frozenset[str]:
    words = _WORD.findall(text)
    if len(words) < k:
        return frozenset([" ".join(words)])
    return frozenset(" ".join(words[i:i + k]) for i in range(len(words) - k + 1))


def _registered_family(rec: ProblemRecord):
    """The family that generated ``rec``, or None for a foreign record."""
    from generators import registry

    fams = registry.families()
    fam = fams.get(rec.family)
    if fam is None or not rec.params or not rec.generator_version.startswith(f"{rec.family}@"):
        return None
    return fam


def instance_key_of(rec: ProblemRecord) -> str | None:
    """``family + instance key`` of an omegactl record; None for a foreign record."""
    from generators.family import Problem

    fam = _registered_family(rec)
    if fam is None:
        return None
    try:
        return rec.family + "\x1f" + fam.dedupe_key(Problem(question=rec.question, params=rec.params))
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None  # params of another generator version: fall back to the signature


_LATEX_WRAPPERS = re.compile(r"\\(?:boxed|text|mathrm|displaystyle|left|right)\b|[{}$\s]")


def _canonical_number(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)


_FRAC = re.compile(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}")


def normalized_answer(text: str) -> str:
    """An answer string without LaTeX wrappers and spaces; an exact number in lowest terms (\\frac{2}{4} = 1/2)."""
    plain = _LATEX_WRAPPERS.sub("", _FRAC.sub(r"\1/\2", unicodedata.normalize("NFKC", text))).lower()
    try:
        value = Fraction(plain)
    except (ValueError, ZeroDivisionError):
        return plain
    return str(value)


def signature_of(rec: ProblemRecord) -> str:
    """Wording-insensitive signature: the sorted numbers of the question and the normalized answer."""
    nums = sorted(_canonical_number(n) for n in numbers(normalize(rec.question)))
    return " ".join(nums) + " => " + normalized_answer(rec.ground_truth)


@dataclass
class InstanceOverlap:
    """Instance duplicates between A and B and within each file."""

    mode: str  # key | signature
    n_a: int
    n_b: int
    a_in_b: int  # A problems whose instance is in B
    b_in_a: int  # B problems whose instance is in A
    pairs: int  # matching (A, B) pairs
    dup_a: int  # A problems that repeat an earlier A problem's instance
    dup_b: int
    examples: list[tuple[ProblemRecord, ProblemRecord]] = field(default_factory=list)
    by_setting: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self, examples: int = 20) -> dict[str, Any]:
        return {"mode": self.mode, "a_in_b": self.a_in_b, "b_in_a": self.b_in_a, "pairs": self.pairs,
                "a_fraction": self.a_in_b / self.n_a if self.n_a else 0.0,
                "duplicates_within_a": self.dup_a, "duplicates_within_b": self.dup_b,
                "by_setting": self.by_setting,
                "examples": [{"a_id": x.id, "b_id": y.id, "a_question": x.question[:300],
                              "b_question": y.question[:300]} for x, y in self.examples[:examples]]}


def instance_identities(records: list[ProblemRecord], mode: str) -> list[str]:
    if mode == "key":
        return [instance_key_of(r) or "" for r in records]
    return [signature_of(r) for r in records]


def choose_mode(a: list[ProblemRecord], b: list[ProblemRecord]) -> str:
    """``key`` when every record of both files has an instance key, else ``signature``."""
    return "key" if all(instance_key_of(r) is not None for r in (*a, *b)) else "signature"


def duplicates_within(records: list[ProblemRecord], mode: str | None = None) -> int:
    """How many records repeat an earlier record's instance."""
    ids = instance_identities(records, mode or choose_mode(records, []))
    return len(ids) - len(set(ids))


def find_instance_overlap(a: list[ProblemRecord], b: list[ProblemRecord], *, mode: str | None = None,
                          keep: int = 50) -> InstanceOverlap:
    """A's problems whose instance (canonical key, or signature for foreign files) is also in B."""
    mode = mode or choose_mode(a, b)
    ka, kb = instance_identities(a, mode), instance_identities(b, mode)
    in_b: dict[str, list[int]] = defaultdict(list)
    for j, k in enumerate(kb):
        in_b[k].append(j)
    set_a = set(ka)
    a_hits = [i for i, k in enumerate(ka) if k in in_b]
    per_setting: dict[tuple[str, str], int] = Counter()
    for i in a_hits:
        per_setting[(a[i].setting_key, a[i].split)] += 1
    examples = [(a[i], b[in_b[ka[i]][0]]) for i in a_hits[:keep]]
    return InstanceOverlap(
        mode=mode, n_a=len(a), n_b=len(b), a_in_b=len(a_hits), b_in_a=sum(1 for k in kb if k in set_a),
        pairs=sum(len(in_b[ka[i]]) for i in a_hits), dup_a=len(ka) - len(set_a), dup_b=len(kb) - len(set(kb)),
        examples=examples,
        by_setting=[{"setting": s, "split": sp, "instance": c} for (s, sp), c in sorted(per_setting.items())])


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


@dataclass
class Match:
    kind: str  # exact | near | template
    a: ProblemRecord
    b: ProblemRecord
    similarity: float

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "a_id": self.a.id, "b_id": self.b.id, "similarity": round(self.similarity, 4),
                "a_setting": self.a.setting_key, "a_split": self.a.split, "b_setting": self.b.setting_key,
                "b_split": self.b.split, "a_question": self.a.question[:300]}


@dataclass
class OverlapResult:
    n_a: int
    n_b: int
    threshold: float
    matches: list[Match] = field(default_factory=list)  # examples: at most a few B partners per A problem
    pair_counts: Counter = field(default_factory=Counter)  # every matching pair, per kind
    a_hits: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    b_hits: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def pairs(self, kind: str) -> list[Match]:
        return [m for m in self.matches if m.kind == kind]

    def add(self, kind: str, a: ProblemRecord, bs: list[tuple[ProblemRecord, float]], keep: int) -> None:
        if not bs:
            return
        self.pair_counts[kind] += len(bs)
        self.a_hits[kind].add(a.id)
        self.b_hits[kind].update(b.id for b, _ in bs)
        self.matches.extend(Match(kind, a, b, sim) for b, sim in bs[:keep])

    def summary(self) -> dict[str, dict[str, Any]]:
        out = {}
        for kind in ("exact", "near", "template"):
            na, nb = len(self.a_hits.get(kind, ())), len(self.b_hits.get(kind, ()))
            out[kind] = {"pairs": self.pair_counts[kind], "a_problems": na, "b_problems": nb,
                         "a_fraction": na / self.n_a if self.n_a else 0.0,
                         "b_fraction": nb / self.n_b if self.n_b else 0.0}
        return out

    def by_setting(self) -> list[dict[str, Any]]:
        """Per (A setting, A split): problems of A with an exact / near match in B."""
        counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
        seen: set[tuple[str, str]] = set()
        for m in self.matches:
            if m.kind in ("exact", "near") and (m.a.id, m.kind) not in seen:
                seen.add((m.a.id, m.kind))
                counts[(m.a.setting_key, m.a.split)][m.kind] += 1
        return [{"setting": s, "split": sp, "exact": c["exact"], "near": c["near"]}
                for (s, sp), c in sorted(counts.items())]


class _Text:
    __slots__ = ("rec", "norm", "nums", "mask", "grams")

    def __init__(self, rec: ProblemRecord):
        self.rec = rec
        self.norm = normalize(rec.question)
        self.nums = numbers(self.norm)
        self.mask = masked(self.norm)
        self.grams = shingles(self.norm)


def _prefix_len(n: int, threshold: float) -> int:
    return min(n, int(math.floor((1.0 - threshold) * n + 1e-9)) + 1)


def find_overlap(a: list[ProblemRecord], b: list[ProblemRecord], *, threshold: float = DEFAULT_THRESHOLD,
                 max_pairs_per_problem: int = 5) -> OverlapResult:
    """Every exact, near and template match of A's problems in B. All counts are exact; only the first
    ``max_pairs_per_problem`` B partners per A problem and kind are kept as examples."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError("threshold must be in (0, 1]")
    ta = [_Text(r) for r in a]
    tb = [_Text(r) for r in b]
    result = OverlapResult(n_a=len(a), n_b=len(b), threshold=threshold)
    by_norm: dict[str, list[int]] = defaultdict(list)
    by_mask: dict[str, list[int]] = defaultdict(list)
    for j, t in enumerate(tb):
        by_norm[t.norm].append(j)
        by_mask[t.mask].append(j)
    freq: Counter = Counter(g for t in ta + tb for g in t.grams)

    def order(grams: frozenset[str]) -> list[str]:
        return sorted(grams, key=lambda g: (freq[g], g))

    index: dict[str, list[int]] = defaultdict(list)
    for j, t in enumerate(tb):
        ordered = order(t.grams)
        for g in ordered[:_prefix_len(len(ordered), threshold)]:
            index[g].append(j)
    for t in ta:
        exact = by_norm.get(t.norm, [])
        result.add("exact", t.rec, [(tb[j].rec, 1.0) for j in exact], max_pairs_per_problem)
        exact_set = set(exact)
        ordered = order(t.grams)
        candidates = sorted({j for g in ordered[:_prefix_len(len(ordered), threshold)] for j in index.get(g, ())}
                            - exact_set)
        near = []
        for j in candidates:
            u = tb[j]
            if u.nums != t.nums:
                continue
            sim = jaccard(t.grams, u.grams)
            if sim >= threshold:
                near.append((-sim, j))
        near.sort()
        result.add("near", t.rec, [(tb[j].rec, -neg) for neg, j in near], max_pairs_per_problem)
        near_set = {j for _, j in near}
        tmpl = [j for j in by_mask.get(t.mask, []) if j not in exact_set and j not in near_set]
        result.add("template", t.rec, [(tb[j].rec, jaccard(t.grams, tb[j].grams)) for j in tmpl[:max_pairs_per_problem]]
                   + [(tb[j].rec, 0.0) for j in tmpl[max_pairs_per_problem:]], max_pairs_per_problem)
    return result


def to_json(result: OverlapResult, a_path: str, b_path: str, *, examples: int = 20,
            instance: InstanceOverlap | None = None) -> dict[str, Any]:
    out = {
        "a": {"path": a_path, "problems": result.n_a},
        "b": {"path": b_path, "problems": result.n_b},
        "threshold": result.threshold,
        "method": "exact: normalized text; near: word 5-gram Jaccard >= threshold with the same numbers in order; "
                  "template: same text with numbers masked",
        "summary": result.summary(),
        "by_setting": result.by_setting(),
        "examples": [m.to_json() for m in (result.pairs("exact") + result.pairs("near"))[:examples]],
    }
    if instance is not None:
        out["instance"] = instance.to_json(examples)
    return out


def print_result(console, result: OverlapResult, a_path: str, b_path: str, *, examples: int = 10,
                 instance: InstanceOverlap | None = None) -> None:
    """Rich tables: the summary, the per-setting counts, and the first examples."""
    from rich.table import Table

    from omegactl.common.escape import terminal, terminal_markup as tm

    if instance is not None:
        print_instance(console, instance, examples=examples)

    table = Table(title=f"overlap of A ({result.n_a} problems) with B ({result.n_b} problems)", header_style="bold")
    for col in ("kind", "pairs", "A problems", "% of A", "B problems", "% of B"):
        table.add_column(col, justify="left" if col == "kind" else "right")
    for kind, s in result.summary().items():
        label = {"exact": "exact", "near": f"near (5-gram Jaccard ≥ {result.threshold:g}, same numbers)",
                 "template": "template only (numbers differ; not overlap)"}[kind]
        table.add_row(label, str(s["pairs"]), str(s["a_problems"]), f"{100 * s['a_fraction']:.1f}%",
                      str(s["b_problems"]), f"{100 * s['b_fraction']:.1f}%")
    console.print(f"A: {terminal(a_path)}\nB: {terminal(b_path)}", markup=False, highlight=False)
    console.print(table)
    rows = result.by_setting()
    if rows:
        t2 = Table(title="A problems found in B, by setting and split", header_style="bold")
        for col in ("setting", "split", "exact", "near"):
            t2.add_column(col, justify="left" if col in ("setting", "split") else "right")
        for r in rows:
            t2.add_row(tm(r["setting"]), tm(r["split"]), str(r["exact"]), str(r["near"]))
        console.print(t2)
        t3 = Table(title=f"examples (first {examples})", header_style="bold", show_lines=False)
        for col in ("kind", "sim", "A id", "B id", "A question"):
            t3.add_column(col, overflow="fold")
        for m in (result.pairs("exact") + result.pairs("near"))[:examples]:
            t3.add_row(m.kind, f"{m.similarity:.2f}", tm(m.a.id[:16]), tm(m.b.id[:16]), tm(m.a.question[:120]))
        console.print(t3)
    else:
        console.print("no exact or near-duplicate problems: B does not contain A's problems")


def print_instance(console, inst: InstanceOverlap, *, examples: int = 10) -> None:
    """The instance-duplicate summary (by canonical key or by signature) and its first examples."""
    from rich.table import Table

    from omegactl.common.escape import terminal_markup as tm

    how = ("canonical instance key (omegactl records)" if inst.mode == "key"
           else "signature: numbers + answer (foreign file)")
    table = Table(title=f"instance duplicates, by {how}", header_style="bold")
    for col in ("A problems in B", "% of A", "B problems in A", "pairs", "duplicates within A", "duplicates within B"):
        table.add_column(col, justify="right")
    frac = 100 * inst.a_in_b / inst.n_a if inst.n_a else 0.0
    table.add_row(str(inst.a_in_b), f"{frac:.1f}%", str(inst.b_in_a), str(inst.pairs), str(inst.dup_a),
                  str(inst.dup_b))
    console.print(table)
    if inst.by_setting:
        t2 = Table(title="A problems whose instance is in B, by setting and split", header_style="bold")
        for col in ("setting", "split", "instance"):
            t2.add_column(col, justify="right" if col == "instance" else "left")
        for r in inst.by_setting:
            t2.add_row(tm(r["setting"]), tm(r["split"]), str(r["instance"]))
        console.print(t2)
    if inst.examples and examples:
        t3 = Table(title=f"instance examples (first {examples})", header_style="bold")
        for col in ("A id", "B id", "A question", "B question"):
            t3.add_column(col, overflow="fold")
        for x, y in inst.examples[:examples]:
            t3.add_row(tm(x.id[:16]), tm(y.id[:16]), tm(x.question[:100].replace("\n", " ")),
                       tm(y.question[:100].replace("\n", " ")))
        console.print(t3)

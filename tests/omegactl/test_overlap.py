"""`omegactl overlap`: exact / near / template matches, prefix filtering vs brute force, the command,
and `generate --fresh-seed`."""
from __future__ import annotations

import itertools
import json
import random

import pytest

from generators.record import BOXED_SUFFIX, Message, ProblemRecord
from omegactl.interop.overlap import find_overlap, jaccard, normalize, numbers, shingles

from .evalkit import run_cli

BASE = ("A bag holds {a} red marbles and {b} blue marbles. Two marbles are drawn at random without "
        "replacement, one after the other. What is the probability that both marbles drawn are red?")


def rec(i: int, question: str, setting: str = "s", split: str = "test_in") -> ProblemRecord:
    return ProblemRecord(id=f"{setting}-{split}-{i}", setting_key=setting, setting_name=setting,
                         messages=[Message(role="user", content=question + BOXED_SUFFIX)], ground_truth="1",
                         dataset="t", axis="exploratory", family=setting, split=split, level=1, seed=0, index=i,
                         answer_type="int", answer=1, params={}, generator_version="t@1")


def test_normalization_numbers_and_shingles():
    assert normalize("  What  IS\n2+2? ") == "what is 2+2?"
    assert numbers("take 12 and 3.5 then 12") == ("12", "3.5", "12")
    assert shingles("one two three") == frozenset({"one two three"})
    assert len(shingles("a b c d e f g")) == 3 and jaccard(frozenset("ab"), frozenset("bc")) == pytest.approx(1 / 3)


def test_exact_near_and_template_are_told_apart():
    a = [rec(0, BASE.format(a=5, b=7)), rec(1, BASE.format(a=4, b=9)), rec(2, BASE.format(a=8, b=1)),
         rec(3, "Something else entirely, with no counterpart at all.")]
    b = [rec(0, "  " + BASE.format(a=5, b=7).upper(), split="train"),  # exact after normalization
         rec(1, BASE.format(a=4, b=9) + " Give it as a reduced fraction.", split="train"),  # near: an added sentence
         rec(2, BASE.format(a=8, b=2), split="train")]  # same template, another number
    res = find_overlap(a, b)
    s = res.summary()
    assert (s["exact"]["a_problems"], s["near"]["a_problems"]) == (1, 1)
    # template-only (same wording, other numbers): a0-b2, a1-b0, a1-b2, a2-b0, a2-b2; a3 with none
    assert s["template"] == {"pairs": 5, "a_problems": 3, "b_problems": 2, "a_fraction": 0.75, "b_fraction": 2 / 3}
    near = res.pairs("near")[0]
    assert (near.a.id, near.b.id) == (a[1].id, b[1].id)
    assert near.similarity == pytest.approx(jaccard(shingles(normalize(a[1].question)), shingles(normalize(b[1].question))))
    assert near.similarity >= 0.8
    assert all(m.a.id != a[2].id for m in res.pairs("near"))  # a changed number is never a near-duplicate
    assert res.by_setting() == [{"setting": "s", "split": "test_in", "exact": 1, "near": 1}]
    strict = find_overlap(a, b, threshold=0.9).summary()
    assert strict["near"]["a_problems"] == 0 and strict["exact"]["a_problems"] == 1


def test_prefix_filtering_finds_exactly_the_brute_force_pairs():
    rng = random.Random(7)
    vocab = ["".join(p) for p in itertools.product("abcdefg", repeat=2)][:40]  # no digits: numbers stay equal
    base_texts = [" ".join(rng.choice(vocab) for _ in range(rng.randint(3, 80))) for _ in range(40)]

    def mutate(t: str) -> str:
        words = t.split()
        for _ in range(rng.randint(0, 3)):
            op = rng.random()
            if op < 0.4 and words:
                words[rng.randrange(len(words))] = rng.choice(vocab)
            elif op < 0.7:
                words.insert(rng.randrange(len(words) + 1), rng.choice(vocab))
            elif words:
                words.pop(rng.randrange(len(words)))
        return " ".join(words)

    a = [rec(i, t) for i, t in enumerate(base_texts)]
    b = [rec(i, mutate(rng.choice(base_texts)), split="train") for i in range(120)]
    def views(recs):
        return [(r, normalize(r.question), shingles(normalize(r.question))) for r in recs]

    found = {}
    for threshold in (0.5, 0.8, 0.9):
        res = find_overlap(a, b, threshold=threshold, max_pairs_per_problem=10_000)
        got = {(m.a.id, m.b.id) for m in res.matches if m.kind == "near"}
        want = set()
        for (x, nx, gx), (y, ny, gy) in itertools.product(views(a), views(b)):
            if nx != ny and numbers(nx) == numbers(ny) and jaccard(gx, gy) >= threshold:
                want.add((x.id, y.id))
        assert got == want, threshold
        assert res.summary()["near"]["pairs"] == len(want)
        found[threshold] = len(want)
    assert found[0.5] > found[0.8] > found[0.9] > 0, found


def test_overlap_command_table_json_and_errors(tmp_path, capsys):
    a = tmp_path / "a.jsonl"
    b = tmp_path / "b.jsonl"
    a.write_text("".join(rec(i, BASE.format(a=i, b=i + 1)).to_json() + "\n" for i in range(4)))
    b.write_text("".join(rec(i, BASE.format(a=i, b=i + 1), split="train").to_json() + "\n" for i in range(2)))
    code, out, err = run_cli(["overlap", str(a), str(b)], capsys)
    assert code == 0, err
    assert "exact" in out and "A problems found in B" in out
    code, out, err = run_cli(["overlap", str(a), str(b), "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["summary"]["exact"] == {"pairs": 2, "a_problems": 2, "b_problems": 2, "a_fraction": 0.5, "b_fraction": 1.0}
    assert data["a"] == {"path": str(a), "problems": 4} and len(data["examples"]) == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1\n')
    for args, needle in ((["overlap", str(a), str(bad)], "invalid JSON"),
                         (["overlap", str(a), str(tmp_path / "nope.jsonl")], "does not exist"),
                         (["overlap", str(a), str(b), "--threshold", "0"], "--threshold")):
        code, out, err = run_cli(args, capsys)
        assert code == 2 and needle in err and "Traceback" not in err, (args, err)


def test_fresh_seed_is_printed_and_recorded_in_every_row(tmp_path, capsys):
    seeds = []
    for k in range(2):
        out_file = tmp_path / f"fresh{k}.jsonl"
        code, out, err = run_cli(["generate", "arithmetic_gcd", "--split", "test_in", "--n", "3", "--fresh-seed",
                                  "-o", str(out_file)], capsys)
        assert code == 0, err
        rows = [json.loads(line) for line in out_file.read_text().splitlines()]
        assert len({r["seed"] for r in rows}) == 1
        seed = rows[0]["seed"]
        assert f"fresh seed: {seed}" in err
        seeds.append(seed)
        again = tmp_path / f"again{k}.jsonl"  # the printed seed re-creates the same bytes
        assert run_cli(["generate", "arithmetic_gcd", "--split", "test_in", "--n", "3", "--seed", str(seed),
                        "-o", str(again)], capsys)[0] == 0
        assert again.read_bytes() == out_file.read_bytes()
    assert seeds[0] != seeds[1]
    code, _, err = run_cli(["generate", "arithmetic_gcd", "--fresh-seed", "--format", "hf", "-o", str(tmp_path / "h")], capsys)
    assert code == 2 and "--format jsonl" in err


# ---------------------------------------------------------------- instance duplicates (issue 16)
def _gcd_records(split: str, n: int):
    from generators import registry

    return list(registry.get_setting("arithmetic_gcd").records(split, n=n, seed=8087, levels=(1,)))


def _reworded(r: ProblemRecord, question: str, **params) -> ProblemRecord:
    return r.model_copy(update={"id": r.id + "-copy", "messages": [Message(role="user", content=question + BOXED_SUFFIX)],
                                "params": {**r.params, **params}})


def test_instance_overlap_by_key_sees_through_wording_and_operand_order():
    from omegactl.interop.overlap import duplicates_within, find_instance_overlap

    train, test_in = _gcd_records("train", 20), _gcd_records("test_in", 20)
    clean = find_instance_overlap(test_in, train)
    assert clean.mode == "key" and clean.a_in_b == 0 and clean.dup_a == clean.dup_b == 0
    p, q = train[3].params["p"], train[3].params["q"]
    copy = _reworded(train[3], f"What is the greatest common divisor of {q} and {p}?", p=q, q=p)
    res = find_instance_overlap(test_in + [copy], train)
    assert (res.a_in_b, res.b_in_a, res.pairs) == (1, 1, 1)
    assert res.examples[0][0].id == copy.id and res.examples[0][1].id == train[3].id
    text = find_overlap(test_in + [copy], train).summary()
    assert text["exact"]["a_problems"] == 0 and text["near"]["a_problems"] == 0  # wording alone misses it
    assert duplicates_within(train + [copy]) == 1


def _foreign(i: int, question: str, answer: str) -> ProblemRecord:
    return ProblemRecord(id=f"off-{i}", setting_key="arithmetic_gcd", setting_name="gcd",
                         messages=[Message(role="user", content=question)], ground_truth=answer, dataset="omega",
                         axis="exploratory", family="arithmetic_gcd", split="test_in", level=1, seed=0, index=i,
                         answer_type="int", answer=answer, params={}, generator_version="official:omega")


def test_instance_overlap_by_signature_for_foreign_files():
    from omegactl.interop.overlap import find_instance_overlap, signature_of

    train = _gcd_records("train", 20)
    r = train[5]
    p, q = r.params["p"], r.params["q"]
    official = [_foreign(0, f"Calculate the highest common divisor of {q} and {p}.", r.ground_truth),
                _foreign(1, f"Calculate the highest common divisor of {q} and {p + 1}.", r.ground_truth),
                _foreign(2, f"Calculate the highest common divisor of {q} and {p}.", str(int(r.ground_truth) + 1))]
    res = find_instance_overlap(official, train)
    assert res.mode == "signature"
    assert res.a_in_b == 1 and res.examples[0][0].id == "off-0" and res.examples[0][1].id == r.id
    assert signature_of(official[0]) == signature_of(r) != signature_of(official[1])
    half = [_foreign(3, "Find p/q for 6 and 12.", "\\frac{1}{2}"), _foreign(4, "For 12 and 6, find p/q.", "0.5")]
    assert signature_of(half[0]) == signature_of(half[1])
    assert find_instance_overlap(half[:1], half[1:]).a_in_b == 1


def test_overlap_command_reports_instances(tmp_path, capsys):
    train, test_in = _gcd_records("train", 10), _gcd_records("test_in", 10)
    p, q = train[0].params["p"], train[0].params["q"]
    a = tmp_path / "test_in.jsonl"
    b = tmp_path / "train.jsonl"
    a.write_text("".join(r.to_json() + "\n" for r in test_in + [_reworded(train[0], f"gcd({q}, {p}) = ?", p=q, q=p)]))
    b.write_text("".join(r.to_json() + "\n" for r in train))
    code, out, err = run_cli(["overlap", str(a), str(b), "--json"], capsys)
    assert code == 0, err
    inst = json.loads(out)["instance"]
    assert inst["mode"] == "key" and inst["a_in_b"] == 1 and inst["duplicates_within_a"] == 0
    assert inst["by_setting"] == [{"setting": "arithmetic_gcd", "split": "train", "instance": 1}]
    code, out, err = run_cli(["overlap", str(a), str(b)], capsys)
    assert code == 0 and "instance duplicates, by canonical instance key" in out

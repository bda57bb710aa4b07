"""Suites are built once (cache hit == cold build, byte for byte) and on all cores (== one process)."""
from __future__ import annotations

import sys

import pytest

from generators import registry
from omegactl.generate import pool as generate_pool
from omegactl.eval import suite_cache
from omegactl.generate.pool import JobSpec, iter_records
from omegactl.eval.suites import build_suite

from .evalkit import run_cli


def _bytes(records) -> bytes:
    return "".join(r.to_json() + "\n" for r in records).encode()


def test_suite_cache_hit_is_byte_identical_to_a_cold_build(tmp_path, monkeypatch):
    monkeypatch.setenv("OMEGACTL_CACHE_DIR", str(tmp_path / "cache"))
    cold = _bytes(build_suite("smoke", 11, workers=1))
    files = sorted((tmp_path / "cache" / "suites").iterdir())
    assert [f.suffix for f in files] == [".json", ".jsonl"]
    data_file = files[1]
    assert data_file.read_bytes() == cold

    calls = []
    monkeypatch.setattr(generate_pool, "iter_records", lambda *a, **k: calls.append(1) or iter(()))
    hit = _bytes(build_suite("smoke", 11))
    assert hit == cold and not calls  # read, not generated
    monkeypatch.undo()
    monkeypatch.setenv("OMEGACTL_CACHE_DIR", str(tmp_path / "cache"))

    assert _bytes(build_suite("smoke", 11, use_cache=False)) == cold
    # another seed is another key
    assert suite_cache.suite_key("smoke", 11) != suite_cache.suite_key("smoke", 12)


def test_a_damaged_cache_entry_is_ignored_and_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("OMEGACTL_CACHE_DIR", str(tmp_path / "cache"))
    cold = _bytes(build_suite("smoke", 3, workers=1))
    data_file = next((tmp_path / "cache" / "suites").glob("*.jsonl"))
    data_file.write_bytes(cold.replace(b'"ground_truth":"', b'"ground_truth":"9', 1))
    assert suite_cache.load("smoke", suite_cache.suite_key("smoke", 3)) is None  # hash mismatch
    assert _bytes(build_suite("smoke", 3, workers=1)) == cold
    assert data_file.read_bytes() == cold  # rewritten


def test_cache_key_changes_with_any_generator_version(monkeypatch):
    before = suite_cache.suite_key("smoke", 1)
    fam = registry.get_family("arithmetic_gcd")
    monkeypatch.setattr(type(fam), "version", fam.version + "-changed")
    assert suite_cache.suite_key("smoke", 1) != before


def test_pool_output_is_identical_to_one_process(monkeypatch):
    # duplicates are frequent in probability_no_fixed_points (re-drawn in the parent); C-ARC runs whole jobs
    specs = [
        JobSpec("combinatory_probability_no_fixed_points", "train", 30, 1),
        JobSpec("arithmetic_gcd", "test_out", 7, 1),
        JobSpec("carc", "train", 2, 1, (1,), (("encoding", "digits"),)),
        JobSpec("combinatory_probability_no_fixed_points", "test_out", 30, 1),
    ]
    monkeypatch.setattr(generate_pool, "MIN_PARALLEL_ITEMS", 0)
    serial = [(j, r.to_json()) for j, r in iter_records(specs, workers=1)]
    ticks = []
    pooled = [(j, r.to_json()) for j, r in iter_records(specs, workers=2, on_item=lambda: ticks.append(1))]
    assert pooled == serial
    assert len(ticks) == len(serial)
    # and one process equals Setting.records, the reference
    s = registry.get_setting("combinatory_probability_no_fixed_points")
    assert [r for j, r in serial if j == 0] == [r.to_json() for r in s.records("train", n=30, seed=1)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is used on Linux only")
def test_forked_and_spawned_workers_give_identical_records(monkeypatch):
    specs = [JobSpec("combinatory_probability_no_fixed_points", "train", 20, 2),
             JobSpec("logic_gridworld_knight_move", "test_out", 6, 2)]
    monkeypatch.setattr(generate_pool, "MIN_PARALLEL_ITEMS", 0)
    got = {}
    for method in ("fork", "spawn"):
        monkeypatch.setattr(generate_pool, "START_METHOD", method)
        got[method] = [(j, r.to_json()) for j, r in iter_records(specs, workers=2)]
    assert got["fork"] == got["spawn"] and len(got["fork"]) == 20 * 2 + 6 * 3


def test_workers_fork_only_from_a_single_threaded_linux_process(monkeypatch):
    import threading

    monkeypatch.setattr(generate_pool, "START_METHOD", None)
    expected = "fork" if sys.platform.startswith("linux") and threading.active_count() == 1 else "spawn"
    assert generate_pool.start_method() == expected
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert generate_pool.start_method() == "spawn"  # another thread could hold a lock the child inherits
    finally:
        stop.set()
        thread.join()


def _sigterm_action():
    import signal

    return signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is used on Linux only")
def test_a_forked_worker_takes_the_default_sigterm_action(monkeypatch):
    """The CLI turns SIGTERM into a clean stop in the parent; a worker must simply die (as a spawned one does)."""
    import multiprocessing
    import signal
    from concurrent.futures import ProcessPoolExecutor

    previous = signal.signal(signal.SIGTERM, lambda *a: None)
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                                 initializer=generate_pool._start_worker) as pool:
            assert pool.submit(_sigterm_action).result() is True
    finally:
        signal.signal(signal.SIGTERM, previous)


_ARMED = []


def _kill_self_once() -> None:
    import os
    import signal

    if _ARMED:
        _ARMED.clear()
        os.kill(os.getpid(), signal.SIGTERM)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is used on Linux only")
def test_a_stop_signal_arriving_during_the_fork_is_not_lost(monkeypatch):
    """At-fork handlers swallow exceptions, so the CLI's SIGTERM handler must not run inside them: the pool
    holds stop signals back while it forks, and the stop then happens as usual."""
    import os
    import signal

    class Stop(Exception):
        pass

    def on_sigterm(*_):
        raise Stop()

    if not getattr(test_a_stop_signal_arriving_during_the_fork_is_not_lost, "hooked", False):
        os.register_at_fork(before=_kill_self_once)  # cannot be removed: it acts only while armed
        test_a_stop_signal_arriving_during_the_fork_is_not_lost.hooked = True
    monkeypatch.setattr(generate_pool, "MIN_PARALLEL_ITEMS", 0)
    monkeypatch.setattr(generate_pool, "START_METHOD", "fork")
    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        _ARMED.append(1)
        with pytest.raises(Stop):
            for _ in iter_records([JobSpec("arithmetic_gcd", "train", 400, 1)], workers=2):
                pass
    finally:
        _ARMED.clear()
        signal.signal(signal.SIGTERM, previous)


def test_generate_workers_flag_gives_identical_files(tmp_path, capsys):
    outs = []
    for w in ("1", "2"):
        out = tmp_path / f"w{w}"
        code, _, err = run_cli(["generate", "combinatory_probability_no_fixed_points", "arithmetic_gcd", "--n", "40",
                                "--seed", "4", "--workers", w, "-o", str(out)], capsys)
        assert code == 0, err
        outs.append({p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*.jsonl"))})
    assert outs[0] == outs[1] and len(outs[0]) == 6


@pytest.mark.parametrize("w", ["0", "-1"])
def test_generate_rejects_a_bad_worker_count(tmp_path, capsys, w):
    code, _, err = run_cli(["generate", "arithmetic_gcd", "--n", "2", "--workers", w, "-o", str(tmp_path / "o")], capsys)
    assert code == 2 and "--workers" in err
    assert not (tmp_path / "o").exists()


def test_allocator_tuning_is_applied_once_per_process_and_keeps_large_blocks_in_the_heap():
    """Generation processes raise glibc's mmap threshold (omegactl.common.allocator): a 40 MiB numpy temporary
    (above the largest threshold glibc picks by itself, 32 MiB) allocated and freed in a loop then faults its
    pages in once instead of on every allocation."""
    import resource
    import subprocess
    import sys
    import textwrap

    from omegactl.common import allocator

    if not sys.platform.startswith("linux"):
        assert allocator.tune_allocator() is False
        return
    probe = textwrap.dedent("""
        import resource, sys
        import numpy as np
        if sys.argv[1] == "tuned":
            from omegactl.common.allocator import tune_allocator
            assert tune_allocator() and tune_allocator()  # idempotent
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for _ in range(12):
            a = np.ones(5 * 2**20)  # 40 MiB
            del a
        print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    """)
    faults = {}
    for mode in ("default", "tuned"):
        out = subprocess.run([sys.executable, "-c", probe, mode], capture_output=True, text=True, check=True)
        faults[mode] = int(out.stdout.strip())
    assert faults["tuned"] * 10 < faults["default"], faults

"""The verifier benchmark runs end to end (tiny size, without math-verify) and writes its JSON result."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_smoke(tmp_path):
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_verifiers.py"), "--n", "4", "--no-math-verify", "--out", str(tmp_path)],
        check=True, cwd=ROOT, timeout=300, capture_output=True,
    )
    (result,) = tmp_path.glob("bench_verifiers-*.json")
    data = json.loads(result.read_text())
    assert set(data["per_type"]) >= {"integer", "fraction", "surd", "matrix3x3", "polynomial", "set4"}
    assert all(row["ours"]["false_positives"] == 0 for row in data["per_type"].values())
    assert data["corpus"]["ours"] == {"false_positives": 0, "false_negatives": 0, "accuracy": 1.0}

"""Secrets: an API key given by environment variable or ``--api-key`` never appears in any file of the run
folder, in reports (json, md, html), in console output or in error messages, even when the server echoes
it back. The eval runs as a real subprocess so the recorded command line is the real one; reports are
rendered in-process."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from models.fake_server import FakeServer

from .kit import eval_args, eval_subprocess, make_problems, oracle_policy, run_cli, subprocess_env, write_problem_file

# One key shaped like an OpenAI key, one that no pattern would recognise: only exact redaction catches it.
KEY_SHAPED = "sk-proj-RELIABILITY0123456789abcdef"
PLAIN = "hunter2-Zq81xPLmT0-omegactl"
WRONG = "sk-wrong-ECHOEDBACK987654321zz"


def run(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    proc = eval_subprocess(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out, _ = proc.communicate(timeout=120)
    return proc.returncode, out.decode("utf-8", "replace")


def report_outputs(folder: Path, capsys) -> str:
    """Render json, md and html reports of ``folder`` to files (in-process); return their console output."""
    console = []
    for fmt in ("json", "md", "html"):
        target = folder.parent / f"{folder.name}.report.{fmt}"
        code, out, err = run_cli(["report", str(folder), "--format", fmt, "--resamples", "100", "-o", str(target)],
                                 capsys)
        assert code == 0, err[-800:]
        assert target.stat().st_size > 0
        console.append(out + err)
    return "\n".join(console)


def leaks(secret: str, texts: list[str], folder: Path) -> list[str]:
    found = [f"console #{i}" for i, t in enumerate(texts) if secret in t]
    needle = secret.encode()
    found += [str(p) for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]
    return found


@pytest.fixture(scope="module")
def problems(tmp_path_factory):
    base = tmp_path_factory.mktemp("secrets")
    records = make_problems(per_level=1)
    return base, write_problem_file(base / "problems.jsonl", records), records


@pytest.mark.parametrize("how,secret", [("env", PLAIN), ("flag", PLAIN), ("flag=", KEY_SHAPED)])
def test_key_never_written_or_printed(problems, how, secret, capsys):
    base, path, records = problems
    folder = base / f"run-{how}-{secret[:6]}"
    env = subprocess_env()
    for name in ("OPENAI_API_KEY", "OMEGACTL_API_KEY", "RELIABILITY_KEY"):
        env.pop(name, None)
    with FakeServer(oracle_policy(records), api_key=secret) as server:
        args = eval_args(server.base_url, path, folder)
        if how == "env":
            env["RELIABILITY_KEY"] = secret
            args += ["--api-key-env", "RELIABILITY_KEY"]
        elif how == "flag":
            args += ["--api-key", secret]
        else:
            args += [f"--api-key={secret}"]
        code, console = run(args, env)
        assert server.counts["401"] == 0  # the key really was sent
    assert code == 0, console[-1500:]
    reports = report_outputs(folder, capsys)
    assert not leaks(secret, [console, reports], base), leaks(secret, [console, reports], base)
    manifest = (folder / "manifest.json").read_text()
    assert "api-key" not in manifest or "***" in manifest  # the flag is recorded, its value is not


def test_key_echoed_by_the_server_is_redacted_from_errors(problems, capsys):
    """A 401 whose body quotes the key sent: the auth circuit breaker stops the run (exit 2) after a few
    identical 401s instead of sending every request; the key appears nowhere."""
    base, path, records = problems
    folder = base / "run-wrong"
    env = subprocess_env()
    env.pop("OPENAI_API_KEY", None)
    with FakeServer(oracle_policy(records), api_key="the-right-key-1234") as server:
        code, console = run(eval_args(server.base_url, path, folder, "--api-key", WRONG, "--max-retries", "1",
                                      "--concurrency", "2"), env)
        assert 3 <= server.counts["401"] <= 4 < len(records)  # not retried, and the rest never sent
    assert code == 2, console[-1500:]
    assert "stopped after 3 identical HTTP 401 answers" in console
    assert "401" in console and "***" in (folder / "samples.jsonl").read_text()
    reports = report_outputs(folder, capsys)
    assert not leaks(WRONG, [console, reports], base), leaks(WRONG, [console, reports], base)


def test_credentials_in_the_base_url_are_not_recorded(problems, capsys):
    """``--base-url http://user:KEY@host/v1`` (a proxy with basic auth) must not leave KEY in the manifest
    (command, config, backend stats) or anywhere else; models.net.sanitize_url already strips it for info()."""
    base, path, records = problems
    folder = base / "run-url"
    secret = "URLPASSWORD-7f3a9c2e"
    with FakeServer(oracle_policy(records)) as server:
        url = server.base_url.replace("http://", f"http://proxyuser:{secret}@")
        code, console = run(eval_args(url, path, folder), subprocess_env())
    assert code == 0, console[-1500:]
    reports = report_outputs(folder, capsys)
    assert not leaks(secret, [console, reports], base), leaks(secret, [console, reports], base)

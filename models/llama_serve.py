"""Child-process entry point of the managed local model: llama.cpp's own HTTP server through xllamacpp.

Run as a script (``python models/llama_serve.py --model M.gguf --alias A --ready FILE …``) by
``models.local_server``; it imports nothing from this project. It loads the GGUF, starts llama.cpp's
native OpenAI-compatible server on 127.0.0.1 (port 0 lets the OS pick a free one, so no port race),
writes the listening address to ``--ready`` (temp file + rename, so the parent never reads half a line)
and serves until SIGTERM/SIGINT/SIGHUP.

Why xllamacpp: its Linux x86-64 CPU wheels are prebuilt on PyPI without ``-march=native`` (no compiler,
no 30-minute build) and contain no AVX-512/AMX kernels, so the same wheel runs on every x86-64 CPU.
``no_extra_bufts`` is set as a second guard: llama.cpp's extra CPU buffer types (AMX tiles, weight
repacking) are the code path that crashed natively built llama.cpp on Intel AMX machines.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="llama_serve", description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="path of the GGUF file")
    parser.add_argument("--alias", required=True, help="model name the server answers to")
    parser.add_argument("--ready", required=True, help="file to write the listening address to once serving")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--n-ctx", type=int, default=8192, help="context length of each parallel slot")
    parser.add_argument("--parallel", type=int, default=2, help="requests decoded together (server slots)")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads")
    parser.add_argument("--n-gpu-layers", type=int, default=None, help="layers offloaded to a GPU build")
    return parser.parse_args(argv)


def build_params(args: argparse.Namespace):
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = args.model
    params.model_alias = {args.alias}
    params.hostnames = ["127.0.0.1"]
    params.port = args.port
    params.n_parallel = args.parallel
    params.n_ctx = args.n_ctx * args.parallel  # llama.cpp splits n_ctx evenly across the slots
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    # No busy-waiting between ops: with polling, llama.cpp's threads spin at every barrier, and on a machine
    # whose cores are shared (a CI runner, a laptop) decoding fell from ~120 to under 1 token/s.
    params.cpuparams.poll = 0
    params.cpuparams_batch.poll = 0
    params.no_extra_bufts = True
    if args.n_gpu_layers is not None:
        params.n_gpu_layers = args.n_gpu_layers
    return params


def write_ready(path: str, address: str) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "w") as fh:
        fh.write(address + "\n")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import xllamacpp

    stop = threading.Event()
    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        signal.signal(getattr(signal, name), lambda *_: stop.set())
    server = xllamacpp.Server(build_params(args))
    address = server.listening_address
    print(f"llama_serve: serving {args.alias} on {address}", file=sys.stderr, flush=True)
    write_ready(args.ready, address)
    while not stop.wait(0.5):
        pass
    print("llama_serve: stopping", file=sys.stderr, flush=True)
    del server
    return 0


if __name__ == "__main__":
    sys.exit(main())

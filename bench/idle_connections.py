"""Do idle connections stall the site? Starts gunicorn the way the Dockerfile does
(on 127.0.0.1), opens connections that never send a byte, and times /healthz.

    .venv/bin/python bench/idle_connections.py [--idle 20] [--worker-class sync]

`--worker-class sync` runs the old setting for comparison: there each idle socket
holds a whole worker until gunicorn's timeout.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def dockerfile_command() -> str:
    """The gunicorn command line of the Dockerfile's CMD."""
    text = (ROOT / "Dockerfile").read_text()
    return re.search(r'CMD \["sh", "-c", "exec (gunicorn [^"]+)"\]', text).group(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def time_healthz(port: int, tries: int = 5) -> list[float]:
    times = []
    for _ in range(tries):
        start = time.perf_counter()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz")
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - our own http URL
            assert response.read() == b"ok"
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--idle", type=int, default=20, help="silent connections to open")
    parser.add_argument("--worker-class", default=None, help="override, e.g. sync")
    args = parser.parse_args()

    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-bench-only-secret-key-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3",
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
        "GUNICORN_THREADS": os.environ.get("GUNICORN_THREADS", "32"),
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    command = dockerfile_command().replace("0.0.0.0:8000", f"127.0.0.1:{port}")
    command = command.replace("--access-logfile -", "")
    if args.worker_class:
        command = command.replace("--worker-class gthread", f"--worker-class {args.worker_class}")
    command = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], command)
    binary = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen([binary, *command.split()[1:]], cwd=ROOT, env=env)
    idle: list[socket.socket] = []
    try:
        for _ in range(100):
            try:
                time_healthz(port, tries=1)
                break
            except OSError:
                time.sleep(0.1)
        before = time_healthz(port)
        for _ in range(args.idle):
            idle.append(socket.create_connection(("127.0.0.1", port)))
        time.sleep(0.5)
        during = time_healthz(port)
        print(command)
        print(f"/healthz with no idle connections:  max {max(before) * 1000:8.1f} ms")
        print(f"/healthz with {args.idle:3} idle connections: max {max(during) * 1000:8.1f} ms")
    finally:
        for sock in idle:
            sock.close()
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()

"""A throwaway PostgreSQL primary and its streaming replica on 127.0.0.1.

The primary is a fresh cluster (``initdb``, trust authentication, as `.ci/run`
makes one); the replica is ``pg_basebackup -R`` of it started on a second port,
a hot standby that streams and replays the primary's WAL and answers read-only
queries. Both run as the ``postgres`` user when the tests run as root (``initdb``
refuses root), each on a free port in its own temporary folder, so two test
processes never share one. `stop` ends both and removes the folder, whatever
happened. The replica logs every statement it is sent (``log_statement=all``): the
tests read that log to see what reached it.
"""

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DATABASE = "helpdesk"
START_SECONDS = 60
CATCH_UP_SECONDS = 60


def binaries() -> Path | None:
    """The newest PostgreSQL server binaries installed, if any."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True
    )
    for path in found:
        if (path / "initdb").exists() and (path / "pg_basebackup").exists():
            return path
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ReplicaPair:
    def __init__(self) -> None:
        bin_dir = binaries()
        if bin_dir is None:
            raise RuntimeError("No PostgreSQL server binaries under /usr/lib/postgresql")
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="helpdesk-replica-"))
        self.primary_port = _free_port()
        self.replica_port = _free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            postgres = pwd.getpwnam("postgres")
            os.chown(self.root, postgres.pw_uid, postgres.pw_gid)
        self.replica_log = self.root / "replica.log"
        self.started: list[Path] = []

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{DATABASE}"

    @property
    def primary_url(self) -> str:
        return self.url(self.primary_port)

    @property
    def replica_url(self) -> str:
        return self.url(self.replica_port)

    def _run(self, *args: str | Path) -> str:
        command = [str(self.bin / str(args[0])), *map(str, args[1:])]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def _start(self, data: Path, port: int, log: Path, *options: str) -> None:
        settings = [
            "-c listen_addresses=127.0.0.1",
            f"-p {port}",
            f"-k {self.root}",
            "-c fsync=off",
            "-c full_page_writes=off",
            *options,
        ]
        self._run("pg_ctl", "-D", data, "-l", log, "-w", "-t", str(START_SECONDS), "start",
                  "-o", " ".join(settings))  # fmt: skip
        self.started.append(data)

    def start(self) -> "ReplicaPair":
        primary, replica = self.root / "primary", self.root / "replica"
        try:
            self._run("initdb", "-D", primary, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                      "--no-locale", "--no-sync")  # fmt: skip
            self._start(
                primary,
                self.primary_port,
                self.root / "primary.log",
                "-c wal_level=replica",
                "-c max_wal_senders=4",
            )
            self._run("createdb", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U",
                      "postgres", DATABASE)  # fmt: skip
            # -R writes the standby's signal file and its connection to the primary.
            self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U",
                      "postgres", "-D", replica, "-R", "-X", "stream", "-c", "fast",
                      "--no-sync")  # fmt: skip
            self._start(
                replica,
                self.replica_port,
                self.replica_log,
                "-c hot_standby=on",
                "-c log_statement=all",
            )
        except BaseException:
            self.stop()
            raise
        return self

    def stop_replica(self) -> None:
        """The replica goes down (the primary stays up)."""
        replica = self.root / "replica"
        self._run("pg_ctl", "-D", replica, "-m", "fast", "-w", "stop")
        self.started.remove(replica)

    def stop(self) -> None:
        for data in reversed(self.started):
            with contextlib.suppress(Exception):
                self._run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        self.started = []
        shutil.rmtree(self.root, ignore_errors=True)

    def replica_statements(self) -> list[str]:
        """Every statement the replica was sent, in order, as its log has them."""
        marker = "statement: "
        lines = self.replica_log.read_text(errors="replace").splitlines()
        return [line.split(marker, 1)[1] for line in lines if marker in line]

    def __enter__(self) -> "ReplicaPair":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wait_for_replay(primary_cursor, replica_cursor) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    primary_cursor.execute("SELECT pg_current_wal_lsn()")
    (target,) = primary_cursor.fetchone()
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while True:
        replica_cursor.execute(
            "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn, pg_is_wal_replay_paused()", [target]
        )
        caught_up, paused = replica_cursor.fetchone()
        if caught_up:
            return
        if paused or time.monotonic() > deadline:
            raise RuntimeError(f"The replica did not reach {target} (replay paused: {paused})")
        time.sleep(0.05)

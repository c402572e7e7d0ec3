"""The pipeline lock: one writing run at a time in a data directory, and who holds it.

The lock is an flock on `pipeline.lock` in the data directory; the kernel releases it when its holder
exits, however it exits. While held, the file says who holds it (pid, command, step, since when) as one
JSON object, so a command refused the lock can say what to wait for. Nothing else is ever kept in it.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

LOCK_FILE = "pipeline.lock"


class AlreadyRunning(RuntimeError):
    """Another pipeline run holds the lock; the message says who, doing what, since when."""


class HeldLock:
    """The lock as its holder sees it: `doing(step)` tells those refused what the holder is at now."""

    def __init__(self, fd: int, command: str) -> None:
        self._fd = fd
        self._holder = {"pid": os.getpid(), "command": command, "since": _now(), "step": None, "step_since": None}
        self._write()

    def doing(self, step: str | None) -> None:
        self._holder.update(step=step, step_since=_now())
        self._write()

    def _write(self) -> None:
        data = json.dumps(self._holder, ensure_ascii=False).encode()
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)  # one small write: a reader sees it whole, or the file empty


@contextmanager
def pipeline_lock(data_dir: Path, command: str | None = None) -> Iterator[HeldLock]:
    """Hold the pipeline lock of `data_dir` (AlreadyRunning at once if another process holds it)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # never truncated here: the holder's words stay readable
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunning(refusal(path, read_holder(fd))) from None
        try:
            yield HeldLock(fd, command or this_command())
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def read_holder(fd: int) -> dict | None:
    """Who holds the lock, as its holder wrote it; None if it has not written yet (or wrote nothing)."""
    for _ in range(5):  # the holder may be between truncating the file and writing it
        try:
            holder = json.loads(os.pread(fd, 4096, 0) or b"null")
        except ValueError:
            holder = None
        if isinstance(holder, dict):
            return holder
        time.sleep(0.02)
    return None


def refusal(path: Path, holder: dict | None) -> str:
    """'another pipeline run holds data/pipeline.lock: pid 4242 (concejo schedule) since …, at step …'."""
    message = f"another pipeline run holds {path}"
    if holder is None:
        return f"{message} (it has not said who it is yet); try again when it has finished"
    message += f": pid {holder.get('pid')} ({holder.get('command')}) since {holder.get('since')}"
    if holder.get("step"):
        message += f", at step {holder['step']} since {holder.get('step_since')}"
    return message + "; try again when it has finished, or stop that process"


def this_command() -> str:
    """How this process was started, as a person would type it ("concejo crawl --source quito")."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    if program in {"__main__.py", "concejo"}:
        program = "concejo"
    return " ".join([program, *sys.argv[1:]])


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()

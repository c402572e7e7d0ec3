"""The pipeline lock: one writing run at a time in a data directory, and who holds it; and the scheduler
lock: one `concejo schedule` at a time in a data directory.

Each lock is an flock on its own file in the data directory (`pipeline.lock`, `scheduler.lock`); the kernel
releases it when its holder exits, however it exits, and the descriptor is close-on-exec, so no child (the
crawl's subprocess) keeps it. While held, the file says who holds it (pid, command, step, since when) as one
JSON object, so a command refused the lock can say what to wait for. Nothing else is ever kept in it.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

LOCK_FILE = "pipeline.lock"
SCHEDULER_LOCK_FILE = "scheduler.lock"


class AlreadyRunning(RuntimeError):
    """Another pipeline run holds the lock; the message says who, doing what, since when."""


class SchedulerAlreadyRunning(AlreadyRunning):
    """Another `concejo schedule` holds the scheduler lock of the data directory; the message says who."""


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
    with _held(data_dir / LOCK_FILE, command, lambda path, holder: AlreadyRunning(refusal(path, holder))) as lock:
        yield lock


@contextmanager
def scheduler_lock(data_dir: Path, command: str | None = None) -> Iterator[HeldLock]:
    """Hold the scheduler lock of `data_dir` for as long as a scheduler runs (SchedulerAlreadyRunning at once
    if another process holds it). Separate from the pipeline lock, which the scheduler takes per run."""
    with _held(data_dir / SCHEDULER_LOCK_FILE, command,
               lambda path, holder: SchedulerAlreadyRunning(scheduler_refusal(path, holder))) as lock:
        yield lock


@contextmanager
def _held(path: Path, command: str | None, refused: Callable[[Path, dict | None], Exception]) -> Iterator[HeldLock]:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Never truncated here: the holder's words stay readable. Close-on-exec: a child never inherits the lock.
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise refused(path, read_holder(fd)) from None
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


def scheduler_refusal(path: Path, holder: dict | None) -> str:
    """'otro programador ya se ejecuta sobre este directorio de datos (data/scheduler.lock): pid 4242 …'."""
    message = f"otro programador ya se ejecuta sobre este directorio de datos ({path})"
    if holder is None:
        return f"{message}, aún sin decir quién es; deténgalo antes de iniciar otro"
    return (f"{message}: pid {holder.get('pid')} ({holder.get('command')}) desde {holder.get('since')}; "
            "deténgalo antes de iniciar otro")


def this_command() -> str:
    """How this process was started, as a person would type it ("concejo crawl --source quito")."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    if program in {"__main__.py", "concejo"}:
        program = "concejo"
    return " ".join([program, *sys.argv[1:]])


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()

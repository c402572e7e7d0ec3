"""Child processes that never outlive their parent: bounded in time, stopped when the parent stops or dies."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import threading
from collections.abc import Sequence

PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True)  # loaded here: the child, between fork and exec, only calls into it
STOP_GRACE_S = 10.0


def _die_with_parent(parent_pid: int) -> None:
    """In the child, before exec: the kernel kills it when the parent dies, even by SIGKILL.

    SIGKILL, not SIGTERM: a parent that could not stop its child cleanly is gone, and a crawl waiting on a
    slow portal would outlive it. Work stays resumable: files and catalogue rows are written atomically."""
    _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def run_child(command: Sequence[str], *, env: dict[str, str], timeout_s: float) -> subprocess.CompletedProcess:
    """Run `command` to completion and capture its output (text).

    Raises subprocess.TimeoutExpired after `timeout_s`. Whatever ends the wait (a timeout, Ctrl-C, SIGTERM
    turned into an exception) stops the child: SIGTERM first so it can finish cleanly, SIGKILL after a grace.
    """
    parent_pid = os.getpid()
    process = subprocess.Popen(
        list(command), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: _die_with_parent(parent_pid),  # noqa: PLW1509 (it only calls prctl)
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout_s)
    except BaseException:
        stop(process)
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.communicate(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process is so that `finally` blocks (locks, run records, children) run."""


def raise_on_sigterm() -> None:
    """Only the main thread may set signal handlers; elsewhere (an embedding app) nothing changes."""
    def handler(signum, frame):
        raise Terminated(f"stopped by signal {signum}")

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)

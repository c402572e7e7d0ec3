"""Commands that write never overlap, and a killed command leaves no orphan process or open run behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive import open_catalogue
from concejo.config import child_environ, load_settings
from scheduler import pipeline_lock
from tests.crawler.hostile import Answer, HostileServer

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def concejo(data_dir: Path, *args: str, portal_url: str = "http://127.0.0.1:9", **popen) -> subprocess.Popen:
    env = child_environ(load_settings(environ={}, data_dir=data_dir, portal_url=portal_url,
                                      crawl_allow_private_addresses=True, crawl_request_timeout_s=30))
    return subprocess.Popen([sys.executable, "-m", "concejo", *args], env=env, cwd=PROJECT_ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **popen)


def children_of(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def wait_until(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout_s} s waiting for {what}")
        time.sleep(0.1)


@pytest.mark.parametrize("command", [["crawl"], ["extract"], ["index", "--rebuild"]])
def test_a_writing_command_refuses_while_another_run_holds_the_lock(tmp_path, command):
    with pipeline_lock(tmp_path):
        process = concejo(tmp_path, *command)
        output, _ = process.communicate(timeout=120)
    assert process.returncode == 2, output
    assert "another pipeline run holds" in output
    assert "Traceback" not in output
    assert not (tmp_path / "index").exists() and not (tmp_path / "files").exists()


@pytest.fixture()
def stalled_portal():
    """A portal whose home page answers only after a long wait: the crawl is under way until then."""
    with HostileServer() as server:
        server.routes["/"] = Answer(200, b"<html><body></body></html>", {"Content-Type": "text/html"}, delay_s=60)
        yield server


def crawl_under_way(tmp_path: Path, portal: HostileServer) -> tuple[subprocess.Popen, int]:
    parent = concejo(tmp_path, "crawl", portal_url=portal.url())
    wait_until(lambda: portal.asked_at("/"), 60, "the crawl to ask for the home page")
    (child,) = children_of(parent.pid)
    return parent, child


def last_crawl_run(data_dir: Path) -> dict:
    status = subprocess.run([sys.executable, "-m", "concejo", "status", "--json"], cwd=PROJECT_ROOT, text=True,
                            env=child_environ(load_settings(environ={}, data_dir=data_dir)), capture_output=True, timeout=60,
                            check=True)
    return next(run for run in json.loads(status.stdout)["runs"] if run["step"] == "crawl")


def test_a_killed_crawl_takes_its_child_and_its_run_is_closed_as_interrupted(tmp_path, stalled_portal):
    parent, child = crawl_under_way(tmp_path, stalled_portal)
    os.kill(parent.pid, signal.SIGKILL)
    parent.communicate(timeout=10)
    wait_until(lambda: not alive(child), 30, f"the crawl's child process {child} to end")
    assert last_crawl_run(tmp_path)["outcome"] == "unfinished"  # status only reads
    writer = concejo(tmp_path, "extract")  # the next command that takes the lock closes it
    writer.communicate(timeout=120)
    assert writer.returncode == 0
    run = last_crawl_run(tmp_path)
    assert run["outcome"] == "interrupted" and run["finished_at"]


def test_a_terminated_crawl_stops_its_child_and_records_the_interruption(tmp_path, stalled_portal):
    parent, child = crawl_under_way(tmp_path, stalled_portal)
    parent.send_signal(signal.SIGTERM)
    parent.communicate(timeout=30)
    assert parent.returncode != 0
    assert not alive(child)
    catalogue = open_catalogue(load_settings(environ={}, data_dir=tmp_path).catalogue_url)
    (run,) = catalogue.last_runs(1)
    assert run["outcome"] == "interrupted" and run["finished_at"]
    catalogue.close()
    with pipeline_lock(tmp_path):  # released
        pass

"""The schedule never runs the pipeline twice at once."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import scheduler
from concejo.config import load_settings
from scheduler import build_scheduler, pipeline_lock, run_pipeline_once


def test_a_run_is_skipped_while_another_holds_the_lock(tmp_path, caplog):
    settings = load_settings(environ={}, data_dir=tmp_path, portal_url="http://127.0.0.1:9")
    with pipeline_lock(settings.data_dir):
        assert run_pipeline_once(settings) == []
    assert "another pipeline run holds" in caplog.text
    assert not (tmp_path / "catalogue.sqlite3").exists()  # nothing was started


def test_a_scheduled_run_never_starts_while_the_previous_one_is_running(tmp_path, monkeypatch):
    started, finish = [], threading.Event()

    def slow_pipeline(settings):  # stands in for crawl -> extract -> index: the schedule is under test
        started.append(time.monotonic())
        finish.wait(30)

    monkeypatch.setattr(scheduler, "run_pipeline_once", slow_pipeline)
    settings = load_settings(environ={}, data_dir=tmp_path, schedule_minutes=30)
    schedule = build_scheduler(settings)
    runner = threading.Thread(target=schedule.start, daemon=True)
    runner.start()
    try:
        schedule.get_job("pipeline").modify(next_run_time=datetime.now(UTC))
        deadline = time.monotonic() + 10
        while not started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(started) == 1
        schedule.get_job("pipeline").modify(next_run_time=datetime.now(UTC))  # due again while still running
        time.sleep(1.0)
        assert len(started) == 1
    finally:
        finish.set()
        schedule.shutdown(wait=True)
        runner.join(10)

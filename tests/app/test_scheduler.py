"""The schedule never runs the pipeline twice at once."""

from __future__ import annotations

from concejo.config import load_settings
from scheduler import build_scheduler, pipeline_lock, run_pipeline_once


def test_a_run_is_skipped_while_another_holds_the_lock(tmp_path, caplog):
    settings = load_settings(environ={}, data_dir=tmp_path, portal_url="http://127.0.0.1:9")
    with pipeline_lock(settings.data_dir):
        assert run_pipeline_once(settings) == []
    assert "another pipeline run holds" in caplog.text
    assert not (tmp_path / "catalogue.sqlite3").exists()  # nothing was started


def test_the_scheduled_job_allows_a_single_instance(tmp_path):
    settings = load_settings(environ={}, data_dir=tmp_path, schedule_minutes=30)
    job = build_scheduler(settings).get_job("pipeline")
    assert job.max_instances == 1
    assert job.trigger.interval.total_seconds() == 30 * 60

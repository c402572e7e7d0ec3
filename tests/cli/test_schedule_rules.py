"""When a source is due (concejo.schedules) and what the scheduler does about it (scheduler.PipelineScheduler):
cron lines read as cron reads them, checked when the sources file is read; what a starting scheduler owes a
source from the run history (a first run, one run for any number of missed fire times within the grace
period, a retry); failed runs retried with bounded backoff and recorded; a run due while another holds the
lock skipped, recorded and retried; staleness in `concejo status`."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from archive import open_catalogue
from concejo.config import ConfigError, child_environ, load_settings
from concejo.schedules import (
    MISFIRE_GRACE,
    Due,
    SourceHistory,
    cron_trigger,
    due_at_start,
    fire_times,
    load_schedules,
)
from scheduler import PipelineScheduler, pipeline_lock, source_history
from tests.cli.test_locking import PROJECT_ROOT
from tests.crawler.hostile import DAY, Answer, HostileServer, make_pdf

UTC_ZONE = ZoneInfo("UTC")
GUAYAQUIL = ZoneInfo("America/Guayaquil")
NOW = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)  # a Wednesday
NEVER_SOON = "0 0 29 2 *"


def sources_file(tmp_path: Path, portal_url: str = "https://concejo.quito.example/", **keys: str) -> Path:
    lines = "".join(f'{key} = "{value}"\n' for key, value in keys.items())
    path = tmp_path / "sources.toml"
    path.write_text(f"""[[sources]]
slug = "quito"
name = "Concejo Metropolitano de Quito"
family = "concejo_abierto"
start_urls = ["{portal_url}"]
allow_private_addresses = true
{lines}[sources.politeness]
delay_s = 0
""", encoding="utf-8")
    return path


def schedule_of(tmp_path: Path, **keys: str):
    settings = load_settings(environ={}, data_dir=tmp_path, sources_file=sources_file(tmp_path, **keys))
    return load_schedules(settings)["quito"]


# -- cron lines --------------------------------------------------------------------------------------

def test_day_of_week_is_crons_sunday_zero_in_the_sources_time_zone():
    sunday = cron_trigger("0 4 * * 0", GUAYAQUIL).get_next_fire_time(None, NOW)
    assert sunday == datetime(2026, 3, 15, 4, 0, tzinfo=GUAYAQUIL) == datetime(2026, 3, 15, 9, 0, tzinfo=UTC)
    assert cron_trigger("0 4 * * 7", GUAYAQUIL).get_next_fire_time(None, NOW) == sunday
    weekdays = [fire.strftime("%a") for fire in fire_times(cron_trigger("0 3 * * 1-5", UTC_ZONE), NOW, count=5)]
    assert weekdays == ["Thu", "Fri", "Mon", "Tue", "Wed"]
    assert [f.strftime("%a") for f in fire_times(cron_trigger("0 3 * * */2", UTC_ZONE), NOW, count=4)] == [
        "Thu", "Sat", "Sun", "Tue"]


def test_fire_times_move_on_across_daylight_saving_changes_and_a_starting_scheduler_returns(tmp_path):
    """Clocks going back repeat 02:00-03:00: a schedule at 02:30 (or hourly) must still move on, and what a
    scheduler owes at start must be worked out, not looped on (review finding: it hung forever)."""
    madrid = ZoneInfo("Europe/Madrid")
    autumn = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)  # clocks go back at 03:00 local on 25 October
    nightly = list(fire_times(cron_trigger("30 2 * * *", madrid), autumn, count=3))
    assert len({fire.astimezone(UTC) for fire in nightly}) == 3
    assert all(b.astimezone(UTC) > a.astimezone(UTC) for a, b in pairwise(nightly))
    hourly = [f.astimezone(UTC) for f in fire_times(cron_trigger("0 * * * *", madrid), autumn, count=30)]
    assert len(set(hourly)) == 30 and hourly == sorted(hourly)
    spring = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)  # 02:00-03:00 local does not exist on 29 March
    assert len(set(fire_times(cron_trigger("30 2 * * *", madrid), spring, count=3))) == 3
    schedule = schedule_of(tmp_path, timezone="Europe/Madrid", schedule="30 2 * * *")
    history = SourceHistory(None, datetime(2026, 10, 24, 1, 0, tzinfo=UTC), datetime(2026, 10, 18, 3, 0, tzinfo=UTC))
    due = due_at_start(schedule, history, datetime(2026, 10, 25, 6, 0, tzinfo=UTC))
    assert due is not None and due.trigger == "missed"


def test_six_fields_put_seconds_first_and_the_interval_is_the_longest_gap(tmp_path):
    every_five = schedule_of(tmp_path, schedule="*/5 * * * * *")
    assert every_five.interval(NOW) == timedelta(seconds=5)
    assert schedule_of(tmp_path, schedule="0 3 * * 1-5").interval(NOW) == timedelta(days=3)  # the weekend
    nightly = schedule_of(tmp_path, schedule="0 3 * * *", timezone="America/Guayaquil")
    assert nightly.next_run(NOW) == datetime(2026, 3, 12, 8, 0, tzinfo=UTC)
    assert nightly.next_run(NOW, full_sweep=True) == datetime(2026, 3, 15, 9, 0, tzinfo=UTC)  # default "0 4 * * 0"


def test_a_source_is_stale_after_twice_its_interval_without_a_completed_crawl(tmp_path):
    nightly = schedule_of(tmp_path)
    assert not nightly.stale(NOW - timedelta(hours=47), NOW)
    assert nightly.stale(NOW - timedelta(hours=49), NOW)
    assert nightly.stale(None, NOW)


@pytest.mark.parametrize(("key", "value", "complaint"), [
    ("schedule", "0 3 * *", "schedule '0 3 * *' is not a cron line we can run: it has 4 fields"),
    ("full_sweep", "0 4 * * 8", "full_sweep '0 4 * * 8' is not a cron line we can run: '8' is not a day of the week"),
    ("schedule", "0 3 1 * 1", "restricts both the day of the month and the day of the week"),
    ("schedule", "0 0 30 2 *", "it never fires"),
    ("timezone", "Mars/Olympus", "timezone 'Mars/Olympus' is not a known time zone"),
])
def test_a_bad_schedule_is_an_error_naming_the_file_the_source_and_the_key(tmp_path, key, value, complaint):
    with pytest.raises(ConfigError) as error:
        schedule_of(tmp_path, **{key: value})
    assert str(error.value).startswith(f"{tmp_path / 'sources.toml'}: source quito: ")
    assert complaint in str(error.value)


def test_the_scheduler_refuses_to_start_on_a_bad_schedule(tmp_path):
    settings = load_settings(environ={}, data_dir=tmp_path / "data",
                             sources_file=sources_file(tmp_path, full_sweep="0 4 * *"))
    started = subprocess.run([sys.executable, "-m", "concejo", "schedule"], cwd=PROJECT_ROOT, text=True,
                             env={**child_environ(settings), "COLUMNS": "400"}, capture_output=True, timeout=60,
                             check=False)
    assert started.returncode == 2
    assert "source quito: full_sweep '0 4 * *' is not a cron line" in started.stdout
    assert not (tmp_path / "data" / "catalogue.sqlite3").exists()


# -- what a starting scheduler owes a source ----------------------------------------------------------

def pipeline_row(outcome: str, started: datetime, *, attempt: int = 1, full_sweep: bool = False) -> dict:
    return {"outcome": outcome, "attempt": attempt, "started_at": started.isoformat(), "full_sweep": int(full_sweep),
            "finished_at": (started + timedelta(minutes=2)).isoformat(), "scheduled_for": started.isoformat()}


def test_a_source_never_crawled_is_run_at_once(tmp_path):
    assert due_at_start(schedule_of(tmp_path), SourceHistory(), NOW) == Due("quito", "first")


def test_missed_fire_times_are_one_run_for_the_latest_within_the_grace_period(tmp_path):
    nightly = schedule_of(tmp_path)  # 03:00 UTC; the full sweep Sundays 04:00
    three_days_ago = NOW - timedelta(days=3)
    owed = due_at_start(nightly, SourceHistory(None, three_days_ago, three_days_ago), NOW)
    assert owed == Due("quito", "missed", scheduled_for=datetime(2026, 3, 11, 3, 0, tzinfo=UTC))
    hourly = schedule_of(tmp_path, schedule="0 * * * *")
    five_hours_ago = NOW - timedelta(hours=5, minutes=30)
    owed = due_at_start(hourly, SourceHistory(None, five_hours_ago, NOW), NOW)  # 05:00 to 10:00 missed
    assert owed == Due("quito", "missed", scheduled_for=NOW)
    # Ran after the latest fire time: nothing owed.
    assert due_at_start(nightly, SourceHistory(None, NOW - timedelta(hours=6), three_days_ago), NOW) is None
    # The latest fire time is 13 hours old, past the grace period: the next one will do.
    late = datetime(2026, 3, 11, 16, 0, tzinfo=UTC)
    assert MISFIRE_GRACE == timedelta(hours=12)
    assert due_at_start(nightly, SourceHistory(None, three_days_ago, three_days_ago), late) is None


def test_a_missed_full_sweep_and_a_missed_update_are_one_full_sweep(tmp_path):
    sunday_noon = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
    owed = due_at_start(schedule_of(tmp_path), SourceHistory(None, NOW, NOW), sunday_noon)
    assert owed == Due("quito", "missed", full_sweep=True, scheduled_for=datetime(2026, 3, 15, 3, 0, tzinfo=UTC))


def test_a_failed_run_is_owed_its_retry_after_its_backoff_until_the_retries_are_used_up(tmp_path):
    nightly = schedule_of(tmp_path)
    failed_at = datetime(2026, 3, 11, 3, 0, tzinfo=UTC)
    for attempt, wait in ((1, 5), (2, 15), (3, 45)):
        failed = pipeline_row("failed", failed_at, attempt=attempt)
        owed = due_at_start(nightly, SourceHistory(failed, failed_at), failed_at + timedelta(minutes=3))
        assert (owed.trigger, owed.attempt) == ("retry", attempt + 1)
        assert owed.at == failed_at + timedelta(minutes=2 + wait)  # from when it finished
    used_up = pipeline_row("failed", failed_at, attempt=4)
    assert due_at_start(nightly, SourceHistory(used_up, failed_at), NOW) is None
    # A crawl by hand after the failure did the work: no retry.
    assert due_at_start(nightly, SourceHistory(pipeline_row("failed", failed_at), NOW - timedelta(minutes=1)),
                        NOW) is None


def test_the_run_history_says_what_was_attempted(tmp_path):
    """Runs interrupted or left open do not count; a crawl by hand that recorded the source's ledger does;
    the crawl of a scheduled run counts through its pipeline run, not its ledger."""
    with closing(open_catalogue(f"sqlite:///{tmp_path / 'catalogue.sqlite3'}")) as catalogue:
        assert source_history(catalogue, "quito") == SourceHistory()
        killed = catalogue.start_run("pipeline", source="quito", trigger="first", attempt=1, full_sweep=0)
        crawl = catalogue.start_run("crawl", part_of=killed)
        catalogue.record_ledger(crawl, "quito", {"error": None})
        assert source_history(catalogue, "quito").last_attempt is None
        catalogue.close_unfinished_runs()
        assert source_history(catalogue, "quito").last_pipeline["outcome"] == "interrupted"
        assert source_history(catalogue, "quito").last_attempt is None
        by_hand = catalogue.start_run("crawl")
        catalogue.record_ledger(by_hand, "quito", {"error": "unreachable"})
        catalogue.finish_run(by_hand, {}, [], outcome="failed")
        history = source_history(catalogue, "quito")
        assert history.last_attempt is not None and history.last_sweep_attempt is None
        swept = catalogue.start_run("pipeline", source="quito", trigger="schedule", attempt=1, full_sweep=1)
        catalogue.finish_run(swept, {}, [], outcome="completed")
        assert source_history(catalogue, "quito").last_sweep_attempt is not None
        assert catalogue.last_completed_crawl("quito") == catalogue.db.execute(
            "SELECT at FROM crawl_ledgers WHERE run_id = ?", (crawl,)).fetchone()[0]


# -- what the scheduler does --------------------------------------------------------------------------

@pytest.fixture()
def portal():
    with HostileServer() as server:
        server.portal({DAY: [("Acta", server.pdf("/acta.pdf", make_pdf("Acta de la sesion")))]})
        yield server


def quick_scheduler(tmp_path: Path, portal_url: str, backoff_s: float, **settings: object) -> PipelineScheduler:
    settings = load_settings(environ={}, data_dir=tmp_path / "data", extract_workers=1, ocr=False, **settings,
                             sources_file=sources_file(tmp_path, portal_url, schedule=NEVER_SOON, full_sweep=NEVER_SOON))
    return PipelineScheduler(settings, load_schedules(settings), backoff=(timedelta(seconds=backoff_s),) * 2)


def run_until(scheduler: PipelineScheduler, done, timeout_s: float, after_each=None) -> list[str]:
    """Take and run due sources, as run_forever does, until `done(outcomes)` or the deadline."""
    outcomes: list[str] = []
    deadline = time.monotonic() + timeout_s
    while not done(outcomes):
        assert time.monotonic() < deadline, f"gave up after {timeout_s} s; outcomes so far {outcomes}"
        due = scheduler.take(0.2)
        if due is not None:
            outcomes.append(scheduler.run_due(due))
            if after_each:
                after_each()
    return outcomes


def pipelines(scheduler: PipelineScheduler) -> list[dict]:
    with closing(open_catalogue(scheduler.settings.catalogue_url)) as catalogue:
        return [dict(row) for row in catalogue.db.execute("SELECT * FROM runs WHERE step = 'pipeline' ORDER BY id")]


def test_a_failed_run_is_retried_after_its_backoff_and_recorded(tmp_path, portal):
    home = portal.routes["/"]
    # The first crawl waits on the home page past its time bound, a failure of the source; then it answers.
    portal.routes["/"] = Answer(home.status, home.body, home.headers, delay_s=60)

    def portal_back() -> None:
        portal.routes["/"] = home

    scheduler = quick_scheduler(tmp_path, portal.url(), backoff_s=2, crawl_timeout_s=3, crawl_request_timeout_s=4)
    try:
        scheduler.start()
        outcomes = run_until(scheduler, lambda done: "completed" in done, 90, after_each=portal_back)
        assert scheduler.triggers.get_job("retry:quito") is None  # nothing left to retry
    finally:
        scheduler.shutdown()
    assert outcomes == ["failed", "completed"]
    failed, retried = pipelines(scheduler)
    assert (failed["trigger"], failed["attempt"], retried["trigger"], retried["attempt"]) == ("first", 1, "retry", 2)
    assert "source quito: the crawl stopped before it finished" in failed["errors_json"]
    waited = datetime.fromisoformat(retried["started_at"]) - datetime.fromisoformat(failed["finished_at"])
    assert waited >= timedelta(seconds=1)  # the backoff (2 s), at the catalogue's one-second resolution
    assert json.loads(retried["stats_json"])["extract"]["documents"] == 1


def test_retries_are_bounded_then_the_source_waits_for_its_next_fire_time(tmp_path):
    attempts = []

    def always_failing(settings, due: Due) -> str:  # the crawl itself is exercised above
        attempts.append((due.trigger, due.attempt, datetime.now(UTC)))
        return "failed"

    scheduler = quick_scheduler(tmp_path, "http://127.0.0.1:9", backoff_s=0.5)
    scheduler._run = always_failing
    try:
        scheduler.start()
        outcomes = run_until(scheduler, lambda done: len(done) == 3, 30)
        time.sleep(1.5)  # past any backoff
        assert scheduler.take(0.1) is None and scheduler.triggers.get_job("retry:quito") is None
    finally:
        scheduler.shutdown()
    assert outcomes == ["failed"] * 3
    assert [(trigger, attempt) for trigger, attempt, _ in attempts] == [("first", 1), ("retry", 2), ("retry", 3)]
    assert all(later[2] - earlier[2] >= timedelta(seconds=0.5) for earlier, later in pairwise(attempts))


def test_a_run_due_while_another_holds_the_lock_is_skipped_recorded_and_retried(tmp_path):
    scheduler = quick_scheduler(tmp_path, "http://127.0.0.1:9", backoff_s=600)
    try:
        scheduler.triggers.start()
        with pipeline_lock(scheduler.settings.data_dir, "concejo crawl --source quito") as lock:
            lock.doing("crawl")
            assert scheduler.run_due(Due("quito", "schedule")) == "skipped"
        assert scheduler.triggers.get_job("retry:quito") is not None
    finally:
        scheduler.shutdown()
    (skipped,) = pipelines(scheduler)
    assert skipped["outcome"] == "skipped" and skipped["finished_at"]
    (error,) = json.loads(skipped["errors_json"])
    assert "another pipeline run holds" in error and "(concejo crawl --source quito)" in error
    assert ", at step crawl since 20" in error


def test_due_sources_run_one_at_a_time_never_two_at_once(tmp_path):
    """The scheduler's one loop runs what is due in turn; the pipeline lock keeps other processes out."""
    spans, running = [], threading.Lock()

    def slow_run(settings, due: Due) -> str:
        assert running.acquire(blocking=False), "two runs at once"
        started = time.monotonic()
        time.sleep(0.3)
        spans.append((due.source, started, time.monotonic()))
        running.release()
        if len(spans) == 3:
            raise KeyboardInterrupt  # stands in for SIGTERM: ends run_forever
        return "completed"

    scheduler = quick_scheduler(tmp_path, "http://127.0.0.1:9", backoff_s=600)
    scheduler._run = slow_run
    for slug in ("quito", "cuenca", "loja"):
        scheduler.put(Due(slug, "schedule"))
    scheduler.put(Due("quito", "schedule"))  # due again while waiting: still one run
    with pytest.raises(KeyboardInterrupt):
        scheduler.run_forever()
    assert [source for source, _, _ in spans] == ["quito", "cuenca", "loja"]
    assert all(earlier[2] <= later[1] for earlier, later in pairwise(spans))


def test_schedule_once_runs_each_source_once_and_says_when_one_did_not_complete(tmp_path):
    settings = load_settings(environ={}, data_dir=tmp_path / "data", sources_file=sources_file(tmp_path))
    with pipeline_lock(settings.data_dir, "concejo run --once"):
        once = subprocess.run([sys.executable, "-m", "concejo", "schedule", "--once"], cwd=PROJECT_ROOT, text=True,
                              env={**child_environ(settings), "COLUMNS": "400"}, capture_output=True, timeout=60,
                              check=False)
    assert once.returncode == 1, once.stdout + once.stderr
    assert "source quito: not run now: another pipeline run holds" in once.stderr
    with closing(open_catalogue(settings.catalogue_url)) as catalogue:
        (run,) = catalogue.last_runs()
    assert (run["step"], run["source"], run["trigger"], run["outcome"]) == ("pipeline", "quito", "once", "skipped")


def test_sources_due_together_are_one_run_each_a_full_sweep_if_either_is(tmp_path):
    scheduler = quick_scheduler(tmp_path, "http://127.0.0.1:9", backoff_s=600)
    scheduler.put(Due("quito", "retry", attempt=3))
    scheduler.put(Due("quito", "schedule"))
    scheduler.put(Due("quito", "schedule", full_sweep=True))
    scheduler.put(Due("cuenca", "schedule"))
    assert scheduler.take(0) == Due("quito", "schedule", full_sweep=True)
    assert scheduler.take(0) == Due("cuenca", "schedule")
    assert scheduler.take(0) is None


# -- staleness in `concejo status` ------------------------------------------------------------------

def test_status_flags_a_source_with_no_completed_crawl_for_twice_its_interval(tmp_path):
    settings = load_settings(environ={}, data_dir=tmp_path / "data", sources_file=sources_file(tmp_path))
    with closing(open_catalogue(settings.catalogue_url)) as catalogue:
        run = catalogue.start_run("crawl")
        catalogue.record_ledger(run, "quito", {"error": None})
        catalogue.record_ledger(run, "quito", {"error": "the portal changed shape"})  # newer, failed
        catalogue.finish_run(run, {}, [])
        catalogue.db.execute("UPDATE crawl_ledgers SET at = '2026-01-01T03:00:00+00:00' WHERE ledger_json "
                             "NOT LIKE '%changed shape%'")
        catalogue.db.commit()

    def status(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "concejo", "status", *args], cwd=PROJECT_ROOT, text=True,
                              env={**child_environ(settings), "COLUMNS": "400"}, capture_output=True, timeout=60,
                             check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    shown = json.loads(status("--json"))["schedules"]["quito"]
    assert shown["stale"] is True and shown["last_completed"] == "2026-01-01T03:00:00+00:00"
    assert (shown["schedule"], shown["full_sweep"], shown["timezone"]) == ("0 3 * * *", "0 4 * * 0", "UTC")
    assert shown["interval_seconds"] == 86400 and shown["stale_after_seconds"] == 2 * 86400
    assert "SIN ACTUALIZAR desde 2026-01-01T03:00:00+00:00" in status()
    with closing(open_catalogue(settings.catalogue_url)) as catalogue:
        catalogue.record_ledger(None, "quito", {"error": None})
    assert json.loads(status("--json"))["schedules"]["quito"]["stale"] is False
    assert "SIN ACTUALIZAR" not in status()

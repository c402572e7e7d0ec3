"""`concejo schedule` as a real process over a small replica served on 127.0.0.1 (issue 12): the chain runs
end to end on the schedule; a manual run meanwhile is refused naming who holds the lock; a run killed with
SIGKILL is recovered by the next; fire times missed while the scheduler was down are made up once; SIGTERM
mid-run stops it cleanly and the next run completes. Every wait is bounded; every scheduler is killed on
the way out. The archive is checked whole each time: each document once, with one version and its pages."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from concejo.config import child_environ, load_settings
from replica import Portal, build_portal
from replica.server import ReplicaServer
from scheduler import pipeline_lock
from search_app import create_app
from tests.cli.test_locking import PROJECT_ROOT, alive, children_of, wait_until

SOURCE = """
[[sources]]
slug = "quito"
name = "Concejo Metropolitano de Quito"
family = "concejo_abierto"
start_urls = ["{url}"]
allow_private_addresses = true
timezone = "{timezone}"
schedule = "{schedule}"
full_sweep = "{full_sweep}"
[sources.politeness]
delay_s = {delay_s}
concurrency_per_host = 4
"""
EVERY_3_S = "*/3 * * * * *"  # six fields: seconds first
NEVER_SOON = "0 0 29 2 *"  # a full sweep that does not fire during a test: 29 February at midnight
RUN_S = 150  # a first run of the small replica takes ~25 s alone; the machine is shared


@pytest.fixture(scope="module")
def portal() -> Portal:
    """One year of the replica: 42 sessions, 96 documents, every one whole."""
    return build_portal(seed=2016, years=range(2024, 2025), plenary_sessions_per_year=8, defects=False)


@pytest.fixture(scope="module")
def replica(portal):
    with ReplicaServer(portal, host="127.0.0.1", port=0) as server:
        yield server


class ScheduledArchive:
    """A data directory, its sources file, and `concejo schedule` over it."""

    def __init__(self, root: Path, portal_url: str, *, schedule: str, full_sweep: str = NEVER_SOON,
                 timezone: str = "UTC", delay_s: float = 0.0) -> None:
        self.data_dir = root / "data"
        sources_file = root / "sources.toml"
        sources_file.write_text(SOURCE.format(url=portal_url, timezone=timezone, schedule=schedule,
                                              full_sweep=full_sweep, delay_s=delay_s), encoding="utf-8")
        self.settings = load_settings(environ={}, data_dir=self.data_dir, sources_file=sources_file,
                                      extract_workers=1, ocr=False)
        self.env = {**child_environ(self.settings), "COLUMNS": "400"}  # messages on one line
        self.log = root / "scheduler.log"

    @contextmanager
    def scheduler(self) -> Iterator[subprocess.Popen]:
        """`concejo schedule` running; killed on the way out unless the test stopped it."""
        with open(self.log, "a", encoding="utf-8") as log:
            process = subprocess.Popen([sys.executable, "-m", "concejo", "schedule"], env=self.env,
                                       cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(30)

    def stop(self, process: subprocess.Popen, timeout_s: float = 60) -> int:
        """SIGTERM, and its exit code once it has exited (bounded)."""
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout_s)

    def concejo(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "concejo", *args], env=self.env, cwd=PROJECT_ROOT, text=True,
                              capture_output=True, timeout=120, check=False)

    def wait_for(self, condition, what: str, timeout_s: float = RUN_S) -> None:
        try:
            wait_until(condition, timeout_s, what)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- scheduler log ---\n{self.log.read_text()[-4000:]}") from None

    def crawl_under_way(self, process: subprocess.Popen) -> int:
        """Wait until the scheduler's crawl child is working; its pid."""
        self.wait_for(lambda: self.holder().get("step", "").startswith("crawl") and children_of(process.pid)
                      and self.query("SELECT 1 FROM document_urls"), "a crawl under way that archived a document")
        (child,) = children_of(process.pid)
        return child

    # -- what the data directory says ------------------------------------------------------------------

    def query(self, sql: str, *params) -> list[dict]:
        path = self.data_dir / "catalogue.sqlite3"
        if not path.exists():
            return []
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as db:
            db.row_factory = sqlite3.Row
            try:
                return [dict(row) for row in db.execute(sql, params)]
            except sqlite3.OperationalError as exc:
                if "no such" in str(exc):  # the catalogue is being created
                    return []
                raise

    def runs(self, step: str) -> list[dict]:
        return self.query("SELECT * FROM runs WHERE step = ? ORDER BY id", step)

    def pipelines(self, outcome: str | None = None) -> list[dict]:
        return [run for run in self.runs("pipeline") if outcome is None or run["outcome"] == outcome]

    def steps_of(self, pipeline: dict) -> dict[str, dict]:
        return {run["step"]: run for run in self.query("SELECT * FROM runs WHERE part_of = ?", pipeline["id"])}

    def holder(self) -> dict:
        """What the pipeline lock's file says of its holder ({} when nothing holds it)."""
        try:
            return json.loads((self.data_dir / "pipeline.lock").read_text() or "{}")
        except (FileNotFoundError, ValueError):
            return {}

    def assert_whole_archive(self, portal: Portal) -> None:
        """Every replica document archived once with one version, its URLs and pages once each, extracted
        and indexed."""
        (counts,) = self.query("SELECT COUNT(*) AS documents, SUM(status = 'extracted') AS extracted, "
                               "SUM(indexed_sha256 = current_sha256) AS indexed FROM documents")
        whole = len(portal.documents)
        assert counts == {"documents": whole, "extracted": whole, "indexed": whole}, counts
        assert self.query("SELECT COUNT(*) AS n FROM sessions") == [{"n": len(portal.sessions)}]
        assert self.query("SELECT document_id FROM versions GROUP BY document_id HAVING COUNT(*) > 1") == []
        assert self.query("SELECT COUNT(*) AS n FROM document_urls") == [
            {"n": sum(len(document.urls) for document in portal.documents)}]


def test_the_schedule_runs_the_chain_end_to_end_and_a_manual_run_meanwhile_is_refused(tmp_path, replica, portal):
    archive = ScheduledArchive(tmp_path, replica.url, schedule=EVERY_3_S)
    with archive.scheduler() as scheduler:
        archive.wait_for(lambda: archive.holder().get("step"), "the scheduler to take the pipeline lock")
        for manual in (["run", "--once"], ["crawl"]):
            refused = archive.concejo(*manual)
            output = refused.stdout + refused.stderr
            assert refused.returncode == 2, output
            assert f"another pipeline run holds {archive.data_dir / 'pipeline.lock'}: pid {scheduler.pid} " \
                   "(concejo schedule) since 20" in output, output
            assert ", at step " in output and " (quito) since 20" in output, output
            assert "Traceback" not in output
        archive.wait_for(lambda: archive.pipelines("completed")[1:], "a run on the schedule after the first")
        assert archive.stop(scheduler) == 0

    first, scheduled = archive.pipelines("completed")[:2]
    assert (first["source"], first["trigger"], scheduled["trigger"]) == ("quito", "first", "schedule")
    steps = archive.steps_of(first)
    assert {step: run["outcome"] for step, run in steps.items()} == {
        "crawl": "completed", "extract": "completed", "index": "completed"}
    assert json.loads(first["stats_json"])["extract"]["documents"] == len(portal.documents)
    archive.assert_whole_archive(portal)
    client = create_app({"TESTING": True}, settings=archive.settings).test_client()
    found = client.get("/api/v1/search", query_string={"q": '"presupuesto participativo"'}).get_json()
    assert found["total"] == len({d.key for d, _ in portal.find_pages("presupuesto participativo",
                                                                      include_scanned=False)}) > 0


def test_a_run_killed_with_sigkill_is_closed_as_interrupted_and_the_next_completes(tmp_path, replica, portal):
    archive = ScheduledArchive(tmp_path, replica.url, schedule=EVERY_3_S, delay_s=0.05)
    with archive.scheduler() as scheduler:
        child = archive.crawl_under_way(scheduler)
        os.kill(scheduler.pid, signal.SIGKILL)
        scheduler.wait(30)
        archive.wait_for(lambda: not alive(child), "the crawl's child to die with its parent", 30)
    (killed,) = archive.pipelines()
    assert killed["finished_at"] is None  # nothing could record it

    with archive.scheduler() as scheduler:
        archive.wait_for(lambda: archive.pipelines("completed"), "the next run to complete")
        assert archive.stop(scheduler) == 0
    killed = archive.pipelines()[0]
    assert killed["outcome"] == "interrupted" and killed["finished_at"]
    assert archive.steps_of(killed)["crawl"]["outcome"] == "interrupted"
    archive.assert_whole_archive(portal)


def test_sigterm_mid_run_stops_cleanly_and_the_next_run_resumes_the_crawl(tmp_path, replica, portal):
    archive = ScheduledArchive(tmp_path, replica.url, schedule=EVERY_3_S, delay_s=0.05)
    with archive.scheduler() as scheduler:
        child = archive.crawl_under_way(scheduler)
        assert archive.stop(scheduler) == 0
        assert not alive(child)
    (stopped,) = archive.pipelines()
    assert stopped["outcome"] == "interrupted" and stopped["finished_at"]  # recorded by the stopping process
    assert archive.steps_of(stopped)["crawl"]["outcome"] == "interrupted"
    assert (archive.data_dir / "crawl-jobs" / "quito").is_dir()  # Scrapy's job directory, to resume from
    with pipeline_lock(archive.data_dir):  # released
        pass

    with archive.scheduler() as scheduler:
        archive.wait_for(lambda: archive.pipelines("completed"), "the next run to complete")
        assert archive.stop(scheduler) == 0
    resumed = archive.steps_of(archive.pipelines("completed")[0])["crawl"]
    assert "resumed an interrupted one" in resumed["errors_json"]
    archive.assert_whole_archive(portal)


def test_fire_times_missed_while_the_scheduler_was_down_are_made_up_once(tmp_path, replica, portal):
    # Twice an hour, 40 and 20 minutes ago: the next fire time is 20 minutes away, after the test.
    earlier, fired = ((datetime.now(UTC) - timedelta(minutes=m)).replace(second=0, microsecond=0) for m in (40, 20))
    archive = ScheduledArchive(tmp_path, replica.url, schedule=f"{earlier.minute},{fired.minute} * * * *")
    with archive.scheduler() as scheduler:
        archive.wait_for(lambda: archive.pipelines("completed"), "the first run to complete")
        assert archive.stop(scheduler) == 0
    # As if the scheduler had been down for the last hour: both fire times went by.
    with closing(sqlite3.connect(archive.data_dir / "catalogue.sqlite3")) as db, db:
        for table, columns in (("runs", ("started_at", "finished_at")), ("crawl_ledgers", ("at",))):
            for column in columns:
                for key, moment in db.execute(f"SELECT rowid, {column} FROM {table}").fetchall():
                    moved = datetime.fromisoformat(moment) - timedelta(hours=1)
                    db.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (moved.isoformat(), key))

    with archive.scheduler() as scheduler:
        archive.wait_for(lambda: archive.pipelines("completed")[1:], "the missed run to be made up")
        time.sleep(4)  # a second one owed would start at once
        assert archive.stop(scheduler) == 0
    first, made_up = archive.pipelines()
    assert (first["trigger"], made_up["trigger"], made_up["outcome"]) == ("first", "missed", "completed")
    assert made_up["scheduled_for"] == fired.isoformat()  # the latest of the missed fire times
    assert len(archive.runs("crawl")) == 2
    archive.assert_whole_archive(portal)


def test_a_second_scheduler_on_the_same_data_directory_exits_at_once_naming_the_first(tmp_path):
    """The scheduler lock is held for the life of `concejo schedule`, apart from the pipeline lock it takes per
    run: a second scheduler stops at once, naming the first (pid, since when); the first goes on."""
    archive = ScheduledArchive(tmp_path, "http://127.0.0.1:9", schedule=NEVER_SOON)  # its first run fails fast
    with archive.scheduler() as scheduler:
        lock = archive.data_dir / "scheduler.lock"
        archive.wait_for(lambda: archive.pipelines(), "the first run to be recorded", 60)  # not merely starting
        second = subprocess.Popen([sys.executable, "-m", "concejo", "schedule"], env=archive.env, cwd=PROJECT_ROOT,
                                  text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            output, _ = second.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            second.kill()
            output, _ = second.communicate(timeout=30)
            raise AssertionError(f"the second scheduler did not stop at once:\n{output[-4000:]}") from None
        assert second.returncode == 2, output
        assert f"otro programador ya se ejecuta sobre este directorio de datos ({lock}): pid {scheduler.pid} " \
               "(concejo schedule) desde 20" in output, output
        assert "Traceback" not in output
        assert scheduler.poll() is None  # the first goes on
        assert archive.stop(scheduler) == 0
    assert len(archive.pipelines()) == 1  # the second queued nothing, ran nothing
    assert json.loads((archive.data_dir / "scheduler.lock").read_text() or "{}") == {}  # released on the way out


def test_a_retry_is_dropped_when_a_later_run_did_the_work(tmp_path):
    """A run skipped (another held the pipeline lock) is retried after its backoff, unless a run started after
    it (a crawl by hand) did the work meanwhile: the same rule as the history read at start."""
    from archive import open_catalogue
    from concejo.schedules import Due, load_schedules
    from scheduler import PipelineScheduler

    archive = ScheduledArchive(tmp_path, "http://127.0.0.1:9", schedule=NEVER_SOON)
    ran: list[Due] = []

    def run(settings, due: Due) -> str:
        ran.append(due)
        return "completed"

    scheduler = PipelineScheduler(archive.settings, load_schedules(archive.settings), run=run)
    retry = Due("quito", "retry", attempt=2)
    with closing(open_catalogue(archive.settings.catalogue_url)) as catalogue:
        skipped = catalogue.record_run("pipeline", {}, ["another pipeline run holds …"], "skipped", source="quito",
                                       trigger="schedule", attempt=1, full_sweep=0)
        with catalogue.transaction() as db:  # an hour back: the catalogue counts whole seconds
            db.execute("UPDATE runs SET started_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', started_at, '-1 hour') "
                       "WHERE id = ?", (skipped,))
        assert scheduler.run_due(retry) == "completed"  # nothing did the work since: the retry runs
        assert ran == [retry]
        by_hand = catalogue.start_run("crawl")
        catalogue.record_ledger(by_hand, "quito", {"error": None})
        catalogue.finish_run(by_hand, {}, [], outcome="completed")
    assert scheduler.run_due(retry) == "superseded"
    assert len(ran) == 1

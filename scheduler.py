"""Step 6, repeat: per source, crawl -> extract -> index on the schedule in its configuration, never two runs
at once.

Wiring only; when a source is due is concejo.schedules' business. APScheduler's cron triggers (in memory,
one update schedule and one full sweep per source) only put a source in the queue; the process's main thread
takes sources from the queue one at a time and runs each one's pipeline under the pipeline lock, the crawl
in a subprocess (the Twisted reactor cannot restart). The state that must survive a restart lives in the
catalogue's run history, from which a starting scheduler works out what it owes each source: a first run, a
missed run (once, however many fire times were missed, if the latest is within the grace period), or the
retry a failed run was waiting for. A failed run is retried after 5, 15 and 45 minutes, then waits for the
next fire time. SIGTERM or SIGINT interrupts the run under way as they interrupt `concejo run`: the crawl's
child is told to stop and leaves its Scrapy job directory to resume from, the step is recorded as
interrupted, the catalogue keeps every transaction that committed; then the scheduler exits.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from contextlib import closing, contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from archive import Catalogue, open_catalogue
from concejo import steps
from concejo.config import Settings
from concejo.lock import AlreadyRunning, HeldLock, SchedulerAlreadyRunning, pipeline_lock, scheduler_lock
from concejo.schedules import (
    MISFIRE_GRACE,
    RETRY_BACKOFF,
    Due,
    SourceHistory,
    SourceSchedule,
    due_at_start,
    load_schedules,
    parse_time,
)

__all__ = ["AlreadyRunning", "PipelineScheduler", "SchedulerAlreadyRunning", "exclusive_run", "pipeline_lock",
           "run_scheduler", "scheduler_lock"]

log = logging.getLogger("concejo.scheduler")
COMMAND = "concejo schedule"
WAKE_S = 30.0  # the triggers are looked at again at least this often (a machine back from sleep)


@contextmanager
def exclusive_run(settings: Settings, catalogue: Catalogue, command: str | None = None):
    """Hold the pipeline lock for a command that writes; runs an earlier, killed process left open are closed.
    Yields the held lock (`doing(step)` says what the command is at)."""
    with pipeline_lock(settings.data_dir, command) as lock:
        catalogue.close_unfinished_runs()
        yield lock


def source_history(catalogue: Catalogue, slug: str) -> SourceHistory:
    """What the catalogue's run history says of one source, for concejo.schedules.due_at_start."""
    attempted = catalogue.last_attempted(slug)
    swept = catalogue.last_attempted(slug, full_sweep=True)
    return SourceHistory(catalogue.last_pipeline_run(slug), parse_time(attempted) if attempted else None,
                         parse_time(swept) if swept else None)


def run_source(settings: Settings, due: Due, *, command: str = COMMAND) -> str:
    """One source's crawl -> extract -> index under the pipeline lock, recorded as a "pipeline" run whose
    steps point to it; its outcome: completed, failed (a step failed, or the source's crawl did), skipped
    (another run held the lock) or interrupted (a signal; the exception goes on)."""
    labels = {"source": due.source, "trigger": due.trigger, "attempt": due.attempt,
              "full_sweep": int(due.full_sweep),
              "scheduled_for": due.scheduled_for.isoformat() if due.scheduled_for else None}
    try:
        with pipeline_lock(settings.data_dir, command) as lock, \
                closing(open_catalogue(settings.catalogue_url)) as catalogue:
            catalogue.close_unfinished_runs()
            return _run_steps(settings, catalogue, due, lock, catalogue.start_run("pipeline", **labels))
    except AlreadyRunning as exc:
        log.warning("source %s: not run now: %s", due.source, exc)
        with closing(open_catalogue(settings.catalogue_url)) as catalogue:
            catalogue.record_run("pipeline", {}, [str(exc)], "skipped", **labels)
        return "skipped"


def _run_steps(settings: Settings, catalogue: Catalogue, due: Due, lock: HeldLock, run_id: int) -> str:
    sweep = " (full sweep)" if due.full_sweep else ""
    log.info("source %s: crawl -> extract -> index%s (%s, attempt %d)", due.source, sweep, due.trigger, due.attempt)
    chain: list[tuple[str, Callable[[], steps.StepReport]]] = [
        ("crawl", lambda: steps.crawl(settings, catalogue, sources=[due.source], full_sweep=due.full_sweep,
                                      part_of=run_id)),
        ("extract", lambda: steps.extract(settings, catalogue, part_of=run_id)),
        ("index", lambda: steps.index(settings, catalogue, part_of=run_id)),
    ]
    stats: dict[str, dict] = {}
    errors: list[str] = []
    outcome = "interrupted"  # unless the chain ends: a signal, or a process killed mid-way
    try:
        for name, step in chain:
            lock.doing(f"{name} ({due.source}{sweep})")
            try:
                report = step()
            except Exception as exc:  # a step that could not run: recorded, and the run is retried later
                log.exception("source %s: %s failed", due.source, name)
                errors.append(f"{name}: {exc}")
                break
            stats[name] = {**report.counts, "run": report.run_id, "problems": len(report.problems)}
            errors.extend(report.failed_sources.values())
            log.info("source %s: %s in %.1f s: %s; %d problems", due.source, name, report.seconds, report.counts,
                     len(report.problems))
        outcome = "failed" if errors else "completed"
    finally:
        catalogue.finish_run(run_id, stats, errors, outcome)
    log.info("source %s: %s", due.source, outcome)
    return outcome


class PipelineScheduler:
    """The sources' triggers, a queue of sources due, and the loop that runs them one at a time.

    `run` is the pipeline of one due source (run_source; tests pass another); `grace` and `backoff` as in
    concejo.schedules."""

    def __init__(self, settings: Settings, schedules: Mapping[str, SourceSchedule], *,
                 run: Callable[[Settings, Due], str] = run_source, grace: timedelta = MISFIRE_GRACE,
                 backoff: tuple[timedelta, ...] = RETRY_BACKOFF) -> None:
        self.settings, self.schedules, self._run = settings, dict(schedules), run
        self.grace, self.backoff = grace, backoff
        self._due: dict[str, Due] = {}  # by source, in the order they became due
        self._changed = threading.Condition()
        self.triggers = BackgroundScheduler(timezone=UTC, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": int(grace.total_seconds())})

    def start(self) -> None:
        """Add each source's triggers, queue what the run history says is owed, start the triggers."""
        with closing(open_catalogue(self.settings.catalogue_url)) as catalogue:
            owed = {slug: due_at_start(schedule, source_history(catalogue, slug), datetime.now(UTC),
                                       grace=self.grace, backoff=self.backoff)
                    for slug, schedule in self.schedules.items()}
        for slug, schedule in self.schedules.items():
            for full_sweep in (False, True):
                self.triggers.add_job(self._fire, schedule.trigger(full_sweep), args=[slug, full_sweep],
                                      id=f"{'full_sweep' if full_sweep else 'schedule'}:{slug}")
            due = owed[slug]
            if due is not None and due.at is not None and due.at > datetime.now(UTC):
                self._retry_at(due)
            elif due is not None:
                self.put(due)
            log.info("source %s: schedule %r, full sweep %r (%s); owed at start: %s", slug, schedule.schedule,
                     schedule.full_sweep, schedule.timezone.key, due or "nothing")
        self.triggers.start()

    def _fire(self, slug: str, full_sweep: bool) -> None:
        self.put(Due(slug, "schedule", full_sweep=full_sweep,
                     scheduled_for=datetime.now(UTC).replace(microsecond=0)))

    def put(self, due: Due) -> None:
        """Queue a source; one already waiting is merged with it (one run, a full sweep if either is)."""
        with self._changed:
            waiting = self._due.get(due.source)
            self._due[due.source] = due if waiting is None else waiting.merged(due)
            self._changed.notify()

    def take(self, timeout_s: float) -> Due | None:
        with self._changed:
            if not self._due:
                self._changed.wait(timeout_s)
            if not self._due:
                return None
            return self._due.pop(next(iter(self._due)))

    def run_forever(self) -> None:
        """Run due sources one at a time until a signal (KeyboardInterrupt, or processes.Terminated) ends it."""
        while True:
            due = self.take(WAKE_S)
            if due is None:
                self.triggers.wakeup()  # its timer does not count time the machine slept
                continue
            self.run_due(due)

    def run_due(self, due: Due) -> str:
        """Run one due source; its outcome, or "superseded" for a retry whose work a later run already did."""
        if due.trigger == "retry" and self._superseded(due.source):
            log.info("source %s: retry %d dropped: a later run did the work", due.source, due.attempt)
            return "superseded"
        try:
            outcome = self._run(self.settings, replace(due, at=None))
        except Exception:  # the catalogue unreachable, say: this run failed, the scheduler goes on
            log.exception("source %s: the run could not be made", due.source)
            outcome = "failed"
        if outcome == "completed":
            self._cancel_retry(due.source)
        elif outcome in ("failed", "skipped"):
            if due.attempt <= len(self.backoff):
                retry = Due(due.source, "retry", full_sweep=due.full_sweep, scheduled_for=due.scheduled_for,
                            attempt=due.attempt + 1, at=datetime.now(UTC) + self.backoff[due.attempt - 1])
                self._retry_at(retry)
                log.warning("source %s: %s; trying again at %s", due.source, outcome, retry.at.isoformat())
            else:
                log.warning("source %s: %s after %d attempts; waiting for its next fire time", due.source, outcome,
                            due.attempt)
        return outcome

    def _superseded(self, slug: str) -> bool:
        """Whether a run started after the source's last scheduled (failed or skipped) run did its work, as
        concejo.schedules.due_at_start asks of the history at start."""
        with closing(open_catalogue(self.settings.catalogue_url)) as catalogue:
            history = source_history(catalogue, slug)
        last = history.last_pipeline
        return (last is not None and history.last_attempt is not None
                and parse_time(last["started_at"]) < history.last_attempt)

    def _retry_at(self, due: Due) -> None:
        self.triggers.add_job(self.put, "date", run_date=due.at, args=[due], id=f"retry:{due.source}",
                              replace_existing=True, misfire_grace_time=None)

    def _cancel_retry(self, slug: str) -> None:
        if self.triggers.get_job(f"retry:{slug}") is not None:
            self.triggers.remove_job(f"retry:{slug}")

    def shutdown(self) -> None:
        if self.triggers.running:
            self.triggers.shutdown(wait=False)


def run_scheduler(settings: Settings, *, once: bool = False) -> list[str]:
    """`concejo schedule`: check every source's schedule, then run until a signal; with `once`, run each source
    once and return their outcomes."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per trigger firing
    schedules = load_schedules(settings)
    # One scheduler per data directory for the life of the process (SchedulerAlreadyRunning at once otherwise):
    # two would each queue and retry every source, and each run of one would be skipped by the other's.
    with scheduler_lock(settings.data_dir, COMMAND + (" --once" if once else "")):
        if once:
            return [run_source(settings, Due(slug, "once")) for slug in schedules]
        scheduler = PipelineScheduler(settings, schedules)
        try:
            scheduler.start()
            log.info("scheduling %d sources; SIGTERM or Ctrl-C to stop", len(schedules))
            scheduler.run_forever()
        finally:
            scheduler.shutdown()
        return []

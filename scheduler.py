"""Step 6, repeat: run crawl -> extract -> index on a schedule, never two runs at once.

Wiring only. The crawl runs as a subprocess (the Twisted reactor cannot restart in one process);
a file lock in the data directory keeps a second scheduler, or a manual run, from overlapping.
"""

from __future__ import annotations

import fcntl
import logging
from contextlib import closing, contextmanager
from pathlib import Path

from apscheduler.schedulers.blocking import BlockingScheduler

from archive import Catalogue, open_catalogue
from concejo import steps
from concejo.config import Settings

log = logging.getLogger("concejo.scheduler")


class AlreadyRunning(RuntimeError):
    """Another pipeline run holds the lock."""


@contextmanager
def pipeline_lock(data_dir: Path):
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "pipeline.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunning(f"another pipeline run holds {data_dir / 'pipeline.lock'}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def exclusive_run(settings: Settings, catalogue: Catalogue):
    """Hold the pipeline lock for a command that writes; runs an earlier, killed process left open are closed."""
    with pipeline_lock(settings.data_dir):
        catalogue.close_unfinished_runs()
        yield


def run_pipeline_once(settings: Settings) -> list[steps.StepReport]:
    """crawl -> extract -> index; skipped (with a log line) if a run is already under way."""
    try:
        with pipeline_lock(settings.data_dir), closing(open_catalogue(settings.catalogue_url)) as catalogue:
            catalogue.close_unfinished_runs()
            reports = [steps.crawl(settings, catalogue), steps.extract(settings, catalogue),
                       steps.index(settings, catalogue)]
    except AlreadyRunning as exc:
        log.warning("skipping this run: %s", exc)
        return []
    for report in reports:
        log.info("%s in %.1f s: %s; %d problems", report.step, report.seconds, report.counts, len(report.problems))
    return reports


def build_scheduler(settings: Settings) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(
        run_pipeline_once, "interval", args=[settings], minutes=settings.schedule_minutes, id="pipeline",
        max_instances=1, coalesce=True, misfire_grace_time=600, next_run_time=None,
    )
    return scheduler


def run_scheduler(settings: Settings, *, once: bool = False) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    run_pipeline_once(settings)
    if once:
        return
    log.info("next runs every %d minutes; Ctrl-C to stop", settings.schedule_minutes)
    build_scheduler(settings).start()

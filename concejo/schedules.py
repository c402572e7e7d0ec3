"""Per-source schedules: a source's cron lines read and checked, their fire times, how long a source may go
without a completed crawl before it counts as stale, and what the run history says is due when the scheduler
starts (a first run, a missed run, a retry).

A schedule is a cron line in the source's time zone (`timezone`, default UTC): five fields, minute hour
day-of-month month day-of-week, with cron's meaning (day of week 0 or 7 is Sunday, names allowed), or six
with seconds first ("*/5 * * * * *", every five seconds: for tests). Restricting both the day of the month and
the day of the week is refused: cron runs when either matches, APScheduler only when both do.

Pure: it reads configuration and the history it is given and never runs anything; callers pass `now`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from concejo.config import ConfigError, Settings
from concejo.sources import Source, load_sources

# A run missed (scheduler down, machine asleep) is made up once if its fire time is at most this old;
# older, the source waits for its next fire time.
MISFIRE_GRACE = timedelta(hours=12)
# A failed run is tried again after each of these waits, then the source waits for its next fire time.
RETRY_BACKOFF = (timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=45))
# A source with no completed crawl for more than this many of its schedule's intervals is stale.
STALE_INTERVALS = 2
# Pipeline runs that did their work (well or not); an interrupted or unfinished one did not.
ATTEMPTED = ("completed", "failed", "skipped")

WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # cron's numbering: 0 (and 7) is Sunday


@dataclass(frozen=True)
class SourceSchedule:
    """When one source is crawled: its update schedule and its full sweep, in its time zone."""

    slug: str
    timezone: ZoneInfo
    schedule: str
    full_sweep: str
    update_trigger: CronTrigger
    sweep_trigger: CronTrigger

    def trigger(self, full_sweep: bool) -> CronTrigger:
        return self.sweep_trigger if full_sweep else self.update_trigger

    def next_run(self, now: datetime, *, full_sweep: bool = False) -> datetime | None:
        return self.trigger(full_sweep).get_next_fire_time(None, now)

    def interval(self, now: datetime) -> timedelta:
        """The schedule's interval: the longest gap between consecutive fire times among the next ten (a
        weekdays-only schedule's is the weekend's)."""
        fires = list(fire_times(self.update_trigger, now, count=11))
        return max(later - earlier for earlier, later in pairwise(fires))

    def stale(self, last_completed: datetime | None, now: datetime) -> bool:
        """No completed crawl ever, or none for more than STALE_INTERVALS intervals."""
        return last_completed is None or now - last_completed > STALE_INTERVALS * self.interval(now)


def cron_trigger(line: str, timezone: ZoneInfo) -> CronTrigger:
    """A cron line (5 fields, or 6 with seconds first) as an APScheduler trigger; ValueError says what is wrong."""
    fields = str(line).split()
    if len(fields) == 5:
        fields = ["0", *fields]
    if len(fields) != 6:
        raise ValueError(f"it has {len(fields)} fields; a cron line has 5 (minute hour day-of-month month "
                         "day-of-week), or 6 with seconds first")
    second, minute, hour, day, month, day_of_week = fields
    if day != "*" and day_of_week != "*":
        raise ValueError("it restricts both the day of the month and the day of the week; cron would run when "
                         "either matches: restrict one of them")
    trigger = CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month,
                          day_of_week=cron_weekdays(day_of_week), timezone=timezone)
    if trigger.get_next_fire_time(None, datetime.now(UTC)) is None:
        raise ValueError("it never fires")
    return trigger


def cron_weekdays(field: str) -> str:
    """Cron's day-of-week field in APScheduler's terms. APScheduler 3 numbers days from Monday (0) where cron
    numbers them from Sunday (0 or 7), so "0 4 * * 0" would run on Mondays: the days are named instead."""
    if field == "*":
        return field
    days: set[int] = set()
    for item in field.lower().split(","):
        span, _, step_text = item.partition("/")
        step = _day_number(step_text, "step", allow_names=False) if step_text else 1
        if step < 1:
            raise ValueError(f"day-of-week step {step_text!r} must be at least 1")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            first_text, _, last_text = span.partition("-")
            first, last = _day_number(first_text), _day_number(last_text)
            if last == 0 and first > 0:  # "5-7" or "fri-sun": Sunday as 7 ends the week
                last = 7
            if first > last:
                raise ValueError(f"day-of-week range {span!r} runs backwards")
        else:
            first = _day_number(span)
            last = 6 if step_text else first  # "1/2": from Monday to the end of the week, every other day
        days.update(day % 7 for day in range(first, last + 1, step))
    return ",".join(WEEKDAYS[day] for day in sorted(days))


def _day_number(text: str, what: str = "day of the week", *, allow_names: bool = True) -> int:
    text = text.strip()
    if allow_names and text[:3] in WEEKDAYS and len(text) == 3:
        return WEEKDAYS.index(text)
    if not text.isdigit() or (allow_names and int(text) > 7):
        raise ValueError(f"{text!r} is not a {what} (0-7, Sunday being 0 or 7, or sun, mon, ..., sat)"
                         if allow_names else f"{text!r} is not a whole number")
    return int(text) % 7 if allow_names else int(text)


def source_schedule(source: Source, *, where: str = "") -> SourceSchedule:
    """A source's schedules, checked; a ConfigError names the source, the key and what is wrong."""
    prefix = f"{where}: " if where else ""
    try:
        zone = ZoneInfo(source.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{prefix}source {source.slug}: timezone {source.timezone!r} is not a known time zone "
                          "(an IANA name such as America/Guayaquil, or UTC)") from None
    triggers = {}
    for key in ("schedule", "full_sweep"):
        line = getattr(source, key)
        try:
            triggers[key] = cron_trigger(line, zone)
        except ValueError as exc:
            raise ConfigError(f"{prefix}source {source.slug}: {key} {line!r} is not a cron line we can run: "
                              f"{exc}") from None
    return SourceSchedule(source.slug, zone, source.schedule, source.full_sweep, triggers["schedule"],
                          triggers["full_sweep"])


def load_schedules(settings: Settings, sources: Iterable[Source] | None = None) -> dict[str, SourceSchedule]:
    """Every configured source's schedules, by slug, in the configuration's order; ConfigError on a bad one."""
    where = str(settings.sources_file) if settings.sources_file else "the default source"
    return {source.slug: source_schedule(source, where=where)
            for source in (load_sources(settings) if sources is None else sources)}


def fire_times(trigger: CronTrigger, after: datetime, *, until: datetime | None = None,
               count: int | None = None) -> Iterable[datetime]:
    """The trigger's fire times from `after` (included), up to `until` (included) or `count` of them."""
    fire = trigger.get_next_fire_time(None, after)
    found = 0
    while fire is not None and (until is None or fire <= until) and (count is None or found < count):
        yield fire
        found += 1
        # Step on the absolute clock: wall-clock arithmetic on an aware datetime goes back to the first
        # 02:30 from the second one when clocks go back, and the trigger would give the second one forever.
        later = trigger.get_next_fire_time(None, fire.astimezone(UTC) + timedelta(microseconds=1))
        if later is not None and later.astimezone(UTC) <= fire.astimezone(UTC):
            raise RuntimeError(f"cron trigger {trigger} did not move past {fire.isoformat()}")
        fire = later


def latest_fire(trigger: CronTrigger, now: datetime, *, since: datetime) -> datetime | None:
    """The last fire time in [since, now], if any."""
    latest = None
    for fire in fire_times(trigger, since, until=now):
        latest = fire
    return latest


# -- what is due when the scheduler starts -----------------------------------------------------------

@dataclass(frozen=True)
class Due:
    """A pipeline run of one source to do: why (first, schedule, missed, retry, once), which fire time it
    serves, its attempt (1, then 2.. for retries) and, for a retry, when."""

    source: str
    trigger: str
    full_sweep: bool = False
    scheduled_for: datetime | None = None
    attempt: int = 1
    at: datetime | None = None  # None: now

    def merged(self, other: Due) -> Due:
        """Two runs of one source due together are one run: a full sweep if either is, and a scheduled one
        rather than a retry."""
        kept = other if self.trigger == "retry" and other.trigger != "retry" else self
        return replace(kept, full_sweep=self.full_sweep or other.full_sweep)


@dataclass(frozen=True)
class SourceHistory:
    """What the catalogue knows of one source's runs (archive.Catalogue.source_history)."""

    last_pipeline: Mapping | None = None  # the newest scheduled pipeline run: a runs row
    last_attempt: datetime | None = None  # the newest run that did its work, scheduled or by hand
    last_sweep_attempt: datetime | None = None  # the same, of a full sweep


def due_at_start(schedule: SourceSchedule, history: SourceHistory, now: datetime, *,
                 grace: timedelta = MISFIRE_GRACE, backoff: tuple[timedelta, ...] = RETRY_BACKOFF) -> Due | None:
    """What a starting scheduler owes one source, from its history: a first run if it was never crawled; the
    latest missed fire time of its schedule or full sweep (at most `grace` old), once however many were
    missed; or the retry a failed run was waiting for. None: nothing until the next fire time."""
    slug = schedule.slug
    if history.last_attempt is None:
        return Due(slug, "first")
    due = None
    for full_sweep, attempted in ((False, history.last_attempt), (True, history.last_sweep_attempt)):
        since = max(now - grace, attempted + timedelta(seconds=1)) if attempted else now - grace
        missed = latest_fire(schedule.trigger(full_sweep), now, since=since)
        if missed is not None:
            found = Due(slug, "missed", full_sweep=full_sweep, scheduled_for=missed)
            due = found if due is None else due.merged(found)
    if due is not None:
        return due
    last = history.last_pipeline
    if last is None or last["outcome"] not in ("failed", "skipped"):
        return None
    attempt = int(last["attempt"] or 1)
    if attempt > len(backoff) or parse_time(last["started_at"]) < history.last_attempt:
        return None  # retries used up, or a later run (by hand) did the work
    finished = parse_time(last["finished_at"] or last["started_at"])
    scheduled_for = parse_time(last["scheduled_for"]) if last["scheduled_for"] else None
    return Due(slug, "retry", full_sweep=bool(last["full_sweep"]), scheduled_for=scheduled_for,
               attempt=attempt + 1, at=max(now, finished + backoff[attempt - 1]))


def parse_time(text: str) -> datetime:
    """A catalogue timestamp (ISO 8601, UTC) as an aware datetime."""
    moment = datetime.fromisoformat(str(text))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

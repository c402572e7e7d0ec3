"""Sources: the councils this archive collects, each one configuration of a supported portal family.

A source file (TOML, `CONCEJO_SOURCES_FILE`) holds one `[[sources]]` table per council:

    [[sources]]
    slug = "quito"                          # the council's id in the archive, URLs and the API
    name = "Concejo Metropolitano de Quito"
    country = "EC"
    family = "concejo_abierto"              # a spider module crawler/spiders/<family>.py, found by name
    start_urls = ["https://concejo.example/"]
    allowed_hosts = ["files.concejo.example"]   # besides the start URLs' hosts
    timezone = "America/Guayaquil"
    schedule = "0 3 * * *"                  # crawl -> extract -> index, cron, in the source's time zone
    full_sweep = "0 4 * * 0"                # a full re-crawl that trusts no cache
    [sources.politeness]
    delay_s = 1.0
    concurrency_per_host = 2
    contact_url = "https://archivo.example/contacto"
    [sources.gaps]                          # how the coverage ledger reads the council's gaps
    minutes_after_days = 30                 # an agenda's minutes count as missing after these days
    by_type = false                         # true: each session type numbered apart
    [sources.options]                       # the family's own settings (selectors, naming rules, ...)

Without a source file, the archive has one source: the "Concejo Abierto" portal at CONCEJO_PORTAL_URL
(the bundled replica by default), under the council named by CONCEJO_COUNCIL_SLUG / CONCEJO_COUNCIL_NAME.
This module only reads and checks configuration; it never fetches anything.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from concejo.config import ConfigError, Settings

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
FAMILY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class Politeness:
    """How hard a source's hosts may be asked: Scrapy's delay, AutoThrottle and per-host concurrency."""

    delay_s: float = 1.0
    concurrency_per_host: int = 2
    contact_url: str | None = None  # goes into the user agent, so a portal's staff can reach us


@dataclass(frozen=True)
class GapRules:
    """How the coverage ledger reads a council's gaps: the days an agenda waits for its minutes before
    they count as missing, and whether each session type is numbered apart (else one sequence per body)."""

    minutes_after_days: int = 30
    by_type: bool = False


@dataclass(frozen=True)
class Source:
    slug: str
    name: str
    family: str
    start_urls: tuple[str, ...]
    country: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    allow_private_addresses: bool = False  # only the bundled replica and tests, served on 127.0.0.1
    timezone: str = "UTC"
    schedule: str = "0 3 * * *"
    full_sweep: str = "0 4 * * 0"
    politeness: Politeness = field(default_factory=Politeness)
    gaps: GapRules = field(default_factory=GapRules)
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def hosts(self) -> tuple[str, ...]:
        """Every host this source may fetch from: the start URLs' hosts, then the allowed ones."""
        found = [urlsplit(url).hostname or "" for url in self.start_urls] + list(self.allowed_hosts)
        return tuple(dict.fromkeys(h.lower() for h in found if h))

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Source:
        return source_from_table(json.loads(text), where="a source passed as JSON")


def source_from_table(table: Mapping[str, Any], *, where: str) -> Source:
    """One source from its configuration table; a ConfigError names what is wrong and where."""
    def need(key: str) -> Any:
        if not table.get(key):
            raise ConfigError(f"{where}: the source has no {key!r}; every source needs slug, name, family and "
                              "start_urls")
        return table[key]

    slug, family = str(need("slug")), str(need("family"))
    if not SLUG.match(slug):
        raise ConfigError(f"{where}: source slug {slug!r} must be lowercase letters, digits and dashes")
    if not FAMILY.match(family):
        raise ConfigError(f"{where}: source {slug}: family {family!r} is not a spider module name")
    start_urls = need("start_urls")
    if isinstance(start_urls, str):
        start_urls = [start_urls]
    for url in start_urls:
        if urlsplit(str(url)).scheme not in {"http", "https"} or not urlsplit(str(url)).hostname:
            raise ConfigError(f"{where}: source {slug}: start URL {url!r} is not an http(s) URL")
    known = {"slug", "name", "family", "start_urls", "country", "allowed_hosts", "allow_private_addresses",
             "timezone", "schedule", "full_sweep", "politeness", "options", "gaps"}
    unknown = set(table) - known
    if unknown:
        raise ConfigError(f"{where}: source {slug}: unknown keys {', '.join(sorted(unknown))}")
    polite = _politeness(table.get("politeness") or {}, f"{where}: source {slug}")
    for key in ("allowed_hosts", "options"):
        expected = list if key == "allowed_hosts" else Mapping
        if table.get(key) is not None and not isinstance(table[key], expected):
            raise ConfigError(f"{where}: source {slug}: {key} must be a "
                              f"{'list of hosts' if expected is list else 'table'}")
    return Source(
        slug=slug, name=str(need("name")), family=family, start_urls=tuple(str(u) for u in start_urls),
        country=table.get("country"), allowed_hosts=tuple(table.get("allowed_hosts") or ()),
        allow_private_addresses=bool(table.get("allow_private_addresses", False)),
        timezone=str(table.get("timezone") or "UTC"), schedule=str(table.get("schedule") or "0 3 * * *"),
        full_sweep=str(table.get("full_sweep") or "0 4 * * 0"), politeness=polite,
        options=dict(table.get("options") or {}), gaps=_gap_rules(table.get("gaps") or {}, f"{where}: source {slug}"),
    )


def _settings_table(kind: type, table: Any, where: str, name: str) -> Any:
    """A source's sub-table ([sources.politeness], [sources.gaps]) as its dataclass; a ConfigError naming the
    table and its keys when it is not a table or holds an unknown key."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: {name} must be a table ({', '.join(f.name for f in fields(kind))})")
    try:
        return kind(**table)
    except TypeError as exc:
        raise ConfigError(f"{where}: {name}: {exc}") from None


def _gap_rules(table: Any, where: str) -> GapRules:
    rules = _settings_table(GapRules, table, where, "gaps")
    days = rules.minutes_after_days
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        raise ConfigError(f"{where}: gaps.minutes_after_days must be a whole number of days >= 0, not {days!r}")
    if not isinstance(rules.by_type, bool):
        raise ConfigError(f"{where}: gaps.by_type must be true or false, not {rules.by_type!r}")
    return rules


def _politeness(table: Any, where: str) -> Politeness:
    polite = _settings_table(Politeness, table, where, "politeness")
    if not isinstance(polite.delay_s, int | float) or isinstance(polite.delay_s, bool) or polite.delay_s < 0:
        raise ConfigError(f"{where}: politeness.delay_s must be a number of seconds >= 0, not {polite.delay_s!r}")
    concurrency = polite.concurrency_per_host
    if not isinstance(concurrency, int) or isinstance(concurrency, bool) or concurrency < 1:
        raise ConfigError(f"{where}: politeness.concurrency_per_host must be a whole number >= 1, "
                          f"not {concurrency!r}")
    contact = polite.contact_url
    if contact is not None and urlsplit(str(contact)).scheme not in {"http", "https", "mailto"}:
        raise ConfigError(f"{where}: politeness.contact_url {contact!r} is not an http(s) or mailto: URL")
    return polite


def read_sources_file(path: Path) -> list[Source]:
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read the sources file {path}: {exc}") from exc
    tables = document.get("sources") or []
    if not tables:
        raise ConfigError(f"the sources file {path} defines no [[sources]]")
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError(f"the sources file {path}: `sources` must be an array of tables, one [[sources]] "
                          "per council")
    sources = [source_from_table(t, where=f"{path}, source {n}") for n, t in enumerate(tables, start=1)]
    slugs = [s.slug for s in sources]
    repeated = sorted({s for s in slugs if slugs.count(s) > 1})
    if repeated:
        raise ConfigError(f"{path}: source slugs must be unique; repeated: {', '.join(repeated)}")
    return sources


def default_source(settings: Settings) -> Source:
    """The one source of an archive without a sources file: the "Concejo Abierto" portal at CONCEJO_PORTAL_URL."""
    return source_from_table({
        "slug": settings.council_slug, "name": settings.council_name, "family": "concejo_abierto",
        "start_urls": [settings.portal_url], "allowed_hosts": list(settings.crawl_allowed_hosts),
        "allow_private_addresses": settings.crawl_allow_private_addresses,
        "politeness": {"delay_s": settings.crawl_delay_s, "contact_url": settings.crawl_contact_url},
    }, where="the default source (CONCEJO_PORTAL_URL, CONCEJO_COUNCIL_SLUG, CONCEJO_COUNCIL_NAME)")


def load_sources(settings: Settings) -> list[Source]:
    """The sources file's sources (CONCEJO_SOURCES_FILE), or the one default source."""
    if settings.sources_file is not None:
        return read_sources_file(settings.sources_file)
    return [default_source(settings)]


def select_sources(sources: list[Source], slugs: list[str] | tuple[str, ...] | None) -> list[Source]:
    """The sources named by `slugs`, in the configuration's order; all of them when none is named."""
    if not slugs:
        return list(sources)
    known = {source.slug for source in sources}
    unknown = [slug for slug in dict.fromkeys(slugs) if slug not in known]
    if unknown:
        raise ConfigError(f"unknown source {', '.join(unknown)}: the configured sources are "
                          f"{', '.join(sorted(known))}")
    wanted = set(slugs)
    return [source for source in sources if source.slug in wanted]

"""Settings: read once from the environment (CONCEJO_*) or a config file, then passed in explicitly.

Nothing else in the project reads os.environ for settings; every step receives a `Settings`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path


def usable_cores() -> int:
    """The cores this process may run on (a container's or a systemd unit's CPU set), not the machine's: the
    default count of web workers and of extraction workers."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


ENV_PREFIX = "CONCEJO_"
# Settings whose variable is not CONCEJO_ plus the field's name (the field is named apart from the property
# that gives the URL in force). The config file takes either name.
ENV_NAMES = {"catalogue_database_url": "CONCEJO_CATALOGUE_URL"}
OPTIONAL = {"catalogue_database_url", "elasticsearch_url", "replica_extra_pdfs", "public_url", "sources_file", "crawl_contact_url"}
PATHS = {"data_dir", "replica_extra_pdfs", "sources_file"}


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    portal_url: str = "http://127.0.0.1:8800"
    # The councils this archive collects (TOML, see concejo.sources); unset, one source: the portal above,
    # a "Concejo Abierto"-shaped portal, under the council named by the two settings below.
    sources_file: Path | None = None
    council_slug: str = "quito"
    council_name: str = "Concejo Metropolitano de Quito"
    replica_port: int = 8800
    replica_seed: int = 2016
    replica_extra_pdfs: Path | None = None
    host: str = "127.0.0.1"
    port: int = 5000
    elasticsearch_url: str | None = None
    elasticsearch_index_prefix: str = "concejo"
    # The embedded index writer's memory, whatever the archive's size: tantivy's indexing heap, and how many
    # page entries wait to be written after their documents' entries (search_app/backends/embedded.py).
    index_writer_heap_mb: int = 256
    index_pages_held_back: int = 20_000
    extract_workers: int = field(default_factory=usable_cores)
    extract_timeout_s: float = 120.0
    extract_memory_mb: int = 2048
    ocr: bool = True
    crawl_delay_s: float = 0.0
    crawl_timeout_s: float = 1800.0
    # The source's hosts: the portal URL's host plus these (e.g. a separate file server); nothing else is fetched.
    crawl_allowed_hosts: tuple[str, ...] = ()
    # Loopback, private, link-local and multicast addresses are refused unless the source says otherwise
    # (the bundled replica and the tests serve the portal on 127.0.0.1).
    crawl_allow_private_addresses: bool = False
    crawl_max_download_mb: int = 200
    crawl_request_timeout_s: float = 60.0
    # Where a portal's staff can reach us, in the crawler's user agent (a source's own contact_url wins).
    crawl_contact_url: str | None = None
    schedule_minutes: int = 360
    # The site's public address for absolute links in the API, exports and feeds (never taken from the Host header).
    public_url: str | None = None
    # Per-search time budget in both engines; a search that exceeds it is answered with a 400 in Spanish.
    search_timeout_s: float = 5.0
    # The catalogue's database (CONCEJO_CATALOGUE_URL): postgresql://USER:PASSWORD@HOST:PORT/DATABASE, for a
    # catalogue several machines share; unset, SQLite in the data directory.
    catalogue_database_url: str | None = None
    # How long an extraction claim lasts (PostgreSQL or SQLite alike): a document claimed by a worker that
    # died is extracted by another after this. Unset: twice the extraction time bound plus a minute.
    extract_claim_s: float | None = None

    def __post_init__(self) -> None:
        # tantivy's bounds for one writer thread, 15 MB to about 4 GB; the writer takes up to 4 threads
        # (search_app/backends/embedded.py MIN_HEAP_MB_PER_THREAD, WRITER_THREADS)
        if not 15 <= self.index_writer_heap_mb <= 16_000:
            raise ConfigError(f"CONCEJO_INDEX_WRITER_HEAP_MB={self.index_writer_heap_mb}: the embedded index writer "
                              "takes 15 to 16000 (MB)")
        if self.index_pages_held_back < 1:
            raise ConfigError(f"CONCEJO_INDEX_PAGES_HELD_BACK={self.index_pages_held_back}: at least 1")

    @property
    def catalogue_url(self) -> str:
        return self.catalogue_database_url or f"sqlite:///{self.data_dir / 'catalogue.sqlite3'}"

    @property
    def extract_claim_seconds(self) -> float:
        return self.extract_claim_s if self.extract_claim_s else 2 * self.extract_timeout_s + 60

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def http_cache_dir(self) -> Path:
        return self.data_dir / "httpcache"

    @property
    def engine(self) -> str:
        return "elasticsearch" if self.elasticsearch_url else "embedded"


class ConfigError(ValueError):
    """A setting has a value we cannot use."""


def env_name(name: str) -> str:
    """The environment variable of the setting `name` (a Settings field)."""
    return ENV_NAMES.get(name, ENV_PREFIX + name.upper())


def _coerce(name: str, raw: object, default: object) -> object:
    kind = type(default)
    if name == "extract_claim_s":
        kind = float
    if raw is None or raw == "":
        return None if name in OPTIONAL else default
    try:
        if name in PATHS:
            return Path(str(raw))
        if kind is tuple:  # a TOML list, or a comma-separated environment value
            items = raw if isinstance(raw, list | tuple) else str(raw).split(",")
            return tuple(str(item).strip() for item in items if str(item).strip())
        if isinstance(raw, kind):
            return raw
        if kind is bool:
            return str(raw).strip().lower() in {"1", "true", "yes", "on", "si", "sí"}
        if kind is int:
            return int(raw)
        if kind is float:
            return float(raw)
        return str(raw)
    except ValueError as exc:
        raise ConfigError(f"setting {env_name(name)}={raw!r} is not a valid {kind.__name__}") from exc


def load_settings(environ: dict[str, str] | None = None, config_file: Path | None = None, **overrides) -> Settings:
    """Defaults < config file (TOML, keys as in Settings) < CONCEJO_* environment < explicit overrides."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, object] = {}
    config_file = config_file or (Path(environ["CONCEJO_CONFIG"]) if environ.get("CONCEJO_CONFIG") else None)
    if config_file:
        try:
            values.update(tomllib.loads(config_file.read_text(encoding="utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config file {config_file}: {exc}") from exc
    for alias, name in (("catalogue_url", "catalogue_database_url"),):
        if alias in values:
            values[name] = values.pop(alias)
    for f in fields(Settings):
        variable = env_name(f.name)
        if variable in environ:
            values[f.name] = environ[variable]
    defaults = Settings()
    unknown = (set(values) | set(overrides)) - {f.name for f in fields(Settings)}
    if unknown:
        raise ConfigError(f"unknown settings in config file: {', '.join(sorted(unknown))}")
    values.update({k: v for k, v in overrides.items() if v is not None})
    coerced = {k: _coerce(k, v, getattr(defaults, k)) for k, v in values.items()}
    return replace(defaults, **coerced)


def settings_environ(settings: Settings) -> dict[str, str]:
    """Every setting as CONCEJO_* variables, so a child process (the crawl) loads exactly these settings."""
    environ = {}
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if value is None:
            continue
        if isinstance(value, tuple):
            value = ",".join(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        environ[env_name(f.name)] = str(value)
    return environ


def child_environ(settings: Settings) -> dict[str, str]:
    """The environment of a child process: the parent's, minus every CONCEJO_* variable and config file
    (they were read already), plus the settings in force."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    return {**inherited, **settings_environ(settings)}


"""The app's resources, each with one owner and an explicit lifecycle: a catalogue connection per request
(reused by later requests of the same process), the engine per app and process."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from contextlib import suppress

from flask import Flask, current_app, g

from archive import Catalogue, FileStore, open_catalogue
from concejo.config import ConfigError
from concejo.schedules import SourceSchedule, load_schedules
from concejo.sources import GapRules, load_sources
from search_app.backends import SearchBackend, open_backend
from search_app.service import SearchService
from search_app.value_names import ValueNames, catalogue_value_names

# Connections a process keeps open between requests: about as many as it serves at once (gunicorn's
# threads, waitress's). Opening one costs more than most reads a page makes (the schema check, ~1 ms).
IDLE_CATALOGUES = 16


def register(app: Flask) -> None:
    app.teardown_appcontext(_release_catalogue)


def settings():
    return current_app.config["SETTINGS"]


def gap_rules() -> dict[str, GapRules]:
    """Each configured source's gap rules, by council slug, read once per app (create_app reads them, so a
    broken sources file stops the app at start with the error naming it)."""
    extensions = current_app.extensions
    if "concejo_gap_rules" not in extensions:
        extensions["concejo_gap_rules"] = {source.slug: source.gaps for source in load_sources(settings())}
    return extensions["concejo_gap_rules"]


def schedules() -> dict[str, SourceSchedule]:
    """The sources' schedules, read once per app, to flag stale councils. A schedule that cannot be read
    flags nothing here (the scheduler and `concejo status` refuse it, naming it); the page still serves."""
    extensions = current_app.extensions
    if "concejo_schedules" not in extensions:
        try:
            extensions["concejo_schedules"] = load_schedules(settings())
        except ConfigError as exc:
            current_app.logger.warning("no stale flags on the coverage page and API: %s", exc)
            extensions["concejo_schedules"] = {}
    return extensions["concejo_schedules"]


def catalogue() -> Catalogue:
    """The request's catalogue connection: one this process opened for an earlier request, or a new one.

    Between requests a connection holds no statement open, so each request reads what is committed (WAL)."""
    if "catalogue" not in g:
        try:
            g.catalogue, g.catalogue_reads = _idle_catalogues().pop()
        except IndexError:
            g.catalogue, g.catalogue_reads = open_catalogue(settings().catalogue_url), {}
    return g.catalogue


def discard_catalogue() -> None:
    """Close the request's catalogue connection after an error it gave, so it never goes back to the idle
    ones; the next call to catalogue() (this request's or a later one's) opens a fresh one."""
    cat = g.pop("catalogue", None)
    g.pop("catalogue_reads", None)
    if cat is not None:
        with suppress(Exception):  # a broken connection may fail to close too: it is dropped all the same
            cat.close()


def _idle_catalogues() -> list[tuple[Catalogue, dict]]:
    """This process's idle connections; a forked process starts with none (and never touches its parent's)."""
    by_process = current_app.extensions.setdefault("concejo_idle_catalogues", {})
    return by_process.setdefault(os.getpid(), [])


def read_until_changed(name: str, read: Callable[[Catalogue], object]):
    """`read(catalogue)`, kept with the request's connection until anything is committed to the catalogue
    (SQLite's data_version, which counts other connections' commits: the app's own connections only read):
    lists pages show (commissions, council names) without re-counting them on each request, and never
    older than the catalogue. A PostgreSQL catalogue has no such counter: read on every request."""
    cat = catalogue()
    version = cat.data_version()
    kept = g.catalogue_reads.get(name)
    if kept is None or version is None or kept[0] != version:
        kept = g.catalogue_reads[name] = (version, read(cat))
    return kept[1]


def file_store() -> FileStore:
    return FileStore(settings().files_dir)


def backend() -> SearchBackend:
    """The engine of this process: opened on first use, and again in a process forked after that (a
    pre-fork server's worker), since an engine's threads, mapped files and connections do not survive fork."""
    extensions = current_app.extensions
    if extensions.get("concejo_backend_pid", os.getpid()) != os.getpid():
        forget_process_resources(current_app)
    if "concejo_backend" not in extensions:
        extensions["concejo_backend"] = open_backend(settings())
        extensions["concejo_backend_pid"] = os.getpid()
    return extensions["concejo_backend"]


def forget_process_resources(app: Flask) -> None:
    """Drop what belongs to the process that opened it (the engine, the costly-search gate), without
    closing it: in a forked worker it is still the parent's."""
    for name in ("concejo_backend", "concejo_backend_pid", "concejo_costly_gate"):
        app.extensions.pop(name, None)


def search_service() -> SearchService:
    engine = backend()  # first: in a forked worker it drops the parent's gate too
    gate = current_app.extensions.setdefault("concejo_costly_gate", threading.BoundedSemaphore(1))
    return SearchService(engine, gate, value_names)


def value_names() -> ValueNames:
    """The catalogue's names of indexed values (councils), read again only after the catalogue changed."""
    return read_until_changed("value_names", catalogue_value_names)


def commissions() -> list:
    """Every commission (the search form's choices), read again only after the catalogue changed."""
    return read_until_changed("commissions", lambda cat: cat.commissions())


def _release_catalogue(exc: BaseException | None) -> None:
    cat, reads = g.pop("catalogue", None), g.pop("catalogue_reads", {})
    if cat is None:
        return
    idle = _idle_catalogues()
    if exc is None and not cat.db.in_transaction and len(idle) < IDLE_CATALOGUES:
        idle.append((cat, reads))
    else:  # after an error the connection is not trusted again
        cat.close()

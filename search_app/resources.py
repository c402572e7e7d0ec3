"""The app's resources, each with one owner and an explicit lifecycle: catalogue per request, engine per app and process."""

from __future__ import annotations

import os
import threading

from flask import Flask, current_app, g

from archive import Catalogue, FileStore, open_catalogue
from concejo.sources import GapRules, load_sources
from search_app.backends import SearchBackend, open_backend
from search_app.service import SearchService
from search_app.value_names import ValueNames, catalogue_value_names


def register(app: Flask) -> None:
    app.teardown_appcontext(_close_catalogue)


def settings():
    return current_app.config["SETTINGS"]


def gap_rules() -> dict[str, GapRules]:
    """Each configured source's gap rules, by council slug, read once per app (create_app reads them, so a
    broken sources file stops the app at start with the error naming it)."""
    extensions = current_app.extensions
    if "concejo_gap_rules" not in extensions:
        extensions["concejo_gap_rules"] = {source.slug: source.gaps for source in load_sources(settings())}
    return extensions["concejo_gap_rules"]


def catalogue() -> Catalogue:
    if "catalogue" not in g:
        g.catalogue = open_catalogue(settings().catalogue_url)
    return g.catalogue


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
    """The catalogue's names of indexed values (councils), read once per request."""
    if "value_names" not in g:
        g.value_names = catalogue_value_names(catalogue())
    return g.value_names


def _close_catalogue(exc: BaseException | None) -> None:
    cat = g.pop("catalogue", None)
    if cat is not None:
        cat.close()

"""The app's resources, each with one owner and an explicit lifecycle: catalogue per request, engine per app."""

from __future__ import annotations

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
    extensions = current_app.extensions
    if "concejo_backend" not in extensions:
        extensions["concejo_backend"] = open_backend(settings())
    return extensions["concejo_backend"]


def search_service() -> SearchService:
    extensions = current_app.extensions
    if "concejo_costly_gate" not in extensions:
        extensions["concejo_costly_gate"] = threading.BoundedSemaphore(1)
    return SearchService(backend(), extensions["concejo_costly_gate"], value_names)


def value_names() -> ValueNames:
    """The catalogue's names of indexed values (councils), read once per request."""
    if "value_names" not in g:
        g.value_names = catalogue_value_names(catalogue())
    return g.value_names


def _close_catalogue(exc: BaseException | None) -> None:
    cat = g.pop("catalogue", None)
    if cat is not None:
        cat.close()

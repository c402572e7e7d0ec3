"""`/api/v1/health`: can this serving process answer? For load balancers, compose and systemd checks.

200 with "status": "ok" when the catalogue and the search engine both answer; 503 with "degraded" and the
reason of the part that does not. Each part costs one small query (the councils table; the engine's count
of document entries, a single term), never a scan of the archive, so a check every few seconds is free.
Reasons are the public form of the error (`public_reason`): no server paths, no raw bytes.
"""

from __future__ import annotations

import time

from flask import Blueprint, current_app, jsonify

from archive import DATABASE_ERRORS, CatalogueError
from search_app import resources
from search_app.backends import SearchEngineUnavailable
from search_app.views.documents import public_reason

bp = Blueprint("health", __name__)

# A node that accepts connections but does not answer must not hold the check (or a worker) for the
# client's 30 s request timeout: orchestrators retry checks, they do not wait.
ELASTICSEARCH_CHECK_TIMEOUT_S = 3.0


def catalogue_health() -> dict:
    started = time.perf_counter()
    try:
        councils = resources.catalogue().db.execute("SELECT COUNT(*) FROM councils").fetchone()[0]
    except (CatalogueError, *DATABASE_ERRORS, OSError) as exc:
        current_app.logger.error("health: catalogue unusable: %s", exc)
        resources.discard_catalogue()  # not back to the idle connections: the next request opens a fresh one
        return {"ok": False, "error": public_reason(f"{type(exc).__name__}: {exc}")}
    return {"ok": True, "councils": councils, "ms": _ms(started)}


def search_health() -> dict:
    started = time.perf_counter()
    engine = "elasticsearch" if resources.settings().elasticsearch_url else "embedded"
    try:
        backend = resources.backend()
        details = {}
        if engine == "elasticsearch":  # the node's own verdict and its count, each within a short wait
            cluster = backend.client.options(request_timeout=ELASTICSEARCH_CHECK_TIMEOUT_S).cluster.health()
            details["cluster_status"] = cluster["status"]
            documents = backend.count(request_timeout=ELASTICSEARCH_CHECK_TIMEOUT_S)
        else:
            documents = backend.count()  # opens the live index: a missing or outdated one fails here
    except Exception as exc:  # noqa: BLE001 - any failure to answer is what this check reports
        if not isinstance(exc, SearchEngineUnavailable):  # the quick cluster call, outside the backend's wording
            where = f" at {resources.settings().elasticsearch_url}" if engine == "elasticsearch" else ""
            exc = SearchEngineUnavailable(f"{engine}{where} is unreachable or failing ({type(exc).__name__}: {exc})")
        current_app.logger.error("health: search engine unusable: %s", exc)
        return {"ok": False, "engine": engine, "error": public_reason(str(exc))}
    ok = details.get("cluster_status") != "red"  # red: a primary shard is missing, searches fail or lie
    return {"ok": ok, "engine": engine, "documents": documents, **details, "ms": _ms(started)}


@bp.get("/api/v1/health")
def health():
    catalogue, search = catalogue_health(), search_health()
    ok = catalogue["ok"] and search["ok"]
    response = jsonify({"status": "ok" if ok else "degraded", "catalogue": catalogue, "search": search})
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)

"""Error pages and the API's one error shape: {"error": {"code": ..., "message": ...}}."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from search_app.backends import SearchEngineUnavailable, SearchTooSlow
from search_app.query import QueryTooComplex
from search_app.service import SearchBusy

MESSAGES = {
    404: "No encontramos esa página o ese documento.",
    400: "La solicitud no es válida.",
    500: "Algo salió mal de nuestro lado. Vuelva a intentarlo en un momento.",
    503: "Este servicio no está disponible en este momento. Vuelva a intentarlo más tarde.",
}


# How long a client should wait before asking again after a busy refusal (SearchBusy says "unos segundos").
BUSY_RETRY_AFTER_S = 5


def api_error(status: int, code: str, message: str, headers: dict | None = None):
    return jsonify({"error": {"code": code, "message": message}}), status, headers or {}


def _protocol_headers(exc: HTTPException) -> dict[str, str]:
    """The headers an HTTP error carries besides its body (Allow on a 405, WWW-Authenticate...)."""
    return {name: value for name, value in exc.get_headers() if name.lower() != "content-type"}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def register(app: Flask) -> None:
    @app.errorhandler(SearchEngineUnavailable)
    def engine_unavailable(exc: SearchEngineUnavailable):
        app.logger.error("search engine unavailable: %s", exc)
        if _wants_json():
            return api_error(503, "search_unavailable", str(exc))
        return render_template("error.html", status=503, message=(
            "El buscador no está disponible en este momento. El archivo de documentos sigue accesible "
            "desde «Sesiones» y «Comisiones»."), detail=str(exc)), 503

    @app.errorhandler(QueryTooComplex)
    @app.errorhandler(SearchTooSlow)
    def search_refused(exc: QueryTooComplex | SearchTooSlow):
        code = "search_too_slow" if isinstance(exc, SearchTooSlow) else "query_too_complex"
        if _wants_json():
            return api_error(400, code, str(exc))
        return render_template("error.html", status=400, message=str(exc), detail=None), 400

    @app.errorhandler(SearchBusy)
    def search_busy(exc: SearchBusy):
        retry = {"Retry-After": str(BUSY_RETRY_AFTER_S)}
        if _wants_json():
            return api_error(429, "search_busy", str(exc), retry)
        return render_template("error.html", status=429, message=str(exc), detail=None), 429, retry

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        app.logger.exception("unexpected error on %s", request.path)
        if _wants_json():
            return api_error(500, "internal_error", "unexpected error; it has been logged")
        return render_template("error.html", status=500, message=MESSAGES[500], detail=None), 500

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        headers = _protocol_headers(exc)
        # A description the app wrote (in Spanish) says more than the generic message; Werkzeug's own do not
        # (and are in English: an unknown API path's 404 too).
        own = exc.description and exc.description != type(exc).description
        if _wants_json():
            message = exc.description if own else MESSAGES.get(status, exc.description or exc.name)
            return api_error(status, exc.name.lower().replace(" ", "_"), message, headers)
        message = exc.description if own else MESSAGES.get(status, exc.name)
        return render_template("error.html", status=status, message=message, detail=None), status, headers

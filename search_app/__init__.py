"""Step 5, serve: the Flask app (Spanish UI, JSON API, exports, feeds) over the search service."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from concejo.config import Settings, load_settings

MAX_ID = 2**63 - 1  # SQLite's largest integer: a larger id in a path is a 404, never an overflow


class IdConverter(IntegerConverter):
    """`<id:name>`: a catalogue id in a path, 1 to MAX_ID."""

    def __init__(self, map, *args, **kwargs) -> None:
        super().__init__(map, min=1, max=MAX_ID)


def create_app(test_config: dict | None = None, *, settings: Settings | None = None) -> Flask:
    """Build the app: settings, resources (catalogue, search engine), blueprints, error pages, headers."""
    from search_app import errors, headers, proceedings_labels, resources
    from search_app.links import safe_href
    from search_app.reasons import in_spanish
    from search_app.views import (
        api,
        api_description,
        browse,
        coverage,
        documents,
        health,
        members,
        proceedings,
        proceedings_api,
        search,
        votes,
    )

    app = Flask(__name__)
    app.config["SETTINGS"] = settings or load_settings()
    app.config["JSON_SORT_KEYS"] = False
    if test_config:
        app.config.update(test_config)
    app.url_map.converters["id"] = IdConverter
    resources.register(app)
    with app.app_context():
        resources.gap_rules()  # a broken sources file stops the app here, with the error naming it
    app.register_blueprint(search.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(browse.bp)
    app.register_blueprint(coverage.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(members.bp)
    app.register_blueprint(votes.bp)
    app.register_blueprint(proceedings_api.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(api_description.bp)
    errors.register(app)
    headers.register(app)
    app.jinja_env.filters["fecha"] = search.format_date
    app.jinja_env.filters["safe_href"] = safe_href
    app.jinja_env.filters["motivo"] = lambda reason: in_spanish(documents.public_reason(reason))
    app.jinja_env.globals["etiqueta"] = search.label
    proceedings_labels.register(app)
    proceedings.register(app)
    return app

"""Step 5, serve: the Flask app (Spanish UI, JSON API, exports, feeds) over the search service."""

from __future__ import annotations

from flask import Flask

from concejo.config import Settings, load_settings


def create_app(test_config: dict | None = None, *, settings: Settings | None = None) -> Flask:
    """Build the app: settings, resources (catalogue, search engine), blueprints, error pages."""
    from search_app import errors, resources
    from search_app.views import api, browse, documents, search

    app = Flask(__name__)
    app.config["SETTINGS"] = settings or load_settings()
    app.config["JSON_SORT_KEYS"] = False
    if test_config:
        app.config.update(test_config)
    resources.register(app)
    app.register_blueprint(search.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(browse.bp)
    app.register_blueprint(api.bp)
    errors.register(app)
    app.jinja_env.filters["fecha"] = search.format_date
    app.jinja_env.globals["etiqueta"] = search.label
    return app

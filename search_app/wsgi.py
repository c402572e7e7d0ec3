"""The app for a WSGI server: `gunicorn -c python:concejo.gunicorn_conf search_app.wsgi:app`.

Settings come from the environment (`CONCEJO_*`, or the file `CONCEJO_CONFIG` names), as for every command.
`concejo serve` builds its app with `ready_app` instead, from the settings it was given.
"""

from __future__ import annotations

from flask import Flask

from concejo.config import Settings
from search_app import create_app


def ready_app(settings: Settings | None = None) -> Flask:
    """The app with every template compiled, so a pre-fork server compiles them once, in the master, and
    its workers share them instead of each compiling them on its first requests. Opens no resource."""
    app = create_app(settings=settings)
    for name in app.jinja_env.list_templates(extensions=["html"]):
        app.jinja_env.get_template(name)
    return app


app = ready_app()

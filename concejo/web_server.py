"""`concejo serve`: gunicorn in this process, with the settings of concejo/gunicorn_conf.py and the app
built from the command's own settings (so `--config FILE` applies to the site as to every command)."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from concejo import gunicorn_conf
from concejo.config import Settings


class ConcejoServer(BaseApplication):
    def __init__(self, settings: Settings, options: dict) -> None:
        self.settings = settings
        self.options = options
        super().__init__(prog="concejo serve")

    def load_config(self) -> None:
        declared = {name: getattr(gunicorn_conf, name) for name in vars(gunicorn_conf) if name in self.cfg.settings}
        for name, value in {**declared, **self.options}.items():
            self.cfg.set(name, value)

    def load(self):
        from search_app.wsgi import ready_app

        return ready_app(self.settings)


def serve(settings: Settings, *, bind: str, workers: int) -> int:
    """Serve until SIGTERM or Ctrl-C (the master stops its workers gracefully, then returns)."""
    ConcejoServer(settings, {"bind": [bind], "workers": workers}).run()
    return 0

"""gunicorn settings of the production server: what `concejo serve` runs, and what a deployment can pass
to gunicorn itself (`gunicorn -c python:concejo.gunicorn_conf search_app.wsgi:app`).

Processes, not threads: a search spends its time in Python (query building, snippets, templates) under
one interpreter lock, so one worker process per core is what uses the machine. Each worker also runs a
few threads, so a long export or a slow client does not hold a whole process while other requests wait.

The app is loaded once in the master before forking (`preload_app`): the imported modules and the
compiled templates are shared copy-on-write by every worker. The catalogue connection and the search
engine are never opened there: search_app/resources.py opens them lazily in the process that serves,
and reopens the engine when it finds itself in another process than the one that opened it.

This module only declares settings; it reads no environment (gunicorn's own options and
GUNICORN_CMD_ARGS override any of them).
"""

from __future__ import annotations

from concejo.config import usable_cores

bind = ["127.0.0.1:8000"]
# The cores this process may run on (a container's or a systemd unit's CPU set), not the machine's.
workers = usable_cores()
worker_class = "gthread"
threads = 4
preload_app = True

# Bounded: a search has its own budget (CONCEJO_SEARCH_TIMEOUT_S, 5 s); a worker silent for this long is
# stuck and replaced. Streaming exports keep the worker's heartbeat going (threads), so they may run longer.
timeout = 60
graceful_timeout = 30  # SIGTERM: requests in flight may finish within this, then the workers are killed
keepalive = 5
# Leak safety: each worker is replaced after about this many requests (jittered so they never restart
# together); the master forks the replacement from the preloaded app in milliseconds.
max_requests = 5000
max_requests_jitter = 500
backlog = 512
limit_request_line = 8190  # search_app/query.py bounds a query far below this

accesslog = None  # the proxy in front logs requests; `--access-logfile -` turns it on
errorlog = "-"
loglevel = "info"
proc_name = "concejo-web"
# gunicorn 25.1+ opens a control socket in the home directory by default: one path for every server the
# user runs (tests, benches, two sites), so it stays off; signals control the master.
control_socket_disable = True


def post_fork(server, worker) -> None:
    """A worker starts with nothing of the master's but the app object: no engine, no catalogue."""
    from search_app import resources

    resources.forget_process_resources(worker.app.wsgi())

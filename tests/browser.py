"""Shared by the browser tests: the app served on 127.0.0.1, and a phone-sized headless Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Against the screen, not window.innerWidth: a mobile browser widens its layout viewport (zooming out) to
# fit a page that is too wide, and innerWidth grows with it.
FITS_THE_SCREEN = "document.documentElement.scrollWidth <= screen.width + 1"


@contextmanager
def served(app) -> Iterator[str]:
    """The app on a free port of 127.0.0.1; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@contextmanager
def phone_page(width: int, height: int):
    """A page in a headless Chromium with a phone's screen; fails in CI, skips elsewhere, without chromium."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; scripts/setup installs it")
        pytest.skip("chromium is not installed (scripts/setup installs it): no browser to drive")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=True, has_touch=True,
                                      locale="es-EC")
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            browser.close()

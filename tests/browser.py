"""Shared by the browser tests: the app served on 127.0.0.1, and a phone-sized headless Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Against the screen, not window.innerWidth: a mobile browser widens its layout viewport (zooming out) to
# fit a page that is too wide, and innerWidth grows with it.
FITS_THE_SCREEN = "document.documentElement.scrollWidth <= screen.width + 1"
# axe-core, installed from npm by scripts/setup (pinned there) into this git-ignored folder.
AXE_JS = Path(__file__).resolve().parents[1] / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
# The impacts a page must have none of.
BLOCKING_IMPACTS = ("serious", "critical")


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
def phone_page(width: int, height: int, **context_options):
    """A page in a headless Chromium with a phone's screen; fails in CI, skips elsewhere, without chromium.

    context_options go to the browser context (java_script_enabled=False, bypass_csp=True...)."""
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
                                      locale="es-EC", **context_options)
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            browser.close()


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as loaded (WCAG 2.x A and AA rules and best practices), each with
    its rule id, impact, help text and the nodes it found; fails in CI, skips elsewhere, without axe-core."""
    if not AXE_JS.exists():
        message = f"axe-core is not installed at {AXE_JS}; scripts/setup installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # A script element of the page: its context must bypass the site's Content-Security-Policy (bypass_csp).
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                             nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary)}));
    }""")


def blocking(violations: list[dict]) -> list[str]:
    """The serious and critical violations, one readable line each (rule, help, where)."""
    return [f"{v['impact']} {v['id']}: {v['help']} at {v['nodes'][:3]}"
            for v in violations if v["impact"] in BLOCKING_IMPACTS]

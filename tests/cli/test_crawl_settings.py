"""Every setting reaches the crawl, which runs in a child process, whatever the setting's source."""

from __future__ import annotations

import pytest

from archive import open_catalogue
from concejo import steps
from concejo.config import load_settings, settings_environ
from tests.crawler.hostile import HostileServer


@pytest.fixture()
def portal():
    """A portal whose home page has no links: each crawl asks for robots.txt, then the home page."""
    with HostileServer() as server:
        server.html("/", "<html><body><h1>Concejo</h1></body></html>")
        yield server


def test_settings_from_a_config_file_reach_the_crawl_process(portal, tmp_path, monkeypatch):
    # Variables of the parent's own environment must not win over the settings the parent resolved.
    monkeypatch.setenv("CONCEJO_CRAWL_DELAY_S", "0")
    config = tmp_path / "concejo.toml"
    config.write_text(
        f'data_dir = "{tmp_path / "data"}"\nportal_url = "{portal.url()}"\ncrawl_delay_s = 3.0\n'
        'crawl_timeout_s = 60.0\ncrawl_allow_private_addresses = true\ncrawl_max_download_mb = 7\n'
        'crawl_allowed_hosts = ["docs.example.org"]\nsearch_timeout_s = 2.5\n', encoding="utf-8")
    settings = load_settings(environ={}, config_file=config)
    catalogue = open_catalogue(settings.catalogue_url)

    report = steps.crawl(settings, catalogue)

    assert report.child_settings == settings_environ(settings)
    assert report.child_settings["CONCEJO_CRAWL_DELAY_S"] == "3.0"
    assert report.child_settings["CONCEJO_CRAWL_TIMEOUT_S"] == "60.0"
    # The delay is really applied by the child: robots.txt, then the home page no sooner than half the delay
    # (Scrapy randomises each wait between 0.5x and 1.5x); without it the two come milliseconds apart.
    (robots,), (home,) = portal.asked_at("/robots.txt"), portal.asked_at("/")
    assert home - robots >= 1.4
    catalogue.close()


def test_settings_from_the_environment_reach_the_crawl_process(portal, tmp_path):
    environ = {"CONCEJO_DATA_DIR": str(tmp_path / "data"), "CONCEJO_PORTAL_URL": portal.url(),
               "CONCEJO_CRAWL_TIMEOUT_S": "45", "CONCEJO_CRAWL_ALLOW_PRIVATE_ADDRESSES": "yes",
               "CONCEJO_EXTRACT_WORKERS": "1", "CONCEJO_PUBLIC_URL": "https://concejo.example.org"}
    settings = load_settings(environ=environ)
    catalogue = open_catalogue(settings.catalogue_url)

    report = steps.crawl(settings, catalogue)

    assert report.child_settings == settings_environ(settings)
    assert report.child_settings["CONCEJO_CRAWL_TIMEOUT_S"] == "45.0"
    assert report.child_settings["CONCEJO_PUBLIC_URL"] == "https://concejo.example.org"
    catalogue.close()

"""Sources as configuration: the sources file and its errors, the default source, the family spider found by
name, the per-source crawl settings reaching a real portal on 127.0.0.1, and two councils in one archive."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import crawler.spiders
from archive import open_catalogue
from concejo import steps
from concejo.config import ConfigError, load_settings
from concejo.sources import load_sources, read_sources_file, select_sources
from crawler.run import check_families, spider_class
from crawler.settings import RETRY_TIMES
from crawler.spiders.base import CouncilSpider
from crawler.spiders.concejo_abierto import ConcejoAbiertoSpider
from replica import build_portal
from replica.server import ReplicaServer
from tests.crawler.hostile import DAY, Answer, crawl_settings, make_pdf

SOURCE = """
[[sources]]
slug = "{slug}"
name = "{name}"
family = "concejo_abierto"
start_urls = ["{url}"]
allow_private_addresses = true
[sources.politeness]
delay_s = 0
concurrency_per_host = 4
"""


VALID = 'slug = "quito"\nname = "Q"\nfamily = "concejo_abierto"\nstart_urls = ["https://c.example/"]\n'


def sources_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_complete_sources_file_is_read_with_every_field(tmp_path):
    path = sources_file(tmp_path, """
        [[sources]]
        slug = "quito"
        name = "Concejo Metropolitano de Quito"
        country = "EC"
        family = "concejo_abierto"
        start_urls = ["https://concejo.example/", "https://actas.example:8443/archivo/"]
        allowed_hosts = ["files.concejo.example"]
        timezone = "America/Guayaquil"
        [sources.politeness]
        delay_s = 2.5
        concurrency_per_host = 1
        contact_url = "https://archivo.example/contacto"
        """)
    (source,) = read_sources_file(path)
    assert (source.slug, source.name, source.country, source.family) == (
        "quito", "Concejo Metropolitano de Quito", "EC", "concejo_abierto")
    assert source.hosts == ("concejo.example", "actas.example", "files.concejo.example")
    assert (source.politeness.delay_s, source.politeness.concurrency_per_host) == (2.5, 1)
    assert source.politeness.contact_url == "https://archivo.example/contacto"
    assert source.allow_private_addresses is False


@pytest.mark.parametrize(("table", "message"), [
    ('slug = "quito"\nfamily = "concejo_abierto"\nstart_urls = ["https://c.example/"]', "has no 'name'"),
    ('slug = "quito"\nname = "Q"\nfamily = "concejo_abierto"', "has no 'start_urls'"),
    ('slug = "Quito City"\nname = "Q"\nfamily = "concejo_abierto"\nstart_urls = ["https://c.example/"]',
     "slug 'Quito City' must be lowercase letters, digits and dashes"),
    ('slug = "quito"\nname = "Q"\nfamily = "concejo_abierto"\nstart_urls = ["ftp://c.example/"]',
     "start URL 'ftp://c.example/' is not an http(s) URL"),
    ('slug = "quito"\nname = "Q"\nfamily = "concejo_abierto"\nstart_urls = ["https://c.example/"]\nurl = "x"',
     "unknown keys url"),
    (VALID + '[sources.politeness]\ndelay_s = -1', "politeness.delay_s must be a number of seconds >= 0"),
    (VALID + '[sources.politeness]\nconcurrency_per_host = 0', "concurrency_per_host must be a whole number >= 1"),
])
def test_a_bad_source_is_refused_naming_the_file_the_source_and_the_cause(tmp_path, table, message):
    path = sources_file(tmp_path, f"[[sources]]\n{table}\n")
    with pytest.raises(ConfigError) as refused:
        read_sources_file(path)
    assert message in str(refused.value)
    assert str(path) in str(refused.value)


def test_repeated_slugs_are_refused(tmp_path):
    url = "http://127.0.0.1:1"
    path = sources_file(tmp_path, SOURCE.format(slug="quito", name="A", url=url)
                        + SOURCE.format(slug="quito", name="B", url=url))
    with pytest.raises(ConfigError, match="source slugs must be unique; repeated: quito"):
        read_sources_file(path)


def test_a_file_that_is_not_toml_or_has_no_sources_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="cannot read the sources file"):
        read_sources_file(sources_file(tmp_path, "[[sources]\nslug = "))
    with pytest.raises(ConfigError, match="defines no \\[\\[sources\\]\\]"):
        read_sources_file(sources_file(tmp_path, "title = 'nada'\n"))


def test_an_unknown_family_is_refused_before_crawling_naming_the_families_there_are(tmp_path):
    path = sources_file(tmp_path, SOURCE.format(slug="lima", name="Lima", url="http://127.0.0.1:1")
                        .replace('"concejo_abierto"', '"sharepoint"'))
    sources = read_sources_file(path)
    with pytest.raises(ConfigError) as refused:
        check_families(sources)
    assert "source lima" in str(refused.value)
    assert "'sharepoint'" in str(refused.value) and "concejo_abierto" in str(refused.value)
    # The crawl step refuses it too, before any run is recorded or any page asked for.
    settings = load_settings(environ={}, data_dir=tmp_path / "data", sources_file=path)
    catalogue = open_catalogue(settings.catalogue_url)
    with pytest.raises(ConfigError, match="sharepoint"):
        steps.crawl(settings, catalogue)
    assert catalogue.last_runs() == []
    catalogue.close()


def test_without_a_sources_file_the_one_source_is_the_portal_in_the_settings():
    settings = load_settings(environ={
        "CONCEJO_PORTAL_URL": "https://concejo.example.org", "CONCEJO_COUNCIL_SLUG": "cuenca",
        "CONCEJO_COUNCIL_NAME": "Concejo Cantonal de Cuenca", "CONCEJO_CRAWL_ALLOWED_HOSTS": "docs.example.org",
        "CONCEJO_CRAWL_DELAY_S": "1.5", "CONCEJO_CRAWL_ALLOW_PRIVATE_ADDRESSES": "true",
        "CONCEJO_CRAWL_CONTACT_URL": "https://archivo.example/contacto"})
    (source,) = load_sources(settings)
    assert (source.slug, source.name, source.family) == ("cuenca", "Concejo Cantonal de Cuenca", "concejo_abierto")
    assert source.start_urls == ("https://concejo.example.org",)
    assert source.hosts == ("concejo.example.org", "docs.example.org")
    assert source.allow_private_addresses is True
    assert source.politeness.delay_s == 1.5
    assert source.politeness.contact_url == "https://archivo.example/contacto"
    (default,) = load_sources(load_settings(environ={}))
    assert (default.slug, default.name) == ("quito", "Concejo Metropolitano de Quito")


def test_selecting_an_unknown_source_names_the_configured_ones(tmp_path):
    url = "http://127.0.0.1:1"
    sources = read_sources_file(sources_file(tmp_path, SOURCE.format(slug="quito", name="Q", url=url)
                                             + SOURCE.format(slug="cuenca", name="C", url=url)))
    assert [s.slug for s in select_sources(sources, ["cuenca"])] == ["cuenca"]
    assert [s.slug for s in select_sources(sources, None)] == ["quito", "cuenca"]
    with pytest.raises(ConfigError, match="unknown source guayaquil: the configured sources are cuenca, quito"):
        select_sources(sources, ["guayaquil", "quito"])


def test_the_spider_of_a_family_is_found_by_name(tmp_path, monkeypatch):
    assert spider_class("concejo_abierto") is ConcejoAbiertoSpider
    # A new family is one module in crawler/spiders: Scrapy's SpiderLoader finds it, the runner is untouched.
    (tmp_path / "municipio_xyz.py").write_text(textwrap.dedent("""
        from crawler.spiders.base import CouncilSpider

        class MunicipioXyzSpider(CouncilSpider):
            name = "municipio_xyz"
        """), encoding="utf-8")
    monkeypatch.setattr(crawler.spiders, "__path__", [*crawler.spiders.__path__, str(tmp_path)])
    found = spider_class("municipio_xyz")
    assert found.__name__ == "MunicipioXyzSpider" and issubclass(found, CouncilSpider)


def test_the_user_agent_names_the_contact_url_and_429_is_retried(portal, tmp_path):
    portal.portal({DAY: [("Acta", portal.pdf("/acta.pdf", make_pdf("Acta"))), ("Informe", "/ocupado.pdf")]})
    portal.routes["/ocupado.pdf"] = Answer(429, b"slow down", {"Retry-After": "0"})
    settings = crawl_settings(tmp_path, portal.url(), crawl_contact_url="https://archivo.example/contacto")

    report = steps.crawl(settings, open_catalogue(settings.catalogue_url))

    agents = {headers.get("User-Agent") for _, headers in portal.requests}
    assert len(agents) == 1 and agents.pop().endswith("(+https://archivo.example/contacto)")
    assert portal.paths().count("/ocupado.pdf") == 1 + RETRY_TIMES
    (failed,) = report.ledger["quito"]["failed"]
    assert failed["url"] == portal.url() + "/ocupado.pdf" and "429" in failed["reason"]


def test_a_sources_contact_url_wins_over_the_settings_one(portal, tmp_path):
    portal.portal({DAY: [("Acta", portal.pdf("/acta.pdf", make_pdf("Acta")))]})
    path = sources_file(tmp_path, SOURCE.format(slug="cuenca", name="Cuenca", url=portal.url())
                        + 'contact_url = "mailto:archivo@example.org"\n')
    settings = crawl_settings(tmp_path / "data", portal.url(), sources_file=path,
                              crawl_contact_url="https://archivo.example/contacto")

    report = steps.crawl(settings, open_catalogue(settings.catalogue_url))

    assert not report.failed_sources, report.problems
    assert {h.get("User-Agent") for _, h in portal.requests} == {
        f"ConcejoAbierto/{_version()} (+mailto:archivo@example.org)"}


def _version() -> str:
    from importlib import metadata

    return metadata.version("concejo-abierto")


def test_two_sources_in_one_file_are_two_councils_in_one_archive(tmp_path):
    replica = build_portal(seed=2016)
    with ReplicaServer(replica, host="127.0.0.1", port=0) as first, \
            ReplicaServer(replica, host="127.0.0.1", port=0) as second:
        path = sources_file(tmp_path, SOURCE.format(slug="quito", name="Concejo de Quito", url=first.url)
                            + SOURCE.format(slug="quito-bis", name="Concejo de Quito (copia)", url=second.url))
        settings = load_settings(environ={}, data_dir=tmp_path / "data", sources_file=path)
        catalogue = open_catalogue(settings.catalogue_url)

        report = steps.crawl(settings, catalogue)

    assert not report.failed_sources, report.problems
    assert {row["slug"]: row["name"] for row in catalogue.councils()} == {
        "quito": "Concejo de Quito", "quito-bis": "Concejo de Quito (copia)"}
    assert catalogue.session_count("quito") == catalogue.session_count("quito-bis") == len(replica.sessions)
    per_council = dict(catalogue.db.execute(
        "SELECT co.slug, COUNT(*) FROM documents d JOIN councils co ON co.id = d.council_id GROUP BY co.slug"))
    assert per_council["quito"] == per_council["quito-bis"] > 0
    assert set(report.ledger) == {"quito", "quito-bis"}
    # Each source keeps its own HTTP cache of listing pages; no crawl job is left once both completed.
    assert sorted(p.name for p in (settings.data_dir / "httpcache").iterdir()) == ["quito", "quito-bis"]
    assert list((settings.data_dir / "crawl-jobs").iterdir()) == []
    assert report.ledger["quito"]["new"] == report.ledger["quito-bis"]["new"] > 0
    catalogue.close()


def test_the_example_sources_file_configures_one_source_per_family_its_spider_accepts():
    sources = read_sources_file(Path(__file__).resolve().parents[2] / "sources.example.toml")
    assert sorted(s.family for s in sources) == ["concejo_abierto", "directory_listing", "selectors"]
    for source in sources:
        spider = spider_class(source.family)(source=source)  # a family checks its options when built
        assert spider.start_urls == list(source.start_urls)
        assert spider.council == {"council_slug": source.slug, "council_name": source.name}


def test_options_a_family_refuses_stop_the_crawl_before_anything_is_fetched(portal, tmp_path):
    path = sources_file(tmp_path, SOURCE.format(slug="archivo", name="Archivo", url=portal.url() + "/actas/")
                        .replace('"concejo_abierto"', '"directory_listing"') + "[sources.options]\nprofundidad = 3\n")
    settings = load_settings(environ={}, data_dir=tmp_path / "data", sources_file=path)
    catalogue = open_catalogue(settings.catalogue_url)

    with pytest.raises(ConfigError) as refused:
        steps.crawl(settings, catalogue)

    assert "source archivo" in str(refused.value) and "profundidad" in str(refused.value)
    assert portal.requests == []
    catalogue.close()

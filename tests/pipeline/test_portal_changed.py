"""A portal whose HTML changed: the crawl says where, and still archives what it understands."""

from __future__ import annotations

import dataclasses

from archive import open_catalogue
from concejo import steps
from concejo.config import load_settings
from replica import Resource
from replica.server import ReplicaServer


def test_changed_year_listing_is_reported_and_the_rest_archived(portal, pipeline, tmp_path):
    changed_html = "<html><body><ul><li><a href='/sesiones/2022/'>2022</a></li></ul></body></html>"
    resources = dict(portal.resources)
    resources["/sesiones/"] = Resource(changed_html.encode(), "text/html; charset=utf-8")
    changed = dataclasses.replace(portal, resources=resources)
    with ReplicaServer(changed, host="127.0.0.1", port=0) as server:
        settings = load_settings(environ={}, data_dir=tmp_path, portal_url=server.url,
                                 crawl_allow_private_addresses=True)  # the replica serves on 127.0.0.1
        catalogue = open_catalogue(settings.catalogue_url)
        report = steps.crawl(settings, catalogue)
    assert any("year links" in problem and "/sesiones/" in problem for problem in report.problems)
    # Commission pages still follow the known layout: their documents are archived all the same.
    counts = catalogue.counts()
    assert 0 < counts["documents"] < len(portal.documents)
    assert counts["commissions"] == len(portal.commissions)
    catalogue.close()

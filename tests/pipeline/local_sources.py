"""A source table for a replica served on 127.0.0.1, as the pipeline tests write them into a sources file:
loopback allowed (this source only), no delay, four requests at once."""

from __future__ import annotations

SOURCE = """
[[sources]]
slug = "{slug}"
name = "{name}"
family = "{family}"
start_urls = ["{url}"]
allow_private_addresses = true
[sources.politeness]
delay_s = 0
concurrency_per_host = 4
"""


def replica_source(slug: str, name: str, family: str, url: str) -> str:
    return SOURCE.format(slug=slug, name=name, family=family, url=url)

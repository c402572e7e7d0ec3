"""A deterministic replica of a city council portal ("Concejo Abierto" of Quito), for crawling and tests.

`build_portal(seed)` generates every session, document (real PDFs, scans and a few deliberate
defects) and HTML page in memory; `replica.server` serves them on 127.0.0.1. The same files are
also served as an open directory listing under /archivos/ (replica.directory: Apache-style, or
IIS-style with `build_portal(..., directory_style="iis")`; `ReplicaServer.directory_url`).
`build_large_portal(seed, min_documents=2000)` builds one big enough for the crawl bench, and
replica.changes (plus `ReplicaServer.fail`) changes a portal between crawls. The replica is
the ground truth the rest of the pipeline is tested against, so it never reads the clock or
the network.
"""

from replica.build import build_large_portal, build_portal
from replica.model import Commission, Council, Document, ListedFile, Portal, Resource, Session

__all__ = ["Commission", "Council", "Document", "ListedFile", "Portal", "Resource", "Session", "build_large_portal",
           "build_portal"]

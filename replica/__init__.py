"""A deterministic replica of a city council portal ("Concejo Abierto" of Quito), for crawling and tests.

`build_portal(seed)` generates every session, document (real PDFs, scans and a few deliberate
defects) and HTML page in memory; `replica.server` serves them on 127.0.0.1. The replica is
the ground truth the rest of the pipeline is tested against, so it never reads the clock or
the network.
"""

from replica.build import build_portal
from replica.model import Commission, Council, Document, Portal, Resource, Session

__all__ = ["Commission", "Council", "Document", "Portal", "Resource", "Session", "build_portal"]

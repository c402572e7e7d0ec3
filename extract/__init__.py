"""Step 3 of the flow: read PDFs into per-page text with its origin, and metadata from the text.

Upstream of archive/, index_config/ and search_app/: nothing here may import them (or Flask).
"""

from extract.document import extract_document
from extract.errors import ExtractionFailed
from extract.model import Extraction, Metadata, Page

# Bump when extraction output changes, so the archive knows to re-extract stored files.
EXTRACTOR_VERSION = "4"  # 2: vote-table columns named, top-level agenda points with full titles; 3: tables;
# 4: proceedings (roll calls, votes, movements, items)

__all__ = ["EXTRACTOR_VERSION", "Extraction", "ExtractionFailed", "Metadata", "Page", "extract_document"]

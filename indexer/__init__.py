"""Step 4, index: the catalogue's extracted documents as index entries, written into a search engine.

`documents.py` builds each document's IndexableDocument (index_config/entries.py says what it indexes);
`write.py` writes those the catalogue says are due into the engine it is given. The engine is passed in
by the wiring (concejo/steps.py opens it from the settings): this package reads the archive and the
index declaration and never imports the app.
"""

from __future__ import annotations

from indexer.documents import indexable_documents
from indexer.write import write_index

__all__ = ["indexable_documents", "write_index"]

"""Step 2, keep: the catalogue of what was collected and the content-addressed files themselves."""

from archive.catalogue import Catalogue, CatalogueError, StoredFetch, open_catalogue
from archive.filestore import CorruptFile, FileStore, sha256_of

__all__ = ["Catalogue", "CatalogueError", "CorruptFile", "FileStore", "StoredFetch", "open_catalogue", "sha256_of"]

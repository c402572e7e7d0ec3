"""Step 2, keep: the catalogue of what was collected and the content-addressed files themselves."""

from archive.catalogue import Catalogue, CatalogueError, StoredFetch, open_catalogue
from archive.filestore import FileStore, sha256_of

__all__ = ["Catalogue", "CatalogueError", "FileStore", "StoredFetch", "open_catalogue", "sha256_of"]

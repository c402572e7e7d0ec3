"""Step 2, keep: the catalogue of what was collected and the content-addressed files themselves."""

from archive.catalogue import Catalogue, CatalogueError, ClaimLost, StoredFetch, open_catalogue
from archive.database import DATABASE_ERRORS
from archive.filestore import CorruptFile, FileStore, sha256_of

__all__ = ["DATABASE_ERRORS", "Catalogue", "CatalogueError", "ClaimLost", "CorruptFile", "FileStore", "StoredFetch",
           "open_catalogue", "sha256_of"]

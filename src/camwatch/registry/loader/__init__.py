"""Loading the bundled dataset (and any folder laid out like it) into the registry.

Three steps, so that bad input changes nothing: read every file (files.py), validate
every record (schema.py, reference.py), then write all of it in one transaction
(apply.py). A second run with the same files writes nothing.
"""

from camwatch.registry.loader.errors import DataFileError, DataFileErrors

__all__ = ["DataFileError", "DataFileErrors"]

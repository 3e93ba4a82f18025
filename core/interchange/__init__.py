"""Vigil's interchange format "vigil/1": reading, validating, upserting and exporting.

`kinds` lists the kinds and their fields; `checks` validates a whole document (every error
at once) and `loader` upserts it; `imports.import_bytes` runs one file in one transaction
(dry run: rolled back); `reading` turns uploaded or on-disk bytes into a document (size,
encoding, JSON or CSV); `csv_formats` maps the flat kinds to CSV; `export` writes the
database in the same format.
See docs/import-format.md.
"""

"""Report import: a report's text becomes a Source, the mentions of known names, and proposed
facts that an admin reviews before they become cited records.

- `reading`: bytes of a .txt, .html or .pdf file to text (pure Python, no Django).
- `found`: what reading and extraction find (plain dataclasses, no Django).
- `mentions`: names in the text matched against the database's people and organizations.
- `facts`: dated statements in the text to candidate facts (rule-based, offline).
- `ingest`: stores a report, its mentions and its proposals in one transaction.
- `review`: accepting a proposal creates the cited records in one transaction.
"""

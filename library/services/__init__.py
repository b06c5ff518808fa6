"""Library services: adding reports, metadata, search, citations and reading lists."""

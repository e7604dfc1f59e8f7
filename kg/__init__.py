"""Build the NPT knowledge graph: seeds → parse → extract → emit → store."""

__version__ = "0.1.0"

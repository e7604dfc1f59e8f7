"""Building: papers on disk → one Turtle file, through read → extract → emit, written atomically."""

from kg.build.pipeline import BuildSummary, build_graph, collect_paths

__all__ = ["BuildSummary", "build_graph", "collect_paths"]

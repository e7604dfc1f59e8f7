"""Benchmarks and load test for the NPT knowledge graph (see bench/README.md)."""

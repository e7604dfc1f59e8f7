"""IRIs written short for people: `id:state/AT` rather than the full IRI."""

from __future__ import annotations

from kg import vocab


def compact_iri(iri: str, prefixes: dict[str, str] | None = None, *, bracket: bool = True) -> str:
    """`prefix:local` with the longest matching namespace, else `<iri>` (the bare IRI without `bracket`)."""
    best, best_prefix = "", ""
    for prefix, namespace in (vocab.PREFIXES if prefixes is None else prefixes).items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            best, best_prefix = namespace, prefix
    if best and len(iri) > len(best):
        return f"{best_prefix}:{iri[len(best):]}"
    return f"<{iri}>" if bracket else iri

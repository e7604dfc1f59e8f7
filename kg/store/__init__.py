"""The store: the built graph loaded into pyoxigraph, queried through one small interface.

`load` puts the ontology and the data into named graphs; `oxigraph` answers queries
in-process; `disk` keeps a loaded store on disk; `results` and `errors` say what a query
returns or ends in; `base` is the interface (`GraphStore`) the server speaks;
`library` reads the named queries of `queries/`.
"""

from kg.store.base import GraphStore, describe_via_query, select_rows
from kg.store.disk import MANIFEST_NAME, prepare_disk_store, read_manifest
from kg.store.errors import (
    NotAcceptable,
    QueryError,
    QuerySyntaxError,
    QueryTimeout,
    ReadOnlyError,
    StoreUnavailable,
)
from kg.store.load import load_dataset, load_into
from kg.store.oxigraph import OxigraphStore, StoreSpec, describe_in_store, dump_store, memory_store, run_query
from kg.store.results import DEFAULT_FORMATS, Formats, QueryResult, ResultFormat, ResultKind, format_from_media_type
from kg.store.sparqltext import Token, names_own_dataset, sparql_tokens
from kg.store.stream import start_query_thread

__all__ = [
    "DEFAULT_FORMATS",
    "MANIFEST_NAME",
    "Formats",
    "GraphStore",
    "NotAcceptable",
    "OxigraphStore",
    "QueryError",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeout",
    "ReadOnlyError",
    "ResultFormat",
    "ResultKind",
    "StoreSpec",
    "StoreUnavailable",
    "Token",
    "describe_in_store",
    "describe_via_query",
    "dump_store",
    "format_from_media_type",
    "load_dataset",
    "load_into",
    "memory_store",
    "names_own_dataset",
    "prepare_disk_store",
    "read_manifest",
    "run_query",
    "select_rows",
    "sparql_tokens",
    "start_query_thread",
]

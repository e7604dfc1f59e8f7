"""gzip (or brotli) for clients that accept it, streamed bodies included: Flask-Compress, configured once.

Results and dumps stream, so the streaming algorithm list matters most; gzip is the one
every client speaks. ETags set by the routes are weak (`W/"…"`), which Flask-Compress
leaves alone, so one validator covers the plain and the compressed body.
"""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

#: What is worth compressing: text formats of results, graphs and pages (not fonts: woff2 is compressed).
MIMETYPES = [
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values",
    "text/turtle", "application/n-triples", "application/n-quads", "application/trig", "application/rdf+xml",
    "application/ld+json", "application/json", "application/xml", "text/xml", "text/plain",
    "text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml",
]


def init(app: Flask) -> None:
    app.config.update(
        COMPRESS_MIMETYPES=MIMETYPES,
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_ALGORITHM_STREAMING=["gzip"],
        COMPRESS_STREAMS=True,
        COMPRESS_LEVEL=6,
        COMPRESS_MIN_SIZE=500,
    )
    Compress(app)

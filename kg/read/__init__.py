"""Reading: the bytes of a paper → `ParsedPaper` (cover block, sections, paragraphs, items, footnotes).

The first stage of the pipeline; it knows the layout of the genre and nothing of the
world. Everything later stages need from it is in `kg.read.model`.
"""

from kg.read.model import Footnote, Header, Item, Paragraph, ParsedPaper, ParseWarning, Section
from kg.read.paper import parse_file, parse_text, read_file
from kg.read.pdf import PdfReadError

__all__ = [
           "Footnote",
           "Header",
           "Item",
           "Paragraph",
           "ParseWarning",
           "ParsedPaper",
           "PdfReadError",
           "Section",
           "parse_file",
           "parse_text",
           "read_file",
]

"""Reading a raw folder: the manifest and errata, decoding, normalisation and the heading tree.

raw file --:func:`read_document`--> decoded (or converted) text --:func:`normalize`--> clean Simplified Chinese
--:func:`parse`--> heading tree.  Nothing here decides what an action is (:mod:`analysis.coding`).
"""
from analysis.corpus.decode import decode_bytes, read_text
from analysis.corpus.formats import Decoded, read_document
from analysis.corpus.manifest import Document, Erratum, load_errata, load_manifest, sha256_of
from analysis.corpus.normalization import Finding, MappedText, normalize, raw_line
from analysis.corpus.structure import Line, Node, parse

__all__ = ["Document", "Erratum", "load_manifest", "load_errata", "sha256_of", "decode_bytes", "read_text",
           "read_document", "Decoded",
           "normalize", "raw_line", "MappedText", "Finding", "parse", "Node", "Line"]

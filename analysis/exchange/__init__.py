"""Exchange with other software: REFI-QDA projects (``.qdpx``) for NVivo, MAXQDA, ATLAS.ti and QualCoder.

- :func:`export_qdpx` writes the package's coding (texts, cases with the plans' metadata, the code
  tree, every coded fact as a coded selection) as a REFI-QDA 1.5 project;
- :func:`validate_qdpx` lists what keeps a ``.qdpx`` from being valid (XML schema and more);
- :func:`import_qdpx` compares a human coder's reviewed copy with the package's coding, code by code
  (precision, recall, F1, Krippendorff's alpha); :func:`format_agreement` prints that as a report.

Positions are REFI-QDA positions: Unicode code points from 0, a character outside the Basic
Multilingual Plane counting once (see :mod:`analysis.exchange.qdpx`).
"""
from __future__ import annotations

from analysis.exchange.qdpx import (AGREEMENT_COLUMNS, SELECTION_COLUMNS, codepoints_to_utf16, coded_selections,
                                    export_qdpx, format_agreement, from_refi_position, import_qdpx, package_coding,
                                    schema_path, to_refi_position, utf16_to_codepoints, validate_qdpx)

__all__ = ["export_qdpx", "import_qdpx", "format_agreement", "validate_qdpx", "coded_selections", "package_coding",
           "schema_path", "to_refi_position", "from_refi_position", "codepoints_to_utf16", "utf16_to_codepoints",
           "AGREEMENT_COLUMNS", "SELECTION_COLUMNS"]

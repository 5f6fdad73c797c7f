"""Exchange with other software: REFI-QDA projects (``.qdpx``) for NVivo, MAXQDA, ATLAS.ti and QualCoder.

- :func:`export_qdpx` writes the package's coding (texts, cases with the plans' metadata, the code
  tree, every coded fact as a coded selection) as a REFI-QDA 1.5 project;
- :func:`validate_qdpx` lists what keeps a ``.qdpx`` from being valid (XML schema and more);
- :func:`import_qdpx` compares a human coder's reviewed copy with the package's coding, code by code
  (precision, recall, F1, Krippendorff's alpha); :func:`format_agreement` prints that as a report;
- :func:`coded_selections` and :func:`package_coding` give the package's coding as the export writes it.

Positions are REFI-QDA positions: Unicode code points from 0, a character outside the Basic
Multilingual Plane counting once (:mod:`analysis.exchange.positions`).  A file from someone else is read
within limits (:class:`ImportLimits`, :mod:`analysis.exchange.archive`).

The modules, one concern each: :mod:`~analysis.exchange.constants` (names, columns, limits),
:mod:`~analysis.exchange.positions`, :mod:`~analysis.exchange.codetree` (the package's coding),
:mod:`~analysis.exchange.export`, :mod:`~analysis.exchange.archive` (bounded, hardened reading),
:mod:`~analysis.exchange.validate`, :mod:`~analysis.exchange.project` (a reviewed project's codes and
selections) and :mod:`~analysis.exchange.agreement` (the comparison and its report).
"""
from __future__ import annotations

from analysis.exchange.agreement import format_agreement, import_qdpx
from analysis.exchange.archive import ImportLimits
from analysis.exchange.codetree import Code, Coding, Fact, coded_selections, package_coding
from analysis.exchange.constants import (AGREEMENT_COLUMNS, GUID_NAMESPACE, NS, POSITION_MODES, SELECTION_COLUMNS,
                                         XSD_NAME)
from analysis.exchange.export import export_qdpx
from analysis.exchange.positions import (codepoints_to_utf16, from_refi_position, to_refi_position,
                                         utf16_to_codepoints)
from analysis.exchange.validate import schema_path, validate_qdpx

__all__ = ["export_qdpx", "import_qdpx", "format_agreement", "validate_qdpx", "coded_selections", "package_coding",
           "schema_path", "to_refi_position", "from_refi_position", "codepoints_to_utf16", "utf16_to_codepoints",
           "Code", "Fact", "Coding", "ImportLimits", "AGREEMENT_COLUMNS", "SELECTION_COLUMNS", "POSITION_MODES",
           "GUID_NAMESPACE", "NS", "XSD_NAME"]

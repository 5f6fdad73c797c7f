"""Constants of the REFI-QDA exchange: namespace, names, columns, colours, GUIDs, and the limits of an import.

The limits that bound what :func:`analysis.exchange.import_qdpx` and :func:`analysis.exchange.validate_qdpx`
unpack from a project file are those of :mod:`analysis.limits` (see
:class:`analysis.exchange.archive.ImportLimits` and docs/safety.md).
"""
from __future__ import annotations

import re
import uuid

from analysis.limits import (MAX_DEPTH, MAX_DIRECTORY_BYTES, MAX_MEMBER_BYTES, MAX_MEMBERS, MAX_RATIO,  # noqa: F401
                             MAX_TOTAL_BYTES, RATIO_FLOOR)

#: The REFI-QDA project namespace.
NS = "urn:QDA-XML:project:1.0"
SCHEMA_LOCATION = "urn:QDA-XML:project:1.0 http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
#: Name of the project schema file (looked up by :func:`schema_path`).
XSD_NAME = "Project-mrt2019.xsd"
#: Namespace of every GUID the export makes (UUID 5 of this and a stable key).
GUID_NAMESPACE = uuid.UUID("6f0c5a3e-2b1d-5c8e-9a47-3d2e1f0b7c61")
#: The folder of the internal sources inside the zip (REFI-QDA 1.5 section 8.1 names it ``sources``;
#: importing accepts any case).
SOURCES_DIR = "sources"
#: Fixed timestamp of every zip entry (the earliest a zip can hold), for byte-identical exports.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: How an excerpt (a selection's name) is cut.
NAME_CHARS = 60
#: Ways of reading a source's positions on import (see :func:`import_qdpx`).
POSITION_MODES = ("codepoints", "codepoints_lf", "utf16", "utf16_lf")
#: Columns of :func:`import_qdpx`'s result.
AGREEMENT_COLUMNS = ["code", "n_human", "n_package", "overlap_chars", "precision", "recall", "f1", "alpha",
                     "human_chars", "package_chars", "n_excluded", "match", "human_code", "guid"]
#: Columns of :func:`coded_selections`.
SELECTION_COLUMNS = ["code", "code_guid", "jurisdiction", "start", "end", "text", "note"]

#: Catalogue dtype -> REFI-QDA ``typeOfVariable``.
VARIABLE_TYPES = {"str": "Text", "date": "Date", "int": "Integer", "float": "Float", "bool": "Boolean"}
VALUE_ELEMENTS = {"Text": "TextValue", "Date": "DateValue", "Integer": "IntegerValue", "Float": "FloatValue",
                  "Boolean": "BooleanValue"}
ROLES = (("lead", "lead 牵头"), ("cooperating", "cooperating 配合"), ("responsible", "responsible 责任"))
KINDS = {"supply": "supply 供给型", "environment": "environment 环境型", "demand": "demand 需求型"}
ACTION_KINDS = {"action": "action 行动", "safeguard": "safeguard 保障措施"}
COLORS = {"groups": "#1F77B4", "group_lines": "#17BECF", "departments": "#FF7F0E", "commitments": "#2CA02C",
          "instruments": "#D62728", "actions": "#9467BD", "clusters": "#8C564B"}
GENERIC_COLOR = "#7F7F7F"
#: Columns a registered dimension's table is split by, first present wins (see the module docstring).
GENERIC_CODE_COLUMNS = ("code", "category", "kind", "group", "class", "type", "unit", "label")

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
SURROGATE = re.compile("[\ud800-\udfff]")


def stable_guid(*key: object) -> str:
    """Deterministic GUID (upper case, as ATLAS.ti and NVivo write them) of a stable key.

    Parameters
    ----------
    *key : object
        The parts of the key (each turned into a string; joined by U+001F).

    Returns
    -------
    str
        A UUID 5 of :data:`GUID_NAMESPACE` and the key, upper case with hyphens.
    """
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join(str(k) for k in key))).upper()


#: The package as a REFI-QDA user.
USER_GUID = stable_guid("user", "analysis")

#: The code a coder applies to a unit of a validation sample when it is finished (see
#: :mod:`analysis.exchange.score`).
CHECKED_KEY = ("sample", "checked")
#: How the first line of a validation-sample unit's text starts.
HEADER_PREFIX = "上级标题 headings: "

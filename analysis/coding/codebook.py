"""The codebook: department categories, target groups and target units.

Loaded from ``analysis/resources/codebook.yaml`` (or a file the researcher
passes), validated once, then used by the coders.  Keeping the coding rules in
a data file means a reader can audit and change them without reading Python.

A codebook for another policy domain need only hold what is the domain's own:
its ``groups`` (with ``group_heading_keywords``), ``not_mentions``, ``not_groups``
and ``instruments``.  The sections about how Chinese government documents name
and list their units (:data:`STRUCTURAL_SECTIONS`: department ``categories``,
``party_organs``, ``role_labels``, ``joiners`` …) and the units of quantified
commitments (``targets``) are taken from the package's codebook where a
codebook leaves them out; a section a codebook gives replaces the package's
whole.  See ``docs/codebook.md``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from analysis import config
from analysis.corpus.decode import decode_bytes
from analysis.errors import BuildError
from analysis.files import file_sha256, sha256
from analysis.paths import CODEBOOK
from analysis.patterns import PATTERN_ERRORS, compile_user


_CATEGORY_CACHE: dict[tuple[str, str], list] = {}


@dataclass(frozen=True)
class Category:
    id: str
    zh: str
    en: str
    patterns: tuple[re.Pattern, ...]
    collective: bool = False
    short_en: str = ""  # chart-length English name (default: ``en`` without its parenthesised note)
    hints: tuple[re.Pattern, ...] = ()  # looser patterns, only to suggest a category for an unknown name


@dataclass(frozen=True)
class UnitClass:
    """A kind of unit of quantified commitments (percent, people, money …) with the units it holds."""

    id: str
    zh: str
    en: str
    units: tuple[str, ...]


@dataclass(frozen=True)
class Group:
    id: str
    zh: str
    en: str
    terms: tuple[str, ...]
    more_terms: tuple[str, ...] = ()  # common wordings for members of the group (学生, 职工 …)


@dataclass(frozen=True)
class Codebook:
    categories: tuple[Category, ...]
    groups: tuple[Group, ...]
    party_organs: tuple[str, ...]
    list_closings: tuple[str, ...]
    open_ended_markers: tuple[str, ...]
    group_heading_keywords: tuple[str, ...]
    units: tuple[str, ...]
    before_qualifiers: dict
    after_qualifiers: dict
    periods: dict
    path: str
    not_mentions: tuple[str, ...] = ()
    canonical_names: tuple[tuple[re.Pattern, str], ...] = ()
    unit_classes: tuple[UnitClass, ...] = ()
    role_labels: dict = field(default_factory=dict)  # label (牵头单位) -> role
    role_suffixes: dict = field(default_factory=dict)  # role word after a unit (牵头) -> role
    joiners: tuple[tuple[str, bool], ...] = ()  # (word, strict) joining two units in a list
    not_groups: tuple[str, ...] = ()
    role_label_re: re.Pattern = re.compile(r"(?!)")

    def suggest(self, name: str) -> str:
        """A category the codebook's hints suggest for a name no pattern matches (``""`` if none).

        Parameters
        ----------
        name : str
            A department's name.

        Returns
        -------
        str
            The id of the first category (codebook order) one of whose hints matches, or ``""``.
        """
        for c in self.categories:
            if any(h.search(name) for h in c.hints):
                return c.id
        return ""

    def unit_class(self, unit: str) -> str:
        """Id of the kind of *unit* (``"other"`` for a unit no class lists).

        Parameters
        ----------
        unit : str
            A unit of a target (``%``, ``所``, ``人次`` ...).

        Returns
        -------
        str
            The id of the first unit class listing *unit*, or ``"other"``.
        """
        return next((u.id for u in self.unit_classes if unit in u.units), "other")

    def canonical(self, name: str) -> str:
        """One spelling per department (see ``canonical_names`` in the codebook).

        Parameters
        ----------
        name : str
            A department's name.

        Returns
        -------
        str
            *name* after every ``canonical_names`` rewrite of the codebook, in order.
        """
        for rx, rep in self.canonical_names:
            name = rx.sub(rep, name)
        return name

    def categories_of(self, name: str) -> list[Category]:
        """Every category whose patterns match *name* (the coder wants exactly one).

        Parameters
        ----------
        name : str
            A department's name (prefix restored).

        Returns
        -------
        list of Category
            In codebook order; empty if none matches, several if the name is ambiguous.
        """
        key = (self.path, name)
        if key not in _CATEGORY_CACHE:
            _CATEGORY_CACHE[key] = [c for c in self.categories if any(p.search(name) for p in c.patterns)]
        return _CATEGORY_CACHE[key]

    def category(self, cid: str) -> Category:
        """The category with id *cid*.

        Parameters
        ----------
        cid : str
            A category id of this codebook.

        Returns
        -------
        Category

        Raises
        ------
        StopIteration
            If the codebook has no such category.
        """
        return next(c for c in self.categories if c.id == cid)

    def group_terms(self, more: bool = True) -> list[tuple[str, str]]:
        """``(term, group_id)`` pairs, longest term first; *more*: with each group's ``more_terms``.

        Parameters
        ----------
        more : bool, default True
            Also each group's ``more_terms``; False gives only its ``terms``.

        Returns
        -------
        list of (str, str)
            ``(term, group_id)`` pairs, longest term first, then alphabetically.
        """
        pairs = [(t, g.id) for g in self.groups for t in g.terms + (g.more_terms if more else ())]
        return sorted(pairs, key=lambda p: (-len(p[0]), p[0]))


def load_codebook(path: Path | str | None = None) -> Codebook:
    """Read and validate a codebook YAML file (cached: each file is read once).

    Parameters
    ----------
    path : path, optional
        The codebook file.  Without it, the ``codebook`` setting in force (:mod:`analysis.config`: a
        loaded build's own codebook inside ``with r:``), else the package's.

    Returns
    -------
    Codebook
        The validated codebook.

    Raises
    ------
    BuildError
        The file cannot be read or does not validate (the message names the file and the entry).
    """
    if path is None:
        setting = config.codebook_setting()
        if isinstance(setting, Codebook):
            return setting
        path = setting
    return _load(str(Path(path or CODEBOOK).resolve()))


def _check_setting(value) -> None:
    """The ``codebook`` setting's check (:func:`analysis.config.register_check`): a path must load, anything
    else must be a :class:`Codebook`."""
    if isinstance(value, Path):
        load_codebook(value)
    elif not isinstance(value, Codebook):
        raise TypeError(f"codebook is a path or a Codebook, not {type(value).__name__}")


config.register_check("codebook", _check_setting)


#: Sections about the structure of Chinese government documents and their units: a codebook that leaves
#: one out uses the package's.
STRUCTURAL_SECTIONS = ("categories", "party_organs", "canonical_names", "role_labels", "role_suffixes", "joiners",
                       "list_closings", "open_ended_markers", "targets")


@lru_cache(maxsize=2)
def _package_sections() -> dict:
    with open(CODEBOOK, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {k: data[k] for k in STRUCTURAL_SECTIONS if k in data}


@lru_cache(maxsize=1)
def _package_sha() -> str:
    return file_sha256(CODEBOOK)


def codebook_data(path: Path | str) -> tuple[object, bool]:
    """The parsed YAML of codebook *path*, and whether it is the package's own codebook (byte for byte).

    Parameters
    ----------
    path : path
        The codebook file.

    Returns
    -------
    tuple
        ``(data, trusted)``: the YAML document, and True when the file has exactly the bytes of the
        package's ``codebook.yaml`` (its patterns are then compiled with :mod:`re`; any other codebook's
        patterns run with a time limit, see :mod:`analysis.patterns`).

    Raises
    ------
    BuildError
        The file cannot be read, is not UTF-8 (the message names the encoding it reads as), or is not YAML.
    """
    if Path(path).exists() and not Path(path).is_file():
        raise BuildError(f"{path}: the codebook is not a regular file (a folder, pipe or device); give a YAML file.")
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise BuildError(f"{path}: cannot read the codebook ({exc.strerror or exc}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            what = f"it reads as {decode_bytes(raw, path)[1].upper()}"
        except BuildError:
            what = "no other encoding the package knows reads it either"
        raise BuildError(f"{path}: the codebook is not UTF-8 (byte {exc.start}, 0x{raw[exc.start]:02x}); {what}. "
                         "Re-save it as UTF-8: codebooks are read as UTF-8 only.") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise BuildError(f"{path}: cannot read the codebook ({exc}).") from None
    return data, sha256(raw) == _package_sha()


def _patterns(items, where: str, trusted: bool) -> tuple:
    """Compiled patterns of a codebook list (bounded unless *trusted*), each error naming its entry."""
    if not isinstance(items, (list, tuple)):
        raise BuildError(f"{where}: must be a list of regular expressions.")
    out = []
    for j, p in enumerate(items):
        try:
            out.append(compile_user(p, f"{where}[{j}]", trusted=trusted))
        except PATTERN_ERRORS as exc:
            raise BuildError(f"{where}[{j}]: {p!r} is not a valid regular expression ({exc}).") from None
        except TypeError:
            raise BuildError(f"{where}[{j}]: {p!r} is not a string; give a regular expression.") from None
    return tuple(out)


@lru_cache(maxsize=8)
def _load(path: str) -> Codebook:
    data, trusted = codebook_data(path)
    if not isinstance(data, dict):
        raise BuildError(f"{path}: a codebook is a YAML mapping of sections (compare with the package's "
                         "codebook.yaml).")
    own = set(data)
    if not trusted:
        data = {**_package_sections(), **data}
    # the package's own sections are trusted (plain `re`); a researcher's run with a time limit
    trust = {k: trusted or k not in own for k in ("categories", "canonical_names")}
    if data.get("groups") and not data.get("group_heading_keywords"):
        raise BuildError(f"{path}: the codebook lists groups but no `group_heading_keywords` (the words with "
                         "which a heading announces a group's line of actions, e.g. 行动, 工程); add them.")
    try:
        cats = []
        for i, c in enumerate(data["categories"]):
            where = f"{path}: categories[{i}] ({c.get('id')})"
            pats = _patterns(c["patterns"], f"{where}.patterns", trust["categories"])
            cats.append(Category(c["id"], c["zh"], c["en"], pats, bool(c.get("collective", False)),
                                 str(c.get("short_en", "")),
                                 _patterns(c.get("hints", []), f"{where}.hints", trust["categories"])))
        groups = tuple(Group(g["id"], g["zh"], g["en"], tuple(g["terms"]), tuple(g.get("more_terms") or ()))
                       for g in data.get("groups") or ())
        labels = {label: role for role, ls in (data.get("role_labels") or {}).items() for label in ls}
        label_re = re.compile("(" + "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))
                              + r")\s*[：:]") if labels else re.compile(r"(?!)")
        t = data["targets"]
        ids = [c.id for c in cats]
        if len(set(ids)) != len(ids):
            raise BuildError(f"{path}: a category id is used twice.")
        return Codebook(tuple(cats), groups, tuple(data["party_organs"]), tuple(data["list_closings"]),
                        tuple(data["open_ended_markers"]), tuple(data.get("group_heading_keywords") or ()),
                        tuple(sorted(t["units"], key=len, reverse=True)), dict(t["before_qualifiers"]),
                        dict(t["after_qualifiers"]), dict(t["periods"]), path,
                        tuple(data.get("not_mentions", [])),
                        tuple((_patterns([a], f"{path}: canonical_names[{k}]", trust["canonical_names"])[0], b)
                              for k, (a, b) in enumerate(data.get("canonical_names", []))),
                        tuple(UnitClass(u["id"], u["zh"], u["en"], tuple(u["units"]))
                              for u in t.get("unit_classes", [])),
                        labels, dict(data.get("role_suffixes") or {}),
                        tuple((str(j["word"]), bool(j.get("strict", False))) for j in data.get("joiners") or []),
                        tuple(data.get("not_groups") or ()), label_re)
    except (KeyError, TypeError, AttributeError, ValueError, *PATTERN_ERRORS) as exc:
        raise BuildError(f"{path}: malformed codebook ({exc!r}); compare with the package's codebook.yaml.") from exc

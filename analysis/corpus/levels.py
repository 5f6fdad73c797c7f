"""Administrative levels a plan can come from, and the place names inside a jurisdiction's name.

One table (:data:`LEVELS`) says, for every level of Chinese government that issues
such plans -- from the national level (国家: the national outline as a reference
text, the yearly national work points) down to townships and sub-districts (乡,
镇, 街道) -- its English id (as written in the manifest), its Chinese name (also
accepted in the manifest), the prefix a bare department name takes in a plan of
that level (``科协`` in a county plan is the ``县科协``; none at the national level,
whose bodies are named in full: 教育部, 中国科协) and the prefix of its party
committee (``宣传部`` is the ``县委宣传部``; an autonomous region's is ``自治区党委``, a
town's ``镇党委``, the centre's ``中央``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    """One administrative level: ``id`` (English), ``zh``, department ``prefix``, ``party_prefix``, ``tier``."""

    id: str
    zh: str
    prefix: str
    party_prefix: str
    tier: str  # national | provincial | prefectural | county | township


_LEVELS = [
    Level("national", "国家", "", "中央", "national"),
    Level("province", "省", "省", "省委", "provincial"),
    Level("autonomous region", "自治区", "自治区", "自治区党委", "provincial"),
    Level("municipality", "直辖市", "市", "市委", "provincial"),
    Level("sub-provincial city", "副省级市", "市", "市委", "prefectural"),
    Level("prefecture-level city", "地级市", "市", "市委", "prefectural"),
    Level("autonomous prefecture", "自治州", "州", "州委", "prefectural"),
    Level("league", "盟", "盟", "盟委", "prefectural"),
    Level("county", "县", "县", "县委", "county"),
    Level("county-level city", "县级市", "市", "市委", "county"),
    Level("autonomous county", "自治县", "县", "县委", "county"),
    Level("banner", "旗", "旗", "旗委", "county"),
    Level("autonomous banner", "自治旗", "旗", "旗委", "county"),
    Level("district", "区", "区", "区委", "county"),
    Level("new area", "新区", "区", "区委", "county"),
    Level("township", "乡", "乡", "乡党委", "township"),
    Level("town", "镇", "镇", "镇党委", "township"),
    Level("subdistrict", "街道", "街道", "街道党工委", "township"),
    Level("sumu", "苏木", "苏木", "苏木党委", "township"),
]

#: Every level by its English id.
LEVELS: dict[str, Level] = {lv.id: lv for lv in _LEVELS}
_BY_NAME: dict[str, Level] = {**{lv.id: lv for lv in _LEVELS}, **{lv.zh: lv for lv in _LEVELS},
                               "全国": LEVELS["national"], "central": LEVELS["national"], "乡镇": LEVELS["town"],
                               "street": LEVELS["subdistrict"], "sub-district": LEVELS["subdistrict"],
                               "街道办事处": LEVELS["subdistrict"]}

#: Prefixes a department name can carry, longest first (``自治区`` before ``区``).
PREFIXES: tuple[str, ...] = tuple(sorted({lv.prefix for lv in _LEVELS if lv.prefix}, key=lambda p: (-len(p), p)))


def level(name: str) -> Level | None:
    """The level called *name* (English id or Chinese name, case and spacing ignored), or None.

    Parameters
    ----------
    name : str
        A level's English id (``county``, ``county-level city`` ...) or Chinese name (县 ...).

    Returns
    -------
    Level or None
        The level (``id``, ``zh``, ``prefix``, ``party_prefix``, ``tier``), or None if no level has that name.
    """
    key = " ".join(str(name).strip().lower().replace("_", " ").replace("-", " - ").split()).replace(" - ", "-")
    return _BY_NAME.get(key) or _BY_NAME.get(str(name).strip())


def prefix_for(level_id: str) -> str:
    """The prefix a bare department name takes in a plan of *level_id* (``""`` if unknown).

    Parameters
    ----------
    level_id : str
        A level's English id or Chinese name (:func:`level`).

    Returns
    -------
    str
        E.g. ``区`` for a district; ``""`` for an unknown level or one whose departments take no prefix.
    """
    lv = level(level_id)
    return lv.prefix if lv else ""


def party_prefix_of(prefix: str) -> str:
    """The party committee's prefix in a plan whose departments take *prefix* (``区`` -> ``区委``, ``镇`` -> ``镇党委``).

    Parameters
    ----------
    prefix : str
        A department prefix (``区``, ``县``, ``镇`` ...).

    Returns
    -------
    str
        The party committee's prefix of the first level with that department prefix; ``""`` if none (or *prefix*
        is empty).
    """
    lv = next((x for x in _LEVELS if x.prefix == prefix and prefix), None)
    return lv.party_prefix if lv else ""


def describe() -> str:
    """All levels as ``id (中文)``, for messages.

    Returns
    -------
    str
        Every level as ``id (中文)``, comma-separated, from national down to township.
    """
    return ", ".join(f"{lv.id} ({lv.zh})" for lv in _LEVELS)


#: Peoples named in the names of autonomous areas (广西壮族自治区, 延边朝鲜族自治州): not place names.
_PEOPLES = ("维吾尔", "柯尔克孜", "哈萨克", "塔吉克", "鄂伦春", "鄂温克", "达斡尔", "土家", "布依", "哈尼", "傈僳",
            "拉祜", "纳西", "景颇", "仫佬", "毛南", "仡佬", "东乡", "撒拉", "裕固", "保安", "锡伯", "普米", "独龙",
            "赫哲", "门巴", "珞巴", "基诺", "蒙古", "朝鲜", "壮", "回", "藏", "苗", "彝", "侗", "瑶", "白", "傣",
            "黎", "佤", "畲", "水", "土", "羌", "布朗", "怒", "京", "满", "各")
_PEOPLE_RE = re.compile("(?:(?:" + "|".join(sorted(_PEOPLES, key=len, reverse=True)) + ")族)+(?=自治)")
#: The level words a place's name is written with (重庆市, 芝罘区, 阿拉善盟, 延边朝鲜族自治州).
PLACE_SUFFIXES: tuple[str, ...] = ("省", "市", "区", "县", "旗", "盟", "州", "自治区", "自治州", "自治县", "自治旗", "新区")
_SPLIT_RE = re.compile(r"特别行政区|自治区|自治州|自治县|自治旗|新区|[省市区县旗盟州]")


def place_names(name_zh: str) -> tuple[str, ...]:
    """Place names inside a jurisdiction's Chinese name, outermost first.

    ``烟台市芝罘区`` -> ``("烟台", "芝罘")``; ``延边朝鲜族自治州延吉市`` -> ``("延边", "延吉")``.
    Parts shorter than two characters are dropped (a bare level word).

    Parameters
    ----------
    name_zh : str
        A jurisdiction's Chinese name; None or empty gives ``()``.

    Returns
    -------
    tuple of str
        The place names, without level words and ethnic-autonomy words.
    """
    name = str(name_zh or "")
    parts = tuple(p for p in _SPLIT_RE.split(_PEOPLE_RE.sub("", name)) if len(p) >= 2)
    # an area named after its people alone (鄂温克族自治旗): the people's name is the place name
    return parts or tuple(p for p in _SPLIT_RE.split(re.sub(r"族(?=自治)", "", name)) if len(p) >= 2)


def short_name_zh(name_zh: str) -> str:
    """The innermost place name (``烟台市芝罘区`` -> ``芝罘``), or the name itself.

    Parameters
    ----------
    name_zh : str
        A jurisdiction's Chinese name.

    Returns
    -------
    str
        The last of :func:`place_names`, else ``str(name_zh)``.
    """
    parts = place_names(name_zh)
    return parts[-1] if parts else str(name_zh)


__all__ = ["Level", "LEVELS", "PREFIXES", "level", "prefix_for", "party_prefix_of", "describe", "place_names",
           "short_name_zh"]

"""Peer groups: each agency's kind, level and region, read from its name (pure).

``香河县医疗保障局`` → kind 医疗保障局, level 区县, region (—, —, 香河县);
``秦皇岛市北戴河区医疗保障局`` → 医疗保障局, 区县, (河北, 秦皇岛市, 北戴河区);
``上海市普陀区人民政府万里街道办事处`` → 街道办事处, 乡镇街道, (上海, 上海市, 普陀区), town 万里街道.

The name is read left to right: a province (``河北省``, ``广西壮族自治区``, or one of
the four municipalities, which are provinces), a city (``秦皇岛市``, ``恩施土家族苗族
自治州``), a county (``香河县``, ``北戴河区``, ``青龙满族自治县``, a county-level city
after its city), a town (``万里街道``, ``XX镇``); what is left names the agency, and
its ending gives the kind (``glossary/agency_kinds.tsv``: the kinds and their
synonyms).  A city's province comes from ``glossary/city_province.tsv``; nothing is
guessed that the name does not say — a county's city stays blank.

The level is that of the smallest place named: 乡镇街道, 区县, 市, 省; a name with
none (``国家信访局``) is 中央 when it says so, else blank.

Peers (同类同级) are the agencies of the same kind and level; :func:`rank_table`
ranks a group on its measures and adds the group median.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from statistics import median
from typing import Any

import pandas as pd

from analysis.frames import dec

GLOSSARY = Path(__file__).resolve().parent.parent / "glossary"

#: levels from the top; the order of the page's filter
LEVELS: tuple[str, ...] = ("中央", "省", "市", "区县", "乡镇街道")
OTHER_KIND = "其他"
MEDIAN_LABEL = "同组中位数"

MUNICIPALITIES: dict[str, str] = {"北京市": "北京", "天津市": "天津", "上海市": "上海", "重庆市": "重庆"}
PROVINCES: tuple[str, ...] = (
    "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南",
    "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾",
)
AUTONOMOUS_REGIONS: dict[str, str] = {
    "内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏", "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆",
}
_CENTRAL = re.compile(r"^(国家|中华人民共和国|国务院|中央|全国|中国)")

#: characters that never stand inside a place name (they belong to the agency's own name)
_NOT_PLACE = "省市县区旗镇乡街局厅委会府院所部办司处室队站中心"
_CITY = re.compile(rf"^([^{_NOT_PLACE}]{{1,7}}?(?:市|自治州|地区|盟))")
_COUNTY = re.compile(rf"^([^{_NOT_PLACE}]{{1,9}}?(?:自治县|自治旗|县|区|旗|市|林区|特区))")
_TOWN = re.compile(rf"^([^{_NOT_PLACE}]{{1,8}}?(?:街道|镇|乡))")
_BRACKETS = re.compile(r"[（(][^）)]*[)）]\s*$")
_GOVERNMENT = "人民政府"


@dataclass(frozen=True)
class AgencyProfile:
    """What an agency's name says about it."""

    agency: str
    kind: str
    level: str | None
    province: str | None
    city: str | None
    county: str | None
    town: str | None

    @property
    def region(self) -> str:
        """``河北 · 秦皇岛市 · 北戴河区`` — the places the name gives, largest first."""
        parts = [self.province, self.city if self.city not in MUNICIPALITIES else None, self.county, self.town]
        return " · ".join(p for p in parts if p) or "—"


# --------------------------------------------------------------------------- the shipped maps


def _tsv(name: str) -> list[list[str]]:
    rows = []
    for line in (GLOSSARY / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.rstrip("\n").split("\t"))
    return rows


@lru_cache(maxsize=1)
def kind_synonyms() -> dict[str, str]:
    """Every synonym -> its kind (``医保局`` -> ``医疗保障局``), from glossary/agency_kinds.tsv."""
    out: dict[str, str] = {}
    for row in _tsv("agency_kinds.tsv"):
        kind = row[0].strip()
        for syn in [kind] + (row[1].split("|") if len(row) > 1 else []):
            syn = syn.strip()
            if syn:
                out.setdefault(syn, kind)
    return out


@lru_cache(maxsize=1)
def city_provinces() -> dict[str, str]:
    """City -> province (``秦皇岛市`` -> ``河北``), from glossary/city_province.tsv."""
    return {row[0].strip(): row[1].strip() for row in _tsv("city_province.tsv") if len(row) > 1}


def kinds() -> list[str]:
    """The known kinds, in the order of the glossary."""
    return list(dict.fromkeys(kind_synonyms().values()))


# --------------------------------------------------------------------------- reading a name


def _clean(name: str) -> str:
    text = re.sub(r"\s+", "", str(name or ""))
    while _BRACKETS.search(text):
        text = _BRACKETS.sub("", text)
    for prefix in ("中国共产党", "中共"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text


def agency_kind(rest: str) -> str:
    """The kind named by the end of ``rest`` (the name without its places): the
    longest synonym the name ends with; else the longest one it contains; else 其他."""
    synonyms = kind_synonyms()
    ending = [s for s in synonyms if rest.endswith(s)]
    if ending:
        return synonyms[max(ending, key=len)]
    inside = [s for s in synonyms if len(s) >= 3 and s in rest]
    if inside:
        return synonyms[max(inside, key=len)]
    return OTHER_KIND


@lru_cache(maxsize=65536)
def profile(agency: str) -> AgencyProfile:
    """Kind, level and region of one agency, from its name (remembered: a
    province's thousands of agencies are read once, not on every page run)."""
    text = _clean(agency)
    province = city = county = town = None
    central = bool(_CENTRAL.match(text))
    rest = text
    if not central:
        for full, short in {**MUNICIPALITIES, **AUTONOMOUS_REGIONS}.items():
            if rest.startswith(full):
                province, rest = short, rest[len(full):]
                if full in MUNICIPALITIES:
                    city = full
                break
        else:
            for short in PROVINCES + tuple(MUNICIPALITIES.values()) + tuple(AUTONOMOUS_REGIONS.values()):
                if rest.startswith(short + "省"):
                    province, rest = short, rest[len(short) + 1:]
                    break
                if rest.startswith(short) and short in MUNICIPALITIES.values():
                    # 上海交通职业技术学院: the municipality without its 市
                    province, city, rest = short, short + "市", rest[len(short):]
                    break
        if city is None:
            m = _CITY.match(rest)
            if m and m.group(1) != rest:
                city, rest = m.group(1), rest[len(m.group(1)):]
                province = province or city_provinces().get(city)
        m = _COUNTY.match(rest)
        if m and m.group(1) != rest and not (m.group(1).endswith("市") and len(m.group(1)) < 3):
            county, rest = m.group(1), rest[len(m.group(1)):]
        if rest.startswith(_GOVERNMENT) and len(rest) > len(_GOVERNMENT):
            after = rest[len(_GOVERNMENT):]
            if _TOWN.match(after):
                rest = after
        m = _TOWN.match(rest)
        if m and (county or city) and m.group(1) != rest:
            town, rest = m.group(1), rest[len(m.group(1)):]
        elif m and (county or city) and m.group(1) == rest:  # 万里街道 alone
            town = m.group(1)
    kind = agency_kind(rest if rest else text)
    if town and kind == OTHER_KIND:
        kind = "街道办事处" if town.endswith("街道") else "乡镇人民政府"
    if town:
        level = "乡镇街道"
    elif county:
        level = "区县"
    elif city and city not in MUNICIPALITIES:
        level = "市"
    elif province:
        level = "省"
    elif central:
        level = "中央"
    else:
        level = None
    return AgencyProfile(str(agency), kind, level, province, city, county, town)


def profiles(agencies: Iterable[str]) -> pd.DataFrame:
    """One row per agency: agency, kind, level, province, city, county, town, region."""
    rows = []
    for name in dict.fromkeys(str(a) for a in agencies):
        p = profile(name)
        rows.append({**asdict(p), "region": p.region})
    return pd.DataFrame(rows, columns=["agency", "kind", "level", "province", "city", "county", "town", "region"])


# --------------------------------------------------------------------------- peer groups


def peers(agency: str, agencies: Iterable[str], *, same_region: str | None = None) -> list[str]:
    """The agencies (in the given order) of ``agency``'s kind and level, the agency itself included.

    ``same_region``: ``province`` / ``city`` keeps only those that name the same
    province / city as the agency (when the agency names one)."""
    me = profile(agency)
    out = []
    for other in dict.fromkeys(agencies):
        p = profile(other)
        if p.kind != me.kind or p.level != me.level:
            continue
        if same_region and getattr(me, same_region) and getattr(p, same_region) != getattr(me, same_region):
            continue
        out.append(other)
    if agency not in out:
        out.insert(0, agency)
    return out


def peer_counts(agencies: Iterable[str]) -> dict[str, int]:
    """For each agency, how many of ``agencies`` are its peers (same kind and
    level, itself included): ``len(peers(a, agencies))`` for every ``a`` at once."""
    names = list(dict.fromkeys(agencies))
    groups = Counter((profile(a).kind, profile(a).level) for a in names)
    return {a: groups[(profile(a).kind, profile(a).level)] for a in names}


def filter_agencies(
    agencies: Sequence[str],
    *,
    levels: Sequence[str] | None = None,
    provinces: Sequence[str] | None = None,
    cities: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
) -> list[str]:
    """``agencies`` narrowed to those of the given levels, provinces, cities and kinds (None or empty: any)."""
    out = []
    for name in agencies:
        p = profile(name)
        if levels and p.level not in levels:
            continue
        if provinces and p.province not in provinces:
            continue
        if cities and p.city not in cities:
            continue
        if kinds and p.kind not in kinds:
            continue
        out.append(name)
    return out


def group_label(agencies: Sequence[str]) -> str:
    """``医疗保障局 · 区县级`` when the agencies share kind and level, else ``混合（…）``."""
    ps = [profile(a) for a in agencies]
    kinds_ = sorted({p.kind for p in ps})
    levels_ = sorted({p.level or "级次不详" for p in ps}, key=lambda v: LEVELS.index(v) if v in LEVELS else 99)
    if len(kinds_) == 1 and len(levels_) == 1:
        level = levels_[0]
        return f"{kinds_[0]} · {level}{'级' if level in LEVELS and level != '乡镇街道' else ''}"
    return "不同类别或级次：" + "、".join(kinds_) + "；" + "、".join(levels_)


def _median(values: Sequence[Decimal]) -> Decimal | None:
    return Decimal(median(values)).quantize(Decimal("0.01")) if values else None


def group_median(values: Iterable[Any]) -> Decimal | None:
    """The median of the values given (blanks left out), to 0.01; None when there are none."""
    nums = [d for d in (dec(v) for v in values) if d is not None]
    return _median(nums)


def rank_table(
    table: pd.DataFrame,
    measures: Sequence[tuple[str, str]],
    *,
    label_column: str = "agency",
) -> pd.DataFrame:
    """Each row of ``table`` (one per agency) with every measure's value and its
    rank in the group (1 = largest; ties share a rank; blank has none), then a
    last row with the group median of each measure and how many agencies it is
    taken over.

    Columns: 部门, then for each measure ``<header>`` and ``<header>排名``."""
    records = table.to_dict("records")
    out: dict[str, list[Any]] = {"部门": [str(r[label_column]) for r in records] + [MEDIAN_LABEL]}
    for key, header in measures:
        values = [dec(r.get(key)) for r in records]
        present = sorted((v for v in values if v is not None), reverse=True)
        ranks = [None if v is None else present.index(v) + 1 for v in values]
        med = _median(present)
        out[header] = values + [med]
        n = len(present)
        out[f"{header}排名"] = [None if r is None else f"{r}/{n}" for r in ranks] + [f"{n} 个部门" if n else None]
    return pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in out.items()})


def median_by_year(
    totals: pd.DataFrame,
    measures: Sequence[str],
    *,
    agencies: Sequence[str],
    exclude: str | None = None,
) -> pd.DataFrame:
    """Per year and measure: the median over ``agencies`` (less ``exclude``) of
    their documents in ``totals`` (``store.queries.totals_wide`` rows, one kind),
    one document per agency and year (department scope first).

    Columns: year, measure, median (Decimal), agencies (how many), names."""
    cols = ["year", "measure", "median", "agencies", "names"]
    if totals is None or totals.empty:
        return pd.DataFrame(columns=cols)
    group = [a for a in agencies if a != exclude]
    df = totals[totals["agency"].isin(group)]
    if df.empty:
        return pd.DataFrame(columns=cols)
    order = {a: i for i, a in enumerate(group)}
    df = df.assign(_unit=(df["scope"] != "department").astype(int), _order=df["agency"].map(order))
    df = df.sort_values(["_order", "year", "_unit", "document_id"])
    df = df.drop_duplicates(["agency", "year"], keep="first")
    rows = []
    for year, part in df.groupby("year", sort=True):
        for m in measures:
            if m not in part.columns:
                continue
            pairs = [(a, dec(v)) for a, v in zip(part["agency"], part[m]) if dec(v) is not None]
            if not pairs:
                continue
            rows.append({"year": int(year), "measure": m, "median": _median([v for _, v in pairs]),
                         "agencies": len(pairs), "names": "、".join(a for a, _ in pairs)})
    return pd.DataFrame(rows, columns=cols)


def profile_table(agencies: Sequence[str]) -> pd.DataFrame:
    """The agencies' kind, level and region in Chinese headers (部门, 类别, 级次, 地区)."""
    df = profiles(agencies)
    return pd.DataFrame({"部门": df["agency"], "类别": df["kind"], "级次": df["level"].fillna("—"),
                         "地区": df["region"]})


def region_options(agencies: Sequence[str]) -> tuple[list[str], list[str]]:
    """(provinces, cities) named by the agencies, sorted."""
    ps = [profile(a) for a in agencies]
    provinces = sorted({p.province for p in ps if p.province})
    cities = sorted({p.city for p in ps if p.city})
    return provinces, cities


__all__ = [
    "LEVELS", "OTHER_KIND", "MEDIAN_LABEL", "AgencyProfile", "kind_synonyms", "city_provinces", "kinds",
    "agency_kind", "profile", "profiles", "peers", "peer_counts", "filter_agencies", "group_label", "group_median", "rank_table",
    "median_by_year", "profile_table", "region_options",
]


"""Facts quoted in the narrative (情况说明): every amount, percentage and change,
and what it names.

``facts(paragraphs)`` reads the document's paragraphs (``doc["paragraphs"]``:
``{"text", "page"}``) and returns :class:`Fact` records:

* ``amount`` — a level: "基本支出1136.05万元" → key ``basic``, 1136.05 万元;
* ``change`` — "比上年增加6685.20万元" → the change of the amount it follows
  (or of the item its own words name: "其中：基本支出增加66.56万元");
* ``rate`` — the percentage of a change: "增长62.8%";
* ``share`` — "占85.33%" (or a bare "，8.52%" after an amount), with the
  denominator it names if any ("占本年支出合计的100.00%");
* ``execution`` — "完成年初预算的153.1%".

Keys follow the glossary (DESIGN.md §6): revenue_total, expenditure_total,
grand_total, carryover_begin, carryover_end, basic, project, personnel, public,
fiscal_appropriation, general_public_budget, government_fund, state_capital,
operating_expenses, three_public.total / .outbound / .vehicle_total /
.vehicle_purchase / .vehicle_operation / .reception; ``class:208`` for a
function class; ``line:上级补助收入`` for other summary-table lines;
``fixed_assets``; ``item:会议费`` for items the 三公 table may list.
Amounts are converted to 万元 (``value``) and keep what was printed
(``number``, ``unit``) so unit slips can be found.

Paragraphs that a page break split mid-sentence are joined first
(``analysis.narrative_text``: passages, sentences, numbers).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from analysis.narrative_text import (
    SECTION_HEADING, Mention, Passage, decimals, mentions, page_furniture, passages, sentences, to_wan,
)


# read from here by the checks and tests: the text helpers with the fact reader
__all__ = ["Fact", "Mention", "Passage", "COVERAGE", "bracket_depth", "decimals", "facts", "key_of", "mentions", "page_furniture",
           "passages", "scope_of", "sentences", "stage_of", "to_wan"]

# ---------------------------------------------------------------- what a number names

CLASS_WORDS = {
    "一般公共服务": "201",
    "外交": "202",
    "国防": "203",
    "公共安全": "204",
    "教育": "205",
    "科学技术": "206",
    "文化旅游体育与传媒": "207",
    "社会保障和就业": "208",
    "社会保险基金": "209",
    "卫生健康": "210",
    "节能环保": "211",
    "城乡社区": "212",
    "农林水": "213",
    "交通运输": "214",
    "资源勘探工业信息等": "215",
    "商业服务业等": "216",
    "金融": "217",
    "援助其他地区": "219",
    "自然资源海洋气象等": "220",
    "住房保障": "221",
    "粮油物资储备": "222",
    "灾害防治及应急管理": "224",
}

_Q = r"[“”\"'‘’「」]?"
KEYWORDS: list[tuple[str, re.Pattern[str]]] = [
    ("three_public.vehicle_total", re.compile(r"公务用?车购置(及|和|与)?运(行维护|行|维)费?")),
    ("three_public.vehicle_purchase", re.compile(rf"公务用?车{_Q}?购置{_Q}?(费|经费)?(?!及|和|与)")),
    ("three_public.vehicle_operation", re.compile(r"(公务用?车|公车)(用车)?运(行维护|行|维)费?")),
    ("three_public.outbound", re.compile(r"(因公)?出国[（(]境[)）](经)?费(用)?")),
    ("three_public.reception", re.compile(r"公务接待费")),
    ("three_public.total", re.compile(rf"{_Q}三公{_Q}\s*经费")),
    ("operating_expenses", re.compile(r"机关运行经费|机构运转经费|机关运行费")),
    # not the tail of a longer name ("劳务派遣人员经费" is a project)
    ("personnel", re.compile(r"(?:^|(?<=[和及是括中的算款年度门位拨付为：:，,、（(）)\s\d]))人员经费")),
    ("public", re.compile(r"(?:^|(?<=[和及是括中的算款年度门位拨付为：:，,、（(）)\s\d]))(日常)?公用经费")),
    ("personnel", re.compile(r"(?:^|(?<=[和及是括中的算款年度门位拨付为：:，,、（(）)\s\d]))人员支出")),
    ("public", re.compile(r"(?:^|(?<=[和及是括中的算款年度门位拨付为：:，,、（(）)\s\d]))(日常)?公用支出")),
    ("basic", re.compile(r"基本支出")),
    ("project", re.compile(r"项目支出?(?!绩效)")),
    ("fixed_assets", re.compile(r"固定资产(总额|金额|原值|总值)")),
    ("carryover_begin", re.compile(r"上年结转(结余|和结余|资金)?|年初结转(和|及)?结余|上年结余")),
    ("carryover_end", re.compile(r"年末结转(和|及)?结余|年终结转结余|结转下年")),
    ("grand_total", re.compile(r"收[、，,]?\s*支(出)?总计|收入(支出)?总计|支出总计|收支总额|收入支出总计")),
    ("fiscal_appropriation", re.compile(r"财政拨款收入")),
    ("general_public_budget", re.compile(r"一般公共预算(财政)?(拨款)?收入|一般公共预算拨款(?!支出)")),
    ("government_fund", re.compile(r"(政府性)?基金预算(财政)?(拨款)?收入")),
    ("state_capital", re.compile(r"国有资本经营预算(财政)?(拨款)?收入")),
    ("line:上级补助收入", re.compile(r"上级补助收入")),
    ("line:事业收入", re.compile(r"(?<!单位)事业收入")),
    ("line:经营收入", re.compile(r"(?<!单位)经营收入")),
    ("line:附属单位上缴收入", re.compile(r"附属单位上缴收入")),
    ("line:其他收入", re.compile(r"其他收入")),
    ("line:财政专户管理资金收入", re.compile(r"财政专户(核拨|管理资金)?收入")),
    ("line:单位资金", re.compile(r"单位资金(收入)?")),
    ("line:上缴上级支出", re.compile(r"上缴上级支出|上解上级支出")),
    ("line:经营支出", re.compile(r"(?<!单位)经营支出")),
    ("line:对附属单位补助支出", re.compile(r"对附属单位补助支出")),
    ("revenue_total", re.compile(r"(本年)?收入合计|收入预算|预算收入|本年收入|收入总额|总收入|收入(?=\s*\d)")),
    ("expenditure_total", re.compile(r"(本年)?支出合计|支出预算|预算支出|本年支出|支出总额|总支出|支出决算|支出(?=\s*\d)")),
    ("total_either", re.compile(r"收支(预算)?(总)?(安排|预算|合计)?")),
    ("item:会议费", re.compile(r"会议费")),
    ("item:培训费", re.compile(r"培训费")),
    ("procurement", re.compile(r"政府采购")),
]
for _name, _code in CLASS_WORDS.items():
    KEYWORDS.insert(0, (f"class:{_code}", re.compile(_name + r"([（(]类[)）])?(支出)?")))

_SCOPES = [
    ("government_fund", re.compile(r"政府性基金")),
    ("state_capital", re.compile(r"国有资本经营")),
    ("general_public_budget", re.compile(r"一般公共预算")),
    ("fiscal", re.compile(r"财政拨款")),
]

_PROJECT_SENTENCE = re.compile(r"该项目|本项目|此项目|项目(全年|批复|年初|预算数|资金)|绩效自评得分|自评综述")
_CHANGE = re.compile(r"(增加|减少|增长|下降|降低|上升|增|减|多|少)了?\s*(约|近|达)?\s*$")
_SHARE = re.compile(r"占(?P<what>[^，,。；;]{0,30}?)(的)?(比重|比例)?(为|达)?\s*$")
_EXECUTION = re.compile(r"(完成|执行)(了)?(年初|全年|调整)?(预算|预算数)?的?(比例)?(为|达)?\s*$|预算(完成|执行)率(为|达)?\s*$")
_PER_UNIT = re.compile(r"(每人|人均|每个|每月|月均|每年|标准|单价|每辆|每次|元/|平均每)")


@dataclass
class Fact:
    kind: str  # amount | change | rate | share | execution
    key: str | None
    value: Decimal  # 万元 for amounts/changes, percent for the others
    number: Decimal  # as printed
    unit: str
    printed: str
    subject: str  # the words before the number
    sentence: str
    passage: int
    page: int | None
    section: int = 0
    scope: str = "all"  # all | fiscal | general_public_budget | government_fund | state_capital
    stage: str | None = None  # budget | actual | None
    direction: int = 0  # +1 / -1 for changes and rates
    ref: int | None = None  # index of the fact a change/rate/share/execution refers to
    denominator: str | None = None  # what a share is "of", when named
    per_unit: bool = False
    index: int = 0
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """What a finding or the store keeps of a fact."""
        return {name: getattr(self, name) for name in _FACT_KEYS}


_FACT_KEYS = ("kind", "key", "value", "printed", "unit", "subject", "scope", "stage", "page", "sentence")
GENERIC = ("revenue_total", "expenditure_total", "total_either")
_PARTS_OF_A_CLASS = ("personnel", "public", "basic", "project")
# words that make an amount something other than the level of the item named
# ("涉及一般公共预算支出 20168.3 万元" is what some projects cover)
# ("…整治工程在农林水支出（类）支出列支 13800 万元" is the project's, paid under that class)
# an amount of what projects or a programme cover, on the budget basis ('共涉及资金…')
COVERAGE = re.compile(r"涉及|覆盖")
_NOT_A_LEVEL = re.compile(r"涉及|覆盖|拟购置|预留|授予|中标|成交|合同金额|单位价值|单价|以上|在[^，,。；;]{0,24}列支")


# An organisation named after a spending class ('上海市刑事科学技术研究院', '苏州市交通运输局')
# is not that class: its name is masked before the class words are looked for.
_ORG_NAME = re.compile(
    "(?:" + "|".join(CLASS_WORDS) + r")[^\s，,。；;：:、“”\"\d（(）)]{0,8}?"
    r"(?:局|委员会|委|研究院|院|中心|研究所|所|厅|办公室|站|队|馆|学校|学院|公司|集团|协会)"
)


def _mask_orgs(text: str) -> str:
    return _ORG_NAME.sub(lambda m: "□" * len(m.group(0)), text)


def key_of(subject: str) -> str | None:
    """The glossary key the words nearest the end of ``subject`` name; a
    specific item (基本支出, “三公”经费 …) wins over a generic total word
    (支出合计, 支出预算 …) in the same clause."""
    if _NOT_A_LEVEL.search(subject):
        return None
    subject = _mask_orgs(subject)
    best: tuple[int, int, int, str] | None = None
    for key, pattern in KEYWORDS:
        for m in pattern.finditer(subject):
            cand = (0 if key in GENERIC else 1, m.end(), m.end() - m.start(), key)
            if best is None or cand[:3] > best[:3]:
                best = cand
    if best is None:
        return None
    key = best[3]
    if key.startswith("class:") and re.search(r"[（(](款|项)[)）]|(?<!\d)\d{5,7}(?!\d)", subject[best[1] - best[2]:]):
        return None  # "卫生健康支出（类）行政事业单位医疗（款）…（项）": a line below the class
    return key


def scope_of(text: str) -> str:
    for scope, pattern in _SCOPES:
        if pattern.search(text):
            return scope
    return "all"


def stage_of(subject: str) -> str | None:
    # the qualifier nearest the number wins: "支出预算为" vs "支出决算为"
    last = None
    for m in re.finditer(r"决算|预算|执行数|预算数|年初", subject):
        last = m.group(0)
    if last in ("决算", "执行数"):
        return "actual"
    if last in ("预算", "预算数", "年初"):
        return "budget"
    return None


def facts(paragraphs: list[dict]) -> list[Fact]:
    out: list[Fact] = []
    heading_scope = "all"
    for pi, passage in enumerate(passages(paragraphs)):
        local: list[Fact] = []
        if SECTION_HEADING.match(passage.text) and len(passage.text) <= 60 and not mentions(passage.text):
            # '（五）一般公共预算当年拨款情况说明' / '2.政府性基金预算当年拨款结构情况':
            # the fund the heading names is that of the sentences under it.
            heading_scope = scope_of(passage.text) if scope_of(passage.text) != "fiscal" else "all"
        carried = heading_scope
        for offset, sentence in sentences(passage.text):
            carried = _sentence_facts(sentence, offset, passage, pi, local, carried, heading_scope)
        base = len(out)
        for i, f in enumerate(local):
            f.index = base + i
            f.section = passage.section
            if f.ref is not None:
                f.ref = base + f.ref
            out.append(f)
    return out


def _sentence_facts(
    sentence: str, offset: int, passage: Passage, pi: int, acc: list[Fact], carried: str = "all", passage_scope: str = "all"
) -> str:
    """Facts of one sentence; returns the scope the next sentence inherits (a
    '；' clause its sentence's, any other the heading's)."""
    ms = mentions(sentence)
    if not ms:
        return carried if sentence.rstrip().endswith(("；", ";")) else passage_scope
    project_level = bool(_PROJECT_SENTENCE.search(sentence))
    sentence_scope = scope_of(sentence[: ms[0].start])
    if sentence_scope == "all":
        sentence_scope = carried
    next_scope = sentence_scope if sentence.rstrip().endswith(("；", ";")) else passage_scope
    clean = sentence.strip()
    prev_end = 0
    first_in_sentence = len(acc)
    for m in ms:
        subject = sentence[prev_end : m.start]
        page = passage.page_at(offset + m.start)
        before = sentence[max(0, m.start - 40) : m.start]
        if m.unit == "%":
            fact = _percent_fact(m, subject, before, sentence, clean, pi, page, acc, first_in_sentence)
            if fact is not None:
                acc.append(fact)
            prev_end = m.end
            continue
        value = to_wan(m.number, m.unit)
        change = _CHANGE.search(subject)
        own_key = key_of(_clause(subject))
        scope = scope_of(subject) if scope_of(subject) != "all" else sentence_scope
        per_unit = bool(_PER_UNIT.search(_clause(subject)[-12:])) or sentence[m.end : m.end + 1] in ("/", "／")
        if change:
            direction = -1 if change.group(1) in ("减少", "下降", "降低", "减", "少") else 1
            ref = None
            if own_key is None or own_key in ("total_either",):
                if first_in_sentence == len(acc) and acc:
                    # "…3.42万元。与2023年相比增加0.00万元": the previous sentence's head
                    ref = _head_of_previous_sentence(acc)
                else:
                    ref = _last_level(acc, first_in_sentence, allow_previous=True, depth=bracket_depth(sentence, m.start))
            key = own_key or (acc[ref].key if ref is not None else None)
            if own_key is not None and own_key not in GENERIC:
                # "其中：基本支出增加66.56万元" — the change of the item it names
                ref = _last_level_with_key(acc, own_key)
            elif ref is not None and acc[ref].key:
                key = acc[ref].key
            acc.append(
                Fact("change", key, value * direction, m.number, m.unit, m.printed, subject.strip(), clean, pi, page,
                     scope=scope, direction=direction, ref=ref)
            )
        else:
            key = own_key
            inherited = False
            clause = _clause(subject)
            if key in GENERIC and (
                (len(norm_text(clause)) <= 8 and re.search(r"(决算|预算|执行数|到位数)", clause))
                or (not re.search(r"合计|总计|总额|总收入|总支出", clause) and _specific_before(acc, first_in_sentence))
            ):
                key = None  # "，支出决算为" / "2024年度支出决算为": the item named before
            if key is None and own_key is not None and own_key in GENERIC:
                ref = _last_level(acc, first_in_sentence, allow_previous=False)
                if ref is not None and acc[ref].key and acc[ref].key not in GENERIC:
                    key = acc[ref].key
                    inherited = True
            if key is None:
                # "…预算为 2.06 万元，支出决算为 2.06 万元": same item, another stage
                ref = _last_level(acc, first_in_sentence, allow_previous=False)
                if ref is not None and re.search(r"(决算|预算|执行数|到位数)", subject):
                    key = acc[ref].key
                    inherited = True
            stage = stage_of(_clause(subject)) or (stage_of(subject) if inherited else None)
            if project_level and key is not None and not key.startswith("three_public"):
                key = None  # "该项目…上年结转120.00万元" is the project's, not the department's
            if key in _PARTS_OF_A_CLASS and any(
                p.kind == "amount" and (p.key or "").startswith("class:") for p in acc[first_in_sentence:]
            ):
                key = None  # "“农林水支出”科目83万元，主要用于人员经费18万元": the class's part, not the department's
            f = Fact("amount", key, value, m.number, m.unit, m.printed, subject.strip(), clean, pi, page,
                     scope=scope, stage=stage, per_unit=per_unit)
            f.extra["depth"] = bracket_depth(sentence, m.start)
            if inherited:
                f.extra["inherited"] = True
            acc.append(f)
        prev_end = m.end
    return next_scope


def norm_text(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _clause(subject: str) -> str:
    """The words after the last clause break (so '，支出决算为' is not '预算为…')."""
    parts = re.split(r"[，,：:]|[（(](?=其中)", subject)
    tail = parts[-1] if parts else subject
    if len(tail.strip()) < 2 and len(parts) > 1:
        tail = parts[-2] + tail
    return tail


def _last_level(acc: list[Fact], start: int, allow_previous: bool, depth: int | None = None) -> int | None:
    """The last amount before, skipping amounts inside a bracket the current
    mention is outside of (``depth``: its bracket depth)."""
    lo = 0 if allow_previous else start
    for i in range(len(acc) - 1, lo - 1, -1):
        if acc[i].kind == "amount" and (depth is None or acc[i].extra.get("depth", 0) <= depth):
            return i
    return None


def bracket_depth(sentence: str, pos: int) -> int:
    """How many brackets （…） are open at ``pos`` (0: the words stand outside any)."""
    depth = 0
    for ch in sentence[:pos]:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
    return depth


def _specific_before(acc: list[Fact], start: int) -> bool:
    return any(f.kind == "amount" and f.key and f.key not in GENERIC for f in acc[start:])


def _head_of_previous_sentence(acc: list[Fact]) -> int | None:
    last_sentence = acc[-1].sentence
    for i, f in enumerate(acc):
        if f.sentence == last_sentence and f.kind == "amount":
            return i
    return None


def _last_level_with_key(acc: list[Fact], key: str) -> int | None:
    for i in range(len(acc) - 1, -1, -1):
        if acc[i].kind == "amount" and acc[i].key == key:
            return i
    return None


def _percent_fact(m: Mention, subject: str, before: str, sentence: str, clean: str, pi: int, page, acc: list[Fact],
                  first_in_sentence: int) -> Fact | None:
    value = m.number
    text = subject
    if _EXECUTION.search(text):
        ref = _last_level(acc, first_in_sentence, allow_previous=False)
        return Fact("execution", acc[ref].key if ref is not None else None, value, m.number, "%", m.printed,
                    subject.strip(), clean, pi, page, ref=ref)
    change = _CHANGE.search(text)
    if change and acc and acc[-1].kind == "change":
        direction = -1 if change.group(1) in ("减少", "下降", "降低", "减", "少") else 1
        return Fact("rate", acc[-1].key, value * direction, m.number, "%", m.printed, subject.strip(), clean, pi, page,
                    direction=direction, ref=len(acc) - 1)
    share = _SHARE.search(text)
    bare = re.fullmatch(r"\s*[，,]?\s*", text) is not None
    if (share or bare) and acc and acc[-1].kind == "amount":
        denominator = None
        if share and share.group("what"):
            what = share.group("what").strip()
            if what and what not in ("的",):
                denominator = what
        return Fact("share", acc[-1].key, value, m.number, "%", m.printed, subject.strip(), clean, pi, page,
                    ref=len(acc) - 1, denominator=denominator)
    if change:
        # "增长 5%" with no amount of change: nothing to recompute from
        direction = -1 if change.group(1) in ("减少", "下降", "降低", "减", "少") else 1
        ref = _last_level(acc, first_in_sentence, allow_previous=False)
        return Fact("rate", acc[ref].key if ref is not None else None, value * direction, m.number, "%", m.printed,
                    subject.strip(), clean, pi, page, direction=direction, ref=None)
    return Fact("percent", key_of(_clause(subject)), value, m.number, "%", m.printed, subject.strip(), clean, pi, page)

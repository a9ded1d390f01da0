"""Stitching tables cut by page breaks (loaders.continuation)."""
from __future__ import annotations

from loaders.continuation import merge_continued_tables
from loaders.model import Paragraph, Table

HEADER = [["序号", "科目编码", "科目名称", "合计"], ["栏次", "1", "2", "3"]]


def _table(rows, page, caption=(), sheet=None):
    return Table(rows=[list(r) for r in rows], row_pages=[page] * len(rows), caption=list(caption), sheet=sheet)


def test_repeated_header_is_dropped_and_rows_joined():
    first = _table(HEADER + [["1", "208", "社会保障和就业支出", "125.38"]], 6, ["部门预算支出总表", "单位：万元"])
    second = _table(HEADER + [["2", "210", "卫生健康支出", "6371.23"]], 7, ["单位：万元"])
    blocks = merge_continued_tables([first, Paragraph("第 1 页", 6), Paragraph("单位：万元", 7), second])
    assert len(blocks) == 1
    assert [r[1] for r in blocks[0].rows] == ["科目编码", "1", "208", "210"]
    assert blocks[0].row_pages == [6, 6, 6, 7]


def test_a_cell_cut_by_the_page_break_is_joined():
    first = _table(HEADER + [["13", "2101202", "财政对城乡居民基本医疗保", "4386.00"]], 4)
    second = _table(HEADER + [["", "", "险基金的补助", ""], ["14", "21013", "医疗救助", "562.00"]], 5)
    (table,) = merge_continued_tables([first, second])
    assert table.rows[2][2] == "财政对城乡居民基本医疗保险基金的补助"
    assert table.rows[3][1] == "21013"


def test_a_new_copy_of_a_project_form_is_a_new_table():
    form = [["政策和项目预算绩效目标表", "", ""], ["项目名称", "医疗保障工作经费", ""], ["一级指标", "二级指标", "三级指标"]]
    other = [["政策和项目预算绩效目标表", "", ""], ["项目名称", "医保信息化建设", ""], ["一级指标", "二级指标", "三级指标"]]
    blocks = merge_continued_tables([_table(form, 31), _table(other, 32)])
    assert len(blocks) == 2


def test_a_lone_total_row_with_merged_label_columns_is_right_aligned():
    first = _table([["类", "款", "项", "科目名称", "合计"], ["201", "", "", "一般公共服务支出", "2,932,700"]], 19)
    last = _table([["合计", "156,211,123"]], 20)
    (table,) = merge_continued_tables([first, last])
    assert table.rows[-1] == ["", "", "", "合计", "156,211,123"]


def test_worksheets_are_never_joined():
    a = _table(HEADER + [["1", "208", "社会保障和就业支出", "125.38"]], 1, sheet="支出总表")
    b = _table(HEADER + [["1", "208", "社会保障和就业支出", "125.38"]], 2, sheet="一般公共预算支出表")
    assert len(merge_continued_tables([a, b])) == 2


def test_a_new_title_between_tables_keeps_them_apart():
    a = _table(HEADER + [["1", "208", "社会保障和就业支出", "125.38"]], 6)
    b = _table(HEADER + [["1", "208", "社会保障和就业支出", "125.38"]], 7)
    blocks = merge_continued_tables([a, Paragraph("部门预算一般公共预算财政拨款支出表", 7), b])
    assert len([x for x in blocks if isinstance(x, Table)]) == 2

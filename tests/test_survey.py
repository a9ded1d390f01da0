"""python -m loaders survey: grading a folder without truth."""
from __future__ import annotations

import json
import shutil

from conftest import FIXTURES, SEEDS, run_loaders
from loaders.survey import Grade, grade_line, summary, summary_markdown


def _folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / "000_e1a466dd2d0fafcf.txt", folder / "xianghe.txt")
    shutil.copy(FIXTURES / "shilong-2023-budget.xlsx", folder / "shilong.xlsx")
    (folder / "notice.txt").write_text("关于开展消防安全检查的通知\n各单位：请于本月底前完成自查。\n", encoding="utf-8")
    manifest = tmp_path / "MANIFEST.tsv"
    manifest.write_text(
        "file\tkind\tcity\nxianghe.txt\treport\t廊坊\nshilong.xlsx\treport\t平顶山\nnotice.txt\tother\t廊坊\n", encoding="utf-8"
    )
    return folder, manifest


def test_survey_grades_each_file_and_sums_up(tmp_path):
    folder, manifest = _folder(tmp_path)
    proc = run_loaders("survey", folder, "--manifest", manifest, "--jobs", "2", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    files = {f["file"]: f for f in out["files"]}
    x = files["xianghe.txt"]
    assert (x["agency"], x["year"], x["kind"], x["recognised"], x["core"]) == ("香河县医疗保障局", 2024, "budget", True, True)
    assert x["expenditure_total"] == "6570.38" and x["function_lines"] > 0 and x["arithmetic_holds"] is True
    # the seed's one real defect (a goal's amount against the project budget) keeps it from 'read'
    assert x["error_rules"] == ["performance.goal_amount"] and x["read"] is False and x["meets"] is False
    assert files["notice.txt"]["refused_code"] == "not_report" and files["notice.txt"]["meets"] is True
    assert out["summary"]["files"] == 3 and out["summary"]["by_kind"]["other"] == {"files": 1, "meets": 1, "recognised": 0, "read": 0}
    assert "[3/3]" in proc.stderr  # progress on stderr


def test_survey_markdown_groups_by_city(tmp_path):
    folder, manifest = _folder(tmp_path)
    proc = run_loaders("survey", folder, "--manifest", manifest, "--jobs", "1", "--markdown")
    assert proc.returncode == 0, proc.stderr
    assert "| 廊坊 | 2 | 0/1 | — | — | 1/1 | xianghe.txt |" in proc.stdout
    assert "| 平顶山 | 1 |" in proc.stdout
    assert "## 逐个文件" in proc.stdout


def test_grade_of_a_report_whose_arithmetic_fails_is_not_read():
    g = Grade(file="a.pdf", agency="某局", year=2026, kind="budget", scope="department", function_lines=3,
              arithmetic_holds=False, unverified_tables=["支出总表（第3页）"], expected="report")
    from decimal import Decimal

    g.expenditure_total = Decimal("10.00")
    assert g.recognised and g.core and not g.read and not g.meets()
    assert "勾稽不成立" in grade_line(g)
    assert summary([g])["read"] == 0
    assert "| a.pdf | ✗ 报告 |" in summary_markdown([g])

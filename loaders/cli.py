"""Command line: ``python -m loaders parse|ingest|check``.

* ``parse FILE`` prints the parsed document (docs/document-schema.md) as JSON.
* ``ingest FILE... [--db URL] [--replace]`` parses each file and stores it.
* ``check FILE`` lists the findings of the parsed document.
* ``settings`` lists the settings with their current values.

Every parse runs in the sandbox (loaders/sandbox.py).  A file that cannot be
read gives ONE Chinese line on stderr and exit code 2, never a traceback
(set ``BUDGETLENS_DEBUG=1`` to see what happened inside).
"""
from __future__ import annotations

import argparse
import os
import sys
import traceback

from analysis.checks import all_findings
from loaders.errors import LoaderError

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_REFUSED = 2

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _err(text: str) -> None:
    print(_one_line(text), file=sys.stderr, flush=True)


def _debug_enabled() -> bool:
    return os.environ.get("BUDGETLENS_DEBUG", "").strip().lower() not in ("", "0", "false", "no")


def _reason(exc: LoaderError) -> str:
    """The error's message without the file name in front (the line names it)."""
    text = exc.message()
    if exc.file and text.startswith(exc.file) and len(text) > len(exc.file):
        rest = text[len(exc.file) :]
        if rest[0] in "，：":
            return rest[1:]
    return text


def progress_printer(name: str, stream=None):
    """A sandbox progress callback printing OCR progress on stderr:
    ``scan.pdf：文字识别（OCR）第 3/12 页`` — when stderr is a terminal or
    ``BUDGETLENS_PROGRESS=1``; otherwise None, so that scripts still get one
    line per refused file and nothing else."""
    out_stream = stream or sys.stderr
    wanted = os.environ.get("BUDGETLENS_PROGRESS", "").strip().lower()
    if wanted in ("0", "false", "no") or (not wanted and not _isatty(out_stream)):
        return None

    def show(event: str, done: int, total: int) -> None:
        out = stream or sys.stderr
        if event == "ocr_pages":
            print(f"{name}：扫描件，{total} 页需文字识别（OCR）…", file=out, flush=True)
        elif event == "ocr":
            print(f"{name}：文字识别（OCR）第 {done}/{total} 页", file=out, flush=True)

    return show


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _parse(path: str) -> dict:
    from loaders.sandbox import parse_file_sandboxed

    return parse_file_sandboxed(path, progress=progress_printer(os.path.basename(path) or path))


# --------------------------------------------------------------------------- commands


def cmd_parse(args: argparse.Namespace) -> int:
    from loaders import jsonout

    try:
        doc = _parse(args.file)
    except LoaderError as exc:
        _err(exc.message())
        return EXIT_REFUSED
    sys.stdout.write(jsonout.dumps(doc))
    sys.stdout.write("\n")
    sys.stdout.flush()
    return EXIT_OK


def _label(doc: dict) -> str:
    try:
        from store.models import KIND_LABELS
    except Exception:  # pragma: no cover - store not importable
        KIND_LABELS = {}
    kind = doc.get("kind") or ""
    parts = [str(doc.get("agency") or "（未识别单位）"), str(doc.get("year") or "（未识别年度）"), KIND_LABELS.get(kind, kind)]
    return " ".join(p for p in parts if p)


def cmd_ingest(args: argparse.Namespace) -> int:
    from loaders.sandbox import parse_file_sandboxed, read_limited

    refused = 0
    ingest_document = None
    for path in args.files:
        name = os.path.basename(path) or path
        try:
            data = read_limited(path, name)
            doc = parse_file_sandboxed(data, name, progress=progress_printer(name))
        except LoaderError as exc:
            refused += 1
            print(f"refused  {name}  {_one_line(_reason(exc))}", flush=True)
            continue
        try:
            if ingest_document is None:
                from store.ingest import ingest_document
            result = ingest_document(doc, data, url=args.db, replace=args.replace)
        except Exception as exc:  # noqa: BLE001 - one line per file, never a traceback
            refused += 1
            if _debug_enabled():
                traceback.print_exc()
            detail = _one_line(str(exc).split("(Background on this error")[0]) or type(exc).__name__
            print(f"refused  {name}  保存失败：{detail[:300]}", flush=True)
            continue
        status = getattr(result, "status", "refused")
        doc_id = getattr(result, "document_id", None)
        suffix = f" (document {doc_id})" if doc_id is not None else ""
        if status == "stored":
            replaced = getattr(result, "replaced", None)
            extra = f"，替换了“{replaced}”" if replaced else ""
            print(f"stored  {name}  {_label(doc)}{suffix}{extra}", flush=True)
        elif status == "duplicate":
            print(f"duplicate  {name}  {_label(doc)}：{_one_line(result.message)}{suffix}", flush=True)
        else:
            refused += 1
            print(f"refused  {name}  {_one_line(result.message)}", flush=True)
    return EXIT_REFUSED if refused else EXIT_OK


def render_findings(doc: dict) -> str:
    """The document's findings as a readable Chinese list plus a summary line."""
    findings = all_findings(doc)
    src = doc.get("source") or {}
    head = f"{_label(doc)}（{src.get('file') or ''}）"
    lines = [head]
    order = {"error": 0, "warning": 1, "info": 2}
    counts = {"error": 0, "warning": 0, "info": 0}
    for i, f in enumerate(sorted(findings, key=lambda f: order.get(f.get("severity"), 3)), 1):
        sev = f.get("severity") or "info"
        counts[sev] = counts.get(sev, 0) + 1
        where = []
        if f.get("page") is not None:
            where.append(f"第{f['page']}页")
        if f.get("table"):
            where.append(str(f["table"]))
        if f.get("row") is not None:
            where.append(f"第{f['row']}行")
        loc = f"  {'，'.join(where)}" if where else ""
        lines.append(f"{i}. [{SEVERITY_ZH.get(sev, sev)}] {f.get('rule') or ''}{loc}")
        lines.append(f"   {_one_line(f.get('message') or '')}")
    if findings:
        others = sum(n for k, n in counts.items() if k not in SEVERITY_ZH)
        summary = f"共 {len(findings)} 条：错误 {counts['error']} 条，警告 {counts['warning']} 条，提示 {counts['info']} 条"
        if others:
            summary += f"，其他 {others} 条"
    else:
        summary = "共 0 条：未发现问题"
    lines.append(summary)
    return "\n".join(lines)


def cmd_check(args: argparse.Namespace) -> int:
    try:
        doc = _parse(args.file)
    except LoaderError as exc:
        _err(exc.message())
        return EXIT_REFUSED
    print(render_findings(doc), flush=True)
    return EXIT_OK


def cmd_survey(args: argparse.Namespace) -> int:
    import json

    from loaders import jsonout, survey

    paths = survey.files_in(args.dir)
    if not paths:
        _err(f"{args.dir}：没有可解析的文件（PDF / XLSX / XLS / DOCX / TXT / MD）")
        return EXIT_REFUSED
    manifest = survey.read_manifest(args.manifest) if args.manifest else None
    grades = survey.survey(paths, jobs=args.jobs, manifest=manifest, progress=survey.print_progress)
    result = survey.summary(grades)
    if args.json:
        sys.stdout.write(jsonout.dumps({"files": [g.as_dict() for g in grades], "summary": result}))
        sys.stdout.write("\n")
    else:
        for g in grades:
            print(survey.grade_line(g))
        print(survey.summary_text(result))
    return EXIT_OK


def cmd_settings(args: argparse.Namespace) -> int:
    import settings

    for name, setting in settings.SETTINGS.items():
        value = settings.get(name)
        mark = "" if value == setting.default else f"（默认 {setting.default}）"
        env = "BUDGETLENS_DATABASE_URL / DATABASE_URL" if name == "DATABASE_URL" else f"BUDGETLENS_{name}"
        print(f"{name} = {value}{mark}\n    {setting.help}；环境变量 {env}")
    return EXIT_OK


# --------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m loaders",
        description="预决算透视：解析、入库、检查预决算公开文件（PDF / Excel / Word / 文本）",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="{parse,ingest,check,survey,settings}")
    sp = sub.add_parser("parse", help="解析文件，输出 JSON（budgetlens.document/1）")
    sp.add_argument("file", help="PDF / XLSX / XLS / DOCX / TXT 文件")
    sp.set_defaults(func=cmd_parse)
    si = sub.add_parser("ingest", help="解析并保存到数据库")
    si.add_argument("files", nargs="+", metavar="FILE")
    si.add_argument("--db", metavar="URL", default=None, help="数据库地址（默认 DATABASE_URL 设置）")
    si.add_argument("--replace", action="store_true", help="替换同一单位、年度、类型的已存文件")
    si.set_defaults(func=cmd_ingest)
    sc = sub.add_parser("check", help="列出解析结果中的检查发现")
    sc.add_argument("file")
    sc.set_defaults(func=cmd_check)
    sv = sub.add_parser("survey", help="逐个解析文件夹中的文件并评估读取质量（不入库）")
    sv.add_argument("dir", metavar="DIR")
    sv.add_argument("--manifest", metavar="FILE", help="文件类型清单（file<TAB>kind：report/targets/scanned/other）")
    sv.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="并行解析的子进程数")
    sv.add_argument("--json", action="store_true", help="输出 JSON")
    sv.set_defaults(func=cmd_survey)
    ss = sub.add_parser("settings", help="列出设置及其当前值")
    ss.set_defaults(func=cmd_settings)
    return p


def _utf8_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if enc != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8")
            except Exception:  # pragma: no cover
                pass


def main(argv: list[str] | None = None) -> int:
    _utf8_streams()
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        _err("已中断")
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``); stop quietly.
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return EXIT_OK
    except LoaderError as exc:
        _err(exc.message())
        return EXIT_REFUSED
    except Exception as exc:  # noqa: BLE001
        if _debug_enabled():
            traceback.print_exc()
        _err(f"内部错误：{type(exc).__name__}: {exc}")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

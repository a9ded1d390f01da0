"""Command line: ``python -m loaders parse|ingest|check|survey|settings``.

* ``parse FILE [FILE...]`` prints the parsed document (docs/document-schema.md)
  as JSON; several files are parsed as ONE document (a report published as
  several files).
* ``ingest FILE|DIR... [--db URL] [--replace] [--jobs N] [--manifest FILE]``
  parses the files (a folder: the files under it) in N parallel children and
  stores each report in its own transaction (the files of one folder, or the
  files named together, that form one report as one document); a folder also
  gets a progress line on stderr and the survey's summary at the end.
* ``survey DIR [--manifest FILE] [--jobs N] [--json]`` grades a folder without storing.
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
from glossary import SEVERITY_LABELS
from loaders.cli_args import add_identity_options, identity_of, jobs_arg, unknown_hint
from loaders.errors import LoaderError, debug_enabled

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_REFUSED = 2

SEVERITY_ZH = SEVERITY_LABELS


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _err(text: str) -> None:
    print(_one_line(text), file=sys.stderr, flush=True)


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


def _parse(path: str, identity: dict | None = None) -> dict:
    from loaders.sandbox import parse_file_sandboxed

    return parse_file_sandboxed(path, identity=identity, progress=progress_printer(os.path.basename(path) or path))


# --------------------------------------------------------------------------- commands


def _parse_args_files(paths: list[str], identity: dict | None) -> dict:
    """One file, or several files of one report parsed as ONE document."""
    if len(paths) == 1:
        return _parse(paths[0], identity)
    from loaders.sandbox import read_limited

    return _parse_group([(read_limited(p), os.path.basename(p)) for p in paths], identity)


def _parsed_or_refused(args: argparse.Namespace) -> dict | None:
    """The files of ``args`` parsed as one report; None (the refusal told
    on stderr) when the parser refused them."""
    try:
        return _parse_args_files(args.file, identity_of(args))
    except LoaderError as exc:
        _err(exc.message())
        return None


def cmd_parse(args: argparse.Namespace) -> int:
    from loaders import jsonout

    doc = _parsed_or_refused(args)
    if doc is None:
        return EXIT_REFUSED
    hint = unknown_hint(doc)
    if hint:
        _err(f"{(doc.get('source') or {}).get('file') or os.path.basename(args.file[0])}：{hint}")
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


def _store(item, args: argparse.Namespace) -> bool:
    """Store one parsed file (one transaction) and print its line; False when refused."""
    name, doc = item.name, item.doc
    if item.error is not None:
        print(f"refused  {name}  {_one_line(_reason(item.error))}", flush=True)
        return False
    hint = unknown_hint(doc)
    if hint:
        print(f"refused  {name}  {hint}，未保存", flush=True)
        return False
    return _save(name, doc, item.data, args)


def _parse_group(files: list[tuple[bytes, str]], identity: dict | None) -> dict:
    from loaders.sandbox import parse_files_sandboxed

    return parse_files_sandboxed(files, identity=identity)


def _store_batch(items: list, args: argparse.Namespace) -> int:
    """Store the files of one batch (one folder, or the files named together):
    the files that form one report as one document.  Returns how many were refused."""
    import hashlib

    from loaders import multifile

    docs = [item.doc if item.error is None else None for item in items]
    shas = [hashlib.sha256(item.data).hexdigest() if item.data is not None else None for item in items]
    refused = 0
    for members in multifile.group(docs, shas):
        group = [items[i] for i in members]
        if len(group) == 1:
            refused += not _store(group[0], args)
            continue
        expected = next(multifile.identity_key(item.doc) for item in group if multifile.identity_key(item.doc))
        try:
            doc = _parse_group([(item.data, item.name) for item in group], identity_of(args))
        except LoaderError as exc:
            if debug_enabled():
                _err(f"合并解析失败，逐个保存：{exc.message()}")
            doc = None
        if doc is None or multifile.identity_key(doc) != expected:
            # read together they are not the report each said it was: store them one by one, as before
            refused += sum(not _store(item, args) for item in group)
            continue
        names = " + ".join(f["file"] for f in doc["source"].get("files") or []) or " + ".join(i.name for i in group)
        refused += not _save(names, doc, [(item.name, item.data) for item in group], args)
    return refused


def _save(name: str, doc: dict, data, args: argparse.Namespace) -> bool:
    """Store a parsed document (one transaction) and print its line; False when refused.
    ``name``: the file, or the files joined by ' + ' (``data`` then lists them all)."""
    try:
        from store.ingest import ingest_document

        result = ingest_document(doc, data, url=args.db, replace=args.replace)
    except Exception as exc:  # noqa: BLE001 - one line per file, never a traceback
        if debug_enabled():
            traceback.print_exc()
        detail = _one_line(str(exc).split("(Background on this error")[0]) or type(exc).__name__
        print(f"refused  {name}  保存失败：{detail[:300]}", flush=True)
        return False
    status = getattr(result, "status", "refused")
    doc_id = getattr(result, "document_id", None)
    suffix = f" (document {doc_id})" if doc_id is not None else ""
    if status == "stored":
        replaced = getattr(result, "replaced", None)
        extra = f"，替换了“{replaced}”" if replaced else ""
        from store.ingest import unit_warning

        slip = unit_warning(doc)
        print(f"stored  {name}  {_label(doc)}{suffix}{extra}" + (f"  {slip}" if slip else ""), flush=True)
    elif status == "duplicate":
        print(f"duplicate  {name}  {_label(doc)}：{_one_line(result.message)}{suffix}", flush=True)
    else:
        print(f"refused  {name}  {_one_line(result.message)}", flush=True)
        return False
    return True


def cmd_ingest(args: argparse.Namespace) -> int:
    """Everything stored is recorded in the audit trail as the command line's user."""
    import getpass

    from store.users import acting_as

    with acting_as(f"命令行：{getpass.getuser()}"):
        return _ingest_all(args)


def _ingest_all(args: argparse.Namespace) -> int:
    """Parse ``jobs`` files at a time in sandboxed children; store them one by one here.

    The files of one batch — one folder, or the files named as arguments —
    that form one report (same agency, year, kind and scope; see
    ``loaders.multifile.group``) are parsed again together and stored as ONE
    document; its line names all its files (``stored  a.pdf + b.xlsx  …``).
    A batch is stored once all its files are parsed; the lines come in the
    order of the input (a folder's files sorted by path), one per stored
    document or refused file.  Given a folder (or ``--manifest``), the progress
    goes to stderr as each parse completes and the survey's summary follows
    the lines.
    """
    from contextlib import closing

    from loaders import batch, survey

    folder_form = bool(args.manifest) or any(os.path.isdir(f) for f in args.files)
    paths, batches, empty = batch.expand_batches(args.files)
    refused = 0
    for folder in empty:
        _err(f"{folder}：没有可解析的文件（PDF / XLSX / XLS / DOCX / TXT / MD）")
        refused += 1
    manifest = None
    if args.manifest:
        try:
            manifest = survey.read_manifest(args.manifest)
        except (OSError, UnicodeDecodeError) as exc:
            _err(f"{args.manifest}：无法读取清单（{getattr(exc, 'strerror', None) or type(exc).__name__}）")
            return EXIT_REFUSED
    grades = []
    progress = survey.print_progress if folder_form else None
    with closing(
        batch.parse_in_order(paths, jobs=args.jobs, manifest=manifest, progress=progress, identity=identity_of(args))
    ) as parsed:
        for items in batch.in_batches(parsed, batches):
            grades.extend(item.grade for item in items)
            refused += _store_batch(items, args)
    if folder_form and grades:
        print(survey.summary_text(survey.summary(grades)), flush=True)
    return EXIT_REFUSED if refused else EXIT_OK


def render_findings(doc: dict) -> str:
    """The document's findings grouped by rule family (完整性, 表内勾稽, 说明与表格 …),
    errors first within each, numbered throughout, plus a summary line."""
    from analysis.rules import FAMILIES, family_of

    findings = all_findings(doc)
    src = doc.get("source") or {}
    lines = [f"{_label(doc)}（{src.get('file') or ''}）"]
    order = {"error": 0, "warning": 1, "info": 2}
    counts = {"error": 0, "warning": 0, "info": 0}
    families = list(FAMILIES)
    by_family: dict[str, list[dict]] = {}
    for f in findings:
        by_family.setdefault(f.get("family") or family_of(f.get("rule")), []).append(f)
    i = 0
    for family in sorted(by_family, key=lambda k: families.index(k) if k in families else len(families)):
        lines.append(f"【{FAMILIES.get(family, family)}】")
        for f in sorted(by_family[family], key=lambda f: order.get(f.get("severity"), 3)):
            i += 1
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
    doc = _parsed_or_refused(args)
    if doc is None:
        return EXIT_REFUSED
    print(render_findings(doc), flush=True)
    return EXIT_OK


def cmd_survey(args: argparse.Namespace) -> int:
    from loaders import jsonout, survey

    paths = survey.files_in(args.dir)
    if not paths:
        _err(f"{args.dir}：没有可解析的文件（PDF / XLSX / XLS / DOCX / TXT / MD）")
        return EXIT_REFUSED
    manifest = survey.read_manifest(args.manifest) if args.manifest else None
    grades = survey.survey(paths, jobs=args.jobs, manifest=manifest, progress=survey.print_progress)
    result = survey.summary(grades)
    if args.markdown:
        groups = survey.read_manifest_column(args.manifest, "city") if args.manifest else None
        sys.stdout.write(survey.summary_markdown(grades, groups))
    elif args.json:
        sys.stdout.write(jsonout.dumps({"files": [g.as_dict() for g in grades], "summary": result}))
        sys.stdout.write("\n")
    else:
        for g in grades:
            print(survey.grade_line(g))
        print(survey.summary_text(result))
    return EXIT_OK


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("密码：")
    if getpass.getpass("再输入一次：") != first:
        raise ValueError("两次输入的密码不同")
    return first


def cmd_user(args: argparse.Namespace) -> int:
    """Users who may upload, replace, re-parse (editor) and delete (admin) in the app."""
    from store import users
    from store.engine import get_engine
    from store.models import ROLE_LABELS

    engine = get_engine(args.db) if args.db else None
    try:
        if args.action == "list":
            rows = users.list_users(engine=engine)
            if not rows:
                print("没有用户：应用以本机单用户模式运行（任何人都可上传和删除）")
            for row in rows:
                print(f"{row['name']}\t{row['role']}（{ROLE_LABELS.get(row['role'], row['role'])}）")
            return EXIT_OK
        if not args.name:
            raise users.UserError("请给出用户名")
        if args.action == "add":
            users.add_user(args.name, None if args.oidc else _password(args), args.role, engine=engine)
            print(f"已添加用户 {args.name}（{ROLE_LABELS[args.role]}）")
        elif args.action == "passwd":
            users.set_password(args.name, _password(args), engine=engine)
            print(f"已修改 {args.name} 的密码")
        elif args.action == "role":
            users.set_role(args.name, args.role, engine=engine)
            print(f"{args.name} 的角色改为{ROLE_LABELS[args.role]}")
        elif args.action == "remove":
            users.remove_user(args.name, engine=engine)
            print(f"已删除用户 {args.name}")
    except (users.UserError, ValueError) as exc:
        _err(str(exc))
        return EXIT_REFUSED
    return EXIT_OK


def cmd_settings(args: argparse.Namespace) -> int:
    import settings

    for name, setting in settings.SETTINGS.items():
        value = settings.get(name)
        mark = "" if value == setting.default else f"（默认 {settings.masked(setting.default)}）"
        env = "BUDGETLENS_DATABASE_URL / DATABASE_URL" if name == "DATABASE_URL" else f"BUDGETLENS_{name}"
        print(f"{name} = {settings.masked(value)}{mark}\n    {setting.help}；环境变量 {env}")
    return EXIT_OK


# --------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m loaders",
        description="预决算透视：解析、入库、检查预决算公开文件（PDF / Excel / Word / 文本）",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="{parse,ingest,check,survey,user,settings}")
    sp = sub.add_parser("parse", help="解析文件，输出 JSON（budgetlens.document/1）")
    sp.add_argument("file", nargs="+", metavar="FILE", help="PDF / XLSX / XLS / DOCX / TXT 文件；多个文件作为同一份报告合并解析")
    add_identity_options(sp)
    sp.set_defaults(func=cmd_parse)
    si = sub.add_parser("ingest", help="解析并保存到数据库（文件或文件夹）")
    si.add_argument("files", nargs="+", metavar="FILE|DIR", help="文件，或文件夹（其中的 PDF / XLSX / XLS / DOCX / TXT / MD）")
    si.add_argument("--db", metavar="URL", default=None, help="数据库地址（默认 DATABASE_URL 设置）")
    si.add_argument("--replace", action="store_true", help="替换同一单位、年度、类型的已存文件")
    si.add_argument("--jobs", type=jobs_arg, default=None, metavar="N", help="并行解析的子进程数（默认 CPU 数；1 = 逐个解析）")
    si.add_argument("--manifest", metavar="FILE", help="文件类型清单，汇总时按类型计数（同 survey）")
    add_identity_options(si)
    si.set_defaults(func=cmd_ingest)
    sc = sub.add_parser("check", help="列出解析结果中的检查发现")
    sc.add_argument("file", nargs="+", metavar="FILE", help="文件；多个文件作为同一份报告合并解析")
    add_identity_options(sc)
    sc.set_defaults(func=cmd_check)
    sv = sub.add_parser("survey", help="逐个解析文件夹中的文件并评估读取质量（不入库）")
    sv.add_argument("dir", metavar="DIR")
    sv.add_argument("--manifest", metavar="FILE", help="文件类型清单（file<TAB>kind：report/targets/scanned/other）")
    sv.add_argument("--jobs", type=jobs_arg, default=None, metavar="N", help="并行解析的子进程数（默认 CPU 数）")
    sv.add_argument("--json", action="store_true", help="输出 JSON")
    sv.add_argument("--markdown", action="store_true", help="输出 Markdown 报告（清单有 city 列时按城市汇总）")
    sv.set_defaults(func=cmd_survey)
    su = sub.add_parser("user", help="管理可上传、删除报告的用户（add / passwd / role / remove / list）")
    su.add_argument("action", choices=["add", "passwd", "role", "remove", "list"])
    su.add_argument("name", nargs="?", help="用户名")
    su.add_argument("--role", choices=["viewer", "editor", "admin"], default="editor",
                    help="viewer 查看；editor 上传、替换、重新解析；admin 另可删除")
    su.add_argument("--password-stdin", action="store_true", help="从标准输入读密码（脚本用）")
    su.add_argument("--oidc", action="store_true", help="通过身份提供方（st.login）登录的用户，不设密码；用户名即其邮箱")
    su.add_argument("--db", metavar="URL", default=None, help="数据库地址（默认 DATABASE_URL 设置）")
    su.set_defaults(func=cmd_user)
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
    if getattr(args, "jobs", 0) is None:
        from loaders.batch import default_jobs

        args.jobs = default_jobs()
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
        if debug_enabled():
            traceback.print_exc()
        _err(f"内部错误：{type(exc).__name__}: {exc}")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

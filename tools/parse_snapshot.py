"""Record the parse JSON of every file in ../shared, or compare two records.

A refactor that must change no output is checked by recording a run before it
and after it:

    python tools/parse_snapshot.py record OUT_DIR [--jobs N] [--skip-ocr]
    python tools/parse_snapshot.py compare BEFORE_DIR AFTER_DIR

Each file's JSON (or its refusal) is written to OUT_DIR/<relative path>.json.
"""
from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SUFFIXES = {".pdf", ".xlsx", ".xls", ".docx", ".txt", ".md", ".png", ".jpg", ".jpeg"}


def shared_files() -> list[Path]:
    out = []
    for sub in ("seeds", "fixtures", "real", "corpus"):
        for path in sorted((SHARED / sub).rglob("*")):
            if path.is_file() and path.suffix.lower() in SUFFIXES and "truth" not in path.parts:
                if path.name.lower().startswith("readme"):
                    continue
                out.append(path)
    return out


def _parse(path: str) -> tuple[str, str]:
    sys.path.insert(0, str(Path.cwd()))
    try:
        from pipeline import parse_bytes
    except ImportError:  # before the layering refactor
        from loaders.pipeline import parse_bytes
    from loaders.errors import LoaderError

    try:
        result = parse_bytes(Path(path).read_bytes(), Path(path).name)
    except LoaderError as exc:
        result = {"refused": type(exc).__name__, "message": str(exc)}
    return path, json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True, default=str)


def record(out: Path, jobs: int, skip_ocr: bool) -> None:
    files = shared_files()
    if skip_ocr:
        manifest = SHARED / "corpus" / "MANIFEST.tsv"
        scanned = {line.split("\t")[0] for line in manifest.read_text().splitlines() if "\tscanned" in line}
        corpus = SHARED / "corpus"
        files = [f for f in files
                 if f.name not in scanned and not (f.is_relative_to(corpus) and str(f.relative_to(corpus)) in scanned)]
    with ProcessPoolExecutor(jobs) as pool:
        for done, (path, text) in enumerate(pool.map(_parse, map(str, files)), 1):
            target = out / (str(Path(path).relative_to(SHARED)) + ".json")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            print(f"\r{done}/{len(files)}", end="", file=sys.stderr)
    print(file=sys.stderr)


def compare(before: Path, after: Path) -> int:
    names = sorted({p.relative_to(before) for p in before.rglob("*.json")} | {p.relative_to(after) for p in after.rglob("*.json")})
    differ = [n for n in names if not (before / n).exists() or not (after / n).exists()
              or (before / n).read_text() != (after / n).read_text()]
    for name in differ:
        print("differs:", name)
    print(f"{len(names) - len(differ)} of {len(names)} identical")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("out", type=Path)
    rec.add_argument("--jobs", type=int, default=2)
    rec.add_argument("--skip-ocr", action="store_true")
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.cmd == "record":
        record(args.out, args.jobs, args.skip_ocr)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())

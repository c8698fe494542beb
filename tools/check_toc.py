"""Fail early, naming the file, when _toc.yml is malformed or lists a missing page."""

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TOC = ROOT / "_toc.yml"


def files(node):
    if isinstance(node, dict):
        for key in ("root", "file"):
            if key in node:
                yield node[key]
        for value in node.values():
            yield from files(value)
    elif isinstance(node, list):
        for item in node:
            yield from files(item)


def main() -> int:
    try:
        toc = yaml.safe_load(TOC.read_text(encoding="utf-8"))
    except FileNotFoundError:
        print(f"{TOC}: file not found", file=sys.stderr)
        return 1
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        print(f"{TOC}{where}: not valid YAML ({getattr(err, 'problem', err)})", file=sys.stderr)
        return 1
    if not isinstance(toc, dict) or "root" not in toc:
        print(f"{TOC}: expected a mapping with a 'root' entry (Jupyter Book 1 format)", file=sys.stderr)
        return 1
    missing = [f for f in files(toc) if not any((ROOT / f).with_suffix(s).exists() for s in (".md", ".ipynb"))]
    if missing:
        print(f"{TOC}: lists pages that do not exist: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

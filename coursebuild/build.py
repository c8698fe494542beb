"""``make book``: build the site incrementally, and publish it only when it built cleanly.

* **Nothing changed** (the same content in every file the build reads, the same environment and benchmark
  report as the last published build): nothing runs, ``_build/html`` is already up to date.
* **Checked first**: the content files (``python -m coursekit.content``), whose errors name file and line.
* **Something changed**: Jupyter Book (Sphinx) builds into ``_build/.work/``, keeping its saved environment
  there, so only the pages whose source or dependencies changed are read again, and only notebooks whose
  code or dependencies changed are executed (see :mod:`coursebuild.sphinxext`).
* **Published only if clean**: the build is strict (warnings are errors). If it succeeds, ``_build/.work/html``
  is copied to ``_build/html`` and swapped in at once; if it fails, ``_build/html`` keeps the last good site and
  the message says so (and when it was built). The pages that warned are read again next time, so a warning
  cannot disappear just because its page was not re-read.

``python -m coursebuild.build [--all]``: ``--all`` forgets the saved environment (every page read again;
the execution cache still applies). The log is written to ``_build/build.log``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Folders that hold no input of the book (or that are outputs, caches and tools).
SKIP_DIRS = {"_build", "node_modules", "__pycache__", "tests", "benchmarks"}
#: (what, module with main(argv) -> exit code): run before the build whenever an input changed.
PRE_CHECKS = [("content files", "coursekit.content")]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
WARNING_LINE = re.compile(r"^(?P<where>.*?): (?:WARNING|ERROR|CRITICAL|SEVERE)\b")


class Paths:
    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.build = self.root / "_build"
        self.work = self.build / ".work"
        self.work_html = self.work / "html"
        self.doctrees = self.work / ".doctrees"
        self.site = self.build / "html"
        self.state = self.work / "state.json"
        self.running = self.work / "build-in-progress"
        self.log = self.build / "build.log"


# ---------------------------------------------------------------------------------------------------------------
# Has anything changed?
# ---------------------------------------------------------------------------------------------------------------


def input_files(root: Path) -> list[Path]:
    """Every file the build may read: the repository minus outputs, caches, tests and benchmarks."""
    files = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith(".") and not d.endswith(".egg-info"))
        files += [Path(folder) / n for n in sorted(names) if not n.endswith((".pyc", ".tmp"))]
    return files


def fingerprint(root: Path) -> str:
    """A hash of everything that decides what the build produces."""
    root = Path(root)
    h = hashlib.sha256()
    for path in input_files(root):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        try:
            h.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            h.update(b"unreadable")
    # The environment: installed packages (make refreshes these stamps when it reinstalls), the JavaScript
    # libraries, the Python running the build, and the benchmark report the "Build status" page shows.
    for stamp in (Path(sys.prefix) / ".installed", root / "node_modules" / ".installed"):
        h.update(f"{stamp}:{stamp.stat().st_mtime_ns if stamp.exists() else 'missing'}\0".encode())
    h.update(f"{sys.version}\0{sys.prefix}\0{os.environ.get('COURSEKIT_STATIC')}\0".encode())
    report = root / "_build" / "bench" / "report.json"
    h.update(hashlib.sha256(report.read_bytes()).digest() if report.exists() else b"no report")
    return h.hexdigest()


def build_code_digest() -> str:
    """A hash of the build code that renders the pages (this package), wherever it is imported from."""
    h = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


# ---------------------------------------------------------------------------------------------------------------
# Running Sphinx (through Jupyter Book 1), with its output kept
# ---------------------------------------------------------------------------------------------------------------


class Tee:
    """A text stream that writes to the terminal and remembers what was written."""

    def __init__(self, stream):
        self.stream = stream
        self.parts: list[str] = []

    def write(self, text):
        self.parts.append(text)
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()

    def isatty(self):
        return self.stream.isatty()

    def __getattr__(self, name):
        return getattr(self.stream, name)

    @property
    def text(self) -> str:
        return ANSI.sub("", "".join(self.parts))


def run_sphinx(paths: Paths, fresh: bool, jobs: int) -> tuple[int | BaseException, str, str]:
    from jupyter_book.sphinx import build_sphinx

    out, err = Tee(sys.stdout), Tee(sys.stderr)
    sys.stdout, sys.stderr = out, err
    try:
        result = build_sphinx(
            paths.root,
            paths.work_html,
            use_external_toc=True,
            noconfig=True,
            path_config=str(paths.root / "_config.yml"),
            # What `jupyter-book build . --builder html -n` passes to Sphinx:
            confoverrides={"external_toc_path": (paths.root / "_toc.yml").as_posix(), "latex_individualpages": False,
                           "nitpicky": True},
            builder="html",
            warningiserror=True,
            keep_going=True,
            freshenv=fresh,
            jobs=jobs,
        )
    finally:
        sys.stdout, sys.stderr = out.stream, err.stream
    return result, out.text, err.text


def warned_docs(paths: Paths, warnings: str) -> tuple[set[str], bool]:
    """The pages named in warning lines, and whether some warning named no page."""
    docs, unattributed = set(), False
    for line in warnings.splitlines():
        match = WARNING_LINE.match(line)
        if not match:
            continue
        where = match.group("where").split(":")[0].strip()
        path = Path(where) if Path(where).is_absolute() else paths.root / where
        if path.suffix in (".md", ".ipynb", ".rst") and path.is_relative_to(paths.root):
            docs.add(path.relative_to(paths.root).with_suffix("").as_posix())
        else:
            unattributed = True
    return docs, unattributed


# ---------------------------------------------------------------------------------------------------------------
# Publishing
# ---------------------------------------------------------------------------------------------------------------


def publish(paths: Paths) -> None:
    """Replace _build/html by a copy of the work folder's site in one rename (readers never see half a site)."""
    fresh = paths.build / "html.new"
    old = paths.build / "html.old"
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(paths.work_html, fresh, ignore=shutil.ignore_patterns(".doctrees"))
    if paths.site.exists():
        paths.site.rename(old)
    fresh.rename(paths.site)
    shutil.rmtree(old, ignore_errors=True)


def commit(root: Path) -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def build(root: Path = ROOT, *, fresh: bool = False, jobs: int = 1) -> int:
    paths = Paths(root)
    os.chdir(paths.root)  # the execution cache path in _config.yml is relative to the book
    os.environ["COURSEKIT_STATIC"] = "1"  # notebooks show their kernel-free views in the book
    start = time.perf_counter()
    current = fingerprint(paths.root)
    state = _read_json(paths.state)
    if not fresh and state.get("fingerprint") == current and (paths.site / "index.html").is_file():
        print(f"make: nothing changed since the last build ({state.get('built', '?')}); _build/html is up to date.")
        return 0

    # Checks that name the file and line of a problem, before Sphinx buries it in a traceback.
    for name, module in PRE_CHECKS:
        if importlib.util.find_spec(module) is None:
            continue
        code = importlib.import_module(module).main([])
        if code:
            print(f"make: the {name} have problems (above); the book was not built. "
                  + ("_build/html still holds the last good site." if (paths.site / "index.html").is_file() else ""),
                  file=sys.stderr)
            return code

    paths.work.mkdir(parents=True, exist_ok=True)
    code = build_code_digest()
    if state and state.get("build_code") != code and not fresh:
        # Sphinx does not notice when its extensions change (how charts, items or the report are rendered).
        print("make: the build code (coursebuild/) changed: every page is read again; notebooks are executed "
              "only if their dependencies changed")
        fresh = True
    if paths.running.exists():  # the last build was killed: what Sphinx saved may not match what it wrote
        print("make: the last build was interrupted; every page is read again (the execution cache still applies)")
        fresh = True
    paths.running.write_text(datetime.now(UTC).isoformat(timespec="seconds"), encoding="utf-8")

    result, out, err = run_sphinx(paths, fresh, jobs)
    paths.log.parent.mkdir(parents=True, exist_ok=True)
    paths.log.write_text(out + err, encoding="utf-8")
    reread = paths.doctrees / "coursebuild-reread.json"
    seconds = time.perf_counter() - start

    if result == 0:
        publish(paths)
        reread.unlink(missing_ok=True)
        paths.state.write_text(json.dumps({"fingerprint": current, "build_code": code, "commit": commit(paths.root),
                                           "built": datetime.now().strftime("%Y-%m-%d %H:%M"),
                                           "seconds": round(seconds, 1)}, indent=1), encoding="utf-8")
        paths.running.unlink(missing_ok=True)
        print(f"The course site is built ({seconds:.0f} s). Open _build/html/index.html, or run 'make serve'.")
        return 0

    # Failed. Make sure the next build reports the same problems until they are fixed.
    docs, unattributed = warned_docs(paths, err + out)
    if isinstance(result, BaseException) or unattributed:
        # An exception may have stopped Sphinx after it saved its environment but before it wrote every page;
        # a warning without a page cannot be tied to one: read everything again next time.
        (paths.doctrees / "environment.pickle").unlink(missing_ok=True)
    else:
        earlier = set(_read_json(reread).get("docnames", []))
        reread.parent.mkdir(parents=True, exist_ok=True)
        reread.write_text(json.dumps({"docnames": sorted(docs | earlier)}, indent=1), encoding="utf-8")
    paths.running.unlink(missing_ok=True)
    if (paths.site / "index.html").is_file():
        kept = f"_build/html still holds the last good site, built {state.get('built', '?')} from commit {state.get('commit', '?')}"
    else:
        kept = "no site was published (there is no earlier good build)"
    why = f"{type(result).__name__}: {result}" if isinstance(result, BaseException) else "warnings are errors (-W)"
    pages = f" in {', '.join(sorted(docs))}" if docs else ""
    print(f"make: the book did not build ({why}{pages}; see the messages above, or _build/build.log). {kept}.",
          file=sys.stderr)
    return 1 if not isinstance(result, int) or result == 0 else result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--all", action="store_true", help="read every page again (the execution cache still applies)")
    parser.add_argument("--jobs", "-j", type=int, default=int(os.environ.get("BOOK_JOBS", "2")),
                        help="processes reading (and executing) pages in parallel (default 2, or $BOOK_JOBS)")
    parser.add_argument("root", nargs="?", default=str(ROOT), help="the course folder (default: this checkout)")
    args = parser.parse_args(argv)
    return build(Path(args.root), fresh=args.all, jobs=max(1, args.jobs))


if __name__ == "__main__":
    sys.exit(main())

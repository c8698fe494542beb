"""What each notebook's outputs depend on, derived from the source without running anything.

A notebook's outputs change when its own code changes (the execution cache sees that) or when something
it reads changes. This module lists the second kind, per notebook:

* the **chapter modules** it imports (``from coursekit.chapters import ch1``), and the chapter modules those
  import in turn (``from .ch3 import ...``, ``from . import ch4``); an exercise id such as ``"ch3-before-after"``
  in a ``check()`` call counts as a use of ``ch3``, since checking imports that chapter;
* the **datasets** named in any of that code: a string equal to a dataset's name (``load("timeline")``,
  ``SHAPES = "black_sea_countries"``) or to its file's name; a dataset is its CSV/GeoJSON file plus its
  descriptor in ``data/datapackage.json``;
* the **content files** ``notebooks/NN_slug.yml``: the notebook's own, and those of the chapters it uses;
* the **shared core**: every other file of ``coursekit/`` (``coursekit/__init__.py``, ``data.py``, ``charts.py``,
  ``chapters/__init__.py`` ...), ``requirements.txt`` and ``pyproject.toml``. A change there affects every notebook.
  ``coursekit/static/`` (the site's stylesheet and script) is not read by notebooks and is left out.

Code that imports chapters dynamically (``load_all()``, ``registry()``, ``import_module(name)``) depends on
every chapter. ``tests/test_execution.py`` runs each notebook with ``COURSEKIT_RECORD_READS`` set and checks
that every dataset and chapter module actually used is in the list derived here.

``python -m coursebuild.deps`` prints each notebook's dependencies.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE_EXTRA = ("requirements.txt", "pyproject.toml")  # the environment the notebooks run in
CHAPTERS_PACKAGE = "coursekit.chapters"
_CHAPTER = re.compile(r"ch\d+")
_EXERCISE_ID = re.compile(r"(ch\d+)[-:][\w:-]+")  # an item ("ch3-before-after") or a section ("ch3:quiz")
_DYNAMIC_IMPORTS = {"load_all", "registry"}  # coursekit helpers that import every chapter
_CODE_CELL = re.compile(r"^(`{3,})\{code-cell\}[^\n]*\n(.*?)^\1\s*$", re.M | re.S)


@dataclass(frozen=True)
class Refs:
    """What one piece of code names."""

    chapters: frozenset[str] = frozenset()
    datasets: frozenset[str] = frozenset()
    all_chapters: bool = False


@dataclass(frozen=True)
class Deps:
    """Everything a notebook's outputs depend on besides its own source."""

    notebook: Path
    chapters: tuple[str, ...]
    datasets: tuple[str, ...]
    content: tuple[Path, ...]  # content files that exist now
    core: tuple[Path, ...]
    digest: str = field(compare=False)
    parts: dict = field(compare=False, default_factory=dict)  # label -> content hash of each dependency

    def describe(self, root: Path = ROOT) -> str:
        rel = self.notebook.relative_to(root) if self.notebook.is_relative_to(root) else self.notebook
        parts = [f"{rel}:",
                 f"  chapters: {', '.join(self.chapters) or '-'}",
                 f"  datasets: {', '.join(self.datasets) or '-'}",
                 f"  content:  {', '.join(str(p.relative_to(root)) for p in self.content) or '-'}",
                 f"  core:     {len(self.core)} files of coursekit/ and the environment",
                 f"  digest:   {self.digest[:16]}"]
        return "\n".join(parts)


def is_notebook(path: Path) -> bool:
    """A page the book executes: a .ipynb file, or a MyST markdown notebook (``kernelspec`` in its front matter)."""
    if path.suffix == ".ipynb":
        return True
    if path.suffix != ".md":
        return False
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return False
    end = text.find("\n---", 3)
    return end > 0 and "kernelspec:" in text[:end]


def notebook_code(path: Path) -> list[str]:
    """The source of each code cell of a notebook (.ipynb or MyST markdown)."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    cells = []
    for _fence, body in _CODE_CELL.findall(path.read_text(encoding="utf-8")):
        lines = body.splitlines()
        while lines and lines[0].startswith(":"):  # cell options (:tags: ...)
            lines.pop(0)
        cells.append("\n".join(lines))
    return cells


def _python(source: str) -> str:
    """Cell source as plain Python (IPython magics and shell escapes turned into calls)."""
    if not re.search(r"^\s*[%!]|\?\s*$", source, re.M):
        return source
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return source
    return TransformerManager().transform_cell(source)


class Project:
    """The course source tree, as the dependency scanner sees it. Reads each file at most once."""

    def __init__(self, root: Path = ROOT):
        self.root = Path(root).resolve()
        self.package = self.root / "coursekit"
        self.data = self.root / "data"
        self._bytes: dict[Path, bytes | None] = {}
        self._module_refs: dict[str, Refs] = {}

    # -- the tree -------------------------------------------------------------------------------------------
    def read(self, path: Path) -> bytes | None:
        if path not in self._bytes:
            try:
                self._bytes[path] = path.read_bytes()
            except (FileNotFoundError, IsADirectoryError):
                self._bytes[path] = None
        return self._bytes[path]

    @cached_property
    def chapter_modules(self) -> dict[str, Path]:
        folder = self.package / "chapters"
        return {p.stem: p for p in sorted(folder.glob("ch*.py")) if _CHAPTER.fullmatch(p.stem)}

    @cached_property
    def core(self) -> tuple[Path, ...]:
        chapters = set(self.chapter_modules.values())
        files = [p for p in self.package.rglob("*")
                 if p.is_file() and p not in chapters and not {"__pycache__", "static"} & set(p.relative_to(self.package).parts)]
        files += [self.root / name for name in CORE_EXTRA]
        return tuple(sorted(files))

    @cached_property
    def datapackage(self) -> dict:
        raw = self.read(self.data / "datapackage.json")
        try:
            package = json.loads(raw or b"{}")
            return {res["name"]: res for res in package.get("resources", []) if isinstance(res, dict) and "name" in res}
        except (ValueError, TypeError, KeyError, AttributeError):
            return {}  # a malformed package: every dataset digest includes the raw file (see dataset_bytes)

    @cached_property
    def data_files(self) -> dict[str, str]:
        """File name (``timeline.csv``) -> dataset name."""
        return {Path(str(res.get("path", ""))).name: name for name, res in self.datapackage.items()}

    def content_files(self, number: int) -> list[Path]:
        return sorted((self.root / "notebooks").glob(f"{number:02d}_*.yml"))

    # -- scanning code -------------------------------------------------------------------------------------
    def scan(self, source: str, package: str | None = None) -> Refs:
        """The chapters and datasets named in ``source`` (``package``: the module's package, for relative imports)."""
        chapters, datasets, everything = set(), set(), False
        try:
            tree = ast.parse(_python(source))
        except SyntaxError:
            return self._scan_text(source)

        def chapter_module(module: str | None) -> str | None:
            if module and module.startswith(CHAPTERS_PACKAGE + "."):
                name = module[len(CHAPTERS_PACKAGE) + 1:].split(".")[0]
                return name if name in self.chapter_modules else None
            return None

        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if (name := chapter_module(alias.name)):
                        chapters.add(name)
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level:
                    base = (package or "").split(".")
                    base = base[: len(base) - node.level + 1]
                    module = ".".join([*base, module] if module else base)
                if (name := chapter_module(module)):
                    chapters.add(name)
                elif module == CHAPTERS_PACKAGE:
                    chapters.update(a.name for a in node.names if a.name in self.chapter_modules)
                    everything |= any(a.name == "*" for a in node.names)
            elif isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if called in _DYNAMIC_IMPORTS:
                    everything = True
                elif called == "import_module" and not (node.args and isinstance(node.args[0], ast.Constant)):
                    everything = True
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                self._name_refs(node.value, chapters, datasets)
        return Refs(frozenset(chapters), frozenset(datasets), everything)

    def _name_refs(self, text: str, chapters: set, datasets: set) -> None:
        text = text.strip()
        if text in self.datapackage:
            datasets.add(text)
        elif Path(text).name in self.data_files:
            datasets.add(self.data_files[Path(text).name])
        elif text.startswith(CHAPTERS_PACKAGE + "."):
            name = text[len(CHAPTERS_PACKAGE) + 1:].split(".")[0]
            if name in self.chapter_modules:
                chapters.add(name)
        elif (match := _EXERCISE_ID.fullmatch(text)) and match.group(1) in self.chapter_modules:
            chapters.add(match.group(1))
        elif text in self.chapter_modules:  # a chapter named outright: about("ch1"), minutes("ch1")
            chapters.add(text)

    def _scan_text(self, source: str) -> Refs:
        """Fallback for code that does not parse: every quoted string and every ``chN`` word counts."""
        chapters, datasets = set(), set()
        for quoted in re.findall(r"""["']([^"'\n]+)["']""", source):
            self._name_refs(quoted, chapters, datasets)
        chapters.update(w for w in re.findall(r"\bch\d+\b", source) if w in self.chapter_modules)
        return Refs(frozenset(chapters), frozenset(datasets), "load_all" in source or "registry" in source)

    def module_refs(self, chapter: str) -> Refs:
        if chapter not in self._module_refs:
            raw = self.read(self.chapter_modules[chapter]) or b""
            self._module_refs[chapter] = self.scan(raw.decode("utf-8", "replace"), package=CHAPTERS_PACKAGE)
        return self._module_refs[chapter]

    # -- a notebook's dependencies ---------------------------------------------------------------------------
    def deps(self, notebook: Path) -> Deps:
        """The dependencies of an executed page (a notebook, or a MyST markdown notebook)."""
        notebook = Path(notebook).resolve()
        refs = [self.scan(code) for code in notebook_code(notebook)]
        content = {notebook.with_suffix(".yml")} if notebook.parent.name == "notebooks" else set()
        return self._closure(notebook, Refs(frozenset().union(*(r.chapters for r in refs)),
                                            frozenset().union(*(r.datasets for r in refs)),
                                            any(r.all_chapters for r in refs)), content)

    def chapter_deps(self, chapter: str) -> Deps:
        """What a chapter's module computes from: its facts, items and study time depend on these."""
        return self._closure(self.chapter_modules[chapter], Refs(frozenset({chapter})), set())

    def _closure(self, origin: Path, refs: Refs, content: set[Path]) -> Deps:
        datasets = set(refs.datasets)
        todo = list(self.chapter_modules) if refs.all_chapters else sorted(refs.chapters)
        seen: set[str] = set()
        while todo:  # the chapters those chapters import, transitively
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            sub = self.module_refs(name)
            datasets |= sub.datasets
            todo += list(self.chapter_modules) if sub.all_chapters else sorted(sub.chapters - seen)
        content = set(content)
        for name in seen:
            content.update(self.content_files(int(name[2:])))
        chapters_used = tuple(sorted(seen, key=lambda n: int(n[2:])))
        parts = self.parts(chapters_used, sorted(datasets), sorted(content))
        digest = hashlib.sha256("".join(f"{k}={v}\n" for k, v in sorted(parts.items())).encode()).hexdigest()
        return Deps(origin, chapters_used, tuple(sorted(datasets)), tuple(sorted(p for p in content if p.exists())),
                    self.core, digest, parts)

    def dataset_bytes(self, name: str) -> bytes:
        res = self.datapackage.get(name)
        if res is None:  # the package no longer describes it (or does not parse): the raw package decides
            return b"no descriptor\0" + (self.read(self.data / "datapackage.json") or b"")
        data = self.read(self.data / str(res.get("path", "")))
        return json.dumps(res, sort_keys=True).encode() + b"\0" + (data if data is not None else b"missing")

    def parts(self, chapters, datasets, content) -> dict[str, str]:
        """A content hash per dependency, labelled with the file (``data/timeline.csv``) or what it is."""

        def sha(payload: bytes | None) -> str:
            return "missing" if payload is None else hashlib.sha256(payload).hexdigest()[:20]

        out = {self.label(path): sha(self.read(path)) for path in self.core}
        out.update({self.label(self.chapter_modules[name]): sha(self.read(self.chapter_modules[name]))
                    for name in chapters})
        for name in datasets:
            res = self.datapackage.get(name, {})
            out[f"data/{res.get('path', name)} ({name})"] = sha(self.dataset_bytes(name))
        # A missing content file counts too ("missing"): creating one changes the digest.
        out.update({self.label(path): sha(self.read(path)) for path in content})
        return out

    def label(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else str(path)


def changed_parts(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """The dependencies whose hash differs (added, removed or changed), for messages."""
    return sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))


def main(argv: list[str]) -> int:
    from .discover import executed_pages

    project = Project(ROOT)
    for path in executed_pages(ROOT):
        print(project.deps(path).describe(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

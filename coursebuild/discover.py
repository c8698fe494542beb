"""The course's pages, notebooks and explorers, found one way for the tests and the benchmarks.

* :func:`toc_files`: every page of ``_toc.yml``, in order (no suffix);
* :func:`chapter_notebooks`: ``notebooks/NN_*.ipynb``;
* :func:`executed_pages`: the pages the book executes (chapter notebooks and MyST notebooks such as the timeline);
* :func:`explorer_cases`: every explorer of every chapter, read from the notebooks' cells tagged ``explorer``,
  whatever the function that makes it is called (``ch3.funding_explorer()``, ``ch5.membership_explorer()`` ...).
  :meth:`ExplorerCase.make` runs the cell's code and returns the explorer it displays.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXPLORER_TAG = "explorer"


def toc_files(root: Path = ROOT) -> list[str]:
    """Every page listed in _toc.yml, in order (without suffix)."""
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    out: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if key in node:
                    out.append(node[key])
            for value in node.values():
                if isinstance(value, (list, dict)):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return out


def chapter_notebooks(root: Path = ROOT) -> list[Path]:
    return sorted((Path(root) / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def page_path(root: Path, page: str) -> Path | None:
    for suffix in (".ipynb", ".md"):
        path = Path(root) / f"{page}{suffix}"
        if path.exists():
            return path
    return None


def executed_pages(root: Path = ROOT) -> list[Path]:
    """The pages of the book that run code when it is built, in table-of-contents order."""
    from .deps import is_notebook

    paths = [page_path(root, page) for page in toc_files(root)]
    return [p for p in paths if p is not None and is_notebook(p)]


def tagged_cells(path: Path, tag: str) -> list[tuple[int, dict]]:
    """(index, cell) of the code cells of an .ipynb notebook that carry ``tag``."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    return [(i, c) for i, c in enumerate(nb["cells"])
            if c.get("cell_type") == "code" and tag in c.get("metadata", {}).get("tags", [])]


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


@dataclass(frozen=True)
class ExplorerCase:
    """One explorer: the notebook cell that displays it."""

    notebook: Path
    cell_index: int
    source: str

    @property
    def call(self) -> str:
        """The expression the cell displays, e.g. ``ch3.funding_explorer()``."""
        body = ast.parse(self.source).body
        return ast.unparse(body[-1].value) if body and isinstance(body[-1], ast.Expr) else f"cell {self.cell_index}"

    @property
    def id(self) -> str:
        return f"{self.notebook.stem}:{self.call}"

    def make(self):
        """Run the cell's code here (imports, then the displayed expression) and return what it displays."""
        tree = ast.parse(self.source)
        if not tree.body or not isinstance(tree.body[-1], ast.Expr):
            raise ValueError(f"{self.notebook.name}, cell {self.cell_index}: an explorer cell ends with the "
                             "expression that displays the explorer")
        namespace: dict = {}
        setup = ast.Module(body=tree.body[:-1], type_ignores=[])
        exec(compile(setup, f"{self.notebook.name}[{self.cell_index}]", "exec"), namespace)  # noqa: S102
        value = ast.Expression(body=tree.body[-1].value)
        return eval(compile(value, f"{self.notebook.name}[{self.cell_index}]", "eval"), namespace)  # noqa: S307


def explorer_cases(root: Path = ROOT) -> list[ExplorerCase]:
    return [ExplorerCase(path, index, _source(cell))
            for path in chapter_notebooks(root) for index, cell in tagged_cells(path, EXPLORER_TAG)]

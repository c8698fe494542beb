"""A small Jupyter Book built with the course's launch settings, to test the links the theme generates.

It has the three kinds of page the course has: a notebook chapter (``notebooks/01_russian_threat.ipynb``,
a stub with the real chapter's name), a Markdown page that executes code (a MyST text notebook, like the
timeline) and a plain Markdown page. Building it takes a few seconds; nothing is executed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

from conftest import ROOT

CHAPTER = "notebooks/01_russian_threat"
TEXT_NOTEBOOK = "timeline"
PLAIN = "intro"


def build(folder: Path, launch_buttons: dict, repository: dict | None = None) -> subprocess.CompletedProcess:
    """Write and build the book in ``folder``; the HTML lands in ``folder/_build/html``."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    book = {
        "title": "Launch test",
        "only_build_toc_files": True,
        "execute": {"execute_notebooks": "off"},
        "repository": repository if repository is not None else config["repository"],
        "html": {"use_repository_button": False},
        "launch_buttons": launch_buttons,
        "sphinx": {"local_extensions": {"teaching_kit": str(ROOT / "tools")}},
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_config.yml").write_text(yaml.safe_dump(book), encoding="utf-8")
    (folder / "_toc.yml").write_text(yaml.safe_dump({
        "format": "jb-book", "root": PLAIN, "chapters": [{"file": CHAPTER}, {"file": TEXT_NOTEBOOK}]}), encoding="utf-8")
    (folder / f"{PLAIN}.md").write_text("# Introduction\n\nA plain page.\n", encoding="utf-8")
    (folder / f"{TEXT_NOTEBOOK}.md").write_text(
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n"
        "# Timeline\n\nA page whose source is Markdown with code cells.\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Chapter 1. A stub\n\nText.")])
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    (folder / "notebooks").mkdir(exist_ok=True)
    nbformat.write(nb, folder / f"{CHAPTER}.ipynb")
    return subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(folder), "--builder", "html"],
                          capture_output=True, text=True, timeout=300, cwd=folder)

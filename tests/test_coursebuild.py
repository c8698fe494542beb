"""The build side (coursebuild/): dependencies derived from the source, incremental builds that publish only a
clean site, and a student edition without build code."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import nbformat
import pytest

from coursebuild.deps import Project, is_notebook

from conftest import ROOT

# -- dependencies ------------------------------------------------------------------------------------------------


def notebook(path: Path, *cells: str, markdown: str = "Some prose.") -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(markdown)]
                                  + [nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def course(tmp_path):
    """A small course: three chapter modules, four datasets, four notebooks."""
    write(tmp_path / "coursekit" / "__init__.py", "from .data import load\n")
    write(tmp_path / "coursekit" / "data.py", "def load(name): ...\n")
    write(tmp_path / "coursekit" / "static" / "site.css", "body {}\n")
    write(tmp_path / "coursekit" / "chapters" / "__init__.py", "")
    write(tmp_path / "coursekit" / "chapters" / "ch1.py", "from ..data import load\n\ndef f():\n    return load('alpha')\n")
    write(tmp_path / "coursekit" / "chapters" / "ch2.py",
          "from .ch1 import f\nfrom ..data import load\nSHAPES = 'gamma'\n")
    write(tmp_path / "coursekit" / "chapters" / "ch3.py", "from . import load_all\n\ndef g():\n    load_all()\n")
    resources = [{"name": n, "path": p, "schema": {"fields": []}}
                 for n, p in [("alpha", "alpha.csv"), ("beta", "beta.csv"), ("gamma", "gamma.geojson"),
                              ("delta", "delta.csv")]]
    write(tmp_path / "data" / "datapackage.json", json.dumps({"resources": resources}))
    for name in ("alpha.csv", "beta.csv", "gamma.geojson", "delta.csv"):
        write(tmp_path / "data" / name, "x\n1\n")
    write(tmp_path / "requirements.txt", "pandas==2\n")
    write(tmp_path / "pyproject.toml", "[project]\nname = 'c'\n")
    nbs = tmp_path / "notebooks"
    notebook(nbs / "01_one.ipynb", "%matplotlib inline\nfrom coursekit.chapters import ch1\nch1.f()")
    notebook(nbs / "02_two.ipynb", "from coursekit.chapters import ch2\nfrom coursekit import load\nload('beta')")
    notebook(nbs / "03_three.ipynb", "from coursekit import check\ncheck('ch1-some-exercise', 3)")
    notebook(nbs / "04_four.ipynb", "import pandas as pd\npd.read_csv('../data/delta.csv')")
    write(nbs / "01_one.yml", "chapter: ch1\n")
    return tmp_path


def digests(root: Path) -> dict[str, str]:
    project = Project(root)
    return {p.stem: project.deps(p).digest for p in sorted((root / "notebooks").glob("*.ipynb"))}


def test_imports_names_and_item_ids_are_followed(course):
    project = Project(course)
    one = project.deps(course / "notebooks" / "01_one.ipynb")
    assert (one.chapters, one.datasets) == (("ch1",), ("alpha",))
    assert one.content == (course / "notebooks" / "01_one.yml",)
    two = project.deps(course / "notebooks" / "02_two.ipynb")
    assert two.chapters == ("ch1", "ch2")  # ch2 imports ch1
    assert two.datasets == ("alpha", "beta", "gamma")  # through ch1, by name in the notebook, a constant in ch2
    assert two.content == (course / "notebooks" / "01_one.yml",)  # ch1's content file
    three = project.deps(course / "notebooks" / "03_three.ipynb")
    assert three.chapters == ("ch1",)  # checking "ch1-..." imports ch1
    four = project.deps(course / "notebooks" / "04_four.ipynb")
    assert (four.chapters, four.datasets) == ((), ("delta",))  # a data file named by its path


def test_code_that_imports_chapters_dynamically_depends_on_all(course):
    notebook(course / "notebooks" / "05_five.ipynb", "from coursekit.chapters import ch3")
    deps = Project(course).deps(course / "notebooks" / "05_five.ipynb")
    assert deps.chapters == ("ch1", "ch2", "ch3")


def test_a_csv_edit_changes_exactly_its_readers(course):
    before = digests(course)
    write(course / "data" / "alpha.csv", "x\n2\n")
    after = digests(course)
    assert {k for k in before if before[k] != after[k]} == {"01_one", "02_two", "03_three"}


def test_a_descriptor_edit_changes_exactly_its_readers(course):
    before = digests(course)
    package = json.loads((course / "data" / "datapackage.json").read_text())
    package["resources"][3]["title"] = "Delta, retitled"
    write(course / "data" / "datapackage.json", json.dumps(package))
    after = digests(course)
    assert {k for k in before if before[k] != after[k]} == {"04_four"}


def test_chapter_core_content_and_site_files(course):
    before = digests(course)
    write(course / "coursekit" / "chapters" / "ch2.py", "SHAPES = 'gamma'\n")
    changed = digests(course)
    assert {k for k in before if before[k] != changed[k]} == {"02_two"}
    write(course / "notebooks" / "02_two.yml", "chapter: ch2\n")  # a new content file counts
    created = digests(course)
    assert {k for k in changed if changed[k] != created[k]} == {"02_two"}
    write(course / "coursekit" / "static" / "site.css", "body { color: red }\n")  # the site's, not the notebooks'
    assert digests(course) == created
    write(course / "coursekit" / "data.py", "def load(name): return name\n")  # the shared core: everything
    core = digests(course)
    assert all(core[k] != created[k] for k in core)


def test_only_pages_with_a_kernel_are_executed(tmp_path):
    assert is_notebook(write(tmp_path / "a.md", "---\nkernelspec:\n  name: python3\n---\n# A\n"))
    assert not is_notebook(write(tmp_path / "b.md", "# B\n\n```python\nload('alpha')\n```\n"))
    assert is_notebook(notebook(tmp_path / "c.ipynb", "1"))


def test_the_course_notebooks_depend_on_their_chapter():
    project = Project(ROOT)
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        deps = project.deps(path)
        assert f"ch{int(path.name[:2])}" in deps.chapters, f"{path.name}: {deps.chapters}"
        assert deps.datasets, f"{path.name}: no dataset found"


# -- the student edition -------------------------------------------------------------------------------------------


def test_student_edition_ships_no_build_code(tmp_path):
    from coursebuild.student import build

    archive = build(tmp_path)
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        pyproject = zf.read("pyproject.toml").decode()
    assert any(n.startswith("coursekit/") for n in names)
    assert not [n for n in names if n.startswith(("coursebuild/", "benchmarks/", "tools/", "tests/"))]
    config = tomllib.loads(pyproject)
    assert config["tool"]["setuptools"]["packages"] == ["coursekit", "coursekit.chapters"]
    assert "coursebuild" not in pyproject and "entry-points" not in config["project"]


# -- incremental builds of a small book ----------------------------------------------------------------------------

CONFIG = """title: A small book
only_build_toc_files: true
exclude_patterns: [_build, "data/**"]
execute:
  execute_notebooks: cache
  cache: _build/.jupyter_cache
  timeout: 60
sphinx:
  extra_extensions: [coursebuild.sphinxext]
  config:
    nb_execution_raise_on_error: true
"""
TOC = "format: jb-book\nroot: intro\nchapters:\n  - file: notebooks/01_one\n  - file: notebooks/02_two\n"


def build(root: Path) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "coursebuild.build", "--jobs", "1", str(root)], env=env,
                          capture_output=True, text=True, timeout=300)
    return proc.returncode, re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)


def executed(output: str) -> set[str]:
    return {Path(p).stem for p in re.findall(r"(\S+\.ipynb): Executing notebook", output)}


@pytest.mark.slow
def test_incremental_builds_of_a_small_book(tmp_path):
    book = tmp_path / "book"
    write(book / "_config.yml", CONFIG)
    write(book / "_toc.yml", TOC)
    write(book / "intro.md", "# A small book\n\nTwo notebooks.\n")
    (book / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    write(book / "data" / "datapackage.json", json.dumps({"resources": [
        {"name": "alpha", "path": "alpha.csv"}, {"name": "beta", "path": "beta.csv"}]}))
    write(book / "data" / "alpha.csv", "x\n1\n")
    write(book / "data" / "beta.csv", "x\n2\n")
    notebook(book / "notebooks" / "01_one.ipynb", "print(open('../data/alpha.csv').read())", markdown="# One")
    notebook(book / "notebooks" / "02_two.ipynb", "print(open('../data/beta.csv').read())", markdown="# Two")
    site = book / "_build" / "html"

    code, out = build(book)
    assert code == 0, out[-3000:]
    assert executed(out) == {"01_one", "02_two"}
    assert "1" in (site / "notebooks" / "01_one.html").read_text()

    code, out = build(book)
    assert code == 0 and "nothing changed" in out, out[-2000:]

    # One build, two edits: a CSV that only the first notebook reads, and the second notebook's prose.
    write(book / "data" / "alpha.csv", "x\n41\n")
    notebook(book / "notebooks" / "02_two.ipynb", "print(open('../data/beta.csv').read())", markdown="# Two, edited")
    code, out = build(book)
    assert code == 0, out[-3000:]
    assert executed(out) == {"01_one"}, out[-3000:]  # prose only for the second: its cached outputs still hold
    assert "41" in (site / "notebooks" / "01_one.html").read_text()
    assert "Two, edited" in (site / "notebooks" / "02_two.html").read_text()
    assert re.search(r"reading sources\.\.\. \[\s*\d+%\] notebooks/02_two", out), out[-3000:]

    good = (site / "intro.html").read_text()
    write(book / "intro.md", "# A small book\n\nSee {doc}`missing-page`.\n")
    code, out = build(book)
    assert code != 0
    assert "still holds the last good site" in out and "intro" in out, out[-2000:]
    assert (site / "intro.html").read_text() == good, "a failed build changed the published site"
    code, out = build(book)  # nothing changed, but the failure is reported again (the page is read again)
    assert code != 0 and "missing-page" in out, out[-2000:]

    write(book / "intro.md", "# A small book\n\nTwo notebooks, fixed.\n")
    code, out = build(book)
    assert code == 0, out[-3000:]
    assert "fixed" in (site / "intro.html").read_text()


def test_a_cold_execution_cache_is_created_once_before_parallel_reading(tmp_path):
    """Two reading processes that each find no cache database create its tables at once and one fails; the
    build creates it first. Opening it again, from two processes at the same moment, then works."""
    from concurrent.futures import ProcessPoolExecutor

    from coursebuild.sphinxext import ensure_cache

    folder = tmp_path / "cache"
    ensure_cache(folder)
    assert (folder / "global.db").is_file()
    with ProcessPoolExecutor(2) as pool:
        limits = list(pool.map(_cache_limit, [str(folder)] * 4))
    assert len(set(limits)) == 1
    ensure_cache(folder)  # an existing cache is left as it is


def _cache_limit(folder: str) -> int:
    from jupyter_cache import get_cache

    return get_cache(folder).get_cache_limit()


def test_pages_quoting_facts_are_read_again_only_when_their_sources_change(tmp_path):
    from coursebuild.sphinxext import _facts_digest

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "coursekit").mkdir()
    (tmp_path / "notebooks" / "01_x.yml").write_text("a: 1\n")
    (tmp_path / "notebooks" / "01_x.ipynb").write_text("{}")
    (tmp_path / "coursekit" / "ch1.py").write_text("FACTS = {}\n")
    (tmp_path / "README.md").write_text("x\n")
    study = {"ch1": 45}
    before = _facts_digest(tmp_path, study)
    (tmp_path / "README.md").write_text("y\n")
    (tmp_path / "notebooks" / "01_x.ipynb").write_text('{"cells": []}')
    assert _facts_digest(tmp_path, study) == before, \
        "an edit no fact depends on (a notebook whose study time stays 45 minutes) must not re-read the fact pages"
    assert _facts_digest(tmp_path, {"ch1": 50}) != before, "a new study time must re-read the pages quoting it"
    for name in ("notebooks/01_x.yml", "coursekit/ch1.py"):
        path = tmp_path / name
        path.write_text(path.read_text() + "\n")
        assert _facts_digest(tmp_path, study) != before, f"an edit of {name} must re-read the fact pages"
        before = _facts_digest(tmp_path, study)


def test_an_edit_to_the_site_stylesheet_or_script_alone_writes_every_page_again(tmp_path):
    """Sphinx copies static files only when it writes a page, and each page names them with a digest of their
    content: after an edit to coursekit.css or coursekit.js alone, every page is dated back so it is written."""
    from types import SimpleNamespace

    from coursebuild import sphinxext

    app = SimpleNamespace(outdir=str(tmp_path), builder=SimpleNamespace(format="html"))
    page = tmp_path / "notebooks" / "01_one.html"
    page.parent.mkdir()
    page.write_text("<html></html>")
    sphinxext._static_written(app, None)  # the pages were written with the current files
    sphinxext._static_changed(app)
    assert page.stat().st_mtime > 0, "a page was dated back though no stylesheet or script changed"
    (tmp_path / sphinxext._STATIC_STAMP).write_text("the digest before an edit", encoding="utf-8")
    sphinxext._static_changed(app)
    assert page.stat().st_mtime == 0, "after an edit to the course's stylesheets or scripts a page was not rewritten"
    sphinxext._static_written(app, RuntimeError("a failed build"))
    assert (tmp_path / sphinxext._STATIC_STAMP).read_text(encoding="utf-8") == "the digest before an edit", \
        "a failed build recorded the new files as written"

"""Build the student edition: every chapter notebook and content file without solutions.

``python -m coursebuild.student [OUT]`` (``make student``) writes the notebooks and their content
files to ``_build/student/notebooks/`` and a zip to hand out,
``_build/student/course-student-edition.zip``. Every ``solution:`` block of
the content files is removed (questions, hints and checks stay: the answers
are computed by the course package from the data), and so is any cell
tagged ``solution``.

The zip holds the course package ``coursekit/`` and ``data/``, not the build-side
package ``coursebuild/`` (this module, the site's Sphinx extension, the benchmarks'
helpers); its ``pyproject.toml`` is the course's without that package.
"""

from __future__ import annotations

import re
import sys
import tomllib
import zipfile
from pathlib import Path

import nbformat

from coursekit.content import strip_solutions as strip_content_solutions

ROOT = Path(__file__).resolve().parent.parent
REMOVE_TAGS = {"solution"}
BUILD_ONLY = "coursebuild"


def student_pyproject(text: str) -> str:
    """The course's ``pyproject.toml`` without the build-side package: not listed, no MyST-NB plugin."""
    out, skip = [], False
    for line in text.splitlines():
        header = re.match(r"\s*\[([^\]]+)\]\s*$", line)
        if header:
            skip = "myst_nb" in header.group(1)  # the table registering the site's chart renderer
        if skip or (line.lstrip().startswith("#") and BUILD_ONLY in line):
            continue
        out.append(re.sub(rf',\s*"{BUILD_ONLY}[\w.]*"', "", line))
    result = "\n".join(out).rstrip() + "\n"
    tomllib.loads(result)  # still valid TOML
    if BUILD_ONLY in result:
        raise ValueError(f"pyproject.toml: could not remove every mention of {BUILD_ONLY} for the student edition")
    return result


def strip_solutions(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(nb)
    nb.cells = [c for c in nb.cells if not REMOVE_TAGS & set(c.get("metadata", {}).get("tags", []))]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("widgets", None)
    return nb


def build(out: Path | None = None, notebooks: Path | None = None) -> Path:
    out = Path(out or ROOT / "_build" / "student")
    notebooks = Path(notebooks or ROOT / "notebooks")
    target = out / "notebooks"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(notebooks.glob("[0-9][0-9]_*.ipynb")):
        nb = strip_solutions(nbformat.read(path, as_version=4))
        nbformat.validate(nb)
        dest = target / path.name
        nbformat.write(nb, dest)
        written.append(dest)
        items = path.with_suffix(".yml")
        if items.exists():
            stripped = target / items.name
            stripped.write_text(strip_content_solutions(items.read_text(encoding="utf-8")), encoding="utf-8")
            written.append(stripped)
    if not written:
        raise SystemExit(f"no chapter notebooks found in {notebooks}")
    archive = out / "course-student-edition.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for dest in written:
            zf.write(dest, f"notebooks/{dest.name}")
        for extra in ["README.md", "requirements.txt", "package.json"]:
            if (ROOT / extra).exists():
                zf.write(ROOT / extra, extra)
        zf.writestr("pyproject.toml", student_pyproject((ROOT / "pyproject.toml").read_text(encoding="utf-8")))
        for folder in ["coursekit", "data"]:
            for file in sorted((ROOT / folder).rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts:
                    zf.write(file, file.relative_to(ROOT).as_posix())
    return archive


if __name__ == "__main__":
    archive = build(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(f"Student edition written: {archive.parent / 'notebooks'} and {archive}")

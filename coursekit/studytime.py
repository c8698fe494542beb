"""How long a chapter takes to study, computed from its length and its items.

One figure everywhere: the chapter's header (``about()``), the course map and
the teaching guide (as ``{{ study_ch1 }}`` substitutions set by the book's
extension) and the term plan all call :func:`minutes`.

Reading runs at 200 words a minute over the chapter's prose (markdown cells)
and its items' text; practice adds a fixed time per item by kind.
"""

from __future__ import annotations

import re
from pathlib import Path

WORDS_PER_MINUTE = 200
#: Minutes of practice per item, by section; open answers take longer wherever they are.
ITEM_MINUTES = {"exercises": 4, "quiz": 1, "review": 1, "pretest": 1, "posttest": 1}
OPEN_MINUTES = 8

__all__ = ["WORDS_PER_MINUTE", "about", "minutes", "notebook_path", "prose_words"]


def notebook_path(chapter: str) -> Path:
    """The notebook of ``chapter``: ``"ch1"`` or ``"01"``."""
    from .content import notebooks_dir

    number = int(chapter[2:] if chapter.startswith("ch") else chapter)
    found = sorted(notebooks_dir().glob(f"{number:02d}_*.ipynb"))
    if not found:
        raise FileNotFoundError(f"no notebook for chapter {chapter!r} in {notebooks_dir()}")
    return found[0]


def _words(text: str) -> int:
    text = re.sub(r"^\s*:::.*$|^\s*:\w+:.*$|^```.*$|^\(\S+\)=\s*$", " ", text, flags=re.M)
    text = re.sub(r"\{[a-z:]+\}`([^`]*)`", r"\1", text)
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"^\s*\|?\s*-{3,}.*$", " ", text, flags=re.M)
    return len(re.findall(r"[A-Za-zÀ-ž0-9][A-Za-zÀ-ž0-9’'\-]*", text))


def prose_words(nb) -> int:
    """Words of prose in a notebook's markdown cells (directives, links and table rules left out)."""
    return sum(_words(c.source) for c in nb.cells if c.cell_type == "markdown")


def minutes(chapter: str) -> dict:
    """``{"reading", "practice", "total"}`` minutes for ``chapter`` (``"ch1"`` or ``"01"``); total rounds up to 5."""
    import nbformat

    from . import content

    chapter_id = chapter if chapter.startswith("ch") else f"ch{int(chapter)}"
    nb = nbformat.read(notebook_path(chapter_id), as_version=4)
    words = prose_words(nb)
    practice = 0.0
    found = chapter_id in content.chapters()  # tests/test_content.py requires every chapter to have one
    for it in content.load_chapter(chapter_id).items.values() if found else []:
        words += sum(_words(content.fill(t, chapter_id)) for _, t in content.texts(it.raw))
        practice += OPEN_MINUTES if it.kind == "open" else ITEM_MINUTES[it.section]
    reading = round(words / WORDS_PER_MINUTE)
    total = -(-(reading + round(practice)) // 5) * 5
    return {"reading": reading, "practice": total - reading, "total": total}


def about(chapter: str):
    """The chapter's header line: how current its evidence is and how long it takes."""
    import datetime as dt
    import html

    from .content import load_chapter
    from .grader import label

    m = minutes(chapter)
    date = dt.date.fromisoformat(load_chapter(chapter).evidence_as_of)
    text = label("about_chapter", date=f"{date.day} {date:%B %Y}", total=m["total"], reading=m["reading"],
                 practice=m["practice"])

    class _About:
        def _repr_html_(self):
            return f'<p class="ck-about">{html.escape(text)}</p>'

        def __repr__(self):
            return text

    return _About()

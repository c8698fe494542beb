"""Sphinx/MyST-NB glue: a self-contained, light site, rebuilt incrementally.

* ``VegaLiteRenderer`` (a MyST-NB mime renderer plugin, registered in
  ``pyproject.toml``) turns ``application/vnd.vegalite.v5+json`` outputs
  into a ``<div class="ck-vega">`` holding the spec as JSON, with layout hints
  (``data-ck-size``) from which the page script reserves the chart's height
  before it is drawn, so nothing below it jumps.
* When a page is written, a spec larger than ``INLINE_SPEC_LIMIT`` moves to
  ``_static/ck-charts/<hash>.json`` and the div names it (``data-src``): the
  page script fetches it when the figure nears the viewport.
* vega and vega-lite are served from ``_static/coursekit-vendor/`` (copies of
  the pinned npm packages, see ``package.json``, never a CDN). A chapter page
  fetches them once its stylesheets have arrived, and the page script runs
  them only when the first chart nears the viewport; pages without charts
  never fetch them.
* After the build, every page is slimmed: the theme's fontawesome.js and, on
  pages other than the search page, the search index scripts (the search box
  submits to the search page, which loads them) are dropped, and the icon
  fonts and their stylesheet rules are cut down to the icons the site shows.
* **Notebook dependencies** (:mod:`coursebuild.deps`): before Sphinx reads
  anything, each executed page's dependencies (chapter modules, datasets,
  content files, the shared core of ``coursekit/``) are hashed. A page whose
  dependencies changed loses its execution-cache record (MyST-NB looks the
  cache up by the notebook's code alone, so it would reuse stale outputs) and
  is re-read (Sphinx only looks at the page's own modification time). Nothing
  else is re-read or re-executed.
* The ``{bench-report}`` directive shows the latest ``make bench`` report
  (``_build/bench/report.json``); its page is re-read when the report changes.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import re
import shutil
from html import escape
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import buildstatus
from .deps import Project, changed_parts, is_notebook

logger = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent.parent / "coursekit" / "static"  # the site's stylesheet and scripts
#: Written by ``coursebuild.build`` after a failed build: pages to read again, whatever their age.
REREAD_FILE = "coursebuild-reread.json"
#: Extensions that do not declare parallel-read safety, checked by hand (see _spread_notebooks).
PARALLEL_READ_VERIFIED = {"sphinx_multitoc_numbering", "sphinx_jupyterbook_latex"}
#: Next to the execution cache: the dependency digest each notebook's cache record was made with.
CACHE_DEPS_FILE = "coursebuild-deps.json"

VEGALITE_MIME = "application/vnd.vegalite.v5+json"

#: npm file -> name under _static/coursekit-vendor/, in the order they run (vega-lite needs vega).
VENDOR = {
    "vega/build/vega.min.js": "vega.min.js",
    "vega-lite/build/vega-lite.min.js": "vega-lite.min.js",
}
#: MathJax (SVG output needs no web fonts); Sphinx loads it only on pages with maths.
MATHJAX = ("mathjax/es5/tex-svg.js", "tex-svg.js")
#: Names the chart libraries for the page script (``CK_VENDOR``, which runs them when a chart nears) and fetches
#: them without running them. At the start of the page's body, this inline script runs only once the stylesheets
#: before it have arrived (the HTML standard holds a script back until they have), so the libraries never compete
#: with what the text needs to be painted, and download while the phone lays it out.
_FETCH_AFTER_STYLES = ('<script>window.CK_VENDOR = {hrefs}; CK_VENDOR.forEach(function (h) {{ '
                       'var l = document.createElement("link"); l.rel = "preload"; l.as = "script"; l.href = h; '
                       'document.head.appendChild(l); }});</script>')
#: Specs longer than this (characters of JSON) are served as files and fetched when needed.
INLINE_SPEC_LIMIT = 12_000
CHART_DIR = "ck-charts"


class VegaLiteRenderer:
    """MyST-NB plugin: render Vega-Lite outputs as self-hosted charts in HTML builds."""

    mime_priority_overrides = [("html", VEGALITE_MIME, 5), ("dirhtml", VEGALITE_MIME, 5)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if inline or data.mime_type != VEGALITE_MIME:
            return None
        spec = data.content if isinstance(data.content, dict) else json.loads(data.content)
        # No markup character survives in the embedded JSON, so data strings can never close the
        # script element or open a comment, whatever they contain.
        from coursekit.charts import clean_spec, layout_hints

        spec = clean_spec(spec)
        text = (json.dumps(spec, sort_keys=True, ensure_ascii=False, allow_nan=False)
                .replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))
        label = spec.get("description") or spec.get("title") or "Chart"
        if isinstance(label, dict):
            label = label.get("text", "Chart")
        hints = escape(json.dumps(layout_hints(spec), separators=(",", ":")))
        markup = (f'<div class="ck-vega" role="figure" aria-label="{escape(str(label))}" data-ck-size="{hints}">'
                  f'<noscript>This chart needs JavaScript; its description and data follow below.</noscript>'
                  f'<script type="application/json" class="ck-spec">{text}</script></div>')
        return [nodes.raw(text=markup, format="html", classes=["output", "vegalite"])]


_SPEC = re.compile(r'(<div class="ck-vega"[^>]*)>(<noscript>.*?</noscript>)'
                   r'<script type="application/json" class="ck-spec">(.*?)</script></div>', re.S)


def _externalise_specs(app, pagename: str, context: dict) -> None:
    """Move large chart specs out of the page into JSON files that the page script fetches when needed."""
    body = context.get("body", "")
    if 'class="ck-spec"' not in body:
        return
    folder = Path(app.outdir) / "_static" / CHART_DIR
    pathto = context["pathto"]

    def move(match):
        start, noscript, text = match.groups()
        if len(text) <= INLINE_SPEC_LIMIT:
            return match.group(0)
        data = text.encode("utf-8")  # the escaped JSON is still JSON (\\u003c for <), and valid as a file
        name = hashlib.sha256(data).hexdigest()[:20] + ".json"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        if not target.exists():
            target.write_bytes(data)
        url = pathto(f"_static/{CHART_DIR}/{name}", 1)
        return f'{start} data-src="{escape(url)}">{noscript}</div>'

    context["body"] = _SPEC.sub(move, body)


def _node_modules(app) -> Path:
    root = Path(app.srcdir)
    for folder in [root, *root.parents]:
        if (folder / "node_modules").is_dir():
            return folder / "node_modules"
    raise ExtensionError("node_modules/ not found next to the book: run `make book` (it runs `npm ci`) "
                         "to fetch the pinned JavaScript the charts need.")


def _copy_vendor(app, exception):
    if exception or app.builder.format != "html":
        return
    modules = _node_modules(app)
    target = Path(app.outdir) / "_static" / "coursekit-vendor"
    target.mkdir(parents=True, exist_ok=True)
    for src, name in [*VENDOR.items(), MATHJAX]:
        path = modules / src
        if not path.exists():
            raise ExtensionError(f"{path} is missing: run `npm ci` to fetch the pinned chart libraries.")
        if not (target / name).exists() or not filecmp.cmp(path, target / name, shallow=False):
            shutil.copyfile(path, target / name)
    # A library the course no longer uses does not linger in an incremental build's output.
    for stale in set(p.name for p in target.iterdir()) - {name for _, name in [*VENDOR.items(), MATHJAX]}:
        (target / stale).unlink()


_FONTAWESOME_JS = re.compile(r'<script[^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*></script>\s*')
#: The theme loads Sphinx's search index on every page for its search-as-you-type option, which the course
#: leaves off: its search box submits to search.html, which loads the index itself.
_SEARCH_JS = re.compile(r'<script[^>]*src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)'
                        r'[^"]*"[^>]*></script>\s*')


def _slim_pages(app, exception):
    """Drop scripts that a page does not need.

    * the theme's fontawesome.js (1.5 MB): the theme's stylesheet already draws the same icons from its
      web fonts; the script only swaps them for inline SVG;
    * the search index and its tools on every page but the search page (see ``_SEARCH_JS``).
    """
    if exception or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        slim = _FONTAWESOME_JS.sub("", text)
        if page != outdir / "search.html":
            slim = _SEARCH_JS.sub("", slim)
        if slim != text:
            page.write_text(slim, encoding="utf-8")


_ICON_CLASS = re.compile(r"\bfa-([a-z0-9-]+)")
_ICON_RULE = re.compile(r"((?:\.fa-[a-z0-9-]+:{1,2}before,?)+)\{content:\"\\([0-9a-f]{4,5})\"\}")
_CSS_ESCAPE = re.compile(r'"\\([ef][0-9a-f]{3})"')
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def _used_icons(outdir: Path) -> set[int]:
    """Code points of every icon the site can show: icon classes in its pages and scripts, and the icons its
    stylesheets draw themselves (admonition titles, the theme's own pseudo-elements)."""
    static = outdir / "_static"
    theme_css = static / "styles" / "pydata-sphinx-theme.css"
    css = theme_css.read_text(encoding="utf-8")
    by_class: dict[str, int] = {}
    for selectors, code in _ICON_RULE.findall(css):
        for name in re.findall(r"\.fa-([a-z0-9-]+)", selectors):
            by_class[name] = int(code, 16)
    codes = {by_class[n] for n in _icon_names(outdir) if n in by_class}
    # Icons the stylesheets use directly, outside the .fa-* rules.
    for path in [*static.rglob("*.css")]:
        text = path.read_text(encoding="utf-8", errors="replace")
        if path == theme_css:
            text = _ICON_RULE.sub("", text)
        codes.update(int(c, 16) for c in _CSS_ESCAPE.findall(text))
        codes.update(ord(c) for c in _PRIVATE_USE.findall(text))
    return codes


def _icon_names(outdir: Path) -> set[str]:
    static = outdir / "_static"
    names: set[str] = set()
    for path in [*outdir.rglob("*.html"), *static.glob("*.js"), *static.glob("scripts/*.js")]:
        if path.name != "fontawesome.js":
            names.update(_ICON_CLASS.findall(path.read_text(encoding="utf-8", errors="replace")))
    return names


def _strip_icon_rules(outdir: Path) -> None:
    """Drop the theme stylesheet's rules for the ~1,800 icons the site never shows (about 20 kB gzip on
    every page)."""
    css_path = outdir / "_static" / "styles" / "pydata-sphinx-theme.css"
    names = _icon_names(outdir)
    css = css_path.read_text(encoding="utf-8")

    def keep(match):
        used = set(re.findall(r"\.fa-([a-z0-9-]+)", match.group(1))) & names
        return match.group(0) if used else ""

    css_path.write_text(_ICON_RULE.sub(keep, css), encoding="utf-8")


def _subset_icon_fonts(app, exception):
    """Cut the theme's icon fonts (275 kB on every page) down to the icons the site shows (a few kB)."""
    if exception or app.builder.format != "html":
        return
    from fontTools import subset

    outdir = Path(app.outdir)
    fonts = sorted([*(outdir / "_static" / "vendor").rglob("fa-*.woff2"), *(outdir / "_static" / "vendor").rglob("fa-*.ttf")])
    if not fonts:
        return
    codes = _used_icons(outdir)
    _strip_icon_rules(outdir)
    for path in fonts:
        options = subset.Options()
        options.flavor = "woff2" if path.suffix == ".woff2" else None
        options.layout_features = ["*"]
        options.notdef_outline = True
        font = subset.load_font(str(path), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codes)
        subsetter.subset(font)
        subset.save_font(font, str(path), options)


def _page_scripts(app, pagename, templatename, context, doctree):
    body = context.get("body", "")
    if 'class="ck-item"' in body:
        # Self-check items: the shared grading rules and words, the grader, and the page behaviour.
        from coursekit.grader import SPEC_PATH

        spec = json.dumps(json.loads(SPEC_PATH.read_text(encoding="utf-8")), ensure_ascii=False)
        app.add_js_file(None, body="window.CK_GRADING = " + spec.replace("<", "\\u003c") + ";")
        app.add_js_file("grader.js", defer="defer")
        app.add_js_file("items.js", defer="defer")
    # The chart libraries are not added here: coursekit.js runs them when the first chart nears the viewport.
    # On a page with charts they are fetched, without being run, as soon as the stylesheets have arrived, so
    # that on a slow connection they download while the phone lays the text out, rather than after it (issue 20:
    # 0.4-0.5 s sooner to the first chart on Fast 3G than waiting for the first paint, with the same first
    # paint). Pages without charts never fetch them.
    if 'class="ck-vega"' in body:
        hrefs = [context["pathto"]("_static/coursekit-vendor/" + name, 1) for name in VENDOR.values()]
        context["body"] = _FETCH_AFTER_STYLES.format(hrefs=json.dumps(hrefs)) + body
    _externalise_specs(app, pagename, context)
    # sphinx-thebe declares THEBE_JS_URL in an inline script that is added twice;
    # the second declaration is a console error on every page. Keep one.
    scripts = context.get("script_files")
    if scripts:
        seen, kept = set(), []
        for script in scripts:
            body_js = getattr(script, "attributes", {}).get("body", "")
            key = body_js if body_js else id(script)
            if body_js and key in seen:
                continue
            seen.add(key)
            # Scripts in the head would stop the page being parsed until they, and every stylesheet before
            # them, have arrived: on a slow connection the text waits for code it does not need to be read.
            # Deferred, they still run in order, before DOMContentLoaded, as they expect.
            attributes = getattr(script, "attributes", None)
            if (attributes is not None and getattr(script, "filename", "") and not body_js
                    and "async" not in attributes and "defer" not in attributes):
                attributes["defer"] = "defer"
            kept.append(script)
        context["script_files"] = kept


class _Facts:
    """A chapter's facts for the book's pages: ``{{ ch1.allies_2pct_2024 }}`` is the fact's value, computed
    from the data at build time, so the teaching kit can never contradict the chapter and the data."""

    def __init__(self, chapter: str):
        self.chapter = chapter

    # Sphinx compares the configuration with the last build's and reads every page again when it differs:
    # two substitutions for the same chapter are the same setting (the values are read when a page is).
    def __eq__(self, other) -> bool:
        return isinstance(other, _Facts) and other.chapter == self.chapter

    def __hash__(self) -> int:
        return hash(("_Facts", self.chapter))

    def __getattr__(self, name: str) -> str:
        from coursekit.content import _show_value, fact

        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return _show_value(fact(self.chapter, name))
        except (KeyError, RuntimeError) as err:
            raise ExtensionError(f"{{{{ {self.chapter}.{name} }}}}: {err.args[0]}") from None


def _substitutions() -> dict:
    """Substitutions every page may use: each chapter's facts and its computed study time."""
    from coursekit.content import chapters
    from coursekit.studytime import minutes

    out: dict = {ch: _Facts(ch) for ch in chapters()}
    from coursekit.content import notebooks_dir

    numbers = sorted(int(p.name[:2]) for p in notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    out["study"] = {f"ch{n}": minutes(f"ch{n}")["total"] for n in numbers}
    return out


_SUBSTITUTION = re.compile(r"\{\{\s*(?:study|ch\d)\.")


def _fact_pages(app, env, added, changed, removed):
    """Pages that quote facts or study times are re-read when what those come from changed, which Sphinx does
    not track for a markdown page: the data, the content files and the chapter modules (facts), and the study
    times themselves (they count a notebook's words, so most prose edits leave them as they are)."""
    digest = _facts_digest(Path(app.srcdir), (app.config.myst_substitutions or {}).get("study", {}))
    if getattr(env, "coursekit_facts_digest", None) == digest:
        return []
    env.coursekit_facts_digest = digest
    pages = []
    for docname in env.found_docs:
        path = Path(env.doc2path(docname))
        if path.suffix == ".md" and path.exists() and _SUBSTITUTION.search(path.read_text(encoding="utf-8")):
            pages.append(docname)
    return pages


def _facts_digest(root: Path, study: dict) -> str:
    """What the facts and study times the pages quote are made from: the data, the content files, the
    chapter modules, and each chapter's study time in minutes."""
    from coursekit.data import fingerprint

    h = hashlib.sha256(fingerprint().encode())
    files = [*sorted((root / "notebooks").glob("*.yml")), *sorted((root / "coursekit").rglob("*.py"))]
    for path in files:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    h.update(json.dumps(study, sort_keys=True).encode())
    return h.hexdigest()


def _config_inited(app, config):
    # Formulas render with the site's own MathJax, never a CDN copy.
    config.mathjax_path = f"coursekit-vendor/{MATHJAX[1]}"
    config.myst_substitutions = {**_substitutions(), **(config.myst_substitutions or {})}


def _add_static(app):
    static = str(STATIC)
    if static not in app.config.html_static_path:
        app.config.html_static_path.append(static)
    app.add_css_file("coursekit.css")
    app.add_css_file("items.css")
    app.add_js_file("coursekit.js", defer="defer")


#: In the HTML output folder: the digest of the course's own stylesheets and scripts the pages were written with.
_STATIC_STAMP = ".coursekit-static"


def _static_digest() -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in STATIC.rglob("*") if p.is_file()):
        h.update(path.relative_to(STATIC).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _static_changed(app):
    """After an edit to the course's stylesheets or scripts alone, every page is written again (not read again):
    each names those files with a digest of their content, and Sphinx copies them only when it writes a page.
    Sphinx writes a page whose output is older than its source, so the outputs are dated back."""
    if app.builder.format != "html":
        return
    stamp = Path(app.outdir) / _STATIC_STAMP
    if stamp.exists() and stamp.read_text(encoding="utf-8") == _static_digest():
        return
    for page in Path(app.outdir).rglob("*.html"):
        os.utime(page, (0, 0))


def _static_written(app, exception):
    if exception is None and app.builder.format == "html":
        (Path(app.outdir) / _STATIC_STAMP).write_text(_static_digest(), encoding="utf-8")


def _register_bib_style():
    """The course's bibliography style: pybtex's alpha style, plus the copy that was read.

    Every entry's ``author`` is its publisher (see data/README.md, "Source policy"), so the
    publisher is printed first. An entry whose figures were read in a copy names it after the
    publisher's address: "Read in a copy: <via> (seen <viadate>)".
    """
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.alpha import Style as Alpha
    from pybtex.style.template import field, href, join, optional, sentence

    class CourseStyle(Alpha):
        default_sorting_style = "author_year_title"

        def format_web_refs(self, e):
            refs = super().format_web_refs(e)
            via = optional[sentence[join["Read in a copy: ", href[field("via", raw=True), field("via", raw=True)],
                                         optional[" (seen ", field("viadate"), ")"]]]]
            return join(sep=" ")[refs, via]

    register_plugin("pybtex.style.formatting", "course", CourseStyle)


# ---------------------------------------------------------------------------------------------------------------
# Incremental execution: re-read and re-execute exactly the notebooks whose dependencies changed
# ---------------------------------------------------------------------------------------------------------------


def _cache_folder(app) -> Path | None:
    """The execution cache MyST-NB uses (relative paths are relative to the working directory, as for MyST-NB)."""
    if app.config.nb_execution_mode != "cache":
        return None
    return Path(os.path.abspath(app.config.nb_execution_cache_path or ".jupyter_cache"))


def ensure_cache(folder: Path) -> None:
    """Create the execution cache's database here, in the main process, before Sphinx reads in parallel.

    Otherwise, on a cold build, the reading processes each find no database and create its tables at the same
    moment, and one of them fails ("table settings already exists").
    """
    if not (folder / "global.db").is_file():
        from jupyter_cache import get_cache

        folder.mkdir(parents=True, exist_ok=True)
        get_cache(str(folder)).get_cache_limit()  # opening it creates the tables


def _drop_cache_records(folder: Path, paths: set[Path]) -> list[int]:
    """Remove the execution-cache records of these notebooks; return the ids removed."""
    if not (folder / "global.db").is_file():
        return []  # no cache yet: never create one just by looking
    from jupyter_cache import get_cache

    cache = get_cache(str(folder))
    removed = []
    for record in cache.list_cache_records():
        if Path(record.uri).resolve() in paths:
            try:
                cache.remove_cache(record.pk)
            except KeyError:  # the executed copy is already gone: drop the record alone
                from jupyter_cache.cache.db import NbCacheRecord

                NbCacheRecord.remove_records([record.pk], cache.db)
            removed.append(record.pk)
    return removed


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _project(app) -> Project:
    """The dependency scanner for this build (files are read once per build)."""
    if getattr(app, "_coursebuild_project", None) is None:
        app._coursebuild_project = Project(Path(app.srcdir))
    return app._coursebuild_project


def _notebook_dependencies(app, env, added, changed, removed):
    """``env-get-outdated``: the pages to re-read because what they depend on changed."""
    project = _project(app)
    current: dict[str, dict] = {}
    for docname in sorted(env.found_docs):
        path = Path(env.doc2path(docname))
        if is_notebook(path):
            deps = project.deps(path)
            current[docname] = {"path": str(path.resolve()), "digest": deps.digest, "parts": deps.parts}
    previous: dict[str, dict] = getattr(env, "coursebuild_deps", {})
    reread = set()
    for docname, now in current.items():
        before = previous.get(docname)
        if docname in added or docname in changed or (before is not None and before["digest"] == now["digest"]):
            continue
        reread.add(docname)
        what = changed_parts(before["parts"], now["parts"]) if before else ["not recorded"]
        logger.info(f"[coursebuild] {docname}: re-read, its dependencies changed: {', '.join(what[:4])}"
                    + (f" and {len(what) - 4} more" if len(what) > 4 else ""))
    env.coursebuild_deps = current

    folder = _cache_folder(app)
    if folder is not None:
        ensure_cache(folder)
    if folder is not None:  # the cache's own record of the digest each notebook's outputs were made with
        made_with = _read_json(folder / CACHE_DEPS_FILE)
        stale = {Path(now["path"]) for now in current.values() if made_with.get(now["path"]) != now["digest"]}
        dropped = _drop_cache_records(folder, stale)
        if dropped:
            logger.info(f"[coursebuild] execution cache: dropped {len(dropped)} record(s) made with other "
                        f"dependencies: {', '.join(sorted(p.name for p in stale))}")
        _write_json(folder / CACHE_DEPS_FILE, {now["path"]: now["digest"] for now in current.values()})

    # Pages that warned in a failed build: read them again, so the warning shows again until it is fixed.
    again = _read_json(Path(app.doctreedir) / REREAD_FILE).get("docnames", [])
    reread.update(d for d in again if d in env.found_docs)
    # Pages showing the benchmark report: read again when the report changed.
    digest = buildstatus.report_digest(Path(app.srcdir))
    reread.update(d for d, seen in getattr(env, "coursebuild_report", {}).items() if seen != digest)
    return sorted(reread)


def _spread_notebooks(app, env, docnames):
    """``env-before-read-docs``: in a parallel build, share the notebooks to execute evenly between the processes.

    Sphinx reads documents in contiguous chunks, one process per chunk; in name order every notebook would fall
    in the same chunk and run one after another.
    """
    if app.parallel <= 1 or len(docnames) <= 5:
        return
    from sphinx.util.parallel import make_chunks

    # Two extensions Jupyter Book loads do not declare whether parallel reading is safe, so Sphinx would warn
    # (an error with -W) and read serially. Both are safe: sphinx-multitoc-numbering only replaces the method that
    # numbers sections, which runs once on the merged environment; sphinx-jupyterbook-latex only adds per-document
    # transforms. Any other extension that is not declared safe makes this build read serially, without a warning.
    for name, ext in app.extensions.items():
        if name in PARALLEL_READ_VERIFIED and ext.parallel_read_safe is None:
            ext.parallel_read_safe = True
        elif not ext.parallel_read_safe:
            logger.info(f"[coursebuild] reading serially: the {name} extension is not declared safe for parallel reading")
            app.parallel = 1
            return
    executed = set(getattr(env, "coursebuild_deps", {}))
    heavy = [d for d in docnames if d in executed]
    light = iter([d for d in docnames if d not in executed])
    slots = make_chunks(list(range(len(docnames))), app.parallel)  # the positions Sphinx gives each process
    order: list[str | None] = [None] * len(docnames)
    turn = 0
    for doc in heavy:  # round robin over the chunks that still have room
        while not slots[turn % len(slots)]:
            turn += 1
        order[slots[turn % len(slots)].pop(0)] = doc
        turn += 1
    docnames[:] = [doc if doc is not None else next(light) for doc in order]


def _purge_doc(app, env, docname):
    getattr(env, "coursebuild_report", {}).pop(docname, None)


def _merge_info(app, env, docnames, other):
    """Parallel reading: bring back what the other process noted about the pages it read."""
    theirs = {d: v for d, v in getattr(other, "coursebuild_report", {}).items() if d in docnames}
    env.coursebuild_report = {**getattr(env, "coursebuild_report", {}), **theirs}


class BenchReport(SphinxDirective):
    """``{bench-report}``: the latest benchmark report, targets met and missed. Never fails the build."""

    def run(self):
        root = Path(self.env.srcdir)
        if not hasattr(self.env, "coursebuild_report"):
            self.env.coursebuild_report = {}
        self.env.coursebuild_report[self.env.docname] = buildstatus.report_digest(root)
        return [nodes.raw("", buildstatus.report_html(root), format="html")]


def setup(app):
    _node_modules(app)  # fail early, with a clear message
    _register_bib_style()
    app.connect("config-inited", _config_inited)
    app.connect("env-get-outdated", _fact_pages)
    app.connect("builder-inited", _add_static)
    app.connect("builder-inited", _static_changed)
    app.connect("build-finished", _static_written)
    app.connect("html-page-context", _page_scripts)
    app.connect("build-finished", _copy_vendor)
    app.connect("build-finished", _slim_pages)
    app.connect("build-finished", _subset_icon_fonts)
    app.connect("env-get-outdated", _notebook_dependencies)
    app.connect("env-before-read-docs", _spread_notebooks)
    app.connect("env-purge-doc", _purge_doc)
    app.connect("env-merge-info", _merge_info)
    app.add_directive("bench-report", BenchReport)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "2", "env_version": 1}

"""Sphinx/MyST-NB glue: a self-contained site, rebuilt incrementally.

* ``VegaLiteRenderer`` (a MyST-NB mime renderer plugin, registered in
  ``pyproject.toml``) turns ``application/vnd.vegalite.v5+json`` outputs
  into a ``<div class="ck-vega">`` holding the spec as JSON.
* On pages that hold such a div, vega, vega-lite and vega-embed are loaded
  from ``_static/coursekit-vendor/``: copies of the pinned npm packages (see
  ``package.json``), fetched at build time, never from a CDN. Pages without
  charts load none of it.
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
import json
import os
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import buildstatus
from .deps import Project, changed_parts, is_notebook

logger = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent.parent / "coursekit" / "static"  # the site's stylesheet and script
#: Written by ``coursebuild.build`` after a failed build: pages to read again, whatever their age.
REREAD_FILE = "coursebuild-reread.json"
#: Extensions that do not declare parallel-read safety, checked by hand (see _spread_notebooks).
PARALLEL_READ_VERIFIED = {"sphinx_multitoc_numbering", "sphinx_jupyterbook_latex"}
#: Next to the execution cache: the dependency digest each notebook's cache record was made with.
CACHE_DEPS_FILE = "coursebuild-deps.json"

VEGALITE_MIME = "application/vnd.vegalite.v5+json"

#: npm file -> name under _static/vendor, in load order.
VENDOR = {
    "vega/build/vega.min.js": "vega.min.js",
    "vega-lite/build/vega-lite.min.js": "vega-lite.min.js",
    "vega-embed/build/vega-embed.min.js": "vega-embed.min.js",
}
#: MathJax (SVG output needs no web fonts); Sphinx loads it only on pages with maths.
MATHJAX = ("mathjax/es5/tex-svg.js", "tex-svg.js")


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
        from coursekit.charts import clean_spec

        text = (json.dumps(clean_spec(spec), sort_keys=True, ensure_ascii=False, allow_nan=False)
                .replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))
        label = spec.get("description") or spec.get("title") or "Chart"
        if isinstance(label, dict):
            label = label.get("text", "Chart")
        from html import escape

        markup = (f'<div class="ck-vega" role="figure" aria-label="{escape(str(label))}">'
                  f'<noscript>This chart needs JavaScript; its description follows below.</noscript>'
                  f'<script type="application/json" class="ck-spec">{text}</script></div>')
        return [nodes.raw(text=markup, format="html", classes=["output", "vegalite"])]


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


_FONTAWESOME_JS = re.compile(r'<script[^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*></script>\s*')


def _drop_icon_script(app, exception):
    """Remove the theme's fontawesome.js (1.5 MB) from every page.

    The theme's stylesheet already draws the same icons from its bundled web fonts; the script only
    swaps them for inline SVG. Dropping it keeps pages light on slow connections.
    """
    if exception or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        slim = _FONTAWESOME_JS.sub("", text)
        if slim != text:
            page.write_text(slim, encoding="utf-8")


def _page_scripts(app, pagename, templatename, context, doctree):
    body = context.get("body", "")
    if 'class="ck-vega"' in body:
        for name in VENDOR.values():
            app.add_js_file(f"coursekit-vendor/{name}")
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
            kept.append(script)
        context["script_files"] = kept


def _config_inited(app, config):
    # Formulas render with the site's own MathJax, never a CDN copy.
    config.mathjax_path = f"coursekit-vendor/{MATHJAX[1]}"


def _add_static(app):
    static = str(STATIC)
    if static not in app.config.html_static_path:
        app.config.html_static_path.append(static)
    app.add_css_file("coursekit.css")
    app.add_js_file("coursekit.js", defer="defer")


# ---------------------------------------------------------------------------------------------------------------
# Incremental execution: re-read and re-execute exactly the notebooks whose dependencies changed
# ---------------------------------------------------------------------------------------------------------------


def _cache_folder(app) -> Path | None:
    """The execution cache MyST-NB uses (relative paths are relative to the working directory, as for MyST-NB)."""
    if app.config.nb_execution_mode != "cache":
        return None
    return Path(os.path.abspath(app.config.nb_execution_cache_path or ".jupyter_cache"))


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
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _add_static)
    app.connect("html-page-context", _page_scripts)
    app.connect("build-finished", _copy_vendor)
    app.connect("build-finished", _drop_icon_script)
    app.connect("env-get-outdated", _notebook_dependencies)
    app.connect("env-before-read-docs", _spread_notebooks)
    app.connect("env-purge-doc", _purge_doc)
    app.connect("env-merge-info", _merge_info)
    app.add_directive("bench-report", BenchReport)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "2", "env_version": 1}

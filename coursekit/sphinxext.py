"""Sphinx/MyST-NB glue that keeps the course site self-contained.

* ``VegaLiteRenderer`` (a MyST-NB mime renderer plugin, registered in
  ``pyproject.toml``) turns ``application/vnd.vegalite.v5+json`` outputs
  into a ``<div class="ck-vega">`` holding the spec as JSON.
* On pages that hold such a div, vega, vega-lite and vega-embed are loaded
  from ``_static/coursekit-vendor/``: copies of the pinned npm packages (see
  ``package.json``), fetched at build time, never from a CDN. Pages without
  charts load none of it.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError

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
        from .charts import clean_spec

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
    if 'class="ck-item"' in body:
        # Self-check items: the shared grading rules and words, the grader, and the page behaviour.
        from .grader import SPEC_PATH

        spec = json.dumps(json.loads(SPEC_PATH.read_text(encoding="utf-8")), ensure_ascii=False)
        app.add_js_file(None, body="window.CK_GRADING = " + spec.replace("<", "\\u003c") + ";")
        app.add_js_file("grader.js", defer="defer")
        app.add_js_file("items.js", defer="defer")
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


class _Facts:
    """A chapter's facts for the book's pages: ``{{ ch1.allies_2pct_2024 }}`` is the fact's value, computed
    from the data at build time, so the teaching kit can never contradict the chapter and the data."""

    def __init__(self, chapter: str):
        self.chapter = chapter

    def __getattr__(self, name: str) -> str:
        from .content import _show_value, fact

        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return _show_value(fact(self.chapter, name))
        except (KeyError, RuntimeError) as err:
            raise ExtensionError(f"{{{{ {self.chapter}.{name} }}}}: {err.args[0]}") from None


def _substitutions() -> dict:
    """Substitutions every page may use: each chapter's facts and its computed study time."""
    from .content import chapters
    from .studytime import minutes

    out: dict = {ch: _Facts(ch) for ch in chapters()}
    from .content import notebooks_dir

    numbers = sorted(int(p.name[:2]) for p in notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    out["study"] = {f"ch{n}": minutes(f"ch{n}")["total"] for n in numbers}
    return out


_SUBSTITUTION = re.compile(r"\{\{\s*(?:study|ch\d)\.")


def _fact_pages(app, env, added, changed, removed):
    """Pages that quote facts or study times are re-read on every build: their figures come from the data,
    the content files and the notebooks, which Sphinx does not track. They are few and fast to read."""
    pages = []
    for docname in env.found_docs:
        path = Path(env.doc2path(docname))
        if path.suffix == ".md" and path.exists() and _SUBSTITUTION.search(path.read_text(encoding="utf-8")):
            pages.append(docname)
    return pages


def _config_inited(app, config):
    # Formulas render with the site's own MathJax, never a CDN copy.
    config.mathjax_path = f"coursekit-vendor/{MATHJAX[1]}"
    config.myst_substitutions = {**_substitutions(), **(config.myst_substitutions or {})}


def _add_static(app):
    static = str(Path(__file__).parent / "static")
    if static not in app.config.html_static_path:
        app.config.html_static_path.append(static)
    app.add_css_file("coursekit.css")
    app.add_css_file("items.css")
    app.add_js_file("coursekit.js", defer="defer")


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


def setup(app):
    _node_modules(app)  # fail early, with a clear message
    _register_bib_style()
    app.connect("config-inited", _config_inited)
    app.connect("env-get-outdated", _fact_pages)
    app.connect("builder-inited", _add_static)
    app.connect("html-page-context", _page_scripts)
    app.connect("build-finished", _copy_vendor)
    app.connect("build-finished", _drop_icon_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}

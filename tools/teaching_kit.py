"""Sphinx extension for the teaching kit (loaded from ``_config.yml``: ``sphinx.local_extensions``).

* ``print.css`` on every page with ``media="print"``: printing a page from the browser, or the whole
  course with ``make pdf``, gives A4 pages without navigation or buttons.
* Honest launch buttons. Binder, JupyterHub and Colab buttons appear only on pages whose source is a
  notebook (``.ipynb``), and only for services configured in ``_config.yml`` (``launch_buttons``). A
  placeholder host (``example.org``, ``.invalid``, ...) or a hub without a repository fails the build with
  a clear message, and so does Thebe, which would load its code from a third-party CDN.
* The ``course-schedule`` directive: a term plan from ``book/teaching/schedule.yml`` as a table (see
  ``tools/termplan.py``).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import termplan
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

STATIC = Path(__file__).resolve().parent.parent / "coursekit" / "static"
LAUNCH_SERVICES = ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url", "jupyterlite_url")
#: Reserved for documentation and testing (RFC 2606, RFC 6761): never a real service.
PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net")
PLACEHOLDER_TLDS = ("example", "invalid", "test")


def placeholder_host(url: str) -> bool:
    host = (urlparse(url).hostname or "").lower().rstrip(".")
    return (any(host == d or host.endswith("." + d) for d in PLACEHOLDER_DOMAINS)
            or host.rsplit(".", 1)[-1] in PLACEHOLDER_TLDS)


def check_launch_config(options: dict) -> list[str]:
    """Problems with the launch settings (``html_theme_options`` after Jupyter Book's translation)."""
    launch = options.get("launch_buttons") or {}
    problems = []
    for key in LAUNCH_SERVICES:
        url = str(launch.get(key) or "").strip()
        if not url:
            continue
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            problems.append(f"launch_buttons.{key} = {url!r} is not an http(s) address; leave it empty for no button")
        elif placeholder_host(url):
            problems.append(f"launch_buttons.{key} = {url!r} is a placeholder host; set your service's address "
                            "or leave it empty (no button is shown)")
        elif not options.get("repository_url"):
            problems.append(f"launch_buttons.{key} is set but repository.url is empty: the button needs the "
                            "public repository it launches from")
    if launch.get("thebe"):
        problems.append("launch_buttons.thebe must stay false: sphinx-thebe loads its code from unpkg.com, and the "
                        "site loads nothing from other hosts")
    return problems


def _check_config(app, config):
    problems = check_launch_config(config.html_theme_options or {})
    if problems:
        raise ExtensionError("_config.yml: " + "; ".join(problems) + " (see book/teaching/index.md, 'Launch buttons').")


def _add_print_css(app):
    static = str(STATIC)
    if static not in app.config.html_static_path:
        app.config.html_static_path.append(static)
    app.add_css_file("print.css", media="print")


def honest_buttons(context: dict, source_suffix: str) -> None:
    """Keep launch buttons and the notebook download only where the page's source is a notebook."""
    if source_suffix == ".ipynb":
        return
    buttons = context.get("header_buttons")
    if not buttons:
        return
    kept = []
    for button in buttons:
        if button.get("label") == "launch-buttons":
            continue
        if button.get("label") == "download-buttons":
            inner = [b for b in button.get("buttons", []) if b.get("label") != "download-notebook-button"]
            button = {**button, "buttons": inner}
        kept.append(button)
    context["header_buttons"] = kept


def _page_buttons(app, pagename, templatename, context, doctree):
    if doctree is None or "header_buttons" not in context:
        return
    honest_buttons(context, Path(app.env.doc2path(pagename)).suffix)


class CourseSchedule(SphinxDirective):
    """``{course-schedule} 14``: the term plan of that many weeks, as a table."""

    required_arguments = 1

    def run(self):
        try:
            plans = termplan.load()
        except termplan.PlanError as err:
            raise self.severe(str(err)) from None
        self.env.note_dependency(str(termplan.PLAN_FILE))
        arg = self.arguments[0]
        if not arg.isdigit() or int(arg) not in plans:
            raise self.error(f"course-schedule: no plan of {arg} weeks in {termplan.PLAN_FILE.name} "
                             f"(plans: {sorted(plans)})")
        plan = plans[int(arg)]
        text = f"{plan.summary}\n\n{termplan.markdown_table(plan)}\n\nSuggested weights: {plan.weights}.\n"
        container = nodes.container(classes=["ck-schedule"])
        self.state.nested_parse(StringList(text.splitlines(), source=str(termplan.PLAN_FILE)), self.content_offset,
                                container)
        return [container]


def setup(app):
    app.connect("config-inited", _check_config)
    app.connect("builder-inited", _add_print_css)
    app.connect("html-page-context", _page_buttons, priority=900)
    app.add_directive("course-schedule", CourseSchedule)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}

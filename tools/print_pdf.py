"""Print the course from the built site to PDF with headless Chromium: ``make pdf`` (after ``make book``).

Writes to ``_build/pdf/``:

* ``course.pdf``: cover, contents, and every part of the book but the teaching kit: the chapters with
  their charts and exercises (no solutions), the concept primers, the glossary, the timeline, the data
  page and the bibliography (not the pages about building the site);
* ``instructor.pdf``: the teaching kit (guide, term plans, seminar plans, simulation, assessment and answer
  notes, worked examples) and an answer key with every exercise's solution and every quiz answer;
* ``seminar-0N.pdf``: one handout per seminar plan;
* ``simulation-brief-<delegation>.pdf``: the simulation as one delegation may see it (scenario, agenda,
  rules and its own brief; no injects, no other brief, no debrief guide).

Each page of the site is opened in Chromium with the print stylesheet (``coursekit/static/print.css``),
scrolled through until every chart has drawn, and copied, charts as SVG, into one document per PDF. That
document is printed once to find the page on which each part starts, then again with those page numbers
in the contents. No TeX is involved.
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import io
import os
import re
import shutil
import sys
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
OUT = ROOT / "_build" / "pdf"
PRINT_PREFIX = "/__print__/"
#: A4 minus the side margins of print.css (16 mm each), in CSS pixels: charts are drawn at this width.
COLUMN_PX = 673
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
TEACHING_PART = "For teachers"  # the instructor edition; every other part of _toc.yml is the course
NOT_PRINTED = {"book/build-status", "book/authoring"}  # pages about building the site, not the course
BIBLIOGRAPHY = "book/bibliography"


class PrintError(RuntimeError):
    """Something the reader must fix; the message says what."""


@dataclass(frozen=True)
class Doc:
    docname: str
    mode: str = "student"  # student | instructor | answers | brief
    brief: str = ""  # for mode "brief": the id of the delegation's section


@dataclass
class Bundle:
    name: str  # file name without .pdf
    title: str
    subtitle: str
    parts: list[tuple[str, list[Doc]]]
    contents: bool = True
    instructor: bool = False
    footer: str = ""

    @property
    def docs(self) -> list[Doc]:
        return [doc for _, docs in self.parts for doc in docs]


# -- what goes into which PDF ------------------------------------------------------------------

def toc_parts(toc_path: Path = ROOT / "_toc.yml") -> tuple[str, list[tuple[str, list[str]]]]:
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    parts = [(p.get("caption", ""), [c["file"] for c in p.get("chapters", [])]) for p in toc.get("parts", [])]
    return toc["root"], parts


def plan_bundles(site: Path = SITE) -> list[Bundle]:
    root, parts = toc_parts()
    by_caption = dict(parts)
    if TEACHING_PART not in by_caption:
        raise PrintError(f"_toc.yml has no part captioned {TEACHING_PART!r}: tools/print_pdf.py needs it for the "
                         "instructor edition")
    course_parts = []
    for number, (caption, files) in enumerate(parts):
        if caption == TEACHING_PART:
            continue
        files = [f for f in files if f not in NOT_PRINTED]
        if number == 0:
            files = [root, *files]
        if files:
            course_parts.append((caption, [Doc(f) for f in files]))
    chapters = [f for _, files in course_parts for f in (d.docname for d in files) if f.startswith("notebooks/")]
    teaching = by_caption[TEACHING_PART]
    bundles = [
        Bundle("course", "Europe, Türkiye and the new security order", "The course, printed", course_parts,
               footer="Europe, Türkiye and the new security order"),
        Bundle("instructor", "Europe, Türkiye and the new security order", "Instructor edition",
               [("Teaching kit", [Doc(f, "instructor") for f in teaching]),
                ("Answer key", [Doc(f, "answers") for f in chapters])],
               instructor=True, footer="Instructor edition: not for students"),
    ]
    for docname in teaching:
        if re.fullmatch(r"book/teaching/seminar-\d\d", docname):
            name = docname.rsplit("/", 1)[1]
            bundles.append(Bundle(name, "", "", [("", [Doc(docname, "instructor")])], contents=False,
                                  footer=f"Seminar handout ({name})"))
    simulation = "book/teaching/simulation"
    if simulation in teaching:
        for brief_id, label in brief_sections(site / f"{simulation}.html"):
            short = brief_id.removeprefix("brief-")
            bundles.append(Bundle(f"simulation-brief-{short}", "", "", [("", [Doc(simulation, "brief", brief_id)])],
                                  contents=False, footer=f"Simulation: brief for {label}"))
    return bundles


def brief_sections(page: Path) -> list[tuple[str, str]]:
    """The delegation briefs of the simulation page: (section id, delegation name), in page order."""
    text = page.read_text(encoding="utf-8")
    found = re.findall(r'<section id="[\w-]+">\s*<span id="(brief-[\w-]+)"></span>\s*<h3>(.*?)<a class="headerlink"',
                       text, re.S)
    if not found:
        raise PrintError(f"{page.relative_to(ROOT)}: no delegation briefs found (sections labelled brief-...)")
    return [(sid, html.unescape(re.sub(r"<[^>]+>", "", label)).strip()) for sid, label in found]


# -- the browser side ------------------------------------------------------------------------

RENDER_JS = r"""
async () => {
  const root = document.documentElement;
  root.dataset.theme = "light"; root.dataset.mode = "light";
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const drawn = d => d.dataset.rendered ||
      (d.querySelector(".ck-vega-chart svg") && d.dataset.drawn && d.dataset.drawn !== "pending");
  const charts = [...document.querySelectorAll("div.ck-vega")];
  // Charts may be drawn only when they come near the viewport: visit each one and wait for it.
  for (const div of charts) {
    div.scrollIntoView({block: "center"});
    const t0 = Date.now();
    while (!drawn(div) && div.dataset.drawn !== "error" && Date.now() - t0 < 45000) await sleep(50);
  }
  window.scrollTo(0, 0);
  if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) await window.MathJax.startup.promise;
  await document.fonts.ready;
  await sleep(100);
  return charts.map((d, i) => ({index: i, ok: !!drawn(d), state: d.dataset.drawn || "",
                                label: d.getAttribute("aria-label") || ""}));
}
"""

PREPARE_JS = r"""
({mode, slug, brief}) => {
  const art = document.querySelector("main article.bd-article") || document.querySelector("article");
  if (!art) throw new Error("no article on this page");
  // Form state lives in properties; copy it into attributes so that it survives the copy.
  art.querySelectorAll("input").forEach(i => {
    if (i.type === "checkbox" || i.type === "radio") { if (i.checked) i.setAttribute("checked", ""); else i.removeAttribute("checked"); }
    else i.setAttribute("value", i.value);
  });
  art.querySelectorAll("select option").forEach(o => { if (o.selected) o.setAttribute("selected", ""); else o.removeAttribute("selected"); });
  const copy = art.cloneNode(true);
  const drop = sel => copy.querySelectorAll(sel).forEach(e => e.remove());
  // Hidden code (MyST-NB's hide-input cells) is not printed; other collapsed boxes print open.
  drop("a.headerlink, script, noscript, template, button, .copybtn, .toggle-button, .vega-actions, details.hide.above-input");
  copy.querySelectorAll(".toggle-hidden").forEach(e => e.classList.remove("toggle-hidden"));
  copy.querySelectorAll("details").forEach(d => d.setAttribute("open", ""));
  // An item's answer key (script.ck-key) is dropped with every script above.
  const solutions = ".ck-solution, .cell.tag_solution";
  if (mode === "student" || mode === "brief") {
    drop(solutions);
  } else {
    copy.querySelectorAll(solutions).forEach(s => {
      s.removeAttribute("hidden");
      s.querySelectorAll("[hidden]").forEach(e => e.removeAttribute("hidden"));
    });
  }
  let body = copy;
  if (mode === "answers") body = answerKey(copy);
  if (mode === "brief") briefOnly(copy, brief);

  // Ids become unique in the printed bundle: "<page>--<id>"; references inside the page follow.
  const ids = new Map();
  body.querySelectorAll("[id]").forEach(e => { const n = slug + "--" + e.id; ids.set(e.id, n); e.id = n; });
  const fix = v => v.replace(/url\(#([^)]+)\)/g, (m, id) => ids.has(id) ? `url(#${ids.get(id)})` : m);
  body.querySelectorAll("*").forEach(e => {
    for (const a of [...e.attributes]) {
      if (a.value.includes("url(#")) e.setAttribute(a.name, fix(a.value));
      if ((a.name === "href" || a.name === "xlink:href") && a.value.startsWith("#")) {
        const id = decodeURIComponent(a.value.slice(1));
        if (e.tagName.toLowerCase() === "a") e.setAttribute(a.name, "#" + (ids.get(id) || slug));
        else if (ids.has(id)) e.setAttribute(a.name, "#" + ids.get(id));
      } else if (e.tagName.toLowerCase() === "a" && a.name === "href") {
        e.setAttribute("href", e.href);  // absolute; the bundle resolves links between its pages
      }
    }
  });
  body.querySelectorAll("img[src]").forEach(i => i.setAttribute("src", new URL(i.getAttribute("src"), location.href).pathname));
  const h1 = body.querySelector("h1");
  const styles = [...document.querySelectorAll("head style")].map(s => s.textContent);
  const sheets = [...document.querySelectorAll('link[rel="stylesheet"]')]
      .filter(l => !l.media || l.media === "all" || l.media === "screen")
      .map(l => new URL(l.href).pathname + new URL(l.href).search);
  return {html: body.innerHTML, title: h1 ? h1.textContent.trim() : document.title, styles, sheets,
          path: location.pathname};

  function answerKey(page) {
    const out = document.createElement("div");
    const title = page.querySelector("h1");
    const h1 = document.createElement("h1");
    h1.textContent = "Answers: " + (title ? title.textContent.trim() : document.title);
    out.appendChild(h1);
    const items = [...page.querySelectorAll(".ck-item")].map(item => itemAnswer(item.cloneNode(true)));
    if (items.length) {
      const h2 = document.createElement("h2"); h2.textContent = "Exercises, questions and solutions"; out.appendChild(h2);
      items.forEach(i => out.appendChild(i));
    } else {
      const p = document.createElement("p"); p.textContent = "This chapter has no exercises or quiz."; out.appendChild(p);
    }
    return out;
  }

  function itemAnswer(item) {
    // A content item (coursekit/render.py): its key holds the answer the book's grader uses.
    const orig = document.getElementById(item.id);
    const node = orig && orig.querySelector("script.ck-key");
    const key = node ? JSON.parse(node.textContent) : null;
    const note = document.createElement("div");
    note.className = "ck-print-answer";
    const line = text => { const p = document.createElement("p"); p.textContent = text; note.appendChild(p); };
    const text = sel => { const e = item.querySelector(sel); return e ? e.textContent.trim() : "?"; };
    if (key && key.kind === "number") {
      const tol = Number(key.tol) ? ` (accepted within ±${key.tol})` : " (exactly)";
      line(`Answer: ${key.answer}${key.unit ? " " + key.unit : ""}${tol}.`);
    } else if (key && (key.kind === "choice" || key.kind === "multi")) {
      (key.options || []).forEach(o => {
        const input = item.querySelector(`input[value="${CSS.escape(o.id)}"]`);
        const label = input && input.closest("label");
        if (!label) return;
        if (o.correct) { label.classList.add("ck-print-right"); label.insertAdjacentText("afterbegin", "✓ "); }
        if (o.feedback) {
          const why = document.createElement("span"); why.className = "ck-print-why"; why.textContent = " — " + o.feedback;
          label.appendChild(why);
        }
      });
    } else if (key && key.kind === "order") {
      line("Answer, in order: " + key.answer.map(id => text(`li[data-value="${CSS.escape(id)}"] .ck-entry-text`)).join(" → "));
    } else if (key && key.kind === "match") {
      Object.entries(key.answer).forEach(([left, right]) =>
        line(`Answer: ${text(`label[for$="-${CSS.escape(left)}"]`)} → ${text(`option[value="${CSS.escape(right)}"]`)}`));
    }
    if (key && key.explanation) line(key.explanation);
    if (note.children.length) (item.querySelector(".ck-answer") || item.lastElementChild).after(note);
    item.querySelectorAll("input[type=text], textarea, select").forEach(i => i.disabled = true);
    return item;
  }

  function briefOnly(page, keep) {
    // A delegation sees the scenario, agenda and rules, and its own brief: not the injects, the other
    // briefs, or the facilitator's notes.
    const label = s => { const span = s.querySelector(":scope > span[id^='brief-']"); return span ? span.id : ""; };
    const briefs = [...page.querySelectorAll("section")].filter(label);
    if (!briefs.some(s => label(s) === keep)) throw new Error("no brief section " + keep);
    briefs.forEach(s => { if (label(s) !== keep) s.remove(); });
    ["injects", "running-the-room", "debrief-guide"].forEach(id => { const s = page.querySelector("section#" + id); if (s) s.remove(); });
    const kept = page.querySelector("#" + CSS.escape(keep)).parentElement.querySelector("h3");
    const h1 = page.querySelector("h1");
    if (h1 && kept) {
      const sub = document.createElement("p"); sub.className = "ck-print-subtitle"; sub.textContent = h1.textContent.trim();
      h1.textContent = "Delegation brief: " + kept.textContent.trim();
      h1.after(sub);
    }
  }
}
"""

COMPOSE_JS = r"""
({docs, bibliography}) => {
  // docs: {path: slug} of the pages in this bundle; bibliography: slug of the appended references, if any.
  const here = location.origin;
  const tpl = document.getElementById("ck-bib-source");
  if (tpl && bibliography) {
    const cited = new Set();
    document.querySelectorAll("a[href]").forEach(a => {
      const u = new URL(a.href);
      if (u.origin === here && u.pathname.endsWith("/book/bibliography.html") && u.hash) cited.add(decodeURIComponent(u.hash.slice(1)));
    });
    const sec = document.getElementById(bibliography);
    const list = sec.querySelector(".ck-print-references");
    tpl.content.querySelectorAll(".citation-list > .citation").forEach(e => {
      if (cited.has(e.id.replace(/^.*?--/, ""))) list.appendChild(e.cloneNode(true));
    });
    tpl.remove();
    if (!list.children.length) sec.remove();
  }
  let external = 0, internal = 0, dropped = 0;
  document.querySelectorAll("a[href]").forEach(a => {
    const raw = a.getAttribute("href");
    if (raw.startsWith("#")) { internal++; return; }
    const u = new URL(a.href);
    if (u.origin !== here) {
      if (!/^https?:$/.test(u.protocol)) return;
      external++;
      const text = a.textContent.trim().replace(/\/$/, "");
      if (text === a.href.replace(/\/$/, "") || text === raw.replace(/\/$/, "")) a.classList.add("ck-print-bare");
      return;
    }
    const slug = docs[u.pathname];
    if (slug) {
      const frag = decodeURIComponent(u.hash.slice(1));
      const target = frag && document.getElementById(slug + "--" + frag);
      a.setAttribute("href", "#" + (target ? target.id : slug));
      internal++;
    } else {
      a.removeAttribute("href");  // a page of the site that this PDF does not hold
      a.classList.add("ck-print-offsite");
      dropped++;
    }
  });
  return {external, internal, dropped};
}
"""


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site, plus the documents being printed under /__print__/."""

    documents: dict[str, bytes] = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith(PRINT_PREFIX):
            body = self.documents.get(self.path.split("?")[0][len(PRINT_PREFIX):])
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    raise PrintError("Chromium is needed to print: install Debian's 'chromium' package (apt-get install chromium)")


@dataclass
class Snapshot:
    title: str
    html: str
    styles: list[str]
    sheets: list[str]
    path: str


@dataclass
class Printer:
    site: Path
    base: str
    browser: object
    cache: dict = field(default_factory=dict)
    log: list = field(default_factory=list)

    def slug(self, doc: Doc) -> str:
        return re.sub(r"[^A-Za-z0-9]+", "-", doc.docname) + ("" if doc.mode != "answers" else "-answers")

    def snapshot(self, doc: Doc) -> Snapshot:
        if doc in self.cache:
            return self.cache[doc]
        page_file = self.site / f"{doc.docname}.html"
        if not page_file.exists():
            raise PrintError(f"{page_file.relative_to(ROOT)} is missing: run 'make book' first")
        context = self.browser.new_context(viewport={"width": COLUMN_PX, "height": 1100}, color_scheme="light")
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            page.emulate_media(media="print", color_scheme="light")
            page.goto(f"{self.base}/{doc.docname}.html", wait_until="load")
            charts = page.evaluate(RENDER_JS)
            bad = [c for c in charts if not c["ok"]]
            if bad:
                raise PrintError(f"{doc.docname}: {len(bad)} of {len(charts)} charts did not draw "
                                 f"(first: {bad[0]['label'] or bad[0]['index']!r}, state {bad[0]['state']!r}); "
                                 f"page errors: {errors[:2]}")
            data = page.evaluate(PREPARE_JS, {"mode": doc.mode, "slug": self.slug(doc), "brief": doc.brief})
        finally:
            context.close()
        snap = Snapshot(data["title"], data["html"], data["styles"], data["sheets"], data["path"])
        self.log.append((doc.docname, doc.mode, len(charts)))
        self.cache[doc] = snap
        return snap

    # -- composing and printing a bundle -------------------------------------------------------

    def compose(self, bundle: Bundle, numbers: dict[str, int] | None = None) -> tuple[str, dict[str, str], list]:
        snaps = [(doc, self.snapshot(doc)) for doc in bundle.docs]
        sheets, styles = [], []
        for _, snap in snaps:
            for sheet in snap.sheets:
                if sheet not in sheets:
                    sheets.append(sheet)
            for style in snap.styles:
                if style not in styles:
                    styles.append(style)
        needs_refs = all(doc.docname != BIBLIOGRAPHY for doc in bundle.docs)
        bib = self.snapshot(Doc(BIBLIOGRAPHY)) if needs_refs else None
        docs_map = {snap.path: self.slug(doc) for doc, snap in snaps if doc.mode not in ("answers", "brief")}
        refs = self.slug(Doc(BIBLIOGRAPHY))
        if bib:
            docs_map[bib.path] = refs
        numbers = numbers or {}
        parts_html = []
        if bundle.contents:
            parts_html.append(self._cover(bundle))
            parts_html.append(self._contents(bundle, snaps, numbers, bool(bib)))
        for doc, snap in snaps:
            parts_html.append(f'<section class="ck-print-doc" id="{self.slug(doc)}" data-doc="{html.escape(doc.docname)}">'
                              f'<article class="bd-article">{snap.html}</article></section>')
        if bib:
            parts_html.append(f'<section class="ck-print-doc ck-print-refs" id="{refs}"><article class="bd-article">'
                              '<h1>References</h1><div role="list" class="citation-list ck-print-references"></div>'
                              f'</article></section><template id="ck-bib-source">{bib.html}</template>')
        head = "".join(f'<link rel="stylesheet" href="{html.escape(s)}">' for s in sheets)
        head += '<link rel="stylesheet" href="/_static/print.css" media="print">'
        head += "".join(f"<style>{s}</style>" for s in styles)
        classes = "ck-print" + (" ck-print-solutions" if bundle.instructor or any(d.mode == "answers" for d in bundle.docs) else "")
        title = bundle.title + (f": {bundle.subtitle}" if bundle.subtitle else "") if bundle.title else snaps[0][1].title
        doc_html = (f'<!DOCTYPE html><html lang="en" data-theme="light" data-mode="light" class="{classes}"><head>'
                    f'<meta charset="utf-8"><title>{html.escape(title)}</title>{head}</head><body>'
                    f'<main id="main-content" class="ck-print-bundle">{"".join(parts_html)}</main></body></html>')
        return doc_html, docs_map, snaps

    def _cover(self, bundle: Bundle) -> str:
        footer = _config().get("html", {}).get("extra_footer", "")
        licence = html.escape(re.sub(r"<[^>]+>", "", footer).strip())
        edition = ("For instructors: the teaching kit, answer notes and the solutions of every exercise. "
                   "Do not hand this edition to students." if bundle.instructor else
                   "Exercises are printed without their solutions. The interactive explorers are shown in their "
                   "starting position; move them in the book or in JupyterLab.")
        return (f'<section class="ck-print-cover"><img src="/_static/logo.svg" alt="" class="ck-print-logo">'
                f'<h1>{html.escape(bundle.title)}</h1><p class="ck-print-subtitle">{html.escape(bundle.subtitle)}</p>'
                f'<p class="ck-print-edition">{html.escape(edition)}</p>'
                f'<p class="ck-print-meta">Printed on {date.today():%-d %B %Y} from the course site. {licence}</p></section>')

    def _contents(self, bundle: Bundle, snaps, numbers: dict[str, int], refs: bool) -> str:
        titles = {self.slug(doc): snap.title for doc, snap in snaps}
        rows = []
        for caption, docs in bundle.parts:
            if caption:
                rows.append(f'<li class="ck-print-part">{html.escape(caption)}</li>')
            for doc in docs:
                slug = self.slug(doc)
                title = titles[slug]
                rows.append(f'<li><a href="#{slug}"><span class="ck-print-toc-title">{html.escape(title)}</span>'
                            f'<span class="ck-print-page" data-slug="{slug}">{numbers.get(slug, "")}</span></a></li>')
        if refs:
            slug = self.slug(Doc(BIBLIOGRAPHY))
            rows.append(f'<li><a href="#{slug}"><span class="ck-print-toc-title">References</span>'
                        f'<span class="ck-print-page" data-slug="{slug}">{numbers.get(slug, "")}</span></a></li>')
        return f'<nav class="ck-print-contents"><h1>Contents</h1><ol>{"".join(rows)}</ol></nav>'

    def print_bundle(self, bundle: Bundle, out: Path) -> dict:
        from pypdf import PdfReader

        numbers: dict[str, int] = {}
        for _attempt in range(3):
            doc_html, docs_map, snaps = self.compose(bundle, numbers)
            _Handler.documents[f"{bundle.name}.html"] = doc_html.encode("utf-8")
            context = self.browser.new_context(color_scheme="light")
            page = context.new_page()
            try:
                page.emulate_media(media="print", color_scheme="light")
                page.goto(f"{self.base}{PRINT_PREFIX}{bundle.name}.html", wait_until="load")
                page.evaluate("document.fonts.ready.then(() => true)")
                refs = self.slug(Doc(BIBLIOGRAPHY))
                needs_refs = all(doc.docname != BIBLIOGRAPHY for doc in bundle.docs)
                links = page.evaluate(COMPOSE_JS, {"docs": docs_map, "bibliography": refs if needs_refs else ""})
                pdf = page.pdf(format="A4", print_background=True, display_header_footer=True,
                               header_template="<span></span>", footer_template=_footer(bundle.footer),
                               margin={"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
                               outline=True, tagged=True)
                order = page.evaluate("() => [...document.querySelectorAll('.ck-print-doc')].map(s => s.id)")
                headings = page.evaluate("() => document.querySelectorAll('h1').length")
                stray = page.evaluate("() => [...document.querySelectorAll('.ck-print-doc')]"
                                      ".filter(s => s.querySelectorAll('h1').length !== 1).map(s => s.id)")
            finally:
                context.close()
            if not bundle.contents:
                break
            if stray:
                raise PrintError(f"{bundle.name}: each printed page needs exactly one h1 title; these do not: {stray}")
            found = _start_pages(PdfReader(io.BytesIO(pdf)), order, headings)
            if found == numbers:
                break
            numbers = found
        else:
            raise PrintError(f"{bundle.name}: the page numbers of the contents did not settle")
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"{bundle.name}.pdf"
        target.write_bytes(pdf)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        return {"file": target, "pages": pages, **links}


def _start_pages(reader, order: list[str], headings: int) -> dict[str, int]:
    """The page (1-based) on which each part of the bundle starts, from the PDF's outline.

    Chromium builds the outline from the document's headings; its top level holds the h1 headings in
    document order: the cover's, the contents', then one per part (``order``).
    """
    top = [reader.get_destination_page_number(item) + 1 for item in reader.outline if not isinstance(item, list)]
    if len(top) != headings:
        raise PrintError(f"the PDF outline has {len(top)} top-level entries for {headings} h1 headings: "
                         "cannot number the contents")
    return dict(zip(order, top[headings - len(order):]))


def _footer(label: str) -> str:
    return ('<div style="font-family: \'DejaVu Sans\', \'Liberation Sans\', sans-serif; font-size: 8px; color: #444; '
            'width: 100%; margin: 0 16mm; display: flex; justify-content: space-between;">'
            f'<span>{html.escape(label)}</span><span>Page <span class="pageNumber"></span> of '
            '<span class="totalPages"></span></span></div>')


@functools.cache
def _config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8")) or {}


def serve(site: Path):
    handler = functools.partial(_Handler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=str(SITE))
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--only", default="", help="comma-separated PDF names (e.g. course,seminar-01)")
    args = parser.parse_args(argv)
    site, out = Path(args.site), Path(args.out)
    if not (site / "index.html").exists():
        print("make pdf: there is no built site to print: run 'make book' first, then 'make pdf'", file=sys.stderr)
        return 2
    try:
        from playwright.sync_api import sync_playwright

        bundles = plan_bundles(site)
        wanted = {n.strip() for n in args.only.split(",") if n.strip()}
        unknown = wanted - {b.name for b in bundles}
        if unknown:
            raise PrintError(f"no PDF named {sorted(unknown)}; the names are {[b.name for b in bundles]}")
        server, base = serve(site)
        if out.exists() and not wanted:
            shutil.rmtree(out)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
                printer = Printer(site, base, browser)
                for bundle in bundles:
                    if wanted and bundle.name not in wanted:
                        continue
                    result = printer.print_bundle(bundle, out)
                    print(f"  {result['file'].relative_to(ROOT) if result['file'].is_relative_to(ROOT) else result['file']}: "
                          f"{result['pages']} pages")
                browser.close()
        finally:
            server.shutdown()
    except PrintError as err:
        print(f"make pdf: {err}", file=sys.stderr)
        return 1
    print(f"The printed course is in {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}/.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

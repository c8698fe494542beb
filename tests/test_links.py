"""No broken internal link or anchor in the built site; external links listed for a periodic check."""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from conftest import ROOT, SITE


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a and a["id"]:
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) and not (tag == "link" and a.get("rel") in ("canonical",)):
                self.links.append(a[key])


def _parse(path: Path) -> _Collect:
    parser = _Collect()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


@pytest.mark.site
def test_internal_links_and_anchors_resolve():
    pages = {p: _parse(p) for p in SITE.rglob("*.html") if "_static" not in p.parts}
    assert pages, "the site is not built"
    broken, external = [], defaultdict(set)
    for page, parsed in pages.items():
        for link in parsed.links:
            parsed_url = urlparse(link)
            if parsed_url.scheme in ("http", "https"):
                external[link].add(page.relative_to(SITE).as_posix())
                continue
            if parsed_url.scheme in ("mailto", "data", "javascript") or link.startswith("//"):
                continue
            target, fragment = urldefrag(link)
            target = urlparse(target).path
            target_path = (page.parent / unquote(target)).resolve() if target else page
            if target_path.is_dir():
                target_path = target_path / "index.html"
            if not target_path.exists():
                broken.append(f"{page.relative_to(SITE)} -> {link}")
                continue
            if fragment and target_path.suffix == ".html":
                ids = pages[target_path].ids if target_path in pages else _parse(target_path).ids
                if unquote(fragment) not in ids:
                    broken.append(f"{page.relative_to(SITE)} -> {link} (no anchor)")
    report = ROOT / "_build" / "links" / "external.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("".join(f"{url}\t{', '.join(sorted(where))}\n" for url, where in sorted(external.items())))
    assert not broken, f"{len(broken)} broken internal links, e.g. {broken[:10]}"

"""Honest launch buttons: a hub, Binder or Colab button only when configured, only on notebook pages,
pointing at the chapter's notebook; download links only to files that exist."""

from __future__ import annotations

import sys
from urllib.parse import parse_qs, urlparse

import fixture_book
import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT, SITE, toc_files

sys.path.insert(0, str(ROOT / "tools"))
import teaching_kit  # noqa: E402

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
HUB = "https://hub.university.edu/"
REPO = {"url": "https://github.com/some-university/eu-turkiye-course", "path_to_book": "", "branch": "spring-2027"}
ALL_SERVICES = {"notebook_interface": "jupyterlab", "jupyterhub_url": HUB, "binderhub_url": "https://mybinder.org",
                "colab_url": "https://colab.research.google.com", "thebe": False}


def launch_links(page_html: str) -> list[str]:
    soup = BeautifulSoup(page_html, "html.parser")
    return [a["href"] for a in soup.select(".dropdown-launch-buttons a[href]")]


def download_links(page_html: str) -> list[str]:
    soup = BeautifulSoup(page_html, "html.parser")
    return [a["href"] for a in soup.select(".dropdown-download-buttons a[href]")]


def _read(site, page):
    return (site / f"{page}.html").read_text(encoding="utf-8")


# -- the course site as configured -------------------------------------------------------------

def test_course_site_buttons_follow_the_configuration():
    launch = CONFIG.get("launch_buttons") or {}
    configured = [k for k in teaching_kit.LAUNCH_SERVICES if launch.get(k)]
    notebook_pages = 0
    for page in toc_files():
        page_html = _read(SITE, page)
        is_notebook = (ROOT / f"{page}.ipynb").exists()
        notebook_pages += is_notebook
        links = launch_links(page_html)
        if is_notebook and configured:
            assert len(links) == len(configured), f"{page}: {links}"
            assert all(link.endswith(f"{page}.ipynb") or f"{page}.ipynb" in link for link in links), links
        else:
            assert links == [], f"{page}: launch buttons on a page that is not a notebook, or none configured: {links}"
        downloads = download_links(page_html)
        assert downloads, f"{page}: no download link"
        for href in downloads:
            target = (SITE / page).parent / href
            assert target.resolve().exists(), f"{page}: download link to a missing file {href}"
            if href.endswith(".ipynb"):
                assert is_notebook and target.resolve() == (SITE / "_sources" / f"{page}.ipynb").resolve(), (page, href)
    assert notebook_pages >= 7


def test_no_link_anywhere_points_at_a_placeholder_host():
    pages = [p for p in SITE.rglob("*.html") if "_static" not in p.parts]
    assert pages
    bad = []
    for page in pages:
        for a in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select("a[href]"):
            if teaching_kit.placeholder_host(a["href"]):
                bad.append(f"{page.relative_to(SITE)} -> {a['href']}")
    assert not bad, bad[:5]


# -- the links the theme generates, in a small book with every service configured --------------

@pytest.fixture(scope="module")
def configured_book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("launchbook")
    result = fixture_book.build(folder, ALL_SERVICES, REPO)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return folder / "_build" / "html"


@pytest.mark.slow
def test_hub_link_pulls_this_repository_and_opens_the_chapter(configured_book):
    links = launch_links(_read(configured_book, fixture_book.CHAPTER))
    hub = [link for link in links if link.startswith(HUB.rstrip("/"))]
    assert len(hub) == 1, links
    url = urlparse(hub[0])
    assert url.path == "/hub/user-redirect/git-pull"
    name = REPO["url"].rstrip("/").rsplit("/", 1)[1]
    assert parse_qs(url.query) == {"repo": [REPO["url"]], "branch": [REPO["branch"]],
                                   "urlpath": [f"lab/tree/{name}/{fixture_book.CHAPTER}.ipynb"]}
    assert (ROOT / f"{fixture_book.CHAPTER}.ipynb").exists(), "the link must name a notebook that exists"


@pytest.mark.slow
def test_binder_and_colab_links_name_the_notebook(configured_book):
    links = launch_links(_read(configured_book, fixture_book.CHAPTER))
    org_repo = REPO["url"].split("github.com/")[1]
    assert f"https://mybinder.org/v2/gh/{org_repo}/{REPO['branch']}?urlpath=lab/tree/{fixture_book.CHAPTER}.ipynb" in links
    assert (f"https://colab.research.google.com/github/{org_repo}/blob/{REPO['branch']}/{fixture_book.CHAPTER}.ipynb"
            in links)
    assert len(links) == 3


@pytest.mark.slow
@pytest.mark.parametrize("page", [fixture_book.TEXT_NOTEBOOK, fixture_book.PLAIN])
def test_markdown_pages_get_no_launch_button_and_no_notebook_download(configured_book, page):
    page_html = _read(configured_book, page)
    assert launch_links(page_html) == []
    downloads = download_links(page_html)
    assert downloads and not [d for d in downloads if d.endswith(".ipynb")], downloads
    assert "colab" not in page_html.lower() and "git-pull" not in page_html


@pytest.mark.slow
def test_notebook_download_points_at_the_notebook(configured_book):
    downloads = download_links(_read(configured_book, fixture_book.CHAPTER))
    ipynb = [d for d in downloads if d.endswith(".ipynb")]
    assert len(ipynb) == 1
    assert (configured_book / "notebooks" / ipynb[0]).resolve() == (configured_book / "_sources" / f"{fixture_book.CHAPTER}.ipynb")
    assert (configured_book / "_sources" / f"{fixture_book.CHAPTER}.ipynb").exists()


@pytest.mark.slow
def test_no_service_configured_means_no_launch_button(tmp_path):
    empty = {"notebook_interface": "jupyterlab", "jupyterhub_url": "", "binderhub_url": "", "colab_url": "", "thebe": False}
    result = fixture_book.build(tmp_path, empty, REPO)
    assert result.returncode == 0, result.stderr[-3000:]
    site = tmp_path / "_build" / "html"
    for page in (fixture_book.CHAPTER, fixture_book.TEXT_NOTEBOOK, fixture_book.PLAIN):
        page_html = _read(site, page)
        assert launch_links(page_html) == [] and "dropdown-launch-buttons" not in page_html, page


@pytest.mark.slow
def test_a_placeholder_hub_fails_the_build_with_a_clear_message(tmp_path):
    result = fixture_book.build(tmp_path, {**ALL_SERVICES, "jupyterhub_url": "https://jupyterhub.example.org"}, REPO)
    assert result.returncode != 0
    assert "launch_buttons.jupyterhub_url" in result.stdout + result.stderr
    assert "placeholder" in result.stdout + result.stderr


@pytest.mark.parametrize("launch, repo, problem", [
    ({"jupyterhub_url": "https://jupyterhub.example.org"}, "https://github.com/a/b", "placeholder"),
    ({"binderhub_url": "https://binder.hub.invalid/"}, "https://github.com/a/b", "placeholder"),
    ({"colab_url": "colab.research.google.com"}, "https://github.com/a/b", "not an http(s) address"),
    ({"jupyterhub_url": "https://hub.university.edu"}, "", "repository.url is empty"),
    ({"thebe": True}, "https://github.com/a/b", "thebe must stay false"),
])
def test_launch_settings_are_checked(launch, repo, problem):
    problems = teaching_kit.check_launch_config({"launch_buttons": launch, "repository_url": repo})
    assert len(problems) == 1 and problem in problems[0], problems


def test_good_launch_settings_pass():
    assert teaching_kit.check_launch_config({"launch_buttons": ALL_SERVICES, "repository_url": REPO["url"]}) == []
    assert teaching_kit.check_launch_config({"launch_buttons": {"jupyterhub_url": "http://127.0.0.1:8123/"},
                                             "repository_url": REPO["url"]}) == []
    assert teaching_kit.check_launch_config(CONFIG_AS_THEME) == []


CONFIG_AS_THEME = {"launch_buttons": CONFIG.get("launch_buttons") or {},
                   "repository_url": (CONFIG.get("repository") or {}).get("url", "")}

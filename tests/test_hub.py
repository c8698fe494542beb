"""Class launch, end to end: a local JupyterHub opens a chapter from the book's launch link.

The hub runs on 127.0.0.1 only, with configurable-http-proxy from npm (package.json), the dummy
authenticator and the simple local spawner (every user is a folder under a temporary directory). The
launch link is the one the theme generates for the chapter, as a teacher would configure it. Its
repository address is redirected by git (``url.<base>.insteadOf``) to a local clone of this repository,
so nbgitpuller pulls offline. The test then checks that JupyterLab opened the pulled notebook, ran it,
and that the chapter's explorer redraws when a control moves.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from urllib.parse import urlparse

import fixture_book
import pytest
import yaml
from test_jupyterlab import _wait_idle
from test_launch import launch_links

from conftest import ROOT, SCREENSHOTS, PageWatch, _free_port, wait_until_up

CHP = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPO = CONFIG["repository"]


def _git(*args, cwd=None):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if not CHP.exists():
        pytest.fail("configurable-http-proxy is missing: run 'make book' (npm ci installs it from package.json)")
    tmp = tmp_path_factory.mktemp("hub")
    # The repository as the hub will see it: a bare clone whose branch holds this checkout's last commit.
    remote = tmp / "course-remote.git"
    _git("clone", "--quiet", "--bare", str(ROOT), str(remote))
    _git("update-ref", f"refs/heads/{REPO['branch']}", _git("rev-parse", "HEAD", cwd=ROOT), cwd=remote)
    gitconfig = tmp / "gitconfig"
    gitconfig.write_text(f'[url "file://{remote}"]\n\tinsteadOf = {REPO["url"]}\n'
                         "[user]\n\tname = Student\n\temail = student@localhost\n[safe]\n\tdirectory = *\n")
    port, hub_port, api_port = _free_port(), _free_port(), _free_port()
    home = tmp / "home"
    config = tmp / "jupyterhub_config.py"
    config.write_text(f"""
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{str(CHP)!r}]
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(home / "{username}")!r}
c.Spawner.cmd = [{sys.executable!r}, "-m", "jupyterhub.singleuser"]
c.Spawner.args = ["--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
                  "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {{"GIT_CONFIG_GLOBAL": {str(gitconfig)!r}, "JUPYTER_PLATFORM_DIRS": "1",
                          "JUPYTER_CONFIG_DIR": {str(tmp / "jupyter-config")!r}}}
c.JupyterHub.db_url = "sqlite:///{tmp / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret = bytes.fromhex("{secrets.token_hex(32)}")
c.JupyterHub.cleanup_servers = True
""")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        with config.open("a") as f:
            f.write('c.Spawner.args.append("--allow-root")\n')
    env = {k: v for k, v in os.environ.items() if k != "COURSEKIT_STATIC"}  # a student's Lab: live widgets
    env["PATH"] = f"{ROOT / 'node_modules' / '.bin'}:{os.path.dirname(sys.executable)}:{env.get('PATH', '')}"
    log = open(tmp / "hub.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=tmp, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/hub/api", proc, tmp / "hub.log", 90, "JupyterHub")
    yield url, home, tmp
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.mark.lab
@pytest.mark.slow
def test_chapter_link_opens_the_pulled_notebook_in_jupyterlab_with_a_working_explorer(hub, browser, tmp_path):
    url, home, tmp = hub
    # The link exactly as the book makes it once launch_buttons.jupyterhub_url points at this hub.
    built = fixture_book.build(tmp_path / "book", {"notebook_interface": "jupyterlab", "jupyterhub_url": url}, REPO)
    assert built.returncode == 0, built.stderr[-3000:]
    page_html = (tmp_path / "book" / "_build" / "html" / f"{fixture_book.CHAPTER}.html").read_text(encoding="utf-8")
    links = launch_links(page_html)
    assert len(links) == 1 and links[0].startswith(f"{url}/hub/user-redirect/git-pull?"), links
    notebook = f"{fixture_book.CHAPTER}.ipynb"
    repo_name = REPO["url"].rstrip("/").rsplit("/", 1)[1]

    w = PageWatch(browser, url, viewport={"width": 1400, "height": 1000})
    try:
        page = w.page
        page.goto(links[0], wait_until="domcontentloaded")
        page.wait_for_selector("input[name=username]", timeout=30000)
        page.fill("input[name=username]", "student")
        page.fill("input[name=password]", "anything")
        page.click("[type=submit]")
        # Spawn, pull, then JupyterLab with the chapter open.
        page.wait_for_url(f"**/user/student/lab/tree/{repo_name}/{notebook}*", timeout=180000)
        assert (home / "student" / repo_name / notebook).exists(), "nbgitpuller did not pull the repository"
        page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget "
                               "&& window.jupyterapp.shell.currentWidget.sessionContext", timeout=90000)
        opened = page.evaluate("window.jupyterapp.shell.currentWidget.context.path")
        assert opened == f"{repo_name}/{notebook}"
        _wait_idle(page)
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(
            """() => { const nb = window.jupyterapp.shell.currentWidget.content;
                       return nb.widgets.filter(c => c.model.type === 'code')
                                .every(c => c.model.executionCount !== null); }""", timeout=180000)
        _wait_idle(page)
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        texts = [errors.nth(i).inner_text() for i in range(errors.count())]
        assert not [t for t in texts if "Traceback" in t or "Error" in t], texts[:2]
        explorer = page.locator(".ck-explorer").first
        explorer.wait_for(timeout=30000)
        explorer.scroll_into_view_if_needed()
        image = """e => { const c = e.querySelector('.jp-RenderedVegaCommon5 canvas');
                          if (c) return c.toDataURL();
                          const s = e.querySelector('.jp-RenderedVegaCommon5 svg'); return s ? s.outerHTML : ''; }"""
        page.wait_for_function(f"() => ({image})(document.querySelector('.ck-explorer')).length > 100", timeout=30000)
        before = explorer.evaluate(image)
        control = explorer.locator("select").first
        options = control.locator("option")
        current = control.input_value()
        other = next(options.nth(i).get_attribute("value") for i in range(options.count())
                     if options.nth(i).get_attribute("value") != current)
        control.select_option(other)
        page.wait_for_function(f"(b) => ({image})(document.querySelector('.ck-explorer')) !== b", arg=before,
                               timeout=30000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "hub__chapter1.png"))
        local = {urlparse(url).netloc}
        assert [u for u in w.external if urlparse(u).netloc not in local] == [], w.external[:5]
    finally:
        w.close()

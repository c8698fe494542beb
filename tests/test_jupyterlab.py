"""The notebooks in a real JupyterLab, offline: run all, charts drawn, explorers live, nothing external."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, SCREENSHOTS, PageWatch, _free_port, chapter_notebooks, wait_until_up

NOTEBOOKS = chapter_notebooks()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    home = tmp_path_factory.mktemp("labhome")
    root = tmp_path_factory.mktemp("labroot")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")  # run on copies: the repository stays clean
    token = secrets.token_hex(16)
    port = _free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(home / "ws"),
               COURSEKIT_DATA=str(ROOT / "data"), JUPYTER_PLATFORM_DIRS="1")
    env.pop("COURSEKIT_STATIC", None)  # a student's JupyterLab: live widgets
    data_dir = home / "data"
    kernel = data_dir / "kernels" / "python3"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(
        '{"argv": ["%s", "-m", "ipykernel_launcher", "-f", "{connection_file}"], "display_name": "Python 3", '
        '"language": "python"}' % sys.executable)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
           "--ServerApp.port_retries=0", "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(home / "lab.log", "w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/api/status?token={token}", proc, home / "lab.log", 60, "JupyterLab")
    yield url, token
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _wait_idle(page, timeout=90):
    page.wait_for_function(
        """() => { const p = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                   const k = p && p.sessionContext && p.sessionContext.session && p.sessionContext.session.kernel;
                   return k && k.status === 'idle'; }""", timeout=timeout * 1000)


@pytest.mark.lab
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_chapter_runs_live_and_offline_in_jupyterlab(path, lab, browser):
    url, token = lab
    w = PageWatch(browser, url, viewport={"width": 1400, "height": 1000})
    try:
        page = w.page
        page.goto(f"{url}/lab/tree/notebooks/{path.name}?token={token}&reset", wait_until="domcontentloaded")
        page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget "
                               "&& window.jupyterapp.shell.currentWidget.sessionContext", timeout=60000)
        _wait_idle(page)
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(
            """() => { const nb = window.jupyterapp.shell.currentWidget.content;
                       return nb.widgets.filter(c => c.model.type === 'code')
                                .every(c => c.model.executionCount !== null); }""", timeout=120000)
        _wait_idle(page)
        page.wait_for_timeout(1500)
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        texts = [errors.nth(i).inner_text() for i in range(errors.count())]
        assert not [t for t in texts if "Traceback" in t or "Error" in t], f"{path.name}: errors in output: {texts[:2]}"
        charts = page.locator(".jp-RenderedVegaCommon5")
        assert charts.count() >= 1, f"{path.name}: no chart was drawn"
        page.wait_for_selector(".jp-RenderedVegaCommon5 canvas, .jp-RenderedVegaCommon5 svg", timeout=20000)
        explorer = page.locator(".ck-explorer").first
        assert explorer.count() == 1, f"{path.name}: no live explorer widget"
        explorer.scroll_into_view_if_needed()
        image = """e => { const c = e.querySelector('.jp-RenderedVegaCommon5 canvas');
                          if (c) return c.toDataURL();
                          const s = e.querySelector('.jp-RenderedVegaCommon5 svg'); return s ? s.outerHTML : ''; }"""
        page.wait_for_function(f"() => ({image})(document.querySelector('.ck-explorer')).length > 100", timeout=20000)
        before = explorer.evaluate(image)
        first = explorer.locator("select, .noUi-handle, input[type=range], .widget-toggle-button, button").first
        tag = first.evaluate("e => e.tagName.toLowerCase() + '.' + e.className")
        if tag.startswith("select"):
            options = first.locator("option")
            first.select_option(index=min(1, options.count() - 1) if first.input_value() == options.first.get_attribute("value") else 0)
        elif "noUi-handle" in tag:
            first.focus()
            for _ in range(3):
                page.keyboard.press("ArrowRight")
        else:
            explorer.locator("button:not(.mod-active)").first.click()
        page.wait_for_function(f"(b) => ({image})(document.querySelector('.ck-explorer')) !== b", arg=before, timeout=20000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        explorer.screenshot(path=str(SCREENSHOTS / f"lab__{path.stem}__explorer.png"))
        # The chapter's questions are live widgets graded by the kernel, with the same words as the book.
        items = page.locator(".jp-OutputArea .ck-item")
        assert items.count() >= 10, f"{path.name}: {items.count()} question widgets"
        number = page.locator(".jp-OutputArea .ck-item:has(input[type=text])").first
        number.scroll_into_view_if_needed()
        number.locator("input[type=text]").fill("1e400")
        number.locator("button", has_text="Check").click()
        page.wait_for_function("e => e.querySelector('.ck-feedback') && e.querySelector('.ck-feedback').textContent"
                               ".includes('too large')", arg=number.element_handle(), timeout=20000)
        number.locator("input[type=text]").fill("-123456789")
        number.locator("button", has_text="Check").click()
        page.wait_for_function("e => e.querySelector('.ck-feedback').textContent.startsWith('Not quite')",
                               arg=number.element_handle(), timeout=20000)
        number.screenshot(path=str(SCREENSHOTS / f"lab__{path.stem}__item.png"))
        assert w.external == [], f"{path.name}: requests to other hosts: {w.external[:5]}"
    finally:
        w.close()

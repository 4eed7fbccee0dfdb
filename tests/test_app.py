"""The web app, as a user drives it: headless Chromium through Playwright.

Needs Debian's Chromium (`apt-get install chromium`; .ci/run installs it). Without it the
browser test is skipped with a message -- except in CI (CI=true), where it must run.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from model.app import AppModel, draw_ties, model_params

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]


def test_app_model_takes_the_page_parameters():
    params = {k: (v["value"] if isinstance(v, dict) else v.value) for k, v in model_params().items()}
    params.update(network="x", social_map=True, T1="literature", ties="empathic")
    m = AppModel(**params)
    assert m.spec.name == "x" and m.spec.params.i4 and m.spec.params.T1 == "literature"
    assert m.spec.params.power_asymmetry == 0.0  # sliders off: the network's own values
    m.run_for(30)
    assert m.week == 30 and m.datacollector.get_model_vars_dataframe().shape[0] == 31
    slid = AppModel(**{**params, "use_sliders": True, "power_asymmetry": 0.9})
    assert slid.spec.params.power_asymmetry == 0.9
    assert len(draw_ties(m).axes[0].patches) == 9 * 8  # one arrow per ordered pair of X


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("browser test needs Chromium: apt-get install chromium (Debian package)")
    port = _free_port()
    cmd = [sys.executable, "-m", "experiments.cli", "app", "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("the app did not start")
    yield f"http://127.0.0.1:{port}/"
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def week_shown(page) -> int:
    text = page.locator("text=/Week \\d+ of network/").first.inner_text()
    return int(text.split()[1])


def test_page_loads_steps_and_resets_on_scenario_switch(server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1300})
        page.goto(server, timeout=90_000)
        page.locator("text=/Week 0 of network y/").first.wait_for(timeout=90_000)
        page.wait_for_load_state("networkidle")
        time.sleep(5)  # let the page finish its first render before the first click
        before = page.screenshot()
        for week in (1, 2, 3):
            page.get_by_role("button", name="Step").click()
            page.locator(f"text=/Week {week} of network/").first.wait_for(timeout=30_000)
        assert week_shown(page) == 3
        time.sleep(2)
        after = page.screenshot(path=str(tmp_path / "app.png"), full_page=True)
        assert after != before  # plots and network grew
        # switching the network resets the model
        page.get_by_label("Network", exact=True).click(force=True)
        page.get_by_role("option", name="x").click()
        page.get_by_role("button", name="Reset").click()
        page.locator("text=/Week 0 of network x/").first.wait_for(timeout=30_000)
        assert "9 organisations" in page.locator("text=/Week 0 of network x/").first.inner_text()
        assert (tmp_path / "app.png").stat().st_size > 50_000
        browser.close()

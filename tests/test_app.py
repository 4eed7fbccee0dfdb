"""The web app, as a user drives it: headless Chromium through Playwright.

Needs Debian's Chromium (`apt-get install chromium`; .ci/run installs it). Without it the
browser test is skipped with a message -- except in CI (CI=true), where it must run.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from model.app import AppModel, app_scenario, build_page, draw_series, draw_ties, model_params
from model.app_ensemble import baseline_of, ensemble
from model.engines import simulate_batch
from model.scenario import load_scenario

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


def test_the_scenario_box_reads_only_toml_files_under_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    secret = tmp_path.parent / f"{tmp_path.name}-secret.toml"
    secret.write_text('password = "hunter2"\n')
    (tmp_path / "notes.txt").write_text("[[organisations]]\n")
    (tmp_path / "other.toml").write_text('api_key = "s3cr3t"\n[database]\nhost = "db"\n')
    (tmp_path / "link.toml").symlink_to(secret)
    for typed in (str(secret), f"../{secret.name}", "notes.txt", "link.toml", "/etc/passwd", "other.toml"):
        scenario, notice = app_scenario("x", typed)
        assert scenario.name == "x" and notice, typed  # the selected network instead, and why
        assert "hunter2" not in notice and "password" not in notice and "api_key" not in notice
        assert "database" not in notice
    (tmp_path / "mine.toml").write_text((ROOT / "model" / "scenarios" / "y.toml").read_text())
    assert app_scenario("x", "mine.toml") == (load_scenario(tmp_path / "mine.toml"), "")
    assert app_scenario("x", "Y")[0].name == "y"
    m = AppModel(network="x", scenario_file="/etc/passwd", rng="not a seed")
    assert m.spec.name == "x" and "refused" in m.notice and "seed" in m.notice


def test_one_network_drawing_the_labelled_one():
    """Mesa's space drawing repeated the ties' network without names: it is gone."""
    page = build_page(AppModel(network="x"))
    assert page.args[1] is None


def test_the_ensemble_is_replications_with_a_paired_effect():
    x = load_scenario("x")
    plain = ensemble(x, 8, seed=3, steps=20)
    assert plain.effects == {} and plain.interventions == ()
    band = plain.metrics["collaboration"]
    assert band.mean.shape == (21,) and np.all(band.low <= band.mean) and np.all(band.mean <= band.high)
    treated = x.with_overrides({"i4": True, "i5": True})
    ens = ensemble(treated, 8, seed=3, steps=20)
    assert ens.interventions == ("I4", "I5")
    seeds = np.random.SeedSequence(3).spawn(8)
    on = simulate_batch([treated] * 8, seeds, 20, record_agents=False)
    off = simulate_batch([baseline_of(treated)] * 8, seeds, 20, record_agents=False)
    paired = np.mean([a.model["collaboration"] - b.model["collaboration"] for a, b in zip(on, off, strict=True)],
                     axis=0)
    np.testing.assert_allclose(ens.effects["collaboration"].mean, paired)
    np.testing.assert_allclose(plain.metrics["collaboration"].mean, ensemble(baseline_of(treated), 8, 3, 20)
                               .metrics["collaboration"].mean)  # the baseline is the network without them
    m = AppModel(network="x", social_map=True)
    m.run_for(5)
    assert len(draw_series(m, ensemble(m.spec, 4, m.seed_root)).axes) == 3  # + the effect panel


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
    proc, port = start_app()
    yield f"http://127.0.0.1:{port}/"
    stop_group(proc)


def start_app():
    """`trustnet app` in a session of its own (so the whole group can be stopped)."""
    port = _free_port()
    cmd = [sys.executable, "-m", "experiments.cli", "app", "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            time.sleep(0.5)
    stop_group(proc)
    pytest.fail("the app did not start")


def stop_group(proc) -> None:
    """Stop every process of the app's group, the server and anything it started."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            continue
        if not _group_alive(proc.pid):
            return


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def test_sigterm_to_trustnet_app_stops_the_server():
    """`trustnet app` is the server (os.execv): SIGTERM to its pid leaves nothing listening."""
    proc, port = start_app()
    try:
        proc.send_signal(signal.SIGTERM)  # to the process only, as a process manager would
        proc.wait(timeout=30)
        deadline = time.time() + 10
        while _group_alive(proc.pid) and time.time() < deadline:
            time.sleep(0.2)
        assert not _group_alive(proc.pid), "a process of the app outlived SIGTERM"
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
    finally:
        stop_group(proc)


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

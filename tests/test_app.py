"""The web app, as a user drives it: headless Chromium through Playwright.

Needs Debian's Chromium (`apt-get install chromium`; .ci/run installs it). Without it the
browser test is skipped with a message -- except in CI (CI=true), where it must run.
"""

import itertools
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
from matplotlib.backends.backend_agg import FigureCanvasAgg

from model.inputs.scenario import load_scenario
from model.mesa_model.app import (
    AppModel,
    app_scenario,
    changed,
    draw_series,
    draw_ties,
    effect_summary,
    initial_settings,
)
from model.mesa_model.app_ensemble import baseline_of, ensemble, ensemble_in_steps
from model.process.engines import simulate_batch

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]


def test_app_model_takes_the_page_parameters():
    params = {**initial_settings(), "network": "x", "social_map": True, "T1": "literature", "ties": "empathic"}
    m = AppModel(**params)
    assert m.spec.name == "x" and m.spec.params.i4 and m.spec.params.T1 == "literature"
    assert m.spec.params.power_asymmetry == 0.0  # no slider moved: the network's own values
    m.run_for(30)
    assert m.week == 30 and m.datacollector.get_model_vars_dataframe().shape[0] == 31
    moved = AppModel(**{**params, "power_asymmetry": 0.9})
    assert moved.spec.params.power_asymmetry == 0.9
    assert len(draw_ties(m).axes[0].patches) == 9 * 8  # one arrow per ordered pair of X
    beyond = AppModel(**{**params, "absence_scale": 9.0})  # outside the parameter's range: said, not raised
    own = load_scenario("x").params.absence_scale
    assert "absence_scale" in beyond.notice and beyond.spec.params.absence_scale == own


def test_a_new_network_drops_the_moved_sliders():
    settings = changed(initial_settings(), "informal_rate", 0.6)
    assert AppModel(**settings).spec.params.informal_rate == 0.6
    settings = changed(settings, "network", "x")
    assert "informal_rate" not in settings
    assert AppModel(**settings).spec.params.informal_rate == load_scenario("x").params.informal_rate


def late_joiner(tmp_path: Path) -> Path:
    text = (ROOT / "model" / "inputs" / "scenarios" / "x.toml").read_text().replace('name = "x"', 'name = "late"')
    path = tmp_path / "late.toml"
    path.write_text(text + '\n[[organisations]]\nname = "Debt counselling"\ndomain = "care"\njoins = 2\n')
    return path


def test_members_appear_when_they_join(tmp_path, monkeypatch):
    late_joiner(tmp_path)
    monkeypatch.chdir(tmp_path)
    m = AppModel(scenario_file="late.toml")
    assert m.spec.name == "late" and m.structure.n == 10 and not m.notice

    def drawn(model):
        nodes = [c for c in draw_ties(model).axes[0].collections if len(c.get_offsets()) and c.get_edgecolor().size]
        return len(nodes[-1].get_offsets()), len(draw_ties(model).axes[0].patches)

    assert drawn(m) == (9, 9 * 8)  # week 0: the newcomer is not yet there
    m.run_for(2)
    assert drawn(m) == (10, 10 * 9)
    assert "week 2: Debt counselling joins the network" in m.events


def test_labels_of_the_network_do_not_overlap():
    for name in ("x", "y"):
        fig = draw_ties(AppModel(network=name))
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        boxes = [t.get_window_extent(canvas.get_renderer()) for t in fig.axes[0].texts]
        assert len(boxes) == load_scenario(name).n
        for a, b in itertools.combinations(boxes, 2):
            assert not a.overlaps(b), name


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
    (tmp_path / "mine.toml").write_text((ROOT / "model" / "inputs" / "scenarios" / "y.toml").read_text())
    assert app_scenario("x", "mine.toml") == (load_scenario(tmp_path / "mine.toml"), "")
    assert app_scenario("x", "Y")[0].name == "y"
    m = AppModel(network="x", scenario_file="/etc/passwd", rng="not a seed")
    assert m.spec.name == "x" and "refused" in m.notice and "seed" in m.notice


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


def test_the_ensemble_comes_in_steps_and_ends_where_the_whole_one_does():
    treated = load_scenario("y").with_overrides({"i1": True})
    steps = list(ensemble_in_steps(treated, 12, seed=5, steps=30, chunk=5))
    assert [e.reps for e in steps] == [5, 10, 12]
    whole = ensemble(treated, 12, seed=5, steps=30)
    for metric in ("collaboration", "intentional_trust"):
        np.testing.assert_array_equal(steps[-1].effects[metric].mean, whole.effects[metric].mean)
        np.testing.assert_array_equal(steps[-1].metrics[metric].high, whole.metrics[metric].high)
    assert "Effect of I1 at week 30, 12 of 12 pairs: collaboration" in effect_summary(steps[-1], 12)


def test_the_effect_panel_shows_its_progress_while_the_replications_come_in(monkeypatch):
    """The page's ensemble, rendered without a browser, its chunks let through one at a
    time: the progress line counts them, then gives way to the paired effect (with the
    compiled engine the line lasts well under a second, too short to catch in a browser)."""
    import threading

    import ipyvuetify as v
    import solara

    from model.mesa_model import app

    gate, real = threading.Semaphore(0), app.ensemble_in_steps

    def one_chunk_at_a_time(*args, **kwargs):
        for ens in real(*args, **kwargs):
            assert gate.acquire(timeout=60)
            yield ens

    monkeypatch.setattr(app, "ensemble_in_steps", one_chunk_at_a_time)
    _, rc = solara.render(app.Series(AppModel(network="x", social_map=True)), handle_error=False)
    texts = lambda: [str(w.children[0]) for w in rc.find(v.Html).widgets if w.children]  # noqa: E731
    try:
        for done in (0, 10, 20):
            rc.find(v.Html, children=[f"running 30 replications in the background: {done} of 30 done"]).wait_for(
                timeout=30)
            rc.find(v.ProgressLinear, value=100 * done / 30).assert_single()
            gate.release()
        deadline = time.monotonic() + 30
        while not any(t.startswith("Effect of I4 at week 156, 30 of 30 pairs: collaboration") for t in texts()):
            assert time.monotonic() < deadline, texts()
            time.sleep(0.05)
        assert not any("replications in the background" in t for t in texts())
        assert not rc.find(v.ProgressLinear).widgets
    finally:
        for _ in range(3):
            gate.release()
        rc.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app, started in a directory that holds a scenario with a late joiner."""
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("browser test needs Chromium: apt-get install chromium (Debian package)")
    where = tmp_path_factory.mktemp("app")
    late_joiner(where)
    proc, port = start_app(cwd=where)
    yield f"http://127.0.0.1:{port}/"
    stop_group(proc)


def start_app(cwd: Path = ROOT):
    """`trustnet app` in a session of its own (so the whole group can be stopped)."""
    port = _free_port()
    cmd = [sys.executable, "-m", "experiments.cli", "app", "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
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


def cdn_cache() -> set[Path]:
    """The files of Solara's local asset directory (solara-assets): the server serves the
    front end's assets from here and fetches from a public CDN only what is missing,
    writing it here -- so a page that loads offline leaves this set unchanged."""
    from solara.server import settings

    root = Path(settings.assets.proxy_cache_dir)
    return {p for p in root.rglob("*") if p.is_file()}


def status(page) -> str:
    return page.locator("text=/^Week \\d+ of network/").first.inner_text()


def test_the_page_works_offline_and_every_setting_takes_effect_at_once(server):
    """Loads with every request answered locally; no stray tab; sliders show their values;
    a new network, slider or intervention acts without Reset; the effect panel
    fills; a member appears when it joins."""
    from playwright.sync_api import sync_playwright

    before = cdn_cache()
    outside, failed = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1400})

        def only_local(route):
            url = route.request.url
            if url.startswith(("http://127.0.0.1", "blob:", "data:")):
                route.continue_()
            else:  # the machine is offline as far as the page knows
                outside.append(url)
                route.abort()

        page.route("**/*", only_local)
        page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
        page.on("response", lambda r: failed.append(f"{r.url} {r.status}") if r.status >= 400 else None)
        page.goto(server, timeout=90_000)
        page.locator("text=/^Week 0 of network y/").first.wait_for(timeout=90_000)
        page.wait_for_load_state("networkidle")
        assert page.get_by_role("tab").count() == 0 and page.get_by_text("Page 0").count() == 0
        assert page.get_by_text("informal rate: 0.15 (network's own)").count() == 1  # a slider and its value
        assert page.get_by_text("takes effect at once").count() == 1  # the page says what a change does
        for week in (1, 2, 3):
            page.get_by_role("button", name="Step").click()
            page.locator(f"text=/^Week {week} of network y/").first.wait_for(timeout=30_000)
        # a new network takes effect without Reset
        page.get_by_label("Network", exact=True).click(force=True)
        page.get_by_role("option", name="x").click()
        page.locator("text=/^Week 0 of network x/").first.wait_for(timeout=30_000)
        assert "(9 organisations)" in status(page)
        assert page.get_by_text("informal rate: 0.02 (network's own)").count() == 1  # X's own value now
        # so does a slider: one step to the right, and the run starts again
        page.get_by_role("button", name="Step").click()
        page.locator("text=/^Week 1 of network x/").first.wait_for(timeout=30_000)
        page.get_by_role("slider", name="open atmosphere: 0.80 (network's own)").focus()
        page.keyboard.press("ArrowRight")
        page.get_by_text("open atmosphere: 0.81").first.wait_for(timeout=30_000)
        page.locator("text=/^Week 0 of network x/").first.wait_for(timeout=30_000)
        # an intervention: the paired effect fills (its progress line lasts well under a second with
        # the compiled engine: test_the_effect_panel_shows_its_progress_while_the_replications_come_in)
        page.get_by_text("I4 social map").click()
        page.locator("text=/Effect of I4 at week 156, 30 of 30 pairs: collaboration/").first.wait_for(
            timeout=90_000)
        assert page.locator("text=/replications in the background/").count() == 0
        # a member appears when it joins
        box = page.get_by_label("or a scenario file (path)")
        box.fill("late.toml")
        box.press("Enter")
        page.locator("text=/^Week 0 of network late/").first.wait_for(timeout=30_000)
        assert "9 at the table, Debt counselling joins in week 2" in status(page)
        for week in (1, 2):
            page.get_by_role("button", name="Step").click()
            page.locator(f"text=/^Week {week} of network late/").first.wait_for(timeout=30_000)
        assert status(page) == "Week 2 of network late (10 organisations)"
        assert page.get_by_text("week 2: Debt counselling joins the network").count() == 1
        browser.close()
    assert outside == [] and failed == []
    assert cdn_cache() == before  # the server fetched nothing from a CDN either

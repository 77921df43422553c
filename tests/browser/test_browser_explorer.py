"""The explorer as a person uses it: load, move a slider, step, read why, play a game, ensemble.

The explorer is served on a free local port and driven in headless Chromium (Playwright);
without Chromium or Playwright every test here is skipped, with the reason.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Where the tests leave their screenshots: CRISIS_SCREENSHOTS=docs/screenshots renews the README's.
SHOTS = os.environ.get("CRISIS_SCREENSHOTS")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def explorer_url(tmp_path_factory):
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    pytest.importorskip("solara", reason="solara is not installed (pip install -e '.[explore]')")
    port = _free_port()
    log = tmp_path_factory.mktemp("explorer") / "server.log"
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
    }
    with open(log, "w") as fh:
        server = subprocess.Popen(
            [sys.executable, "-m", "sim.app.explore", "--port", str(port)],
            stdout=fh, stderr=subprocess.STDOUT, env=env, cwd=tmp_path_factory.getbasetemp(),
            start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the explorer did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def browser(explorer_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, explorer_url):
    """A fresh session of the explorer, loaded and connected."""
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    pg = context.new_page()
    pg.goto(explorer_url, timeout=90_000)
    pg.get_by_text("Round 0 (before round 1)").first.wait_for(timeout=90_000)
    pg.wait_for_timeout(1500)  # the kernel's widgets connect after the first paint
    yield pg
    context.close()


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=False)


expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

pytestmark = pytest.mark.browser


def card(page, title: str):
    return page.locator(".v-card").filter(has_text=title).last


def step(page, times: int = 1) -> None:
    """Press Step and wait until the timeline shows the next round (not merely any change)."""
    button = page.get_by_role("button", name="Step")
    for _ in range(times):
        shown = re.search(r"Round (\d+) \(", card(page, "Timeline").inner_text())
        button.click()
        expect(card(page, "Timeline")).to_contain_text(
            f"Round {int(shown.group(1)) + 1} (", timeout=20_000
        )


def _changed(page, title: str, before: str, timeout: float = 20_000) -> None:
    page.wait_for_function(
        """([title, before]) => {
            const cards = [...document.querySelectorAll('.v-card')]
                .filter(c => c.innerText.includes(title));
            return cards.length && cards[cards.length - 1].innerText !== before;
        }""",
        arg=[title, before],
        timeout=timeout,
    )


def select(page, label: str, option: str) -> None:
    page.locator(".v-select").filter(has_text=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()


def reset(page) -> None:
    before = card(page, "Timeline").inner_text()
    page.get_by_role("button", name="Reset").click()
    # a reset to the same settings may leave the text as it was
    with contextlib.suppress(Exception):
        _changed(page, "Timeline", before, timeout=5_000)
    page.wait_for_timeout(500)


def test_the_app_loads(page):
    assert "crisis-sim explorer" in page.content()
    assert card(page, "Timeline").is_visible()
    for lane in ("US", "China", "Russia", "DPRK", "UN Security Council"):
        assert page.locator("#swimlanes th.lane", has_text=lane).count() >= 1
    assert page.get_by_text("United States: hawkishness").first.is_visible()
    assert page.get_by_text("Scenario").first.is_visible()


def test_a_slider_changes_a_parameter(page):
    slider = page.locator(".v-input").filter(has_text="United States: hawkishness").first
    thumb = slider.locator("[role=slider]")
    thumb.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(500)
    reset(page)
    text = card(page, "Timeline").inner_text()
    assert re.search(r"us\.hawkishness: 0\.6 \u2192 0\.6[1-9]", text), text


def set_seed(page, seed: int) -> None:
    """Type a seed into the sidebar and reset the model to it."""
    box = page.get_by_label("Seed")
    box.fill(str(seed))
    box.press("Enter")
    reset(page)
    # a reset to a new seed shows it; until then a Step would advance the old model
    expect(card(page, "Timeline")).to_contain_text(f"seed {seed})", timeout=20_000)


def test_stepping_advances_the_timeline(page):
    set_seed(page, 2)  # a run that is still in crisis after seven months
    assert page.locator("#swimlanes tr").first.locator("th").count() == 1  # only the lane names
    step(page, 3)
    header = page.locator("#swimlanes tr").first.locator("th")
    assert header.count() == 4
    assert [header.nth(i).inner_text() for i in (1, 2, 3)] == ["Aug 2017", "Sep 2017", "Oct 2017"]
    expect(card(page, "Timeline")).to_contain_text("Round 3 (Oct 2017)")
    step(page, 4)
    expect(card(page, "Timeline")).to_contain_text("Round 7 (Feb 2018)")
    page.wait_for_timeout(1000)
    shot(page, "explorer_timeline.png")


def test_the_explanation_panel_shows_the_options(page):
    step(page, 2)
    panel = card(page, "Why the last choice")
    expect(panel).to_contain_text("Round 2: us chose", timeout=20_000)
    text = panel.inner_text()
    for option in ("offer talks", "show of force", "strike", "probability", "predicted value"):
        assert option in text
    shares = [float(x) for x in re.findall(r"(\d+\.\d)%", text)]
    assert len(shares) >= 6 and abs(sum(shares) - 100) < 1
    select(page, "Actor", "dprk")
    expect(card(page, "Why the last choice")).to_contain_text("Round 2: dprk chose")


def test_a_played_game_as_the_us_reaches_an_outcome(page):
    select(page, "Take a seat", "us")
    reset(page)
    seat = card(page, "Your seat")
    expect(seat).to_contain_text("United States, round 1", timeout=20_000)
    # A US game asks two questions a round (the move and whether to table a draft).
    for _ in range(3 * 2 * 24):
        text = seat.inner_text()
        if "Game over" in text:
            break
        assert "Advice: the model's United States" in text
        asked = re.search(r"round \d+: [^\n]*", text).group(0)
        page.get_by_role("button", name=re.compile(r"^1\. ")).first.click()
        _answered(page, asked)
    text = card(page, "Your seat").inner_text()
    assert "Game over" in text
    assert "The model's own United States on the same seed" in text
    assert "95% Wilson" in text
    page.get_by_text("Game over").first.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # the plots redraw after the panels
    shot(page, "finished_game.png")


def _answered(page, asked: str, timeout: float = 20_000) -> None:
    """Wait until the seat asks another question (or the game ends), not just any redraw."""
    page.wait_for_function(
        """(asked) => {
            const cards = [...document.querySelectorAll('.v-card')]
                .filter(c => c.innerText.includes('Your seat'));
            const text = cards.length ? cards[cards.length - 1].innerText : '';
            return text.includes('Game over') || !text.includes(asked);
        }""",
        arg=asked,
        timeout=timeout,
    )


def test_the_ensemble_tab(page):
    page.get_by_role("tab", name="Page 1").click()
    page.get_by_role("button", name="Run ensemble").click()
    page.locator("#odds").wait_for(timeout=60_000)
    text = card(page, "Ensemble").inner_text()
    assert "N = 200 seeds" in text
    for outcome in ("Talks", "War", "Standoff"):
        assert re.search(outcome, text, re.I)
    shares = [float(x) for x in re.findall(r"(\d+\.\d)%\s", text)]
    assert shares and abs(sum(shares) - 100) < 1
    page.wait_for_timeout(1000)
    shot(page, "ensemble.png")

"""The explorer as a person uses it: load, move a slider, step, read why, play a game, ensemble."""

from __future__ import annotations

import contextlib
import re

import pytest

from tests.browser.conftest import shot

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

pytestmark = pytest.mark.browser


def card(page, title: str):
    return page.locator(".v-card").filter(has_text=title).last


def step(page, times: int = 1) -> None:
    button = page.get_by_role("button", name="Step")
    for _ in range(times):
        before = card(page, "Timeline").inner_text()
        button.click()
        _changed(page, "Timeline", before)


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


def test_stepping_advances_the_timeline(page):
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
    for _ in range(80):
        text = seat.inner_text()
        if "Game over" in text:
            break
        assert "Advice: the model's United States" in text
        page.get_by_role("button", name=re.compile(r"^1\. ")).first.click()
        _changed(page, "Your seat", text)
    text = card(page, "Your seat").inner_text()
    assert "Game over" in text
    assert "The model's own United States on the same seed" in text
    assert "95% Wilson" in text
    page.get_by_text("Game over").first.scroll_into_view_if_needed()
    shot(page, "finished_game.png")


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

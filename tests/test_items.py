"""Self-check items in the built book, tried as a student would: wrong answers, odd input, keyboard only, a phone."""

from __future__ import annotations

import re

import pytest

from coursekit import content

from conftest import chapter_notebooks

CHAPTERS = [f"notebooks/{p.stem}" for p in chapter_notebooks()]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def open_page(w, site_url, page):
    w.page.goto(f"{site_url}/{page}.html", wait_until="domcontentloaded")
    w.page.wait_for_function("document.querySelectorAll('div.ck-item[data-wired=yes]').length > 0", timeout=30000)


def item(w, iid):
    return w.page.locator(f'div.ck-item[data-item="{iid}"]')


def check(w, iid) -> str:
    box = item(w, iid)
    box.locator("button.ck-check").click()
    return box.locator(".ck-feedback").inner_text().strip()


@pytest.mark.browser
@pytest.mark.parametrize("page", CHAPTERS)
def test_each_chapter_page_offers_ten_items_to_attempt(watch, site_url, page):
    w = watch(**DESKTOP)
    open_page(w, site_url, page)
    items = w.page.locator("div.ck-item[data-item]")
    n = items.count()
    checkable = w.page.locator("div.ck-item[data-item]:not([data-kind=open])").count()
    assert checkable >= 10, f"{page}: {checkable} checkable items"
    for i in range(n):
        box = items.nth(i)
        assert box.locator("button.ck-check").count() == 1
        assert box.locator(".ck-feedback[aria-live=polite][role=status]").count() == 1
    assert w.console_errors == [] and w.external == []


@pytest.mark.browser
@pytest.mark.parametrize("page", CHAPTERS)
def test_no_numeric_feedback_can_be_typed_back_as_the_answer(watch, site_url, page):
    """For every number item: a wrong try says which way to go; no number in that feedback is accepted."""
    w = watch(**DESKTOP)
    open_page(w, site_url, page)
    chapter = f"ch{int(page.split('/')[-1][:2])}"
    for it in content.load_chapter(chapter).items.values():
        if it.kind != "number":
            continue
        key = it.public_key()
        box = item(w, it.id)
        field = box.locator("input[type=text]")
        wrong = key["answer"] + 7 * max(key["tol"], abs(key["answer"]) * 0.3, 1)
        field.fill(repr(wrong))
        first = check(w, it.id)
        assert first.startswith("Not quite"), f"{it.id}: {first}"
        assert "too high" in first or "Not quite." in first, f"{it.id}: a direction or a misconception: {first}"
        for number in set(re.findall(r"-?\d[\d,]*(?:\.\d+)?", first)):
            field.fill(number)
            again = check(w, it.id)
            assert not again.startswith("Correct"), f"{it.id}: '{number}' from the first feedback is accepted"
        w.page.evaluate("localStorage.clear()")


@pytest.mark.browser
def test_odd_input_gets_a_friendly_message_and_loses_nothing(watch, site_url):
    w = watch(**DESKTOP)
    open_page(w, site_url, "notebooks/00_introduction")
    iid = next(i.id for i in content.load_chapter("ch0").section("exercises") if i.kind == "number")
    field = item(w, iid).locator("input[type=text]")
    for raw, phrase in [("", "no answer yet"), ("seven", "not a number I can read"), ("3,500", "could mean two numbers"),
                        ("1e400", "too large"), ("\u22127", "too low"), ("40 %", "too high")]:
        field.fill(raw)
        feedback = check(w, iid)
        assert feedback.startswith("Not quite") and phrase in feedback, (raw, feedback)
        assert field.input_value() == raw, "the student's input is kept"
    assert "ck-invalid" not in item(w, iid).locator(".ck-feedback").get_attribute("class")


@pytest.mark.browser
def test_hints_escalate_and_the_solution_opens_only_after_two_tries(watch, site_url):
    w = watch(**DESKTOP)
    open_page(w, site_url, "notebooks/00_introduction")
    it = next(i for i in content.load_chapter("ch0").section("exercises") if i.kind == "number")
    hints = it.public_key()["hints"]
    box = item(w, it.id)
    button = box.locator("button.ck-show-solution")
    assert button.is_hidden() and box.locator(".ck-solution").is_hidden()
    box.locator("input").fill("999999")
    assert hints[0] in check(w, it.id)
    assert button.is_hidden(), "the solution must not be offered after one try"
    box.locator("input").fill("-5")
    assert hints[1] in check(w, it.id)
    assert button.is_visible()
    assert box.locator(".ck-solution").is_hidden(), "the solution opens only when the student asks"
    button.click()
    assert box.locator(".ck-solution").is_visible() and button.get_attribute("aria-expanded") == "true"


def _kind_item(kind):
    for it in content.items().values():
        if it.kind == kind:
            return it
    return None


KINDS = ["choice", "multi", "number", "order", "match", "open"]


@pytest.mark.browser
@pytest.mark.parametrize("size", ["phone", "desktop"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_works_by_keyboard_alone(watch, site_url, kind, size):
    it = _kind_item(kind)
    assert it is not None, f"no item of kind {kind} in the course"
    w = watch(**(PHONE if size == "phone" else DESKTOP))
    page = next(p for p in CHAPTERS if int(p.split("/")[-1][:2]) == int(it.chapter[2:]))
    open_page(w, site_url, page)
    box = item(w, it.id)
    box.scroll_into_view_if_needed()
    kb = w.page.keyboard
    key = it.public_key()
    if kind == "number":
        box.locator("input").focus()
        kb.type(repr(key["answer"]))
        kb.press("Enter")
    elif kind == "choice":
        right = next(i for i, o in enumerate(it.options()) if o["correct"])
        box.locator("input[type=radio]").first.focus()
        kb.press("Space")
        for _ in range(right):
            kb.press("ArrowDown")
        kb.press("Tab")
        kb.press("Enter")
    elif kind == "multi":
        boxes = box.locator("input[type=checkbox]")
        boxes.first.focus()
        for o in it.options():
            if o["correct"]:
                kb.press("Space")
            kb.press("Tab")
        assert w.page.evaluate("document.activeElement.classList.contains('ck-check')"), "Tab reaches Check"
        kb.press("Enter")
    elif kind == "order":
        shown, right = it.entries()
        order = [e["id"] for e in shown]
        for target, eid in enumerate(right):
            pos = order.index(eid)
            while pos > target:
                box.locator(f'li[data-value="{eid}"] button.ck-up').focus()
                kb.press("Enter")
                order[pos - 1], order[pos] = order[pos], order[pos - 1]
                pos -= 1
        assert [box.locator("li").nth(i).get_attribute("data-value") for i in range(len(order))] == right
        box.locator("button.ck-check").focus()
        kb.press("Enter")
    elif kind == "match":
        lefts, choices, answer = it.pairs()
        for left in lefts:
            select = box.locator(f'select[data-left="{left["id"]}"]')
            select.focus()
            index = [c["id"] for c in choices].index(answer[left["id"]]) + 1
            for _ in range(index):
                kb.press("ArrowDown")
        box.locator("button.ck-check").focus()
        kb.press("Enter")
    else:
        box.locator("textarea").focus()
        kb.type("The veto players matter more than the money.")
        kb.press("Tab")
        kb.press("Enter")
    feedback = box.locator(".ck-feedback").inner_text().strip()
    expected = "Compare your answer" if kind == "open" else "Correct"
    assert feedback.startswith(expected), f"{it.id} ({kind}, {size}): {feedback!r}"
    if kind == "open":
        assert box.locator(".ck-solution").is_visible(), "the model answer and rubric open after writing"
    overflow = box.evaluate("e => e.scrollWidth - e.clientWidth")
    assert overflow <= 1, f"{it.id} is wider than its box on a {size}"
    right_edge = box.evaluate("e => e.getBoundingClientRect().right")
    assert right_edge <= w.page.viewport_size["width"], f"{it.id} runs off the screen on a {size}"
    if size == "phone":
        small = box.evaluate("e => [...e.querySelectorAll('button, input[type=text], select, textarea')]"
                             ".filter(b => b.offsetParent && b.getBoundingClientRect().height < 44).length")
        assert small == 0, f"{it.id}: controls smaller than a 44 px touch target"


@pytest.mark.browser
def test_progress_stays_in_this_browser_until_forgotten(watch, site_url):
    w = watch(**DESKTOP)
    open_page(w, site_url, "notebooks/00_introduction")
    it = next(i for i in content.load_chapter("ch0").items.values() if i.kind == "choice")
    box = item(w, it.id)
    box.locator("input[type=radio]").first.check()
    check(w, it.id)
    stored = w.page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('coursekit:'))")
    assert stored == [f"coursekit:item:{it.id}"]
    w.page.reload(wait_until="domcontentloaded")
    w.page.wait_for_function("document.querySelectorAll('div.ck-item[data-wired=yes]').length > 0")
    box = item(w, it.id)
    assert box.locator("input[type=radio]").first.is_checked(), "the answer is restored after a reload"
    assert box.locator(".ck-feedback").inner_text().strip().startswith(("Correct", "Not quite"))
    w.page.locator("button.ck-forget-button").click()
    assert w.page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('coursekit:'))") == []
    box = item(w, it.id)
    assert not box.locator("input[type=radio]").first.is_checked()
    assert box.locator(".ck-feedback").inner_text().strip() == ""
    assert "forgotten" in w.page.locator(".ck-forget-status").inner_text()
    box.locator("input[type=radio]").nth(1).check()
    assert check(w, it.id), "items still work after forgetting"
    assert w.external == [] and w.context.cookies() == []

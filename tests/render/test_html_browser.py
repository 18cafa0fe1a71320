"""Every bundled handout, in every bundled language, as HTML in a real browser (headless Chromium
through Playwright): no axe-core WCAG 2.1 A/AA violation, no request for anything outside the
file and no console error (a Content-Security-Policy refusal is one), no horizontal scrolling at
320, 640 (1280 at 200% zoom) or 1280 CSS pixels, and screenshots at 320 and 1280 to look at.
Large print (English and Arabic) and a clinic profile with phone numbers and a logo are there too.

axe-core is the copy ``axe-playwright-python`` ships (``axe.min.js``, MPL-2.0), injected into the
page: nothing is downloaded. Screenshots go to ``$HANDOUTS_SCREENSHOTS`` when it is set.
Without a ``chromium`` on the PATH the test is skipped, except in CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from browsercheck import ARGS, axe_script, axe_violations, chromium_path, screenshots_folder, violations_report

from handouts.document import prepare
from handouts.registry import Registry
from handouts.render.html import render_html

LOCALES = ("en", "es", "zh-Hans", "vi", "ar", "hi")
WIDTHS = (320, 640, 1280)
SHOT_WIDTHS = (320, 1280)
FIXTURES = Path(__file__).parent.parent / "fixtures"
MODULES = list(Registry().module_paths())
CASES = [(name, locale, "standard", None) for name in MODULES for locale in LOCALES]
CASES += [(name, locale, "large-print", None) for name in MODULES for locale in ("en", "ar")]
CASES += [("questions-to-ask", "en", "standard", "riverside"), ("car-t-side-effects", "ar", "standard", "with-logo")]


def case_id(case) -> str:
    name, locale, variant, clinic = case
    return "-".join([name, locale] + ([variant] if variant != "standard" else []) + ([clinic] if clinic else []))


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_script()


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("html")


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return screenshots_folder(tmp_path_factory)


@pytest.mark.parametrize("case", CASES, ids=[case_id(case) for case in CASES])
def test_handout_in_a_browser(browser, axe, pages, shots, case):
    from handouts.clinic import load_clinic

    name, locale, variant, clinic = case
    started = time.monotonic()
    handout = prepare(Registry(), name, locale=locale, variant=variant,
                      clinic=load_clinic(FIXTURES / "clinics" / f"{clinic}.yaml") if clinic else None)
    stem = case_id(case)
    path = pages / f"{stem}.html"
    path.write_bytes(render_html(handout))
    url = path.as_uri()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    requests: list[str] = []
    errors: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.on("console", lambda message: errors.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(url, wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        violations = axe_violations(page, axe)
        assert violations == [], f"{stem}:\n" + violations_report(violations)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(50)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{stem} scrolls sideways at {width} px ({scroll} px wide)"
            if width in SHOT_WIDTHS:
                page.screenshot(path=str(shots / f"{stem}.{width}.png"), full_page=True)
        # the page's own fonts loaded from their data: URIs (a broken one would leave the text in a system font)
        loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').length")
        assert loaded >= 2, f"{stem}: the page's own fonts did not load"
        # every field to write in has a name of its own, as Chromium computes it ("Your date:
        # 1. Collection", not five times "Your date:"), and the comparison table is a table at 320 px
        tree = context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
        names = [node.get("name", {}).get("value") for node in tree
                 if node.get("role", {}).get("value") in ("textbox", "checkbox")]
        assert all(names) and len(set(names)) == len(names), f"{stem}: {names}"
        if handout.document.kind == "comparison":
            assert [node for node in tree if node.get("role", {}).get("value") == "columnheader"], stem
    finally:
        context.close()
    outside = [url_ for url_ in requests if url_ != url and not url_.startswith("data:")]
    assert outside == [], f"{stem} asked for {outside}"
    assert requests and requests[0] == url
    assert errors == [], f"{stem}: the browser reported {errors}"
    print(f"{stem} {time.monotonic() - started:.1f} s")

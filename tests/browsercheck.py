"""What the browser tests share: Debian's Chromium (a test without it is skipped, except in CI,
where it fails), the axe-core that ``axe-playwright-python`` ships (``axe.min.js``, MPL-2.0, run
inside the page: nothing is downloaded), and where screenshots go (``$HANDOUTS_SCREENSHOTS``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def chromium_path() -> str:
    """Debian's Chromium, or the test skipped (failed in CI, which must run it)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not on the PATH; CI must run the browser tests (apt-get install chromium)")
        pytest.skip("chromium is not on the PATH (apt-get install chromium); CI runs these tests")
    return path


def axe_script() -> str:
    from axe_playwright_python.base import AXE_FILE_PATH

    return Path(AXE_FILE_PATH).read_text(encoding="utf-8")


def axe_violations(page, axe: str) -> list:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now."""
    page.evaluate(axe)
    results = page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                         resultTypes: ['violations']})""", TAGS)
    return results["violations"]


def violations_report(violations: list) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').strip()}")
    return "\n".join(lines)


def screenshots_folder(tmp_path_factory) -> Path:
    folder = os.environ.get("HANDOUTS_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path

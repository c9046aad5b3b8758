"""axe-core in Chromium: fail a page on serious or critical WCAG 2.1 A/AA violations.

Usage (the CSP blocks injected scripts, so axe needs a context that bypasses it):

    from .axe import assert_no_serious_violations, axe_page

    def test_today_is_accessible(browser, live_server):
        with axe_page(browser) as page:            # phone by default; axe_page(browser, TABLET) for a tablet
            sign_in(page, live_server, email, password)
            assert_no_serious_violations(page, "Today")

The fixtures `axe_phone` / `axe_tablet` do the same for a module that imports them
(`from .axe import axe_phone  # noqa: F401`, and the test argument needs `# noqa: F811`).
Only the page under test bypasses CSP; the pages are still served with it, so other tests keep proving it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import PHONE, TABLET, screenshot

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

RUN = """async ([tags, exclude]) => {
  const context = exclude.length ? {include: [['html']], exclude: exclude.map((s) => [s])} : document;
  const result = await axe.run(context, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}"""


def axe_context(browser, **options):
    """A browser context in which axe can be injected (bypass_csp); the caller closes it."""
    if not AXE_JS.exists():
        pytest.skip(f"axe-core not installed at {AXE_JS} (npm ci)")
    return browser.new_context(bypass_csp=True, **options)


@contextmanager
def axe_page(browser, viewport: dict[str, int] = PHONE) -> Iterator:
    """A page that can run axe: a phone (touch, 2× pixels) by default, or the viewport given."""
    phone = viewport == PHONE
    context = axe_context(browser, viewport=viewport, device_scale_factor=2 if phone else 1,
                          is_mobile=phone, has_touch=phone)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def axe_phone(browser):
    """A phone page (390×844, touch) that can run axe."""
    with axe_page(browser, PHONE) as page:
        yield page


@pytest.fixture
def axe_tablet(browser):
    """A tablet page (1024×1366) that can run axe."""
    with axe_page(browser, TABLET) as page:
        yield page


def violations(page, exclude: tuple[str, ...] = ()) -> list[dict]:
    """Every WCAG 2.1 A/AA violation axe finds on the page as it stands now (outside `exclude` selectors)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(RUN, [WCAG_TAGS, list(exclude)])


def format_violations(found: list[dict]) -> str:
    lines = []
    for v in found:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {target}" for target in v["targets"][:10])
        if len(v["targets"]) > 10:
            lines.append(f"    … and {len(v['targets']) - 10} more")
    return "\n".join(lines)


def assert_no_serious_violations(page, context_name: str, exclude: tuple[str, ...] = ()) -> list[dict]:
    """Fail listing rule, impact and targets of serious/critical violations; return the minor ones."""
    found = violations(page, exclude)
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert not blocking, (
        f"axe: {len(blocking)} serious/critical WCAG 2.1 A/AA violation(s) on {context_name} ({page.url}):\n"
        + format_violations(blocking)
    )
    return [v for v in found if v["impact"] not in BLOCKING]


def look(page, name: str, width: int) -> None:
    """What every screen must pass: no sideways scrolling, no serious accessibility violation, a screenshot.

    Toasts are left out of the axe run: one that starts fading while axe works is measured half transparent
    (a false contrast failure seen under load). Their colours are fixed (white on #1c2a33, 14:1) and the
    offline tests run axe on pages with toasts showing."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => document.getAnimations().every((a) => a.playState !== 'running')")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} scrolls sideways: {scroll}px wide on a {width}px screen"
    assert_no_serious_violations(page, name, exclude=("#toasts",))
    screenshot(page, name)

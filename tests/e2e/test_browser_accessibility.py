"""An accessibility check of the main pages in headless Chromium (issue 12): every form control
has a label, every link and button a name, every image an ``alt``, one ``<h1>`` and a page
language; visible text meets the WCAG 2.1 contrast minimum (success criterion 1.4.3: 4.5:1,
3:1 for large text); and the reader's features (rating, comment, report an error) work from
the keyboard alone.

The contrast ratio is computed in the page from the computed colours, with the relative
luminance and ratio formulas of WCAG 2.1 (definitions "relative luminance" and "contrast
ratio"), the text colour composited over the element's background, itself composited over its
ancestors' backgrounds up to the first opaque one. Text over a background image (the map's
tiles) is not judged. Uses the seed database and server of ``test_browser_reader``.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_browser_reader import (  # the browser fixtures and helpers of the reader test
    _select,
    _sign_in,
    _wait_until,
    browser,  # noqa: F401  (a fixture: used by name)
    page,  # noqa: F401  (a fixture: used by name)
    seed_id_and_url,  # noqa: F401  (a fixture: used by name)
    server,  # noqa: F401  (a fixture: used by name)
)

pytestmark = pytest.mark.slow

#: Runs in the page; returns a list of problems (strings), empty when the page passes.
CHECK = r"""
() => {
  const problems = [];
  const visible = el => {
    const s = getComputedStyle(el);
    return el.getClientRects().length > 0 && s.visibility !== "hidden" && Number(s.opacity) > 0;
  };
  const named = el => (el.textContent || "").trim() || el.getAttribute("aria-label") ||
    (el.getAttribute("aria-labelledby") || "").split(/\s+/).map(id => {
      const t = document.getElementById(id); return t ? t.textContent.trim() : "";
    }).join(" ").trim() || el.getAttribute("title") ||
    [...el.querySelectorAll("img[alt]")].map(i => i.alt).join(" ").trim();
  const short = el => el.outerHTML.slice(0, 90);

  if (!document.documentElement.lang) problems.push("the page has no language (html lang)");
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) problems.push(`${h1} h1 headings`);
  for (const el of document.querySelectorAll("input, select, textarea")) {
    const type = (el.getAttribute("type") || "").toLowerCase();
    if (["hidden", "submit", "button", "reset", "image"].includes(type)) continue;
    const label = [...(el.labels || [])].map(l => l.textContent.trim()).join(" ") ||
      el.getAttribute("aria-label") || el.getAttribute("title") ||
      ((el.getAttribute("aria-labelledby") || "") && named(el));
    if (!label || !label.trim()) problems.push("unlabelled control " + short(el));
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (!named(el)) problems.push("nameless " + short(el));
  }
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) problems.push("image without alt " + short(img));
  }

  const rgba = s => {
    const m = /rgba?\(([^)]+)\)/.exec(s || "");
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]));
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage && s.backgroundImage !== "none") return null;
      const c = rgba(s.backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    return layers.reverse().reduce((acc, c) => over(c, acc), [255, 255, 255]);
  };
  const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const luminance = c => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  const seen = new Set();
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest(".leaflet-container, [aria-hidden=true], script, style, noscript")) continue;
    if (el.disabled) continue;  // inactive controls are exempt (SC 1.4.3)
    const own = [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim());
    if (!own.length || !visible(el)) continue;
    const s = getComputedStyle(el);
    const back = background(el);
    if (!back) continue;
    const fore = over(rgba(s.color), back);
    const [hi, lo] = [luminance(fore), luminance(back)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(s.fontSize), bold = Number(s.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio + 1e-9 < need) {
      const key = `${s.color} on ${back.map(Math.round)} (${el.className || el.tagName.toLowerCase()})`;
      if (!seen.has(key)) {
        seen.add(key);
        problems.push(`contrast ${ratio.toFixed(2)} < ${need}: "${own[0].textContent.trim().slice(0, 30)}" ${key}`);
      }
    }
  }
  return problems;
}
"""

PAGES = ["/", "/map", "/articles", "/entities", "/events", "/quotes", "/claims", "/tracker", "/stories",
         "/timeline", "/search?q=Taliban", "/docs", "/login", "/?lang=ru", "/events?lang=ru"]


def _problems(page: Any, path: str) -> list[str]:  # noqa: F811
    page.goto(path)
    page.wait_for_load_state("networkidle")
    return [f"{path}: {p}" for p in page.evaluate(CHECK)]


def test_main_pages_have_labels_names_and_contrast(page, seed_id_and_url) -> None:  # noqa: F811
    problems = [p for path in PAGES for p in _problems(page, path)]
    seed = seed_id_and_url[0]
    problems += _problems(page, f"/articles/{seed}")
    page.goto("/entities")
    dossier = page.get_attribute("main a[href^='/entities/']", "href")
    problems += _problems(page, dossier)
    _sign_in(page, "rita")  # the signed-in reader's forms: rating, comments, report dialog
    problems += _problems(page, f"/articles/{seed}")
    assert problems == [], "\n".join(problems)


def _tab_to(page: Any, selector: str, limit: int = 250) -> None:  # noqa: F811
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {selector}")


def test_the_reader_works_from_the_keyboard(page, seed_id_and_url) -> None:  # noqa: F811
    seed = seed_id_and_url[0]
    _sign_in(page, "rita")
    page.goto(f"/articles/{seed}")
    # rating: Tab to the third star (named for screen readers), Enter
    assert page.get_attribute(".star[data-stars='3']", "aria-label") == "3 of 5 stars"
    _tab_to(page, ".star[data-stars='3']")
    page.keyboard.press("Enter")
    _wait_until(page, "() => document.getElementById('rating-average').dataset.average !== undefined")
    # comment: Tab into the box, type, Tab to its button, Enter
    _tab_to(page, "#comment-form textarea[name=body]")
    page.keyboard.type("Keyboard only")
    _tab_to(page, "#comment-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("li.comment >> text=Keyboard only")
    # report an error: a selection, then the button reached by Tab, the dialog filled by keys
    full = page.evaluate("document.getElementById('text').textContent")
    start = full.index("Termez")
    assert _select(page, start, start + len("Termez")) == "Termez"
    _tab_to(page, "#report-button")
    page.keyboard.press("Enter")
    page.wait_for_selector("#report-dialog[open]")
    _tab_to(page, "#report-form textarea[name=note]")
    page.keyboard.type("by keyboard")
    _tab_to(page, "#report-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#report-message.good, #report-message:not(.bad)")

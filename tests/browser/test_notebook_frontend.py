"""The notebook's front-end output in a real JupyterLab and a real headless chromium.

One notebook is run in JupyterLab: an awaited queryset (an HTML table) and
``%orm_graph`` (the relation graph widget). The tests check what a person sees:
the widget's diagram with every model and relation, text inside its boxes, no
overlaps, selection and zoom working from the browser, and the table's text
readable in the light and the dark theme. Screenshots go to /tmp.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import SCREENSHOTS, Lab

pytestmark = pytest.mark.browser

CELLS = [
    "%load_ext notebook_ext",
    """from orm import fields
from orm.models import Model

class Tournament(Model):
    name = fields.CharField(max_length=255)

class Event(Model):
    name = fields.CharField(max_length=255)
    tournament = fields.ForeignKeyField("models.Tournament", related_name="events")
    participants = fields.ManyToManyField("models.Team", related_name="events", through="event_team")

class Team(Model):
    name = fields.CharField(max_length=255)
    mentor = fields.ForeignKeyField("models.Team", related_name="mentees", null=True)

class Venue(Model):
    event = fields.OneToOneField("models.Event", related_name="venue")
    address = fields.TextField(null=True)""",
    "%orm_init sqlite://:memory: --generate-schemas",
    """tournament = await Tournament.create(name="New Tournament")
await Event.create(name="Without participants", tournament=tournament)
final = await Event.create(name="Final", tournament=tournament)""",
    'await Event.all().order_by("id")',
    "%orm_graph",
]
MODELS = {"Tournament", "Event", "Team", "Venue"}
RELATIONS = {("Event", "tournament"), ("Event", "participants"), ("Team", "mentor"), ("Venue", "event")}
GRAPH = ".orm-relation-graph"


@pytest.fixture(scope="module")
def page(lab: Lab, browser: Any) -> Iterator[Any]:
    """JupyterLab with the notebook run: every output there."""
    url = lab.write_notebook("frontend.ipynb", CELLS)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.sessionContext")
    page.evaluate("""async () => {
        const panel = window.jupyterapp.shell.currentWidget;
        await panel.sessionContext.ready;
        await window.jupyterapp.commands.execute('notebook:run-all-cells');
    }""")
    page.wait_for_selector(f"{GRAPH} svg.orm-graph g.node")
    page.wait_for_selector(".jp-OutputArea-output .orm-table table")
    try:
        yield page
    finally:
        context.close()


def _graph(page: Any) -> Any:
    return page.locator(f"{GRAPH} svg.orm-graph")


# -- the relation graph widget --------------------------------------------------------------------------
def test_widget_draws_every_model_and_relation(page: Any) -> None:
    svg = _graph(page)
    keys = set(svg.locator("g.node").evaluate_all("gs => gs.map(g => g.dataset.key)"))
    assert keys == {f"models.{name}" for name in MODELS}
    edges = svg.locator("g.edge").evaluate_all("gs => gs.map(g => [g.dataset.source, g.dataset.field])")
    assert {(source.split(".")[1], name) for source, name in edges} == RELATIONS
    text = svg.evaluate("s => s.textContent")
    for label in ("tournament N—1", "↩ events", "via event_team", "mentor N—1", "↩ mentees", "event 1—1"):
        assert label in text


MEASURE = """svg => {
    const inside = (b, r) => b.x >= r.x - 0.5 && b.y >= r.y - 0.5
        && b.x + b.width <= r.x + r.width + 0.5 && b.y + b.height <= r.y + r.height + 0.5;
    const out = {spill: [], boxes: [], tiny: []};
    for (const g of svg.querySelectorAll('g.node, g.label')) {
        const r = g.querySelector('rect').getBBox();
        out.boxes.push([r.x, r.y, r.width, r.height, g.getAttribute('class')]);
        for (const t of g.querySelectorAll('text')) {
            const b = t.getBBox();
            if (!inside(b, r)) out.spill.push(t.textContent);
            if (t.getBoundingClientRect().height < 8) out.tiny.push(t.textContent);
        }
    }
    return out;
}"""


def _overlapping(boxes: list[list[Any]]) -> list[tuple[Any, Any]]:
    def meet(a: list[Any], b: list[Any]) -> bool:
        return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]

    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if meet(a, b)]


def test_widget_text_fits_its_boxes_and_nothing_overlaps(page: Any) -> None:
    measured = _graph(page).evaluate(MEASURE)
    assert measured["spill"] == [], "text drawn outside its box"
    assert measured["tiny"] == [], "text rendered too small to read"
    assert len(measured["boxes"]) == len(MODELS) + len(RELATIONS)
    assert _overlapping(measured["boxes"]) == []


def test_selecting_a_model_highlights_neighbours_and_shows_its_rows(page: Any) -> None:
    page.locator(f"{GRAPH} .widget-dropdown select").nth(1).select_option(label="Event")
    page.wait_for_selector(f'{GRAPH} g.node.selected[data-key="models.Event"]')
    neighbours = _graph(page).locator("g.node.neighbour").evaluate_all("gs => gs.map(g => g.dataset.key)")
    assert set(neighbours) == {"models.Tournament", "models.Team", "models.Venue"}
    details = page.locator(f"{GRAPH} .orm-graph-details")
    details.get_by_text("2 rows").wait_for()
    assert "tournament_id" in details.inner_text()
    page.locator(GRAPH).screenshot(path=str(SCREENSHOTS / "orm_graph_widget.png"))
    page.locator(f"{GRAPH} button", has_text="Team").click()
    page.wait_for_selector(f'{GRAPH} g.node.selected[data-key="models.Team"]')


def test_zoom_replaces_fit_to_width(page: Any) -> None:
    svg = _graph(page)
    natural = float(svg.get_attribute("width") or 0)
    page.locator(f"{GRAPH} button", has_text="Fit width").click()
    page.wait_for_function(f"() => document.querySelector('{GRAPH} svg.orm-graph').style.width !== ''")
    shown = svg.evaluate("s => s.getBoundingClientRect().width")
    assert shown == pytest.approx(natural, abs=1.5)
    frame = page.locator(f"{GRAPH} .orm-graph-canvas").evaluate("d => getComputedStyle(d).overflow")
    assert frame == "auto"


# -- the HTML table from notebook_ext.display -------------------------------------------------------------
READ_TABLE = """table => {
    const background = el => {
        for (; el; el = el.parentElement) {
            const c = getComputedStyle(el).backgroundColor;
            if (c && c !== 'transparent' && !c.endsWith(', 0)')) return c;
        }
        return 'rgb(255, 255, 255)';
    };
    const cells = [...table.querySelectorAll('th, td')];
    const td = table.querySelector('tbody td');
    return {
        cells: cells.length,
        visible: cells.filter(c => { const r = c.getBoundingClientRect(); return r.width > 0 && r.height > 0; }).length,
        color: getComputedStyle(td).color, background: background(td), text: table.innerText,
        fontSize: parseFloat(getComputedStyle(td).fontSize),
    };
}"""


def _luminance(css: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", css)[:3])
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _check_table(page: Any, theme: str) -> None:
    table = page.locator(".jp-OutputArea-output .orm-table table").first
    seen = table.evaluate(READ_TABLE)
    assert seen["cells"] == seen["visible"] > 0
    assert "Without participants" in seen["text"] and "Final" in seen["text"]
    assert seen["fontSize"] >= 10
    assert _contrast(seen["color"], seen["background"]) >= 4.5, (theme, seen["color"], seen["background"])
    table.screenshot(path=str(SCREENSHOTS / f"orm_table_{theme}.png"))


def test_html_table_is_readable_in_light_and_dark_themes(page: Any) -> None:
    _check_table(page, "light")
    page.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Dark'})")
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
    _check_table(page, "dark")
    page.locator(GRAPH).screenshot(path=str(SCREENSHOTS / "orm_graph_widget_dark.png"))

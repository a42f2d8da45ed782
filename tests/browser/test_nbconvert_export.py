"""An executed notebook exported by nbconvert shows the ORM's tables without a kernel.

The export is rendered in headless chromium in the light and dark themes; the
table must be there with its rows, and its text must stand out from the page.
Screenshots: ``$ORM_TEST_SCREENSHOTS/orm_nbconvert_{light,dark}.png``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
CELLS = [
    "%load_ext notebook_ext",
    """from orm import fields
from orm.models import Model

class Tournament(Model):
    id = fields.IntField(pk=True)
    name = fields.CharField(max_length=255)

class Event(Model):
    id = fields.IntField(pk=True)
    name = fields.CharField(max_length=255)
    tournament = fields.ForeignKeyField("models.Tournament", related_name="events")""",
    "%orm_init sqlite://:memory: --generate-schemas",
    """cup = await Tournament.create(name="Cup")
for i in range(12):
    await Event.create(name=f"Event {i}", tournament=cup)""",
    'Event.all().order_by("id")',
]

MEASURE = """() => {
  const table = document.querySelector('.orm-table table');
  if (!table) return null;
  const luminance = (rgb) => {
    const [r, g, b] = rgb.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map((c) => {
      c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const color = getComputedStyle(e).backgroundColor;
      if (color && !color.startsWith('rgba(0, 0, 0, 0)') && color !== 'transparent') return color;
    }
    return 'rgb(255, 255, 255)';
  };
  const cell = table.querySelector('tbody td:nth-child(2)');
  const fg = luminance(getComputedStyle(cell).color), bg = luminance(background(cell));
  const box = cell.getBoundingClientRect();
  return {
    rows: table.querySelectorAll('tbody tr').length,
    text: cell.textContent,
    visible: box.width > 0 && box.height > 0,
    contrast: (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05),
    note: document.querySelector('.orm-table .note').textContent,
  };
}"""


@pytest.fixture(scope="module")
def executed(browser_ready: None) -> Any:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    NotebookClient(notebook, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    return notebook


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_exported_table_renders_readably(executed: Any, browser: Any, tmp_path: Path, theme: str) -> None:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab", theme=theme).from_notebook_node(executed)
    page_path = tmp_path / f"export_{theme}.html"
    page_path.write_text(body, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    try:
        page.goto(page_path.as_uri())
        found = page.evaluate(MEASURE)
        assert found is not None, "the exported page has no ORM table"
        assert found["rows"] == 10 and found["text"] == "Event 0" and found["visible"]
        assert "showing the first 10 of 12 rows" in found["note"]
        assert found["contrast"] >= 4.5, found
        page.locator(".orm-table").screenshot(path=str(SCREENSHOTS / f"orm_nbconvert_{theme}.png"))
    finally:
        page.close()


def test_a_wide_table_scrolls_inside_a_narrow_page_instead_of_being_cut(executed: Any, browser: Any,
                                                                         tmp_path: Path) -> None:
    from nbconvert import HTMLExporter

    wide = nbformat.from_dict(executed)
    wide.cells[-1].outputs[0]["data"]["text/html"] = wide.cells[-1].outputs[0]["data"]["text/html"].replace(
        "<th>name</th>", "<th>name</th>" + "<th>a_rather_long_column_heading</th>" * 12)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(wide)
    page_path = tmp_path / "narrow.html"
    page_path.write_text(body, encoding="utf-8")
    page = browser.new_page(viewport={"width": 600, "height": 900})
    try:
        page.goto(page_path.as_uri())
        frame = page.evaluate("""() => {
            const d = document.querySelector('.orm-table');
            return {overflow: getComputedStyle(d).overflowX, scroll: d.scrollWidth, shown: d.clientWidth,
                    page: document.documentElement.clientWidth};
        }""")
        assert frame["overflow"] == "auto" and frame["scroll"] > frame["shown"], frame
        assert frame["shown"] <= frame["page"], frame  # the table's box stays within the page
    finally:
        page.close()

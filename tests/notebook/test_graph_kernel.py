"""``%orm_graph`` and the graph widget in a real ipykernel (nbclient), where row counts run on the kernel's loop."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

CELLS = [
    "%load_ext notebook_ext",
    """from orm import Tortoise
from tests.notebook.graph_models import Club, League, Player, archive_module
await Tortoise.init(db_url="sqlite://:memory:",
                    modules={"models": ["tests.notebook.graph_models"], "archive": [archive_module()]})
await Tortoise.generate_schemas()""",
    """league = await League.create(name="Premier")
clubs = [await Club.create(name=f"Club {i}", league=league) for i in range(3)]
player = await Player.create(name="Ann", club=clubs[0])
await player.clubs_played.add(clubs[1], clubs[2])""",
    "%orm_graph models",
    "%orm_graph --counts",
    """graph = _
graph.select("models.Club")
print(graph.selected)
print(sorted(button.description for button in graph.neighbour_buttons.children))
print(graph.details.value)""",
    """graph.neighbour_buttons.children[0].click()
graph.selected""",
    """graph.app_filter.value = "models"
print(graph.selected, len(graph.model_select.options), 'data-key="models.League"' in graph.canvas.value)
graph.app_filter.value = "archive"
print(graph.selected, "Pick a model" in graph.details.value, "models.League" in graph.canvas.value)
graph.select("Club")
print(graph.selected, "archived_club, 0 rows" in graph.details.value)""",
    """graph.app_filter.value = ""
graph.select("Club")""",
    "%orm_graph models --mermaid",
    "%orm_graph nope",
]
LAST_OK = 8  # cells before this one raise nothing


@pytest.fixture(scope="module")
def outputs() -> list[list[dict[str, Any]]]:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    client = NotebookClient(notebook, timeout=60, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    return [cell.get("outputs", []) for cell in notebook.cells]


def _result(outputs: list[list[dict[str, Any]]], index: int) -> dict[str, Any]:
    results = [o for o in outputs[index] if o["output_type"] == "execute_result"]
    assert len(results) == 1, outputs[index]
    return results[0]["data"]


def _stdout(outputs: list[list[dict[str, Any]]], index: int) -> str:
    return "".join(o["text"] for o in outputs[index] if o["output_type"] == "stream" and o["name"] == "stdout")


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]


def test_setup_cells_raise_nothing(outputs: list[list[dict[str, Any]]]) -> None:
    errors = [(i, o["ename"], o["evalue"]) for i, cell in enumerate(outputs[:LAST_OK]) for o in cell
              if o["output_type"] == "error"]
    assert errors == []


def test_orm_graph_output_is_a_widget_with_an_svg_fallback(outputs: list[list[dict[str, Any]]]) -> None:
    data = _result(outputs, 3)
    assert set(data) == {WIDGET_VIEW, "image/svg+xml", "text/plain"}
    assert data["text/plain"] == "<RelationGraph: 4 models, 5 relations (Club, Contract, League, Player)>"
    texts = _texts(data["image/svg+xml"])
    assert {"Club", "Contract", "League", "Player", "league N—1", "via player_history"} <= set(texts)


def test_counts_option_shows_each_tables_row_count(outputs: list[list[dict[str, Any]]]) -> None:
    texts = _texts(_result(outputs, 4)["image/svg+xml"])
    assert {"league · 1 row", "club · 3 rows", "player · 1 row", "contract · 0 rows"} <= set(texts)


def test_selecting_a_model_lists_its_neighbours_fields_and_counts_its_rows(outputs: list[list[dict[str, Any]]]) -> None:
    printed = _stdout(outputs, 5).splitlines()
    assert printed[0] == "models.Club"
    assert printed[1] == "['League', 'Player']"  # Club's own rival loop is not a neighbour
    details = "\n".join(printed[2:])
    assert "Club — table club, 3 rows" in details
    for text in ("league_id", "rival_id", "models.League", "rival → Club (N—1)", "players ← Player.club (N—1)",
                 "former_players ← Player.clubs_played (N—N)"):
        assert text in details


def test_neighbour_buttons_select_that_model(outputs: list[list[dict[str, Any]]]) -> None:
    assert _result(outputs, 6)["text/plain"] == "'models.League'"


def test_app_filter_keeps_a_selection_it_shows_and_clears_one_it_hides(outputs: list[list[dict[str, Any]]]) -> None:
    assert _stdout(outputs, 7).splitlines() == [
        "models.League 5 True",  # 4 models and "—"
        "None True False",
        "archive.Club True",
    ]


def test_selecting_a_name_two_apps_share_asks_for_the_key(outputs: list[list[dict[str, Any]]]) -> None:
    assert _error(outputs, 8) == ("ValueError", "'Club' names archive.Club and models.Club: pass one of these keys")


def _error(outputs: list[list[dict[str, Any]]], index: int) -> tuple[str, str]:
    (error,) = [o for o in outputs[index] if o["output_type"] == "error"]
    return error["ename"], error["evalue"]


def test_mermaid_option_prints_the_er_diagram(outputs: list[list[dict[str, Any]]]) -> None:
    printed = _stdout(outputs, 9)
    assert printed.startswith("erDiagram\n") and 'Player }o--o{ Club : "clubs_played' in printed
    assert "Season" not in printed
    assert not [o for o in outputs[9] if o["output_type"] == "execute_result"]


def test_unknown_app_is_a_configuration_error_naming_the_apps(outputs: list[list[dict[str, Any]]]) -> None:
    assert _error(outputs, 10) == ("ConfigurationError", "no initialised app 'nope'; choices are: archive, models")

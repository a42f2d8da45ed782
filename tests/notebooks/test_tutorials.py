"""The tutorial notebooks: each runs top to bottom in a real kernel and shows what was committed.

A failing comparison means the committed outputs are stale: rebuild them with
``.venv/bin/python notebooks/build.py NN`` and commit the notebook.
"""

from __future__ import annotations

import copy
import os
import re

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from tests.notebooks.tutorials import NOTEBOOKS, ROOT, build, code_outputs

IN_CI = os.environ.get("CI", "").lower() == "true"
PATHS = build.notebooks()
UNREACHABLE_PG = "postgres://postgres@127.0.0.1:1/test"  # nothing listens on port 1


def test_the_eight_tutorials_are_there_in_order() -> None:
    numbers = [path.name[:2] for path in PATHS]
    assert numbers == [f"{n:02d}" for n in range(1, 9)], [p.name for p in PATHS]


def test_readme_links_every_tutorial() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Tutorials"):]
    section = section[: section.find("\n## ", 1) if "\n## " in section[1:] else len(section)]
    linked = re.findall(r"\]\((notebooks/[^)]+\.ipynb)\)", section)
    assert linked == [f"notebooks/{p.name}" for p in PATHS], linked


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_committed_notebook_was_executed_in_order_without_problems(path) -> None:
    notebook = nbformat.read(path, as_version=4)
    counts = [cell.execution_count for cell in notebook.cells if cell.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: run it with notebooks/build.py"
    assert build.problems(notebook) == []
    assert build.skipped_postgres(notebook) is None, f"{path.name} was committed without its results"
    again = build.normalised(copy.deepcopy(notebook), path.stem)
    assert again == notebook, f"{path.name} has split streams or widget ids that change per run"


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_runs_top_to_bottom_and_matches_its_committed_outputs(path) -> None:
    fresh = build.execute(path, timeout=300)  # any error fails here, naming the cell
    skipped = build.skipped_postgres(fresh)
    if skipped:  # only outside CI: there an unreachable server raises in the notebook
        pytest.skip(skipped)
    assert build.problems(fresh) == []
    stale = build.differences(nbformat.read(path, as_version=4), fresh)
    rebuild = f"rebuild with: .venv/bin/python notebooks/build.py {path.name[:2]}"
    assert not stale, f"outputs of {path.name} changed ({rebuild}):\n" + "\n".join(s[:400] for s in stale[:5])


def test_getting_started_follows_the_seed_walk_through() -> None:
    notebook = nbformat.read(NOTEBOOKS / "01_getting_started.ipynb", as_version=4)
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    steps = [
        "class Tournament(Model)", "class Event(Model)", "class Team(Model)", "%orm_init",
        'Tournament(name="New Tournament")', "await tournament.save()",
        'await Event.create(name="Without participants", tournament=tournament)',
        "await event.participants.add(*participants)", "async for team in event.participants",
        "\nfor team in event.participants", '.prefetch_related("participants", "tournament")',
        '.prefetch_related("events__tournament")', 'events__name__in=["Test", "Prod"]',
    ]
    positions = [code.find(step) for step in steps]
    assert -1 not in positions, [s for s, p in zip(steps, positions) if p == -1]
    assert positions == sorted(positions), "the steps are out of the seed's order"
    printed = "".join(code_outputs(notebook, "stdout"))
    assert "Team 1\nTeam 2\n" in printed and "New Tournament\n['Team 1', 'Team 2']" in printed


def test_dataframes_notebook_runs_without_matplotlib(tmp_path) -> None:
    hidden = tmp_path / "matplotlib"
    hidden.mkdir()
    (hidden / "__init__.py").write_text('raise ImportError("matplotlib is hidden by this test")\n')
    path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    fresh = build.execute(NOTEBOOKS / "05_dataframes_and_plots.ipynb", env={"PYTHONPATH": path}, timeout=300)
    assert code_outputs(fresh, "image/png") == []
    assert any("matplotlib is not installed" in text for text in code_outputs(fresh, "stdout"))
    with_plots = nbformat.read(NOTEBOOKS / "05_dataframes_and_plots.ipynb", as_version=4)
    assert len(code_outputs(with_plots, "image/png")) == 2, "the committed notebook shows both plots"


def test_postgres_notebook_skips_with_a_message_when_no_server_is_reachable() -> None:
    fresh = build.execute(NOTEBOOKS / "07_postgresql.ipynb", timeout=120,
                          env={"SHELLBACK_TUTORIAL_PG_URL": UNREACHABLE_PG, "CI": ""})
    message = build.skipped_postgres(fresh)
    assert message is not None and "No PostgreSQL server" in message and "127.0.0.1:1" in message
    later = [cell.outputs for cell in fresh.cells if cell.cell_type == "code"][2:]
    assert all(outputs == [] for outputs in later), "cells after the check should do nothing"


def test_postgres_notebook_fails_on_ci_when_no_server_is_reachable() -> None:
    with pytest.raises(CellExecutionError, match="DBConnectionError"):
        build.execute(NOTEBOOKS / "07_postgresql.ipynb", timeout=120,
                      env={"SHELLBACK_TUTORIAL_PG_URL": UNREACHABLE_PG, "CI": "true"})


def test_html_rendering_shows_the_relation_graph_without_a_widget_manager(tmp_path) -> None:
    notebook = nbformat.read(NOTEBOOKS / "08_relation_graph.ipynb", as_version=4)
    html = build.write_html(notebook, tmp_path / "graph.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/svg+xml;base64,') == 3, "each of the three drawings, as an SVG image"
    assert "widget-view+json" not in html, "the page would need a widget manager from the network"

"""The relation graph widget in-process: mime bundle, app filter, zoom, exports and error messages.

Selecting a model counts its rows on the kernel's loop; that is checked in a
real kernel (test_graph_kernel.py), not here on pytest's loop.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from notebook_ext import relation_graph
from notebook_ext.graph.widget import RelationGraph
from orm.exceptions import ConfigurationError
from tests.notebook import graph_models
from tests.notebook.graph_models import archive_module
from tests.notebook.schemas import initialised

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MODELS = {"models.League", "models.Club", "models.Player", "models.Contract"}
ARCHIVE = {"archive.Club", "archive.Season"}


@pytest.fixture
async def two_apps() -> AsyncIterator[None]:
    async with initialised("tests.notebook.graph_models", archive_module(), apps=("models", "archive")):
        yield


def _node_keys(svg: str) -> set[str]:
    root = ET.fromstring(svg)
    return {g.get("data-key", "") for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("data-key")}


async def test_mime_bundle_carries_the_widget_view_the_svg_and_a_summary(two_apps: None) -> None:
    graph = relation_graph()
    bundle = graph._repr_mimebundle_()
    assert bundle[WIDGET_VIEW]["model_id"] == graph.model_id
    assert _node_keys(bundle["image/svg+xml"]) == MODELS | ARCHIVE
    assert bundle["text/plain"].startswith("<RelationGraph: 6 models, 6 relations (")
    assert bundle["image/svg+xml"] == graph.svg


async def test_app_argument_and_app_filter_show_only_that_apps_models(two_apps: None) -> None:
    assert {n.key for n in relation_graph("archive").shown.nodes} == ARCHIVE
    graph = relation_graph()
    graph.app_filter.value = "archive"
    assert {n.key for n in graph.shown.nodes} == ARCHIVE
    assert _node_keys(graph._repr_mimebundle_()["image/svg+xml"]) == ARCHIVE
    assert [label for label, _ in graph.model_select.options] == ["—", "Club (archive)", "Season (archive)"]
    assert 'data-key="archive.Season"' in graph.canvas.value and "models.Player" not in graph.canvas.value
    graph.app_filter.value = ""
    assert len(graph.model_select.options) == 1 + len(MODELS | ARCHIVE)


async def test_models_argument_keeps_only_those_models_and_the_relations_between_them(two_apps: None) -> None:
    graph = relation_graph("models", models=[graph_models.Club, "League"])
    assert {n.key for n in graph.shown.nodes} == {"models.Club", "models.League"}
    assert {(e.source, e.field) for e in graph.shown.edges} == {("models.Club", "league"), ("models.Club", "rival")}


async def test_fit_to_width_by_default_and_zoom_in_pixels_when_turned_off(two_apps: None) -> None:
    graph = relation_graph()
    assert 'style="max-width:100%;height:auto"' in graph.canvas.value and graph.zoom.disabled
    graph.fit.value = False
    graph.zoom.value = 50
    assert f'style="width:{graph.diagram.width * 0.5:.0f}px;height:auto;max-width:none"' in graph.canvas.value
    assert "overflow:auto;max-height:640px" in graph.canvas.value and not graph.zoom.disabled


async def test_without_a_selection_the_details_invite_to_pick_a_model(two_apps: None) -> None:
    graph = relation_graph()
    assert graph.selected is None and graph.neighbour_buttons.children == ()
    assert "6 models, 6 relations. Pick a model" in graph.details.value


async def test_save_writes_svg_or_mermaid_by_suffix(two_apps: None, tmp_path: Path) -> None:
    graph = relation_graph("models")
    svg = graph.save(tmp_path / "schema.svg")
    assert _node_keys(svg.read_text(encoding="utf-8")) == MODELS
    assert graph.save(tmp_path / "schema.mmd").read_text(encoding="utf-8") == graph.to_mermaid()
    assert graph.to_mermaid().startswith("erDiagram\n    Club {")
    with pytest.raises(ValueError, match=r"cannot save a relation graph as '\.png': use \.svg or \.mmd"):
        graph.save(tmp_path / "schema.png")


async def test_unknown_app_or_model_names_the_nearest_ones(two_apps: None) -> None:
    with pytest.raises(ConfigurationError, match=r"no initialised app 'archiv'; did you mean 'archive'\?"):
        relation_graph("archiv")
    with pytest.raises(ConfigurationError, match=r"no initialised model 'Plyer'; did you mean 'Player'\?"):
        relation_graph(models=["Plyer"])


async def test_a_model_class_that_is_not_initialised_is_refused(two_apps: None) -> None:
    with pytest.raises(ConfigurationError, match="Season is not among the initialised models"):
        relation_graph("models", models=[archive_module().Season])


def test_without_initialised_models_it_says_to_initialise_first() -> None:
    with pytest.raises(ConfigurationError, match=r"no models are initialised: run %orm_init or await Tortoise.init"):
        relation_graph()


def test_the_widget_is_an_ipywidgets_container() -> None:
    import ipywidgets

    assert issubclass(RelationGraph, ipywidgets.VBox)


async def test_selecting_an_unknown_model_names_the_nearest_one(two_apps: None) -> None:
    graph = relation_graph("models")
    with pytest.raises(ValueError, match=r"no model 'Leage' in this graph; did you mean 'League'\?"):
        graph.select("Leage")
    assert graph.selected is None

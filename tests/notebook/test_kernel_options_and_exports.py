"""More of the notebook extension in a real ipykernel: ``%orm_init`` options and help, credentials
in failures, what tables show of long values, DataFrame dtypes, polars, and the progress bar.

One kernel serves the module; tests run in order and each sets up what it checks.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.notebook.kernel_session import Kernel, kernel

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
SECRET = "s3cr3t-pw"


@pytest.fixture(scope="module")
def nb() -> Iterator[Kernel]:
    with kernel(timeout=120) as session:
        assert session.run("%load_ext notebook_ext").error is None
        yield session


def value(cell_text: str) -> object:
    """The Python value a cell's text/plain shows."""
    return ast.literal_eval(cell_text)


# -- %orm_init ------------------------------------------------------------------------------------------
def test_usage_shows_with_a_question_mark(nb: Kernel) -> None:
    cell = nb.run("%orm_init?")
    assert cell.error is None
    for option in ("--modules", "--generate-schemas", "--config", "db_url", "Examples"):
        assert option in cell.pager, option


def test_a_failed_init_never_shows_the_password(nb: Kernel) -> None:
    cell = nb.run(f"%orm_init postgres://postgres:{SECRET}@127.0.0.1:1/test")  # nothing listens on port 1
    assert cell.error is not None and cell.error[0] == "DBConnectionError"
    assert SECRET not in cell.everything()  # message, traceback and any other output
    assert "127.0.0.1:1" in cell.error[1]  # the message still says what failed
    config = nb.run(f'''CONFIG = {{"connections": {{"default": "postgres://postgres:{SECRET}@127.0.0.1:1/test"}},
          "apps": {{"models": {{"models": ["tests.notebook.graph_models"]}}}}}}''')
    assert config.error is None
    failed = nb.run("%orm_init --config CONFIG")
    assert failed.error is not None and SECRET not in failed.everything()


def test_modules_option_binds_the_models_of_those_modules(nb: Kernel) -> None:
    cell = nb.run("%orm_init sqlite://:memory: --modules tests.models --generate-schemas")
    assert cell.error is None
    assert "app 'models': " in cell.stdout and "AllFields" in cell.stdout and "Tournament" in cell.stdout
    assert "tables created" in cell.stdout
    check = nb.run('from tests.models import AllFields, Event, Tournament\nawait Tournament.all().count()')
    assert check.error is None and check.text == "0"


def test_config_option_takes_a_notebook_variable_or_a_file(nb: Kernel, tmp_path: Path) -> None:
    config = {"connections": {"default": "sqlite://:memory:"},
              "apps": {"models": {"models": ["tests.notebook.graph_models"]}}}
    nb.run(f"GRAPH_CONFIG = {config!r}")
    cell = nb.run("%orm_init --config GRAPH_CONFIG --generate-schemas")
    assert cell.error is None and "app 'models': League, Club, Player, Contract" in cell.stdout
    path = tmp_path / "orm.json"
    path.write_text(json.dumps(config))
    from_file = nb.run(f"%orm_init --config {path} --generate-schemas")
    assert from_file.error is None and "app 'models': League, Club, Player, Contract" in from_file.stdout
    league = nb.run('from tests.notebook.graph_models import League\n(await League.create(name="L")).name')
    assert league.error is None and league.text == "'L'"
    both = nb.run("%orm_init sqlite://:memory: --config GRAPH_CONFIG")
    assert both.error is not None and "not both" in both.error[1]
    missing = nb.run("%orm_init --config NO_SUCH_THING")
    assert missing.error is not None and "neither a dict in the notebook nor a file" in missing.error[1]


# -- tables -----------------------------------------------------------------------------------------------
def test_tables_shorten_long_text_json_and_bytes_and_keep_the_plain_repr(nb: Kernel) -> None:
    assert nb.run("%orm_init sqlite://:memory: --modules tests.models --generate-schemas").error is None
    seed = nb.run('''from tests.models import AllFields, Event, Tournament
from tests.test_dataframe import ROWS
for row in ROWS:
    await AllFields.create(**row)
await AllFields.create(text_field="word " * 100, json_field={"k": list(range(200))}, binary_field=bytes(5000))''')
    assert seed.error is None
    cell = nb.run("await AllFields.filter(id=3)")
    assert 'title="text of 500 characters">…</span>' in cell.html
    assert 'title="JSON of ' in cell.html and "[0,1,2,3" in cell.html
    assert '<span class="placeholder">5,000 bytes</span>' in cell.html
    assert cell.text == "[<AllFields: 3>]"  # text/plain stays Tortoise's repr
    one = nb.run("await AllFields.get(id=3)")
    assert one.text == "<AllFields: 3>" and "5,000 bytes" in one.html


# -- DataFrames -------------------------------------------------------------------------------------------
def test_dataframe_dtypes_follow_the_fields(nb: Kernel) -> None:
    cell = nb.run('''df = await AllFields.all().order_by("id").to_dataframe(index="id")
{name: str(dtype) for name, dtype in df.dtypes.items()}, df.index.name''')
    assert cell.error is None, cell.error
    dtypes, index = value(cell.text)
    assert index == "id"
    assert dtypes["int_field"] == dtypes["bigint_field"] == dtypes["smallint_field"] == "Int64"
    assert dtypes["bool_field"] == "boolean" and dtypes["float_field"] == "float64"
    assert dtypes["char_field"] == dtypes["text_field"] == "string"
    assert dtypes["datetime_field"].startswith("datetime64[") and dtypes["datetime_field"].endswith(", UTC]")
    assert dtypes["date_field"].startswith("datetime64[") and dtypes["timedelta_field"].startswith("timedelta64[")
    assert dtypes["int_enum"] == dtypes["char_enum"] == "category"
    assert dtypes["decimal_field"] == dtypes["json_field"] == "object"
    values = nb.run('repr(df.loc[1, "decimal_field"]), df.loc[1, "json_field"], str(df.loc[2, "int_field"])')
    assert value(values.text) == ("Decimal('12.3456')", {"a": [1, 2]}, "<NA>")
    floats = nb.run('(await AllFields.all().to_dataframe("decimal_field", decimal="float")).dtypes.tolist()')
    assert floats.text == "[dtype('float64')]"


def test_dataframe_columns_cross_relations(nb: Kernel) -> None:
    cell = nb.run('''cup = await Tournament.create(name="Cup")
await Event.create(name="final", tournament=cup)
df = await Event.all().to_dataframe("name", "tournament__name")
list(df.columns), df.iloc[0].tolist(), str(df["tournament__name"].dtype)''')
    assert cell.error is None, cell.error
    assert value(cell.text) == (["name", "tournament__name"], ["final", "Cup"], "string")


def test_to_polars_types_columns_from_fields(nb: Kernel) -> None:
    cell = nb.run('''columns = ("id", "int_field", "decimal_field", "char_enum", "datetime_field")
pf = await AllFields.all().order_by("id").to_polars(*columns)
{name: str(dtype) for name, dtype in pf.schema.items()}''')
    assert cell.error is None, cell.error
    assert value(cell.text) == {
        "id": "Int64", "int_field": "Int64", "decimal_field": "Decimal(precision=12, scale=4)",
        "char_enum": "Enum(categories=['red', 'green', 'blue'])",
        "datetime_field": "Datetime(time_unit='us', time_zone='UTC')",
    }


def test_long_exports_show_a_progress_bar_and_short_ones_none(nb: Kernel) -> None:
    assert nb.run('await Tournament.bulk_create([Tournament(name=f"t{i}") for i in range(12_000)])').error is None
    cell = nb.run('len(await Tournament.all().to_dataframe("id"))')
    assert cell.error is None and cell.text == "12001"
    bars = [o for o in cell.outputs if o["output_type"] == "display_data"]
    assert len(bars) == 1 and WIDGET_VIEW in bars[0]["data"]  # tqdm's notebook bar, a widget
    assert "reading rows" in bars[0]["data"]["text/plain"]
    polars = nb.run('len(await Tournament.all().to_polars("id"))')
    assert [o["output_type"] for o in polars.outputs] == ["display_data", "execute_result"]
    short = nb.run('len(await Tournament.filter(id__lte=9_000).to_dataframe("id"))')
    assert short.text == "9000" and [o["output_type"] for o in short.outputs] == ["execute_result"]
    quiet = nb.run('len(await Tournament.all().to_dataframe("id", progress=False))')
    assert [o["output_type"] for o in quiet.outputs] == ["execute_result"]

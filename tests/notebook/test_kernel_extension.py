"""The notebook extension in a real ipykernel: init, display, export, run_async, interrupts.

One kernel serves the module; tests run in order and each sets up what it checks.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator

import pytest

from tests.notebook.kernel_session import Cell, Kernel, kernel

IN_CI = os.environ.get("CI", "").lower() == "true"
MODELS = '''from orm import fields, run_async
from orm.models import Model

class Tournament(Model):
    id = fields.IntField(pk=True)
    name = fields.CharField(max_length=255)

class Event(Model):
    id = fields.IntField(pk=True)
    name = fields.CharField(max_length=255)
    prize = fields.DecimalField(max_digits=8, decimal_places=2, null=True)
    tournament = fields.ForeignKeyField("models.Tournament", related_name="events")'''
SLOW = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 400000000) SELECT count(*) FROM c"
shown: list[Cell] = []


@pytest.fixture(scope="module")
def nb() -> Iterator[Kernel]:
    with kernel() as session:
        original = session.run

        def run(source: str, interrupt_after: float | None = None) -> Cell:
            cell = original(source, interrupt_after)
            shown.append(cell)
            return cell

        session.run = run  # type: ignore[method-assign]
        assert session.run("%load_ext notebook_ext").error is None
        yield session


def body_rows(html: str) -> int:
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")


def test_orm_init_uses_the_notebooks_models(nb: Kernel) -> None:
    assert nb.run(MODELS).error is None
    cell = nb.run("%orm_init sqlite://:memory: --generate-schemas")
    assert cell.error is None
    assert "ORM ready on default: sqlite://:memory:" in cell.stdout
    assert "app 'models': Tournament, Event" in cell.stdout
    seed = nb.run('''t = await Tournament.create(name="Cup")
for i in range(25):
    await Event.create(name=f"event {i:02}", tournament=t, prize=i if i % 3 else None)
await Event.all().count()''')
    assert seed.error is None and seed.text == "25"


def test_awaited_results_render_as_tables(nb: Kernel) -> None:
    cell = nb.run('await Event.filter(name__in=["event 01", "event 02"]).order_by("id")')
    assert "<table>" in cell.html and "event 01" in cell.html and "event 02" in cell.html
    assert 'title="primary key"' in cell.html  # the pk column is marked
    assert "→ Tournament" in cell.html  # the foreign key shows as its id, naming its model
    assert body_rows(cell.html) == 2
    assert re.search(r'<td class="num">\d+</td>', cell.html)
    assert "null" in nb.run('await Event.filter(name="event 00")').html  # NULL prize shown as null


def test_unawaited_queryset_shows_a_bounded_preview(nb: Kernel) -> None:
    cell = nb.run('Event.all().order_by("id")')
    assert cell.error is None
    assert body_rows(cell.html) == 10
    assert "showing the first 10 of 25 rows" in cell.html
    assert "<summary>SQL</summary>" in cell.html and "ORDER BY" in cell.html
    assert cell.text.startswith("<QuerySet")  # text/plain stays the plain repr
    assert nb.run("%config ORMDisplay.max_rows = 3").error is None
    smaller = nb.run('Event.filter(name__startswith="event 1").order_by("id")')
    assert body_rows(smaller.html) == 3
    assert "showing the first 3 of 10 rows" in smaller.html
    nb.run("%config ORMDisplay.max_rows = 10")
    few = nb.run('Event.filter(name="event 03")')
    assert body_rows(few.html) == 1 and "1 row" in few.html


RECORD_STATEMENTS = """import logging

class Statements(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.seen = []

    def emit(self, record):
        self.seen.append(record.args[1:])

statements, db_log = Statements(), logging.getLogger("orm.db_client")
db_log.addHandler(statements)
db_log.setLevel(logging.DEBUG)
preview = get_ipython().display_formatter.format(Event.all().order_by("id"))[0]["text/html"]
db_log.removeHandler(statements)
statements.seen"""


def test_preview_reads_max_rows_plus_one_and_counts_a_bounded_number(nb: Kernel) -> None:
    cell = nb.run(RECORD_STATEMENTS)
    assert cell.error is None, cell.error
    fetch, count = ast.literal_eval(cell.text)  # the preview ran exactly these two statements
    assert fetch[0].startswith("SELECT ") and fetch[0].rstrip().endswith("LIMIT ?") and fetch[1] == [11]
    assert count[0].startswith("SELECT COUNT(*) FROM (SELECT") and count[1] == [10_001]


def test_preview_counts_at_most_the_count_limit(nb: Kernel) -> None:
    nb.run("%config ORMDisplay.count_limit = 12")
    cell = nb.run("Event.all()")
    assert "more than 12 rows" in cell.html
    nb.run("%config ORMDisplay.count_limit = 10000")


def test_instances_values_and_value_lists_render(nb: Kernel) -> None:
    one = nb.run('await Event.get(name="event 05")')
    assert "<table>" in one.html and "event 05" in one.html and "prize" in one.html
    values = nb.run('await Event.filter(id__lte=3).order_by("id").values("id", "name", tname="tournament__name")')
    assert "tname" in values.html and "Cup" in values.html and body_rows(values.html) == 3
    flat = nb.run('await Event.filter(id__lte=4).values_list("name", flat=True)')
    assert body_rows(flat.html) == 4
    other = nb.run('[{"plain": "dict"}]')  # lists that are not ORM results keep IPython's display
    assert other.html == ""


def test_dataframe_export_types_columns_from_fields(nb: Kernel) -> None:
    cell = nb.run('''df = await Event.all().order_by("id").to_dataframe("id", "name", "prize", "tournament__name")
(df.shape, {k: str(v) for k, v in df.dtypes.items()}, str(df.loc[1, "prize"]))''')
    assert cell.error is None
    assert "(25, 4)" in cell.text
    assert "'id': 'Int64'" in cell.text and "'name': 'string'" in cell.text
    assert "'prize': 'object'" in cell.text and "'1.00'" in cell.text  # Decimals stay exact
    floats = nb.run('str((await Event.all().to_dataframe("prize", decimal="float")).dtypes["prize"])')
    assert floats.text == "'float64'"


def test_run_async_runs_on_the_kernel_loop_and_keeps_connections(nb: Kernel) -> None:
    cell = nb.run('''async def count_events():
    return await Event.all().count()
run_async(count_events())''')
    assert cell.error is None and cell.text == "25"
    after = nb.run("await Event.filter(prize__isnull=True).count()")
    assert after.error is None and after.text == "9"


def test_run_async_cell_magic(nb: Kernel) -> None:
    cell = nb.run('''%%run_async
names = [e.name async for e in Event.filter(id__lte=2).order_by("id")]
len(names)''')
    assert cell.error is None and cell.text == "2"
    assert nb.run("names").text == "['event 00', 'event 01']"


def test_errors_name_the_problem(nb: Kernel) -> None:
    cell = nb.run('await Event.filter(nme="x")')
    assert cell.error is not None and cell.error[0] == "FieldError"
    assert "did you mean 'name'" in cell.error[1]
    preview = nb.run('Event.filter(prize__gt="lots")')  # a bad value, found while previewing
    assert preview.error is None and "ValidationError" in preview.html


def test_interrupting_a_query_rolls_back_and_frees_the_connection(nb: Kernel) -> None:
    cell = nb.run(f'''from orm.transactions import in_transaction
async with in_transaction() as tx:
    await Event.create(name="inside", tournament=t)
    await tx.execute_query("{SLOW}")''', interrupt_after=1.5)
    assert cell.error is not None and cell.error[0] in ("CancelledError", "KeyboardInterrupt")
    after = nb.run('(await Event.filter(name="inside").count(), await Event.all().count())')
    assert after.error is None and after.text == "(0, 25)"


def test_interrupting_run_async_in_a_plain_cell_rolls_back(nb: Kernel) -> None:
    cell = nb.run(f'''async def slow_write():
    async with in_transaction() as tx:
        await Event.create(name="inside sync", tournament=t)
        await tx.execute_query("{SLOW}")
run_async(slow_write())''', interrupt_after=1.5)
    assert cell.error is not None and cell.error[0] in ("KeyboardInterrupt", "CancelledError")
    after = nb.run('await Event.filter(name="inside sync").count()')
    assert after.error is None and after.text == "0"


def test_redefining_a_model_then_reinitialising(nb: Kernel) -> None:
    redefined = MODELS.replace(
        '    name = fields.CharField(max_length=255)\n\nclass Event',
        '    name = fields.CharField(max_length=255)\n    city = fields.CharField(max_length=50, default="Oslo")'
        "\n\nclass Event",
    )
    assert nb.run(redefined).error is None
    assert nb.run("%orm_init sqlite://:memory: --generate-schemas").error is None
    cell = nb.run('''await Tournament.create(name="New")
await Event.create(name="e", tournament=await Tournament.get(name="New"))
[(t.name, t.city) for t in await Tournament.all()], await Event.all().count()''')
    assert cell.error is None and cell.text == "([('New', 'Oslo')], 1)"


def test_orm_close_then_queries_reconnect(nb: Kernel, tmp_path) -> None:
    assert nb.run(f"%orm_init sqlite:///{tmp_path}/kept.db --generate-schemas").error is None
    assert nb.run('await Tournament.create(name="kept")').error is None
    assert "closed" in nb.run("%orm_close").stdout
    cell = nb.run("await Tournament.all().values_list('name', flat=True)")  # reconnects to the same file
    assert cell.error is None and "kept" in cell.html


def test_credentials_never_appear(nb: Kernel) -> None:
    url = "postgres://postgres:s3cr3t-pw@127.0.0.1:5432/test"
    cell = nb.run(f"%orm_init {url}")
    if cell.error is not None and cell.error[0] == "DBConnectionError" and not IN_CI:
        pytest.skip("PostgreSQL is not reachable")
    assert cell.error is None, cell.error
    assert "postgres://postgres:***@127.0.0.1:5432/test" in cell.stdout
    preview = nb.run("Tournament.all()")  # no such table there: the error shown must not leak either
    assert "Error" in preview.html
    for output in [cell, preview]:
        assert "s3cr3t-pw" not in output.everything()
    nb.run("%orm_init sqlite://:memory:")


def test_usage_is_documented(nb: Kernel) -> None:
    cell = nb.run("print(get_ipython().find_line_magic('orm_init').__doc__)")
    assert "--generate-schemas" in cell.stdout and "--modules" in cell.stdout and "--config" in cell.stdout


def test_no_cell_met_an_event_loop_error() -> None:
    assert shown, "the kernel tests ran no cell"
    for cell in shown:
        text = cell.everything()
        assert "different loop" not in text and "already running" not in text, cell.source

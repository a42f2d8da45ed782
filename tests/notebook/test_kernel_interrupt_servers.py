"""A kernel interrupt during a server query (PostgreSQL through asyncpg and psycopg, MariaDB):
the cell stops at once, the transaction is rolled back, the next cell's query answers at once.

SQLite's case is in test_kernel_extension.py. The server backends are those of the test run
(tests/conftest.py), each in the schema or database the run owns.
"""

from __future__ import annotations

import time

import pytest

from tests.helpers import Backend
from tests.notebook.kernel_session import kernel

MODEL = '''from orm import fields
from orm.models import Model
from orm.transactions import in_transaction

class InterruptedItem(Model):
    id = fields.IntField(pk=True)
    name = fields.CharField(max_length=50)

    class Meta:
        table = "kernel_interrupted_item"'''
SLEEP = {"asyncpg": "SELECT pg_sleep(30)", "psycopg": "SELECT pg_sleep(30)", "mysql": "SELECT SLEEP(30)"}


def test_interrupting_a_server_query_rolls_back_and_frees_the_connection(backend: Backend) -> None:
    if not backend.is_server:
        pytest.skip("SQLite's interrupt is tested in test_kernel_extension.py")
    with kernel(timeout=60) as nb:
        assert nb.run("%load_ext notebook_ext").error is None
        assert nb.run(MODEL).error is None
        assert nb.run(f"%orm_init {backend.url} --generate-schemas").error is None
        assert nb.run("await InterruptedItem.all().delete()").error is None
        started = time.monotonic()
        cell = nb.run(f'''async with in_transaction() as tx:
    await InterruptedItem.create(name="inside")
    await tx.execute_query("{SLEEP[backend.name]}")''', interrupt_after=1.5)
        assert cell.error is not None and cell.error[0] in ("CancelledError", "KeyboardInterrupt"), cell.error
        assert time.monotonic() - started < 15, "the interrupt did not stop the query"
        started = time.monotonic()
        after = nb.run('(await InterruptedItem.filter(name="inside").count(), await InterruptedItem.all().count())')
        assert after.error is None and after.text == "(0, 0)"
        assert time.monotonic() - started < 10, "the next query waited for the interrupted one"
        kept = nb.run('await InterruptedItem.create(name="after")\nawait InterruptedItem.all().count()')
        assert kept.error is None and kept.text == "1"
        nb.run("%orm_close")

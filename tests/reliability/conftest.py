"""The ``db`` fixture of the reliability tests: every backend, with their own models too."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.helpers import Backend, orm_session
from tests.reliability.support import MODULES


@pytest.fixture
async def db(backend: Backend) -> AsyncIterator[Backend]:
    async with orm_session(backend, MODULES) as active:
        yield active

"""A row mapping lookup of an unknown key raises SQLAlchemy's NoSuchColumnError, which is also a
KeyError, so `.get()` and `in` keep working."""

from __future__ import annotations

import pytest
import sqlalchemy

import ferroalchemy as fa
from ferroalchemy import exc


@pytest.mark.parametrize("key", ["nope", "column_object"])
def test_unknown_key_raises_no_such_column_error_as_sqlalchemy(key: str) -> None:
    messages = []
    for lib, error in ((fa, exc.NoSuchColumnError), (sqlalchemy, sqlalchemy.exc.NoSuchColumnError)):
        with lib.create_engine("sqlite://").connect() as conn:
            mapping = conn.execute(lib.text("SELECT 1 AS a")).one()._mapping
            with pytest.raises(error) as info:
                mapping["nope" if key == "nope" else lib.column("zz")]
            assert isinstance(info.value, KeyError)
            messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_get_and_contains_still_answer() -> None:
    with fa.create_engine("sqlite://").connect() as conn:
        mapping = conn.execute(fa.text("SELECT 1 AS a")).one()._mapping
    assert mapping.get("nope", "default") == "default"
    assert "nope" not in mapping and mapping["a"] == 1

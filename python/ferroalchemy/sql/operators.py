"""``sqlalchemy.sql.operators``: the operator tokens expressions carry (``UnaryExpression.modifier``,
``BinaryExpression.operator``). ferroalchemy's tokens are the names its Rust compiler takes."""

from __future__ import annotations

desc_op = "desc"
asc_op = "asc"
nulls_first_op = "nulls_first"
nulls_last_op = "nulls_last"
distinct_op = "distinct"
exists = "exists"
inv = "not"

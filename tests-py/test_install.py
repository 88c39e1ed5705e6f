"""install_as_sqlalchemy(): `import sqlalchemy` and its submodules resolve to ferroalchemy."""

from __future__ import annotations

import subprocess
import sys


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_aliases_every_submodule() -> None:
    code = (
        "import ferroalchemy; ferroalchemy.install_as_sqlalchemy(); ferroalchemy.install_as_sqlalchemy()\n"
        "import sqlalchemy, sqlalchemy.orm, sqlalchemy.exc, sqlalchemy.engine, sqlalchemy.pool\n"
        "from sqlalchemy.orm import Session, DeclarativeBase\n"
        "from sqlalchemy.exc import IntegrityError\n"
        "print(sqlalchemy is ferroalchemy, Session is ferroalchemy.orm.Session,"
        " IntegrityError is ferroalchemy.exc.IntegrityError, sqlalchemy.orm.__name__)"
    )
    assert _run(code) == "True True True ferroalchemy.orm"


def test_replaces_an_already_imported_sqlalchemy() -> None:
    code = (
        "import sqlalchemy as before\n"
        "import ferroalchemy; ferroalchemy.install_as_sqlalchemy()\n"
        "import sqlalchemy\n"
        "print(before is not sqlalchemy, sqlalchemy.__name__)"
    )
    assert _run(code) == "True ferroalchemy"

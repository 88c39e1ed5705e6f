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


def test_idempotent() -> None:
    code = (
        "import sys, ferroalchemy\n"
        "ferroalchemy.install_as_sqlalchemy()\n"
        "import sqlalchemy.orm as first\n"
        "ferroalchemy.install_as_sqlalchemy()\n"
        "import sqlalchemy.orm as second\n"
        "finders = [f for f in sys.meta_path if type(f).__module__ == 'ferroalchemy._install']\n"
        "print(first is second is ferroalchemy.orm, len(finders))"
    )
    assert _run(code) == "True 1"


def test_replaces_already_imported_real_submodules() -> None:
    code = (
        "import sys\n"
        "import sqlalchemy, sqlalchemy.orm, sqlalchemy.exc\n"
        "real_session = sqlalchemy.orm.Session\n"
        "import ferroalchemy, ferroalchemy.orm, ferroalchemy.exc\n"
        "ferroalchemy.install_as_sqlalchemy()\n"
        "import sqlalchemy, sqlalchemy.orm, sqlalchemy.exc\n"
        "left = sorted(n for n, m in sys.modules.items() if n.split('.')[0] == 'sqlalchemy'"
        " and not getattr(m, '__name__', '').startswith('ferroalchemy'))\n"
        "print(sqlalchemy.orm.Session is ferroalchemy.orm.Session, real_session is not sqlalchemy.orm.Session,"
        " sqlalchemy.exc is ferroalchemy.exc, left)"
    )
    assert _run(code) == "True True True []"


def test_application_code_runs_on_ferroalchemy() -> None:
    code = (
        "import ferroalchemy; ferroalchemy.install_as_sqlalchemy()\n"
        "from sqlalchemy import create_engine, select, String\n"
        "from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column\n"
        "class Base(DeclarativeBase): pass\n"
        "class User(Base):\n"
        "    __tablename__ = 'users'\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    name: Mapped[str] = mapped_column(String(30))\n"
        "engine = create_engine('sqlite://')\n"
        "Base.metadata.create_all(engine)\n"
        "with Session(engine) as s:\n"
        "    s.add(User(name='ann')); s.commit()\n"
        "    print(type(engine).__module__, s.scalars(select(User.name)).all())"
    )
    assert _run(code) == "ferroalchemy.engine.base ['ann']"

"""Alembic on ferroalchemy: migrations run in a subprocess that calls install_as_sqlalchemy() (as an
application switching to ferroalchemy does); the resulting schema is read back with ferroalchemy's
Inspector. SQLite always; PostgreSQL from FERRO_TEST_POSTGRES_URL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import ferroalchemy as ferro

# Table names of their own, so the server database can be shared with other tests.
TABLES = ("alm_version", "alm_comments", "alm_posts", "alm_users")

RUNNER = textwrap.dedent(
    """
    import contextlib, io, json, os, re, sys
    import ferroalchemy
    ferroalchemy.install_as_sqlalchemy()
    from alembic import command
    from alembic.config import Config

    project, url, steps = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    os.chdir(project)
    sys.path.insert(0, project)
    out = io.StringIO()
    cfg = Config("alembic.ini", stdout=out)
    cfg.set_main_option("script_location", "migrations")
    cfg.set_main_option("sqlalchemy.url", url)
    report = []
    for cmd, kw in steps:
        sys.modules.pop("models", None)
        with contextlib.redirect_stdout(out):
            result = getattr(command, cmd)(cfg, **kw)
        if cmd == "revision":
            src = open(result.path).read()
            up = re.search(r"def upgrade\\(\\).*?:\\n(.*?)\\n\\ndef downgrade", src, re.S).group(1)
            lines = [" ".join(l.split()) for l in up.splitlines() if l.strip() and not l.strip().startswith(("#", '"'))]
            report.append(lines)
        else:
            report.append(out.getvalue())
        out.seek(0)
        out.truncate()
    print(json.dumps(report))
    """
)

ENV_PY = textwrap.dedent(
    """
    from alembic import context
    from sqlalchemy import engine_from_config, pool

    config = context.config
    try:
        from models import Base
        target_metadata = Base.metadata
    except ImportError:
        target_metadata = None
    # The server database is shared with other tests: autogenerate looks at this test's tables only.
    def include_name(name, type_, parent_names):
        return type_ != "table" or name.startswith("alm_")

    opts = dict(target_metadata=target_metadata, version_table="alm_version", compare_type=True,
                include_name=include_name)

    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True, **opts)
        with context.begin_transaction():
            context.run_migrations()
    else:
        engine = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.",
                                    poolclass=pool.NullPool)
        with engine.connect() as connection:
            context.configure(connection=connection, **opts)
            with context.begin_transaction():
                context.run_migrations()
    """
)

MANUAL_REVISION = textwrap.dedent(
    '''
    """manual"""
    revision = "0001"
    down_revision = None

    from alembic import context, op
    import sqlalchemy as sa


    def upgrade():
        op.create_table(
            "alm_users",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(50), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_table("alm_posts", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("title", sa.String(20)))
        op.add_column("alm_posts", sa.Column("user_id", sa.Integer(), nullable=True))
        op.add_column("alm_users", sa.Column("age", sa.Integer(), server_default="7"))
        op.create_index("ix_alm_posts_title", "alm_posts", ["title"])
        if not context.is_offline_mode():
            users = sa.table("alm_users", sa.column("id", sa.Integer), sa.column("name", sa.String))
            op.bulk_insert(users, [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])
        op.execute("UPDATE alm_users SET age = 3 WHERE id = 2")
        if op.get_bind().dialect.name == "postgresql":
            op.create_foreign_key("fk_alm_posts_user", "alm_posts", "alm_users", ["user_id"], ["id"], ondelete="CASCADE")
            op.alter_column("alm_posts", "title", type_=sa.String(200), existing_type=sa.String(20),
                            nullable=False, server_default="x")
            op.create_unique_constraint("uq_alm_users_name", "alm_users", ["name"])


    def downgrade():
        if op.get_bind().dialect.name == "postgresql":
            op.drop_constraint("uq_alm_users_name", "alm_users", type_="unique")
            op.drop_constraint("fk_alm_posts_user", "alm_posts", type_="foreignkey")
        op.drop_index("ix_alm_posts_title", table_name="alm_posts")
        op.drop_column("alm_users", "age")
        op.drop_table("alm_posts")
        op.drop_table("alm_users")
    '''
)

MODELS_V1 = textwrap.dedent(
    """
    from sqlalchemy import ForeignKey, String
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


    class Base(DeclarativeBase):
        pass


    class User(Base):
        __tablename__ = "alm_users"
        id: Mapped[int] = mapped_column(primary_key=True)
        email: Mapped[str] = mapped_column(String(100), unique=True, index=True)
        name: Mapped[str] = mapped_column(String(50))


    class Post(Base):
        __tablename__ = "alm_posts"
        id: Mapped[int] = mapped_column(primary_key=True)
        user_id: Mapped[int] = mapped_column(ForeignKey("alm_users.id", ondelete="CASCADE"))
        title: Mapped[str | None] = mapped_column(String(200))
    """
)

MODELS_V2 = MODELS_V1.replace(
    "name: Mapped[str] = mapped_column(String(50))",
    "name: Mapped[str] = mapped_column(String(80))\n    nickname: Mapped[str | None] = mapped_column(String(30))",
) + textwrap.dedent(
    """

    class Comment(Base):
        __tablename__ = "alm_comments"
        id: Mapped[int] = mapped_column(primary_key=True)
        post_id: Mapped[int] = mapped_column(ForeignKey("alm_posts.id"))
        body: Mapped[str] = mapped_column(String(500))
    """
)


def _backend_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'app.db'}"
    url = os.environ.get("FERRO_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("FERRO_TEST_POSTGRES_URL is not set")
    engine = ferro.create_engine(url)
    with engine.begin() as conn:
        for t in TABLES:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {t} CASCADE")
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    """An `alembic init` project directory whose env.py takes its URL from the runner, and the URL."""
    url = _backend_url(request.param, tmp_path)
    root = tmp_path / "project"
    root.mkdir()
    code = (
        "import ferroalchemy; ferroalchemy.install_as_sqlalchemy()\n"
        "from alembic import command; from alembic.config import Config\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    command.init(Config('alembic.ini'), 'migrations')\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True, capture_output=True)
    (root / "migrations" / "env.py").write_text(ENV_PY)
    return root, url


def alembic(project: tuple[Path, str], *steps: tuple[str, dict[str, Any]]) -> list[Any]:
    """Runs alembic `steps` ((command name, keyword arguments)) in a ferroalchemy-installed subprocess:
    a revision's upgrade() lines, or what another command printed."""
    root, url = project
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, str(root), url, json.dumps(steps)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return list(json.loads(proc.stdout.splitlines()[-1]))


def schema(url: str) -> dict[str, Any]:
    engine = ferro.create_engine(url)
    try:
        insp = ferro.inspect(engine)
        out: dict[str, Any] = {}
        for t in sorted(n for n in insp.get_table_names() if n.startswith("alm_")):
            out[t] = {
                "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(t)],
                "pk": insp.get_pk_constraint(t)["constrained_columns"],
                "fks": [
                    (fk["constrained_columns"], fk["referred_table"], fk.get("options", {}).get("ondelete"))
                    for fk in insp.get_foreign_keys(t)
                ],
                "indexes": sorted((i["name"], i["column_names"], bool(i["unique"])) for i in insp.get_indexes(t)),
                "uniques": sorted(u["name"] or "" for u in insp.get_unique_constraints(t)),
            }
        return out
    finally:
        engine.dispose()


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = ferro.create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(ferro.text(sql))]
    finally:
        engine.dispose()


def test_manual_migration_upgrade_and_downgrade(project: tuple[Path, str]) -> None:
    root, url = project
    (root / "migrations" / "versions" / "0001_manual.py").write_text(MANUAL_REVISION)
    pg = url.startswith("postgresql")
    out = alembic(project, ("upgrade", {"revision": "head"}), ("current", {}))
    assert out[1].split() == ["0001", "(head)"]
    got = schema(url)
    assert list(got) == ["alm_posts", "alm_users", "alm_version"]
    title = ("title", "VARCHAR(200)", False) if pg else ("title", "VARCHAR(20)", True)
    assert got["alm_posts"]["columns"] == [("id", "INTEGER", False), title, ("user_id", "INTEGER", True)]
    assert got["alm_posts"]["indexes"] == [("ix_alm_posts_title", ["title"], False)]
    assert got["alm_posts"]["fks"] == ([(["user_id"], "alm_users", "CASCADE")] if pg else [])
    assert got["alm_users"]["columns"] == [
        ("id", "INTEGER", False),
        ("name", "VARCHAR(50)", False),
        ("age", "INTEGER", True),
    ]
    assert got["alm_users"]["uniques"] == (["uq_alm_users_name"] if pg else [])
    assert rows(url, "SELECT id, name, age FROM alm_users ORDER BY id") == [(1, "a", 7), (2, "b", 3)]
    assert rows(url, "SELECT version_num FROM alm_version") == [("0001",)]

    alembic(project, ("downgrade", {"revision": "base"}))
    assert list(schema(url)) == ["alm_version"]
    assert rows(url, "SELECT version_num FROM alm_version") == []


def test_offline_mode_writes_the_sql_through_a_mock_engine(project: tuple[Path, str]) -> None:
    root, url = project
    (root / "migrations" / "versions" / "0001_manual.py").write_text(MANUAL_REVISION)
    sql = alembic(project, ("upgrade", {"revision": "head", "sql": True}))[0]
    code = "\n".join(line for line in sql.splitlines() if not line.startswith("--"))
    statements = [" ".join(s.split()) for s in code.split(";") if s.strip()]
    serial = "SERIAL" if url.startswith("postgresql") else "INTEGER"
    assert f"CREATE TABLE alm_users ( id {serial} NOT NULL, name VARCHAR(50) NOT NULL, PRIMARY KEY (id) )" in statements
    assert f"CREATE TABLE alm_posts ( id {serial} NOT NULL, title VARCHAR(20), PRIMARY KEY (id) )" in statements
    assert "ALTER TABLE alm_posts ADD COLUMN user_id INTEGER" in statements
    assert "ALTER TABLE alm_users ADD COLUMN age INTEGER DEFAULT '7'" in statements
    assert "CREATE INDEX ix_alm_posts_title ON alm_posts (title)" in statements
    assert "UPDATE alm_users SET age = 3 WHERE id = 2" in statements
    if url.startswith("postgresql"):
        assert "ALTER TABLE alm_posts ALTER COLUMN title TYPE VARCHAR(200)" in statements
        assert "ALTER TABLE alm_posts ALTER COLUMN title SET DEFAULT 'x'" in statements
        assert (
            "ALTER TABLE alm_posts ADD CONSTRAINT fk_alm_posts_user FOREIGN KEY(user_id) REFERENCES alm_users (id) "
            "ON DELETE CASCADE"
        ) in statements
    last = statements[-2:] if url.startswith("postgresql") else statements[-1:]  # PostgreSQL: ... COMMIT
    assert last[0].startswith("INSERT INTO alm_version (version_num) VALUES ('0001')")
    assert list(schema(url)) == [], "offline mode touched the database"


def test_autogenerate_compares_models_with_the_database(project: tuple[Path, str]) -> None:
    root, url = project
    pg = url.startswith("postgresql")
    (root / "models.py").write_text(MODELS_V1)
    first, _, unchanged = alembic(
        project,
        ("revision", {"message": "initial", "autogenerate": True, "rev_id": "0001"}),
        ("upgrade", {"revision": "head"}),
        ("revision", {"message": "nothing", "autogenerate": True, "rev_id": "0002"}),
    )
    assert first == [
        "op.create_table('alm_users',",
        "sa.Column('id', sa.Integer(), nullable=False),",
        "sa.Column('email', sa.String(length=100), nullable=False),",
        "sa.Column('name', sa.String(length=50), nullable=False),",
        "sa.PrimaryKeyConstraint('id')",
        ")",
        "op.create_index(op.f('ix_alm_users_email'), 'alm_users', ['email'], unique=True)",
        "op.create_table('alm_posts',",
        "sa.Column('id', sa.Integer(), nullable=False),",
        "sa.Column('user_id', sa.Integer(), nullable=False),",
        "sa.Column('title', sa.String(length=200), nullable=True),",
        "sa.ForeignKeyConstraint(['user_id'], ['alm_users.id'], ondelete='CASCADE'),",
        "sa.PrimaryKeyConstraint('id')",
        ")",
    ]
    # The database now matches the models: nothing to do.
    assert unchanged == ["pass"]
    (root / "migrations" / "versions" / "0002_nothing.py").unlink()

    (root / "models.py").write_text(MODELS_V2)
    steps: list[tuple[str, dict[str, Any]]] = [
        ("revision", {"message": "more", "autogenerate": True, "rev_id": "0003"})
    ]
    if pg:  # SQLite cannot ALTER a column's type without batch mode
        steps.append(("upgrade", {"revision": "head"}))
    second = alembic(project, *steps)[0]
    assert second[:7] == [
        "op.create_table('alm_comments',",
        "sa.Column('id', sa.Integer(), nullable=False),",
        "sa.Column('post_id', sa.Integer(), nullable=False),",
        "sa.Column('body', sa.String(length=500), nullable=False),",
        "sa.ForeignKeyConstraint(['post_id'], ['alm_posts.id'], ),",
        "sa.PrimaryKeyConstraint('id')",
        ")",
    ]
    assert "op.add_column('alm_users', sa.Column('nickname', sa.String(length=30), nullable=True))" in second
    assert "existing_type=sa.VARCHAR(length=50)," in second and "type_=sa.String(length=80)," in second
    if pg:
        got = schema(url)
        assert ("name", "VARCHAR(80)", False) in got["alm_users"]["columns"]
        assert ("nickname", "VARCHAR(30)", True) in got["alm_users"]["columns"]
        assert got["alm_comments"]["fks"] == [(["post_id"], "alm_posts", None)]
        alembic(project, ("downgrade", {"revision": "0001"}))
        assert "alm_comments" not in schema(url)
        assert ("name", "VARCHAR(50)", False) in schema(url)["alm_users"]["columns"]
    alembic(project, ("downgrade", {"revision": "base"}))
    assert list(schema(url)) == ["alm_version"]

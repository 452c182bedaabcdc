"""Shared fixtures: the app on SQLite or PostgreSQL, clients, factories and a login helper.

``TEST_DATABASE_URL`` chooses the database (default: a SQLite file in a temp dir). For
PostgreSQL the session creates its own database and drops it at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db

pytest_plugins = ["tests.factories"]

TEST_PASSWORD = "correct horse battery staple"  # noqa: S105


def _postgres_database(url: str) -> tuple[str, str]:
    """Create a fresh database next to ``url``; return (its URL, admin URL)."""
    from app.config import normalise_database_url

    admin_url = normalise_database_url(url)
    name = f"pd_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        pytest.exit(
            f"PostgreSQL is not reachable at {url}: {exc.orig}. Start it, or set "
            "SKIP_POSTGRES=1 to skip the PostgreSQL pass deliberately.",
            returncode=3,
        )
    finally:
        engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name, admin_url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or url.startswith("sqlite"):
        path = tmp_path_factory.mktemp("db") / "test.db"
        yield f"sqlite:///{path}"
        return
    test_url, admin_url = _postgres_database(url)
    yield test_url
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(
            sa.text(f'DROP DATABASE IF EXISTS "{test_url.rsplit("/", 1)[1]}" WITH (FORCE)')
        )
    engine.dispose()


@pytest.fixture(scope="session")
def base_config(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    instance = tmp_path_factory.mktemp("instance")
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "BOT_TRAP_MIN_SECONDS": 0,
        # Tests that check automatic coding turn it on; others measure their own work.
        "AUTO_CODING": "off",
        # Background jobs run right after the commit, so a test sees their result at once.
        "JOBS_INLINE": True,
        # Uploads, exports and mail go to folders of the database's under the instance folder.
        "INSTANCE_DIR": str(instance),
        "MAIL_SERVER": None,
        "REDIS_URL": None,
        "TILE_URL": "",
        # Cheap password hashing in tests only; production keeps the strong defaults.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
    }


@pytest.fixture(scope="session")
def _schema(base_config: dict[str, Any]) -> Iterator[None]:
    app = create_app(base_config)
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    # The database itself is dropped (PostgreSQL) or left in a temp dir (SQLite) afterwards.
    yield


def _wipe(database_url: str) -> None:
    """Remove every row so each test starts from an empty database."""
    from app.config import normalise_database_url

    tables = [t.name for t in db.metadata.sorted_tables]
    engine = sa.create_engine(normalise_database_url(database_url))
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # One batch of DELETEs: far cheaper than TRUNCATE for nearly empty tables.
                conn.exec_driver_sql("; ".join(f'DELETE FROM "{t}"' for t in reversed(tables)))
            else:
                conn.execute(sa.text("PRAGMA foreign_keys=OFF"))
                for table in reversed(tables):
                    conn.execute(sa.text(f'DELETE FROM "{table}"'))
                conn.execute(sa.text("PRAGMA foreign_keys=ON"))
    finally:
        engine.dispose()


@pytest.fixture()
def make_app(base_config: dict[str, Any], _schema: None, tmp_path: Path) -> Iterator[Any]:
    """Build an app with extra settings, on the shared test database."""
    built: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        config = dict(base_config)
        config.update(INSTANCE_DIR=str(tmp_path / "instance"))
        config.update(overrides)
        app = create_app(config)
        built.append(app)
        return app

    yield factory
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    if built:
        _wipe(base_config["DATABASE_URL"])


@pytest.fixture()
def app(make_app: Any) -> Iterator[Flask]:
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture()
def login(client: FlaskClient) -> Any:
    """Log a user in through the real login form: ``login(user)``."""

    def do(user: Any, password: str = TEST_PASSWORD, test_client: FlaskClient | None = None) -> Any:
        c = test_client or client
        response = c.post("/login", data={"email": user.email, "password": password})
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
        return response

    return do


@pytest.fixture()
def count_queries(app: Flask) -> Any:
    """Count SQL statements run inside a ``with count_queries() as n:`` block."""
    from contextlib import contextmanager

    @contextmanager
    def counter() -> Iterator[list[str]]:
        statements: list[str] = []

        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counter

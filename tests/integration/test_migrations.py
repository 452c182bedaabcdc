"""Migrations: one head, upgrade and downgrade on the test database kind, no pending diff."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app import create_app
from app.extensions import db
from app.extensions import migrate as migrate_ext


@pytest.fixture()
def fresh_database(database_url: str, tmp_path: Any) -> Iterator[str]:
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"pd_mig_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield database_url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _alembic_config(app: Any) -> Any:
    return migrate_ext.get_config(directory=app.extensions["migrate"].directory)


def test_single_head(base_config: dict[str, Any]) -> None:
    app = create_app(base_config)
    with app.app_context():
        heads = ScriptDirectory.from_config(_alembic_config(app)).get_heads()
    assert len(heads) == 1, f"expected one Alembic head, found {heads}"


def test_upgrade_matches_models_and_downgrades(
    base_config: dict[str, Any], fresh_database: str
) -> None:
    app = create_app({**base_config, "DATABASE_URL": fresh_database})
    with app.app_context():
        config = _alembic_config(app)
        command.upgrade(config, "head")
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        command.downgrade(config, "base")
        with db.engine.connect() as conn:
            remaining = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        command.upgrade(config, "head")
        db.session.remove()
        db.engine.dispose()

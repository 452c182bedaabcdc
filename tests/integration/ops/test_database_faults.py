"""A database that cannot take writes gives clean 503s, never a 500 or half-written data."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db


@pytest.fixture()
def read_only_app(make_app, database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("read-only database files are a SQLite scenario")
    path = tmp_path / "ro.db"
    writable = make_app(DATABASE_URL=f"sqlite:///{path}")
    with writable.app_context():
        db.create_all()
        from app.accounts.models import User
        from app.accounts.passwords import hash_password

        db.session.add(User(email="anna@example.se", password_hash=hash_password("x" * 12)))
        db.session.commit()
        db.engine.dispose()
    return make_app(DATABASE_URL=f"sqlite:///file:{path}?mode=ro&uri=true")


def test_writes_to_a_read_only_database_answer_503_and_store_nothing(read_only_app):
    client = read_only_app.test_client()
    # A failed login writes an audit row: the write fails, the resident gets a clean 503.
    response = client.post("/login", data={"email": "anna@example.se", "password": "wrong"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "Traceback" not in response.get_data(as_text=True)
    with read_only_app.app_context():
        count = db.session.scalar(sa.text("SELECT count(*) FROM audit_events"))
    assert count == 0


def test_api_answers_503_as_json_when_the_database_is_down(make_app, tmp_path):
    broken = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/no/such/dir/db.sqlite")
    response = broken.test_client().get("/api/v1/projects")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"


def test_reads_still_work_on_a_read_only_database(read_only_app):
    assert read_only_app.test_client().get("/").status_code == 200

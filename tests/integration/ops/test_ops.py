"""Health check, static caching and compression."""

import gzip
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.config import ConfigError


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_unavailable_database(make_app, tmp_path):
    broken = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/missing-dir/nope/db.sqlite")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_static_urls_are_versioned_and_cached_for_a_year(app, client):
    html = client.get("/").get_data(as_text=True)
    assert "/static/css/app.css?v=" in html
    url = html.split('href="/static/css/app.css?v=')[1].split('"')[0]
    response = client.get(f"/static/css/app.css?v={url}")
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]


def test_responses_are_compressed_when_the_client_accepts_it(client):
    response = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"
    assert b":root" in gzip.decompress(response.data)


def test_static_files_go_out_with_the_strongest_compression(app, client):
    """A versioned static file never changes: it is compressed once with brotli 11 (gzip 9),
    fewer bytes than the per-response level Flask-Compress uses for pages."""
    import brotli

    path = Path(app.static_folder) / "vendor" / "leaflet" / "leaflet.js"
    original = path.read_bytes()
    url = "/static/vendor/leaflet/leaflet.js?v=1"
    browser = {"Accept-Encoding": "gzip, deflate, br, zstd"}
    first = client.get(url, headers=browser)
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in first.headers["Vary"]
    assert brotli.decompress(first.data) == original
    assert len(first.data) < 0.9 * len(brotli.compress(original, quality=4))
    assert int(first.headers["Content-Length"]) == len(first.data)
    assert client.get(url, headers=browser).data == first.data

    older = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert older.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(older.data) == original
    assert len(older.data) <= len(gzip.compress(original, compresslevel=6))

    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and plain.data == original
    # Pages are still compressed per response.
    page = client.get("/", headers=browser)
    assert page.headers["Content-Encoding"] == "br"
    assert b"<!doctype html>" in brotli.decompress(page.data)


def test_production_refuses_the_development_secret_key():
    from app import create_app

    with pytest.raises(ConfigError):
        create_app({"ENV_MODE": "production", "DATABASE_URL": "sqlite://"})


def test_security_headers_are_set(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "geolocation=(self)" in response.headers["Permissions-Policy"]


def test_sqlite_runs_with_foreign_keys_and_wal(app):
    from app.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only")
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"


def test_worker_command_refuses_without_redis(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output


def test_worker_command_drains_the_queue_in_burst_mode(make_app):
    import uuid

    import redis
    from rq import Queue

    queue_name = f"pd-test-{uuid.uuid4().hex[:8]}"
    app = make_app(REDIS_URL="redis://127.0.0.1:6379/0", RQ_QUEUE=queue_name)
    connection = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    queue = Queue(queue_name, connection=connection)
    job = queue.enqueue("math.factorial", 5)
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    job.refresh()
    assert job.return_value() == 120
    queue.delete(delete_jobs=True)
    connection.close()


def test_only_changed_sessions_set_a_cookie(client):
    """Assets and unchanged pages never re-send the session cookie: a concurrent response
    (an image, a service worker precache) could otherwise overwrite a language just chosen."""
    first = client.get("/")
    assert "session=" in first.headers.get("Set-Cookie", "")
    asset = client.get("/static/css/app.css")
    assert "Set-Cookie" not in asset.headers
    again = client.get("/")
    assert "session=" not in again.headers.get("Set-Cookie", "")
    chosen = client.get("/lang/en?next=/")
    assert "session=" in chosen.headers.get("Set-Cookie", "")


def test_nul_characters_never_pass_the_request_boundary(app):
    from flask import request

    with app.test_request_context("/?municipality=a%00b", method="POST", data={"name": "Å\x00sa"}):
        assert request.args["municipality"] == "ab"
        assert request.form["name"] == "Åsa"
    with app.test_request_context("/", method="POST", json={"a": ["x\x00y", {"k\x00": "v\x00"}]}):
        assert request.get_json() == {"a": ["xy", {"k": "v"}]}

"""Fail with a clear message when the PostgreSQL used by the test suite is unreachable."""

import sys

import psycopg

url = sys.argv[1].replace("postgresql+psycopg://", "postgresql://")
try:
    with psycopg.connect(url, connect_timeout=5) as conn:
        conn.execute("SELECT 1")
except psycopg.Error as exc:
    print(
        f"PostgreSQL is not reachable at {url}: {exc}\n"
        "Start it (pg_ctlcluster --skip-systemctl-redirect <version> main start), point "
        "TEST_DATABASE_URL at one, or set SKIP_POSTGRES=1 to skip this pass on purpose.",
        file=sys.stderr,
    )
    sys.exit(1)

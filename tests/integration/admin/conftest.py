"""Admin tests share the account tests' helpers and the fresh per-request globals."""

from tests.integration.accounts.conftest import fresh_request_globals  # noqa: F401

"""Admin tests share the account tests' helpers."""


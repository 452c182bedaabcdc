"""Flask-Login's view decorator with its type kept: Flask-Login ships no type information, so
``flask_login.login_required`` would make every view it wraps untyped for the type checker."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar, cast

import flask_login

P = ParamSpec("P")
R = TypeVar("R")


def login_required(view: Callable[P, R]) -> Callable[P, R]:
    """Refuse anonymous users (Flask-Login's ``login_required``); the view keeps its signature."""
    return cast(Callable[P, R], flask_login.login_required(view))

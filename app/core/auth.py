"""Flask-Login's view decorator and current user, typed: Flask-Login ships no type information,
so ``flask_login.login_required`` would make every view it wraps untyped for the type checker."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar, cast

import flask_login

if TYPE_CHECKING:
    from app.accounts.models import User

P = ParamSpec("P")
R = TypeVar("R")


def login_required(view: Callable[P, R]) -> Callable[P, R]:
    """Refuse anonymous users (Flask-Login's ``login_required``); the view keeps its signature."""
    return cast(Callable[P, R], flask_login.login_required(view))


def logged_in_user() -> User:
    """The user behind ``current_user``, in a view under :func:`login_required`."""
    return cast("User", flask_login.current_user._get_current_object())

"""End-to-end fixtures: the app served on 127.0.0.1 in a thread, driven by Debian's Chromium.

Tests here are marked ``e2e`` automatically. They share the session's test database; the
``live_app`` fixture wipes it after each test like the integration tests do.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from app.projects.models import ActivityKind
from app.surveys.models import OptionKind, Question, QuestionOption, QuestionType

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


class _ClosedBody:
    """A response body that is closed even when nobody closes it.

    werkzeug's development server closes a response only at the end of a ``finally`` that
    first drains the request socket; when the browser drops the connection (it cancels an
    image's download on leaving a page) that draining raises and the close is skipped, so a
    file sent with ``send_file`` stays open until garbage collection: a ResourceWarning,
    which this suite turns into a failure of whichever test is running. Closing the body
    when this wrapper goes away closes the file first.
    """

    def __init__(self, body: Any) -> None:
        self.body = body
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            close = getattr(self.body, "close", None)
            if close is not None:
                close()

    def __del__(self) -> None:
        self.close()


def _closing_bodies(app: Any) -> Any:
    def serve(environ: dict[str, Any], start_response: Any) -> _ClosedBody:
        return _ClosedBody(app(environ, start_response))

    return serve


class LiveServer:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, _closing_bodies(app), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.server.server_close()


@pytest.fixture()
def live_app(make_app: Any) -> Any:
    """An app with CSRF on and background jobs on a worker thread (as in production), to be
    served by ``live_server``."""
    return make_app(WTF_CSRF_ENABLED=True, JOBS_INLINE=False)


@pytest.fixture()
def live_server(live_app: Any) -> Iterator[LiveServer]:
    server = LiveServer(live_app)
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def discussion_with_comment(make_project: Any, make_activity: Any) -> Any:
    """``make(body)``: a project's current stage with a discussion holding one resident's
    comment; returns the stage page's path."""

    def make(body: str) -> str:
        from app.accounts.models import Participant
        from app.comments.models import Comment
        from app.extensions import db

        project = make_project()
        stage = project.current_stage
        activity = make_activity(stage, "discussion")
        other = Participant(token_hash=uuid.uuid4().hex * 2)
        db.session.add(other)
        db.session.flush()
        db.session.add(
            Comment(activity_id=activity.id, stage_id=stage.id, participant_id=other.id, body=body)
        )
        db.session.commit()
        return f"/p/{project.organization.slug}/{project.slug}/{stage.id}"

    return make


@pytest.fixture()
def offline_survey(app: Any, make_project: Any, make_activity: Any) -> Any:
    """A survey for the offline and photo tests. Page 1: a required single choice; page 2: a
    required map point and a short text."""
    project = make_project()
    activity = make_activity(project.current_stage, ActivityKind.SURVEY)
    survey = activity.survey
    survey.title = {"sv": "Parkens framtid", "en": "The park's future"}
    survey.questions.extend(
        [
            Question(
                type=QuestionType.SINGLE_CHOICE,
                page=1,
                position=0,
                required=True,
                prompt={"sv": "Hur ofta är du i parken?", "en": "How often are you in the park?"},
                options=[
                    QuestionOption(kind=OptionKind.OPTION, position=i, label={"sv": label})
                    for i, label in enumerate(["Varje dag", "Ibland"])
                ],
            ),
            Question(
                type=QuestionType.MAP_POINT,
                page=2,
                position=1,
                required=True,
                max_count=3,
                prompt={"sv": "Var vill du ha en bänk?", "en": "Where do you want a bench?"},
                settings={"restrict_to_area": True, "max_comment_length": 500},
            ),
            Question(
                type=QuestionType.SHORT_TEXT,
                page=2,
                position=2,
                prompt={"sv": "Något mer?", "en": "Anything else?"},
            ),
        ]
    )
    db.session.commit()
    return survey

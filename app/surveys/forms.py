"""Forms of the resident survey flow.

The questions are not WTForms fields: each question type reads its own inputs
(``QuestionKind.from_form``). This form carries what every step has: the CSRF token, the
answers given so far (a JSON state field, so Back/Next never lose an answer and geometries
never go into the 4 KB cookie session), the step and the nickname.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField

from app.core.forms import FlaskForm
from app.surveys.schemas import NICKNAME_MAX_LENGTH


class SurveyStepForm(FlaskForm):
    """One step of the survey: hidden state plus the nickname on the first page."""

    state = HiddenField()
    step = HiddenField()
    shown = HiddenField()
    preview = HiddenField()
    # Checked by the NewResponse schema (app/surveys/schemas.py), like the rest of the input.
    nickname = StringField(
        _l("Nickname"),
        render_kw={"autocomplete": "nickname", "maxlength": NICKNAME_MAX_LENGTH},
    )


@dataclass
class FlowState:
    """What the resident has answered so far, carried from step to step."""

    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    answers: dict[int, dict[str, Any]] = field(default_factory=dict)
    nickname: str | None = None

    @classmethod
    def load(cls, text: str | None) -> FlowState:
        """Read the hidden state field; anything unreadable starts afresh."""
        try:
            data = json.loads(text or "")
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        state = cls()
        client_id = data.get("client_id")
        if isinstance(client_id, str) and 0 < len(client_id) <= 36:
            state.client_id = client_id
        answers = data.get("answers")
        if isinstance(answers, dict):
            for key, value in answers.items():
                if str(key).isdigit() and isinstance(value, dict):
                    state.answers[int(key)] = value
        nickname = data.get("nickname")
        if isinstance(nickname, str):
            state.nickname = nickname[:NICKNAME_MAX_LENGTH]
        return state

    def dump(self) -> str:
        return json.dumps(
            {
                "client_id": self.client_id,
                "answers": {str(k): v for k, v in self.answers.items()},
                "nickname": self.nickname,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

"""Question types without a database: validation, form reading and summaries."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from shapely.geometry import shape
from werkzeug.datastructures import MultiDict

from app.surveys.models import OptionKind, Question, QuestionOption, QuestionType
from app.surveys.questions import REGISTRY, AnswerContext, AnswerError, kind_for

AREA = shape(
    {
        "type": "Polygon",
        "coordinates": [
            [[17.94, 59.215], [17.96, 59.215], [17.96, 59.225], [17.94, 59.225], [17.94, 59.215]]
        ],
    }
)
CTX = AnswerContext(area=AREA, language="sv")


def question(qtype: QuestionType, options=(), **kw) -> Question:
    q = Question(
        id=kw.pop("id", 10),
        type=qtype,
        prompt={"sv": "Fråga"},
        settings=kw.pop("settings", {}),
        **kw,
    )
    q.options = []
    for i, (kind, label, extra) in enumerate(options):
        q.options.append(
            QuestionOption(id=100 + i, kind=kind, position=i, label={"sv": label}, **extra)
        )
    return q


def opts(*labels, **extra):
    return [(OptionKind.OPTION, label, dict(extra)) for label in labels]


def answers(*values, features=None):
    return [
        SimpleNamespace(value=v, text=v if isinstance(v, str) else None, features=features or [])
        for v in values
    ]


def test_registry_covers_every_question_type():
    assert set(REGISTRY) == set(QuestionType)
    for qtype, cls in REGISTRY.items():
        assert cls.type == qtype
        assert kind_for(question(qtype)).template == f"surveys/questions/_{qtype.value}.html"


def test_single_choice_and_demographics():
    kind = kind_for(question(QuestionType.AGE_BAND, opts("18-29", "30-44")))
    kind.question.options[1].code = "30-44"
    assert kind.validate({"value": 100}, CTX).value == 100
    assert kind.validate({"value": "30-44"}, CTX).value == 101
    for bad in (999, "old", True, None, 1.0):
        with pytest.raises(AnswerError):
            kind.validate({"value": bad}, CTX)
    assert kind.from_form(MultiDict({"q10": "101"})) == {"value": 101}
    assert kind.from_form(MultiDict({})) is None
    summary = kind.summarise(answers(100, 100, 101))
    assert [o["count"] for o in summary["options"]] == [2, 1]
    assert summary["total"] == 3


def test_multi_choice_other_and_counts():
    options = opts("A", "B") + [(OptionKind.OPTION, "Annat", {"is_other": True})]
    kind = kind_for(question(QuestionType.MULTI_CHOICE, options, min_count=1, max_count=2))
    cleaned = kind.validate({"value": [100], "other": "Fåglar"}, CTX)
    assert cleaned.value == {"options": [100, 102], "other": "Fåglar"} and cleaned.text == "Fåglar"
    with pytest.raises(AnswerError) as err:
        kind.validate({"value": [102]}, CTX)
    assert err.value.code == "other_missing"
    with pytest.raises(AnswerError) as err:
        kind.validate({"value": [100, 101, 102], "other": "x"}, CTX)
    assert err.value.code == "too_many"
    form = MultiDict([("q10", "100"), ("q10", "101"), ("q10_other", "")])
    assert kind.from_form(form) == {"value": [100, 101], "other": None}
    summary = kind.summarise(
        answers({"options": [100, 102], "other": "x"}, {"options": [100], "other": None})
    )
    assert [o["count"] for o in summary["options"]] == [2, 0, 1]
    assert summary["other_count"] == 1


def test_ranking_form_and_summary():
    kind = kind_for(question(QuestionType.RANKING, opts("A", "B", "C")))
    form = MultiDict({"q10_rank_100": "3", "q10_rank_101": "1", "q10_rank_102": "2"})
    raw = kind.from_form(form)
    assert raw == {"value": [101, 102, 100]}
    assert kind.validate(raw, CTX).value == [101, 102, 100]
    duplicate = kind.from_form(
        MultiDict({"q10_rank_100": "1", "q10_rank_101": "1", "q10_rank_102": "2"})
    )
    with pytest.raises(AnswerError):
        kind.validate(duplicate, CTX)
    summary = kind.summarise(answers([101, 102, 100], [101, 100, 102]))
    assert summary["options"][0] == {
        "option_id": 101,
        "label": {"sv": "B"},
        "code": None,
        "mean_rank": 1.0,
        "first_count": 2,
    }


def test_likert_scale_number():
    likert = kind_for(question(QuestionType.LIKERT))
    assert likert.validate({"value": 5}, CTX).value == 5
    assert likert.step_labels("sv")[0] == "Strongly disagree"  # no catalogue outside the app
    scale = kind_for(question(QuestionType.SCALE))
    assert scale.validate({"value": 0}, CTX).value == 0
    with pytest.raises(AnswerError):
        scale.validate({"value": 10.5}, CTX)
    summary = scale.summarise(answers(2, 4, 9))
    assert summary["mean"] == 5.0 and summary["median"] == 4 and summary["distribution"]["9"] == 1
    number = kind_for(
        question(QuestionType.NUMBER, settings={"min": 0, "max": 10, "integer": False})
    )
    assert number.from_form(MultiDict({"q10": "2,5"})) == {"value": 2.5}
    assert number.validate({"value": 2.5}, CTX).value == 2.5
    assert number.from_form(MultiDict({"q10": "tolv"})) == {"value": "tolv"}
    with pytest.raises(AnswerError):
        number.validate({"value": "tolv"}, CTX)
    with pytest.raises(AnswerError):
        number.validate({"value": float("nan")}, CTX)


def test_text_lengths():
    short = kind_for(question(QuestionType.SHORT_TEXT))
    assert short.validate({"value": "  hej\x00 "}, CTX).value == "hej"
    with pytest.raises(AnswerError):
        short.validate({"value": "x" * 201}, CTX)
    assert short.is_blank({"value": "   "})
    long = kind_for(question(QuestionType.LONG_TEXT))
    assert long.validate({"value": "x" * 4000}, CTX).text == "x" * 4000
    assert long.summarise(answers("ab", "abcd"))["text_count"] == 2


def map_question(**kw):
    options = [
        (OptionKind.CATEGORY, "Bra", {}),
        (OptionKind.CATEGORY, "Otryggt", {"valence_hint": "negative"}),
        (OptionKind.PLACE, "Torget", {}),
    ]
    settings = {"restrict_to_area": True, "require_comment": kw.pop("require_comment", False)}
    return kind_for(question(QuestionType.MAP_POLYGON, options, settings=settings, **kw))


def polygon(*ring):
    return {"type": "Polygon", "coordinates": [list(ring)]}


INSIDE_SQUARE = polygon([17.945, 59.218], [17.95, 59.218], [17.95, 59.221], [17.945, 59.218])


def test_map_validation_and_text_alternative():
    kind = map_question(max_count=2)
    feature = {
        "type": "Feature",
        "geometry": INSIDE_SQUARE,
        "properties": {"category": 101, "comment": " Mörkt "},
    }
    cleaned = kind.validate({"features": [feature]}, CTX)
    assert cleaned.features[0].category_id == 101 and cleaned.features[0].comment == "Mörkt"
    # The comment is the marking's own; the answer does not repeat it (counted once).
    assert cleaned.value is None and cleaned.text is None
    assert kind.validate({"value": {"place": 102}}, CTX).value == {"place": 102}
    assert kind.validate({"value": {"description": "Vid ån"}}, CTX).text == "Vid ån"
    cases = {
        "wrong_geometry_type": {"type": "Point", "coordinates": [17.95, 59.22]},
        "invalid_geometry": polygon(
            [17.945, 59.218], [17.95, 59.221], [17.95, 59.218], [17.945, 59.221], [17.945, 59.218]
        ),
        "outside_area": polygon([18.1, 59.3], [18.2, 59.3], [18.2, 59.4], [18.1, 59.3]),
        "out_of_range": polygon([190, 59.3], [18.2, 59.3], [18.2, 59.4], [190, 59.3]),
        "invalid_geojson": {"type": "Polygon"},
    }
    for code, geometry in cases.items():
        with pytest.raises(AnswerError) as err:
            kind.validate({"features": [{**feature, "geometry": geometry}]}, CTX)
        assert err.value.code == code, (code, err.value.code)
    with pytest.raises(AnswerError) as err:
        kind.validate({"features": [feature] * 3}, CTX)
    assert err.value.code == "too_many_features"
    with pytest.raises(AnswerError) as err:
        kind.validate({"features": [{**feature, "properties": {"comment": "x"}}]}, CTX)
    assert err.value.code == "category_missing"
    with pytest.raises(AnswerError):
        kind.validate({"value": {"place": 100}}, CTX)  # a category is not a place
    strict = map_question(require_comment=True)
    with pytest.raises(AnswerError) as err:
        strict.validate({"features": [{**feature, "properties": {"category": 100}}]}, CTX)
    assert err.value.code == "comment_missing"


def test_map_from_form_prefers_drawings_and_summarises_categories():
    kind = map_question()
    assert kind.from_form(MultiDict({"q10_features": "[]", "q10_place": "102"})) == {
        "value": {"place": 102}
    }
    assert kind.from_form(MultiDict({"q10_features": "{bad"})) == {"features": "invalid"}
    assert kind.from_form(MultiDict({"q10_description": " "})) is None
    features = [
        SimpleNamespace(category_id=101),
        SimpleNamespace(category_id=101),
        SimpleNamespace(category_id=None),
    ]
    summary = kind.summarise(answers(None, {"place": 102}, {"description": "x"}, features=features))
    assert summary["feature_count"] == 9  # three answers share the same three features here
    assert [c["count"] for c in summary["categories"]] == [0, 6]
    assert summary["places"][0]["count"] == 1 and summary["description_count"] == 1

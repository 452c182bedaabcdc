from datetime import datetime, timedelta

import pytest

from analysis.indicators import (
    AnswerThread,
    CodedItem,
    StageInfo,
    age_band_bounds,
    coding_quality,
    distinct_participants,
    gini,
    hhi,
    need_intensity,
    net_valence,
    normalized_hhi,
    official_answers,
    stage_coverage,
    theme_share,
    wilson_interval,
    youth_share,
)


def item(i, themes, valence="neutral", **kw):
    return CodedItem(str(i), frozenset(themes), valence, **kw)


def test_wilson_interval_matches_hand_computation():
    # p = 0.8, z² = 3.8416: centre = 0.99208 / 1.38416, half = 1.96·√0.025604 / 1.38416
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.49016, abs=1e-4)
    assert high == pytest.approx(0.94332, abs=1e-4)
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(10, 10)[1] == pytest.approx(1.0)
    assert wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


def test_theme_share():
    items = [item(i, {"green"} if i < 3 else {"mobility"}) for i in range(10)]
    share = theme_share(items, "green")
    assert (share.k, share.n, share.share) == (3, 10, 0.3)
    assert share.low < 0.3 < share.high


def test_net_valence_counts_positive_minus_negative_over_theme():
    items = [
        item(1, {"green"}, "positive"),
        item(2, {"green"}, "positive"),
        item(3, {"green"}, "negative"),
        item(4, {"green"}, "mixed"),
        item(5, {"green"}, "neutral"),
        item(6, {"mobility"}, "negative"),
    ]
    assert net_valence(items, "green") == pytest.approx(0.2)
    assert net_valence(items, "mobility") == -1.0
    assert net_valence(items, "safety") is None


def test_need_intensity_weights_supports():
    items = [
        item(1, {"green"}, "negative", supports=2),  # weight 3, need 3
        item(2, {"green"}, "mixed"),  # weight 1, need 0.5
        item(3, {"mobility"}, "negative"),  # weight 1
        item(4, {"green"}, "positive", supports=1),  # weight 2
    ]
    assert need_intensity(items, "green") == pytest.approx(3.5 / 7)
    assert need_intensity(items, "mobility") == pytest.approx(1 / 7)
    assert need_intensity([], "green") == 0.0


def test_concentration_measures():
    assert hhi([1, 1, 2]) == pytest.approx(0.375)
    assert normalized_hhi([1, 1, 2]) == pytest.approx(0.0625)
    assert normalized_hhi([5, 5, 5, 5]) == pytest.approx(0.0)
    assert normalized_hhi([0, 0, 9]) == pytest.approx(1.0)
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)
    assert gini([2, 2, 2]) == pytest.approx(0.0)
    # Σ|xi − xj| over ordered pairs = 2·(1 + 2 + 1) = 8; 8 / (2·3²·2) = 2/9
    assert gini([1, 2, 3]) == pytest.approx(2 / 9)
    assert gini([]) == 0.0


def test_stage_coverage_and_participation_level():
    stages = [
        StageInfo("start", "information", False),
        StageInfo("early", "dialogue", True, contributions=40),
        StageInfo("samrad", "consultation", True, contributions=0),
        StageInfo("review", "consultation", False),
    ]
    cov = stage_coverage(stages)
    assert cov.coverage == 0.5
    assert cov.with_contributions == 1
    assert cov.highest_level == "dialogue"
    assert cov.mean_level == pytest.approx(2.5)
    with pytest.raises(ValueError):
        stage_coverage([StageInfo("x", "voting", True)])


def test_official_answer_rate_and_median_hours():
    t0 = datetime(2026, 5, 1, 12, 0)
    threads = [
        AnswerThread("a", t0, t0 + timedelta(hours=2)),
        AnswerThread("b", t0, t0 + timedelta(hours=10)),
        AnswerThread("c", t0, t0 + timedelta(hours=30)),
        AnswerThread("d", t0, None),
    ]
    stats = official_answers(threads)
    assert stats.answer_rate == 0.75
    assert stats.median_hours == 10.0
    assert official_answers([]).median_hours is None


def test_youth_share_counts_distinct_participants_with_an_age():
    items = [
        item(1, {"children"}, participant_id="p1", demographics={"age_band": "13-15"}),
        item(2, {"green"}, participant_id="p1", demographics={"age_band": "13-15"}),
        item(3, {"green"}, participant_id="p2", demographics={"age_band": "16-19"}),
        item(4, set(), participant_id="p3", demographics={"age_band": "40-49"}),
        item(5, set(), participant_id="p4", demographics={"age_band": "65+"}),
        item(6, {"children"}, participant_id="p5"),
    ]
    ys = youth_share(items)
    assert ys.participants_with_age == 4
    assert ys.young_participants == 2
    assert ys.participant_share.share == 0.5
    assert ys.children_theme_share.k == 2
    assert age_band_bounds("65+") == (65, None)
    assert age_band_bounds("unknown") is None


def test_coding_quality_and_distinct_participants():
    items = [
        item(1, {"green"}, reviewed=True, participant_id="a"),
        item(2, set(), participant_id="a"),
        item(3, {"safety"}, participant_id=None),
        item(4, {"mobility"}, reviewed=True, participant_id="b"),
    ]
    q = coding_quality(items)
    assert (q.share_coded, q.share_reviewed) == (0.75, 0.5)
    assert distinct_participants(items) == 3


def test_coded_items_prefer_human_decisions():
    from analysis.coder import Coder
    from analysis.indicators import coded_items
    from analysis.models import Contribution

    contributions = [
        Contribution("1", "Mörkt och otryggt i parken", participant_id="a"),
        Contribution("2", "Bussen är sen", participant_id="b"),
    ]
    coder = Coder()
    coded = {c.id: coder.code_contribution(c) for c in contributions}
    items = coded_items(contributions, coded, reviewed={"2": frozenset({"mobility", "influence"})})
    assert items[0].themes == frozenset({"safety", "green"}) and not items[0].reviewed
    assert items[1].themes == frozenset({"mobility", "influence"}) and items[1].reviewed
    assert items[0].valence == "negative" and items[0].participant_id == "a"

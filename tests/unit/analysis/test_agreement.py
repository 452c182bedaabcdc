import pytest

from analysis.agreement import cohen_kappa, cohen_kappa_counts, multilabel_agreement


def test_kappa_from_counts_by_hand():
    # p_o = 0.7, p_e = 0.6·0.5 + 0.4·0.5 = 0.5 → κ = 0.4
    assert cohen_kappa_counts(20, 5, 10, 15) == pytest.approx(0.4)
    assert cohen_kappa_counts(0, 0, 0, 10) == 1.0


def test_kappa_nominal_by_hand():
    a = ["pos", "pos", "neg", "neg", "neu", "pos"]
    b = ["pos", "neg", "neg", "neg", "neu", "pos"]
    # p_o = 5/6; p_e = (3/6·2/6) + (2/6·3/6) + (1/6·1/6) = 13/36
    expected = (5 / 6 - 13 / 36) / (1 - 13 / 36)
    assert cohen_kappa(a, b) == pytest.approx(expected)
    with pytest.raises(ValueError):
        cohen_kappa(["a"], [])


def test_multilabel_scores_per_theme_and_averages():
    gold = {"1": {"green"}, "2": {"green", "safety"}, "3": set(), "4": {"safety"}}
    pred = {"1": {"green"}, "2": {"green"}, "3": {"safety"}, "4": {"safety"}}
    rep = multilabel_agreement(gold, pred, ["green", "safety", "meeting"])
    g, s = rep.theme("green"), rep.theme("safety")
    assert (g.tp, g.fp, g.fn, g.tn) == (2, 0, 0, 2)
    assert (s.tp, s.fp, s.fn, s.tn) == (1, 1, 1, 1)
    assert s.precision == 0.5 and s.recall == 0.5 and s.f1 == 0.5
    assert s.kappa == pytest.approx(0.0)
    assert rep.micro_f1 == pytest.approx(2 * 3 / (2 * 3 + 1 + 1))
    assert rep.macro_f1 == pytest.approx((1.0 + 0.5) / 2)  # meeting unused: left out
    # items the reviewer did not see are not scored
    assert multilabel_agreement({"1": {"green"}}, pred, ["green"]).n_items == 1

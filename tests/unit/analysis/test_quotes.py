from analysis.coder import Coder
from analysis.models import Contribution
from analysis.quotes import representative_quotes

TEXTS = {
    "1": "Parken är fin.",
    "2": "Parken vid sjön är fantastisk på sommaren med alla träd, ängar och fåglar.",
    "3": "Parken vid sjön är fantastisk på sommaren med alla träd, ängar och fåglarna.",
    "4": "Skogen bakom skolan är det bästa med att bo här, vi går där varje helg.",
    "5": "Bussen är alltid sen på morgonen och det är trångt.",
    "6": "Naturreservatet " + "är stort och vackert " * 30,
}


def test_quotes_are_extractive_diverse_and_about_the_theme():
    coder = Coder()
    contributions = [Contribution(id=k, text=v) for k, v in TEXTS.items()]
    coded = {c.id: coder.code_contribution(c) for c in contributions}
    quotes = representative_quotes(contributions, coded, "green", k=3)
    ids = [q.contribution_id for q in quotes]
    assert set(ids) <= {"2", "3", "4"}
    assert "5" not in ids and "1" not in ids and "6" not in ids  # off theme, too short, too long
    assert not {"2", "3"} <= set(ids)  # near-duplicates are not both chosen
    assert len(quotes) == 2
    for q in quotes:
        assert q.text == TEXTS[q.contribution_id]
        assert q.theme == "green" and 0 < q.confidence <= 1

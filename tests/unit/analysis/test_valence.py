import pytest

from analysis.valence import ValenceScorer, valence


@pytest.fixture(scope="module")
def scorer() -> ValenceScorer:
    return ValenceScorer()


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("Känns otryggt", "negative"),
        ("feels unsafe", "negative"),
        ("Behöver förbättras", "negative"),
        ("Bra plats!", "positive"),
        ("Idé", "neutral"),
        (None, None),
    ],
)
def test_category_valence(scorer, category, expected):
    assert scorer.category_valence(category) == expected


def test_category_decides_before_the_text():
    assert valence("Fin utsikt härifrån", "sv", category="Känns otryggt") == "negative"
    assert valence("Otryggt och mörkt", "sv", category="Bra plats") == "positive"


def test_idea_category_makes_praise_of_a_wish_neutral():
    assert valence("Ett café här vore trevligt", "sv") == "neutral"
    assert valence("Ett café här är trevligt", "sv", category="Idé") == "neutral"
    assert valence("Farligt och mörkt, sätt upp lampor", "sv", category="Idé") == "negative"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Underbar park", "sv", "positive"),
        ("Mörkt och otryggt", "sv", "negative"),
        ("inte trygg alls", "sv", "negative"),
        ("aldrig rent här", "sv", "negative"),
        ("Det är inte farligt", "sv", "positive"),
        ("Fin natur men dåliga bussar", "sv", "mixed"),
        ("Det behövs fler bänkar", "sv", "neutral"),
        ("När kommer beslutet?", "sv", "neutral"),
        ("Skönt bad vid sjön", "sv", "positive"),
        ("Bad bus service", "en", "negative"),
        ("not safe at night", "en", "negative"),
        ("A bench would be nice", "en", "neutral"),
        ("Great park but terrible parking", "en", "mixed"),
        ("Inga synpunkter", "sv", "neutral"),
    ],
)
def test_lexicon_valence(text, lang, expected):
    assert valence(text, lang) == expected


def test_negation_stops_at_a_contrast_word(scorer):
    score = scorer.score("Inte billigt men fint", "sv")
    assert score.positive > 0


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # Complaints without an evaluative adjective: the problem itself is the complaint.
        ("Papperskorgarna töms för sällan och det blir råttor", "sv", "negative"),
        ("Det finns råttor vid soptunnorna", "sv", "negative"),
        ("Gropar överallt på cykelvägen", "sv", "negative"),
        ("There are too few benches along the path", "en", "negative"),
        ("The bus is delayed every morning", "en", "negative"),
        ("The staff at the library are very helpful", "en", "positive"),
        ("Tacksam för den nya lekplatsen", "sv", "positive"),
    ],
)
def test_lexicon_v2_domain_complaints_and_praise(text, lang, expected):
    assert valence(text, lang) == expected

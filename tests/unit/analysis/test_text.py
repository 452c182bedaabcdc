from analysis.text import (
    NEGATORS,
    content_tokens,
    detect_language,
    get_stemmer,
    stem_tokens,
    stopwords,
    tokenize,
)


def test_tokenize_lowercases_and_drops_digits_and_punctuation():
    assert tokenize("Bussen 710 är FULL, igen!") == ["bussen", "är", "full", "igen"]
    assert tokenize("It's dark, don't go") == ["it's", "dark", "don't", "go"]


def test_stopwords_keep_negators_and_evaluative_words():
    sv = stopwords("sv")
    assert "och" in sv and "att" in sv
    for word in ("inte", "aldrig", "bra", "fin", "beslut", "ingen"):
        assert word not in sv, word
    en = stopwords("en")
    assert "the" in en
    for word in ("not", "never", "good", "safe", "home", "school"):
        assert word not in en, word
    assert NEGATORS["sv"] <= NEGATORS["sv"] - sv


def test_content_tokens_drop_function_words_only():
    assert content_tokens("Det är inte bra att bussen är sen", "sv") == [
        "inte",
        "bra",
        "bussen",
        "sen",
    ]


def test_snowball_stems_swedish_and_english():
    assert stem_tokens(["parken", "bussarna", "lekplatsen"], "sv") == ["park", "buss", "lekplats"]
    assert stem_tokens(["playgrounds", "parking"], "en") == ["playground", "park"]
    stemmer = get_stemmer("sv")
    assert stemmer.stem("barnen") == "barn"
    assert stemmer.stem("barnen") == "barn"  # served from the cache, same answer


def test_detect_language_swedish_english_and_fallback():
    assert detect_language("Det är mörkt och otryggt vid stationen") == "sv"
    assert detect_language("The station is dark and feels unsafe at night") == "en"
    assert detect_language("ok", default="en") == "en"
    assert detect_language("ok", default="sv") == "sv"
    assert detect_language("", default="en") == "en"
    # Restricted to the enabled languages: English text with only Swedish enabled stays Swedish.
    assert detect_language("The bus is always late", enabled=("sv",)) == "sv"

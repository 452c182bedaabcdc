"""Benchmark the automatic coder: 100,000 generated contributions on one core.

Run: ``.venv/bin/python bench/analysis.py [--n 100000] [--seed 1] [--model MODEL.json]``
(``--model``: rules + a model made by ``python -m analysis train``, as ``code --model``).
Prints contributions per second, total seconds, and the ratio against only tokenizing and
Snowball-stemming the same texts, measured in the same run (absolute figures drift on shared
machines; the ratio less).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.coder import Coder  # noqa: E402
from analysis.learned import Model  # noqa: E402
from analysis.text import Stemmer, detect_language, tokenize  # noqa: E402

SV_PLACES = [
    "vid Tumba station",
    "i Alby centrum",
    "på Handens torg",
    "vid Flemingsberg",
    "i Tyresö centrum",
    "vid Södertälje hamn",
    "längs Huddingevägen",
    "i Fittja",
    "vid Lissmasjön",
    "i Vårby gård",
    "bakom skolan",
    "vid pendeltåget i Jordbro",
]
SV_CLAUSES = [
    "det är mörkt och otryggt på kvällarna",
    "bussarna går alldeles för sällan",
    "lekplatsen är sliten och gungorna är trasiga",
    "trafikbullret stör hela natten",
    "vi saknar en matbutik och ett apotek",
    "parken är fin men dåligt skött",
    "bilarna kör för fort och det finns inget övergångsställe",
    "det behövs fler bänkar och ett café",
    "hyrorna har blivit för höga efter renoveringen",
    "kommunen lyssnar inte på oss som bor här",
    "naturen måste skyddas från bebyggelse",
    "det är skräpigt och klotter överallt",
    "ungdomarna har ingen fritidsgård",
    "cykelbanan tar slut mitt i korsningen",
    "utsikten över sjön är fantastisk",
    "de nya husen är för höga och fula",
    "biblioteket är en bra mötesplats",
    "pendelparkeringen är full redan sju",
    "gångtunneln känns läskig",
    "snöröjningen av gångvägarna är usel",
    "här trivs vi och grannarna hjälps åt",
]
SV_TAILS = ["", ".", "!", " tyvärr.", ", gör något!", " Tack för att ni frågar.", "??"]
EN_CLAUSES = [
    "the underpass feels unsafe at night",
    "the buses are always late",
    "the playground is broken",
    "there is too much traffic noise",
    "we need a grocery store",
    "the park is lovely in summer",
    "rents are too high",
    "nobody listens to residents",
    "please plant more trees",
    "the library is a great meeting place",
]


def generate(n: int, seed: int) -> list[str]:
    """Deterministic realistic contributions recombined from phrases (80 % Swedish)."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    out = []
    for _ in range(n):
        if rng.random() < 0.8:
            k = rng.choice((1, 1, 2, 2, 3))
            parts = [rng.choice(SV_CLAUSES) for _ in range(k)]
            text = f"{rng.choice(SV_PLACES).capitalize()} {' och '.join(parts)}"
            text += rng.choice(SV_TAILS)
        else:
            k = rng.choice((1, 2))
            text = " and ".join(rng.choice(EN_CLAUSES) for _ in range(k)).capitalize() + "."
        out.append(text)
    return out


def baseline(texts: list[str]) -> float:
    """Seconds to detect the language, tokenize and stem every text (cached stemmers)."""
    stemmers = {"sv": Stemmer("sv"), "en": Stemmer("en")}
    start = time.perf_counter()
    for text in texts:
        tokens = tokenize(text)
        stem = stemmers[detect_language(text, tokens=tokens)].stem
        for tok in tokens:
            stem(tok)
    return time.perf_counter() - start


def language_detectors(texts: list[str]) -> tuple[float, float | None]:
    """Microseconds per text: the stopword-ratio detector and lingua (sv+en), same sample."""
    start = time.perf_counter()
    for text in texts:
        detect_language(text)
    ours = (time.perf_counter() - start) / len(texts) * 1e6
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:
        return ours, None
    detector = LanguageDetectorBuilder.from_languages(Language.SWEDISH, Language.ENGLISH).build()
    start = time.perf_counter()
    for text in texts:
        detector.detect_language_of(text)
    return ours, (time.perf_counter() - start) / len(texts) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lang-sample", type=int, default=5000, help="texts to time detectors")
    parser.add_argument("--model", default=None, help="code with rules + this model JSON")
    args = parser.parse_args()
    texts = generate(args.n, args.seed)
    base = baseline(texts)
    coder = Coder(model=Model.load(args.model) if args.model else None)
    print(f"coder source: {coder.source}")
    start = time.perf_counter()
    themed = 0
    for i, text in enumerate(texts):
        res = coder.code(text, id=str(i))
        themed += bool(res.themes)
    total = time.perf_counter() - start
    print(f"contributions: {args.n}")
    print(f"coded with a theme: {themed / args.n:.1%}")
    print(f"coder total seconds: {total:.2f}")
    print(f"coder contributions/second: {args.n / total:,.0f}")
    print(f"baseline (detect+tokenize+stem) seconds: {base:.2f}")
    print(f"ratio coder / baseline: {total / base:.2f}")
    ours, lingua = language_detectors(texts[: args.lang_sample])
    print(f"language detection µs/text: stopword-ratio {ours:.1f}", end="")
    print(f", lingua sv+en {lingua:.1f}" if lingua is not None else ", lingua not installed")
    met = total * 100_000 / args.n < 30
    print(f"target (100,000 in < 30 s on one core): {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()

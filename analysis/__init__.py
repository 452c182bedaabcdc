"""Platsdialog analysis: language, coding, valence and indicators for residents' contributions.

A pure-Python package: it never imports Flask, SQLAlchemy or anything from ``app``. The web app
adapts its rows into the dataclasses of :mod:`analysis.models` in one place and calls the
functions re-exported here.
"""

from analysis.codebook import Codebook, Theme, load_codebook
from analysis.coder import Coder, code_contribution, code_texts
from analysis.models import (
    CodedContribution,
    Coding,
    Contribution,
    PopulationRow,
    Quote,
    ThemeAssignment,
)
from analysis.text import detect_language, stem_tokens, tokenize
from analysis.valence import valence

__all__ = [
    "CodedContribution",
    "Codebook",
    "Coder",
    "Coding",
    "Contribution",
    "PopulationRow",
    "Quote",
    "Theme",
    "ThemeAssignment",
    "code_contribution",
    "code_texts",
    "detect_language",
    "load_codebook",
    "stem_tokens",
    "tokenize",
    "valence",
]

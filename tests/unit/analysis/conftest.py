"""Fixtures for the analysis tests."""

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def workdir() -> Iterator[Path]:
    """A private temporary folder.

    Used instead of ``tmp_path``: pytest's numbered temp folders can leave an unclosed
    ``os.scandir`` iterator when several pytest sessions share the machine, which becomes an
    error under ``filterwarnings = error``.
    """
    with tempfile.TemporaryDirectory(prefix="analysis-test-") as name:
        yield Path(name)

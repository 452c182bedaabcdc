"""The text pipeline and the coder must work with no network and no nltk data."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = r"""
import socket

class NoNetwork(socket.socket):
    def __init__(self, *args, **kwargs):
        raise RuntimeError("network access attempted")

def refuse(*args, **kwargs):
    raise RuntimeError("network access attempted")

socket.socket = NoNetwork
socket.create_connection = refuse
socket.getaddrinfo = refuse

import nltk
nltk.download = refuse

from analysis.coder import Coder
from analysis.text import DATA_DIR, stem_tokens, stopwords

coder = Coder()
for text in (
    "Trafikbullret från motorvägen är outhärdligt",
    "The underpass is dark and feels unsafe",
    "Lekplatsen i parken är trasig",
):
    res = coder.code(text)
    print(res.lang, ";".join(res.theme_ids), res.valence)
print(len(stopwords("sv")) > 100, len(stopwords("en")) > 100)
print(stem_tokens(["parkerna", "bussarna"], "sv"), stem_tokens(["playgrounds"], "en"))
print(nltk.data.path[0] == str(DATA_DIR))
"""


def test_coding_works_offline_without_nltk_data(workdir):
    empty = workdir / "nltk_data"
    empty.mkdir()
    env = {**os.environ, "NLTK_DATA": str(empty), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "sv health_env negative"
    assert lines[1].startswith("en ") and "safety" in lines[1] and lines[1].endswith("negative")
    assert lines[2].startswith("sv ") and "children" in lines[2]
    assert lines[3] == "True True"
    assert lines[4] == "['park', 'buss'] ['playground']"
    assert lines[5] == "True"
    assert not list(empty.iterdir())

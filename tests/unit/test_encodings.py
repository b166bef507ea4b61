import os
import subprocess
import sys

import pytest
import tiktoken

from models.tokenization.reference import REFERENCE_ENCODINGS, get_encoding
from tests.support.samples import SAMPLE_TEXTS

# Known ids from the published vocabularies ("Hello world" in each encoding).
KNOWN = {
    "gpt2": [15496, 995],
    "r50k_base": [15496, 995],
    "cl100k_base": [9906, 1917],
    "o200k_base": [13225, 2375],
}


@pytest.mark.parametrize("name", list(REFERENCE_ENCODINGS))
def test_reference_encodings_load_offline_with_known_ids(name):
    enc = get_encoding(name)
    assert enc.name == name
    assert enc.encode("Hello world") == KNOWN[name]


@pytest.mark.parametrize("name", list(REFERENCE_ENCODINGS))
@pytest.mark.parametrize("text", list(SAMPLE_TEXTS.values()))
def test_round_trip(name, text):
    enc = get_encoding(name)
    assert enc.decode(enc.encode(text)) == text


def test_model_lookup_works_after_seeding():
    get_encoding("o200k_base")
    assert tiktoken.encoding_for_model("gpt-4o").name == "o200k_base"


def test_unknown_encoding_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown encoding"):
        get_encoding("p50k_base")


def test_no_network_is_needed(tmp_path):
    # A fresh cache folder and a blocked network: loading must still work.
    code = (
        "import socket\n"
        "def boom(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = boom\n"
        "socket.create_connection = boom\n"
        "from models.tokenization.reference import get_encoding\n"
        "for n in ['gpt2', 'r50k_base', 'cl100k_base', 'o200k_base']:\n"
        "    assert get_encoding(n).encode('hi')\n"
    )
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(tmp_path / "cache")}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)

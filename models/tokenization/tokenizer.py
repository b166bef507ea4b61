"""Our model's tokenizer: byte-level BPE trained by our code with Hugging Face `tokenizers`.

Byte-level means every string, in any script and with any emoji, maps to tokens and
back exactly: the base alphabet is the 256 bytes, so nothing is ever "unknown".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import tokenizers
from tokenizers import Tokenizer, decoders, pre_tokenizers, trainers

if TYPE_CHECKING:  # transformers is imported where it is used: ~1 s, and pages that only
    from transformers import PreTrainedTokenizerFast  # tokenize must not wait for it

EOS = "<|endoftext|>"


def train_tokenizer(
    texts: Iterable[str], vocab_size: int = 4096, extra_special: Sequence[str] = ()
) -> PreTrainedTokenizerFast:
    """Train a byte-level BPE with ``vocab_size`` entries (256 bytes + merges + ``EOS`` and the
    ``extra_special`` tokens, e.g. language tags, each one token wherever it appears in text).

    >>> tok = train_tokenizer(["<|en|>the cat sat on the mat"] * 50, 300, ["<|en|>"])
    >>> tok.decode(tok.encode("the cat 🐈")), len(tok.encode("<|en|>the"))
    ('the cat 🐈', 2)
    """
    if vocab_size < 257:
        raise ValueError("vocab_size must be at least 257 (256 bytes + the end-of-text token)")
    tok = Tokenizer(tokenizers.models.BPE())  # (not our ``models`` package)
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[EOS, *extra_special],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    return wrap(tok, extra_special)


def wrap(tok: Tokenizer, extra_special: Sequence[str] = ()) -> PreTrainedTokenizerFast:
    """Wrap a raw `tokenizers.Tokenizer` as the class `AutoTokenizer` returns."""
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=EOS,
        eos_token=EOS,
        unk_token=None,
        pad_token=EOS,
        additional_special_tokens=list(extra_special),
    )


def save_tokenizer(tokenizer: PreTrainedTokenizerFast, out: str | Path) -> Path:
    """Write tokenizer.json (+ tokenizer_config.json) so AutoTokenizer can load the folder."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(out)
    return out / "tokenizer.json"


def load_tokenizer(path: str | Path) -> PreTrainedTokenizerFast:
    """Load a saved tokenizer folder with plain `transformers`."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(Path(path), local_files_only=True)


def token_bytes(tokenizer: PreTrainedTokenizerFast | Tokenizer, token_id: int) -> bytes:
    """The raw bytes one token stands for (byte-level BPE stores them as printable chars).

    A single token may hold only part of a UTF-8 character (e.g. 1 of the 3 bytes of 猫).
    ``tokenizer`` is the `transformers` one or the raw `tokenizers.Tokenizer` inside it.
    """
    if isinstance(tokenizer, Tokenizer):
        piece = tokenizer.id_to_token(int(token_id))
        added = tokenizer.get_added_tokens_decoder().get(int(token_id))
        special = added is not None and added.special
    else:
        piece = tokenizer.convert_ids_to_tokens(int(token_id))
        special = piece in tokenizer.all_special_tokens
    if special:
        return piece.encode()
    return bytes(_UNICODE_TO_BYTE[c] for c in piece)


def _bytes_to_unicode() -> dict[int, str]:
    # GPT-2's reversible map from bytes to printable characters (what ByteLevel uses).
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
    bs += list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs), strict=True))


_UNICODE_TO_BYTE = {c: b for b, c in _bytes_to_unicode().items()}

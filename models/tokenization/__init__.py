"""Text → tokens: our byte-level BPE (``tokenizer``), BPE training replayed merge by merge
(``bpe_replay``), the offline reference encodings (``reference``) and side-by-side counts
(``compare``)."""

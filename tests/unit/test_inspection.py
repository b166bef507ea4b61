import numpy as np
import pytest
import torch
from transformers import AutoModelForCausalLM, LlamaConfig, LlamaForCausalLM

from models.generation.distribution import next_token
from models.generation.sampling import SamplingSettings
from models.inspection.attention import attention, hidden_states
from models.inspection.lens import logit_lens
from models.model.inputs import encode, tokenize
from models.model.loading import load_model, save_model
from tests.support.samples import SAMPLE_TEXTS


def test_attention_shape_rows_and_causal_mask(tiny_lm):
    att = attention(tiny_lm, SAMPLE_TEXTS["en"][:60])
    L, H, T = tiny_lm.n_layers, tiny_lm.n_heads, len(att.encoded.ids)
    assert att.weights.shape == (L, H, T, T)
    np.testing.assert_allclose(att.weights.sum(-1), 1.0, atol=1e-5)
    assert np.all(np.triu(att.weights, k=1) == 0)  # no weight on future tokens


@pytest.mark.parametrize("text", list(SAMPLE_TEXTS.values()) + ["", "<script>alert(1)</script>"])
def test_next_token_distributions_sum_to_one(tiny_lm, text):
    nt = next_token(tiny_lm, text, SamplingSettings(temperature=0.7, top_k=5, top_p=0.9))
    assert nt.before.sum().item() == pytest.approx(1.0, abs=1e-5)
    assert nt.after.sum().item() == pytest.approx(1.0, abs=1e-5)
    assert int((nt.after > 0).sum()) <= 5
    assert nt.entropy_after <= nt.entropy_before + 1e-6


def test_tokens_carry_ids_bytes_and_spans(tiny_lm):
    text = SAMPLE_TEXTS["ja"]
    toks = tokenize(tiny_lm, text)
    assert b"".join(t.bytes for t in toks) == text.encode()
    for t in toks:
        assert text[t.start : t.end].encode().find(t.bytes) >= 0 or len(t.bytes) < 3


def test_too_long_prompt_keeps_the_last_tokens_and_says_so(tiny_lm):
    text = "the cat sat on the mat. " * 40
    enc = encode(tiny_lm, text)
    assert enc.truncated and enc.n_tokens_total > tiny_lm.context_length
    assert len(enc.ids) == tiny_lm.context_length
    full = tokenize(tiny_lm, text)
    assert enc.ids == [t.id for t in full[-tiny_lm.context_length :]]
    attention(tiny_lm, text)  # no crash at the edge of the window
    assert not encode(tiny_lm, "short").truncated


def test_empty_prompt_starts_from_end_of_text(tiny_lm):
    assert encode(tiny_lm, "").ids == [tiny_lm.tokenizer.eos_token_id]


def test_logit_lens_last_layer_is_the_model_output(tiny_lm):
    text = SAMPLE_TEXTS["de"]
    _, lens = logit_lens(tiny_lm, text)
    assert lens.shape == (tiny_lm.n_layers + 1, len(tiny_lm.tokenizer))
    torch.testing.assert_close(lens[-1], next_token(tiny_lm, text).before, atol=1e-5, rtol=0)
    torch.testing.assert_close(lens.sum(-1), torch.ones(lens.shape[0]))


def test_hidden_states_shape(tiny_lm):
    enc, hs = hidden_states(tiny_lm, "the cat")
    assert hs.shape == (tiny_lm.n_layers + 1, len(enc.ids), tiny_lm.model.config.n_embd)


def test_save_then_load_gives_identical_logits(tiny_lm, tmp_path):
    save_model(tiny_lm.model, tiny_lm.tokenizer, tmp_path / "m")
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= {
        p.name for p in (tmp_path / "m").iterdir()
    }
    loaded = load_model(tmp_path / "m", device="cpu")
    ids = torch.tensor([tiny_lm.tokenizer.encode(SAMPLE_TEXTS["en"])[:20]])
    with torch.no_grad():
        torch.testing.assert_close(
            loaded.model(ids).logits, tiny_lm.model(ids).logits, rtol=0, atol=0
        )
    # And plain transformers, with no Glassbox code, loads the same folder.
    plain = AutoModelForCausalLM.from_pretrained(tmp_path / "m")
    with torch.no_grad():
        torch.testing.assert_close(
            plain(ids).logits, tiny_lm.model(ids).logits, rtol=1e-5, atol=1e-5
        )


def test_missing_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="config.json"):
        load_model(tmp_path / "nothing")


def test_any_local_model_works_llama(tiny_tokenizer, tmp_path):
    """A second architecture (Llama: RoPE, RMSNorm) saved in the test, loaded from disk."""
    cfg = LlamaConfig(
        vocab_size=len(tiny_tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=48,
        bos_token_id=0,
        eos_token_id=0,
        pad_token_id=0,
    )
    torch.manual_seed(0)
    save_model(LlamaForCausalLM(cfg), tiny_tokenizer, tmp_path / "llama")
    lm = load_model(tmp_path / "llama", device="cpu")
    assert lm.context_length == 48
    att = attention(lm, SAMPLE_TEXTS["en"])
    assert att.weights.shape[:2] == (2, 4)
    assert np.all(np.triu(att.weights, k=1) == 0)
    np.testing.assert_allclose(att.weights.sum(-1), 1.0, atol=1e-5)
    text = SAMPLE_TEXTS["ja"]
    _, lens = logit_lens(lm, text)
    torch.testing.assert_close(lens[-1], next_token(lm, text).before, atol=1e-5, rtol=0)
    assert encode(lm, "word " * 100).truncated

import pytest
import torch

from models.model.loading import build_model
from models.model.presets import PRESETS, field_help, get_preset


def test_presets_have_the_advertised_sizes(tiny_tokenizer):
    # The sizes: nano ≈ 1 M, small 2–10 M, gpu 10–50 M (with a 4096 vocabulary).
    assert 0.7e6 < PRESETS["nano"].n_params(4096) < 1.6e6
    assert 2e6 < PRESETS["small"].n_params(4096) < 10e6
    assert 10e6 < PRESETS["gpu"].n_params(4096) < 50e6
    assert 0.7e6 < PRESETS["nano-llama"].n_params(4096) < 1.6e6


@pytest.mark.parametrize("name", ["nano", "nano-llama", "small"])
def test_param_formula_matches_the_real_model(name, tiny_tokenizer):
    preset = get_preset(name)
    model = build_model(preset, tiny_tokenizer)
    assert model.num_parameters() == preset.n_params(len(tiny_tokenizer))


def test_unknown_preset_and_bad_shape_are_clear_errors():
    with pytest.raises(ValueError, match="unknown preset"):
        get_preset("huge")
    with pytest.raises(ValueError, match="divisible"):
        get_preset("nano", n_embd=130)
    with pytest.raises(ValueError, match="unknown arch"):
        get_preset("nano", arch="mamba")
    with pytest.raises(ValueError, match="even head width"):
        get_preset("nano-llama", n_embd=12, n_head=4)


def test_llama_style_preset_builds_a_llama_with_inspectable_attention(tiny_tokenizer):
    preset = get_preset("nano-llama", n_layer=2, n_head=2, n_embd=32, n_positions=32)
    model = build_model(preset, tiny_tokenizer)
    assert type(model).__name__ == "LlamaForCausalLM"
    assert model.config.intermediate_size == preset.d_mlp == 88  # 8/3 · 32, rounded up to 8s
    assert model.config.max_position_embeddings == 32 and model.config.tie_word_embeddings
    out = model(torch.arange(10)[None], output_attentions=True)  # eager: weights come back
    assert len(out.attentions) == 2 and out.attentions[0].shape == (1, 2, 10, 10)


def test_overrides_and_help():
    assert get_preset("nano", n_layer=2).n_layer == 2
    assert PRESETS["nano"].n_layer == 4  # the shared preset is untouched
    assert "heads" in field_help("n_head").lower()

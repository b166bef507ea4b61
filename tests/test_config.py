import pytest

from models.config import PRESETS, field_help, get_preset
from models.model import build_model


def test_presets_have_the_advertised_sizes(tiny_tokenizer):
    # The sizes: nano ≈ 1 M, small 2–10 M, gpu 10–50 M (with a 4096 vocabulary).
    assert 0.7e6 < PRESETS["nano"].n_params(4096) < 1.6e6
    assert 2e6 < PRESETS["small"].n_params(4096) < 10e6
    assert 10e6 < PRESETS["gpu"].n_params(4096) < 50e6


@pytest.mark.parametrize("name", ["nano", "small"])
def test_param_formula_matches_the_real_model(name, tiny_tokenizer):
    preset = get_preset(name)
    model = build_model(preset, tiny_tokenizer)
    assert model.num_parameters() == preset.n_params(len(tiny_tokenizer))


def test_unknown_preset_and_bad_shape_are_clear_errors():
    with pytest.raises(ValueError, match="unknown preset"):
        get_preset("huge")
    with pytest.raises(ValueError, match="divisible"):
        get_preset("nano", n_embd=130)


def test_overrides_and_help():
    assert get_preset("nano", n_layer=2).n_layer == 2
    assert PRESETS["nano"].n_layer == 4  # the shared preset is untouched
    assert "heads" in field_help("n_head").lower()

import codecs
import math

import pytest
import torch

from models.data.corpora import (
    CorpusError,
    load_documents,
    markdown_play_to_text,
    shakespeare_text,
    validate_user_text,
)
from models.training.config import TrainConfig
from models.training.objective import IGNORE, bits_per_byte, lm_loss, lr_at
from models.training.token_data import TokenData
from models.training.trainer import Trainer
from tests.support.samples import SAMPLE_TEXTS


def _data(tok, n=40):
    return TokenData.from_documents(list(SAMPLE_TEXTS.values()) * n, tok)


@pytest.mark.parametrize("preset", ["nano", "nano-llama"])  # GPT-2 and Llama-style blocks
def test_a_few_steps_lower_the_loss_and_change_every_parameter(preset, tiny_tokenizer):
    from models.model.loading import build_model
    from models.model.presets import get_preset

    shape = get_preset(preset, n_layer=2, n_head=2, n_embd=32, n_positions=32)
    model = build_model(shape, tiny_tokenizer)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    cfg = TrainConfig(
        steps=40, lr=3e-3, batch_size=8, block_size=32, warmup_steps=5, eval_every=20, seed=0
    )
    trainer = Trainer(model, tiny_tokenizer, _data(tiny_tokenizer), cfg, device="cpu")
    first_val = trainer.evaluate()
    events = list(trainer.run())
    assert events[-1].kind == "done" and trainer.step == 40
    assert trainer.evaluate() < first_val - 0.5
    steps = [e for e in events if e.kind == "step"]
    assert sum(e.loss for e in steps[-5:]) / 5 < sum(e.loss for e in steps[:5]) / 5
    for name, p in model.named_parameters():
        assert not torch.equal(p, before[name]), f"{name} did not change"
    evals = [e for e in events if e.kind == "eval"]
    assert [e.step for e in evals] == [20, 40] and all(e.val_bpb > 0 for e in evals)


# the average of the weights and the input noise resume too
@pytest.mark.parametrize(("ema", "input_noise"), [(0.0, 0.0), (0.8, 0.0), (0.0, 0.1)])
def test_stop_and_resume_continue_the_same_run(tiny_tokenizer, ema, input_noise):
    from models.model.loading import build_model
    from models.model.presets import get_preset

    preset = get_preset("nano", n_layer=1, n_head=2, n_embd=16, n_positions=32)
    cfg = TrainConfig(
        steps=12,
        lr=1e-3,
        batch_size=4,
        block_size=16,
        warmup_steps=3,
        eval_every=0,
        ema=ema,
        input_noise=input_noise,
    )
    data = _data(tiny_tokenizer, 10)
    straight = Trainer(build_model(preset, tiny_tokenizer), tiny_tokenizer, data, cfg, device="cpu")
    list(straight.run())

    first = Trainer(build_model(preset, tiny_tokenizer), tiny_tokenizer, data, cfg, device="cpu")
    for ev in first.run():
        if ev.step == 5:
            first.request_stop()
    assert first.step == 5 and first.history[-1].kind == "stopped"
    state = first.state_dict()
    second = Trainer(
        build_model(preset, tiny_tokenizer, seed=99), tiny_tokenizer, data, cfg, device="cpu"
    )
    second.load_state_dict(state)
    assert [e.lr for e in second.run() if e.kind == "step"][0] == pytest.approx(lr_at(5, cfg))
    assert second.step == 12
    for a, b in zip(straight.model.parameters(), second.model.parameters(), strict=True):
        torch.testing.assert_close(a, b)


def test_weight_average_follows_its_formula_and_ends_the_run(tiny_tokenizer):
    from models.model.loading import build_model
    from models.model.presets import get_preset

    preset = get_preset("nano-llama", n_layer=1, n_head=2, n_embd=16, n_positions=32)
    cfg = TrainConfig(steps=10, lr=3e-3, batch_size=4, block_size=16, eval_every=0, ema=0.9)
    trainer = Trainer(
        build_model(preset, tiny_tokenizer), tiny_tokenizer, _data(tiny_tokenizer, 10), cfg, "cpu"
    )
    params = list(trainer.model.parameters())
    average = [p.detach().clone() for p in params]
    for ev in trainer.run():
        if ev.kind != "step":
            continue
        decay = min(0.9, (1 + ev.step) / (10 + ev.step))  # short at first, then 1 / (1 − 0.9)
        average = [a + (1 - decay) * (p.detach() - a) for a, p in zip(average, params, strict=True)]
        raw = [p.detach().clone() for p in params]
        val = trainer.evaluate()  # measured on the average, then the raw weights are back
        assert all(torch.equal(p, r) for p, r in zip(params, raw, strict=True))
        with trainer.averaged():
            torch.testing.assert_close([p.detach().clone() for p in params], average)
            assert trainer.evaluate() == pytest.approx(val)
    assert trainer.history[-1].kind == "done"
    torch.testing.assert_close([p.detach() for p in params], average)  # the run ends averaged
    assert not all(torch.equal(a, r) for a, r in zip(average, raw, strict=True))


def test_input_noise_replaces_that_share_of_the_inputs_and_never_a_target(tiny_lm, monkeypatch):
    import models.training.trainer

    inputs: list[torch.Tensor] = []  # what the model reads, and what the loss is taken against
    seen: list[tuple[torch.Tensor, torch.Tensor]] = []

    def recording_loss(logits, targets):
        seen.append((inputs[-1], targets.clone()))
        return lm_loss(logits, targets)

    tiny_lm.model.register_forward_pre_hook(
        lambda _m, _a, kw: inputs.append(kw["input_ids"].clone()), with_kwargs=True
    )
    monkeypatch.setattr(models.training.trainer, "lm_loss", recording_loss)
    data = _data(tiny_lm.tokenizer, 10)
    cfg = TrainConfig(steps=1, batch_size=64, block_size=32, eval_every=0, input_noise=0.2)
    list(Trainer(tiny_lm.model, tiny_lm.tokenizer, data, cfg, device="cpu").run())
    # the same draws as the trainer's: its generator starts from the seed, the batch comes first
    x, y = data.batch("train", 64, 32, torch.Generator().manual_seed(cfg.seed))
    (noised, targets), vocab = seen[0], len(tiny_lm.tokenizer)
    assert torch.equal(targets, y)
    changed = (noised != x).float().mean().item()  # a random token may be the one it replaced
    assert 0.2 * (1 - 1 / vocab) - 0.03 < changed < 0.2 + 0.03
    assert int(noised.max()) < vocab and int(noised.min()) >= 0


def test_nan_loss_stops_with_an_explanation(tiny_lm):
    cfg = TrainConfig(steps=5, lr=1e-3, batch_size=2, block_size=16, eval_every=0)
    trainer = Trainer(
        tiny_lm.model, tiny_lm.tokenizer, _data(tiny_lm.tokenizer, 5), cfg, device="cpu"
    )
    with torch.no_grad():
        tiny_lm.model.transformer.wte.weight.fill_(float("nan"))
    events = list(trainer.run())
    assert events[-1].kind == "error" and "learning rate" in events[-1].message


def test_an_exploding_loss_stops_the_run_before_it_wrecks_the_weights(tiny_lm):
    """Past twice the loss of guessing at random, the run stops (a high learning rate spikes the
    loss and may recover; past that it only wrecks the weights), keeping the last good ones."""
    import math

    cfg = TrainConfig(steps=5, lr=1e-3, batch_size=2, block_size=16, eval_every=0)
    trainer = Trainer(
        tiny_lm.model, tiny_lm.tokenizer, _data(tiny_lm.tokenizer, 5), cfg, device="cpu"
    )
    vocab = tiny_lm.model.get_input_embeddings().num_embeddings
    assert trainer.explodes_above == pytest.approx(2 * math.log(vocab))
    with torch.no_grad():
        tiny_lm.model.lm_head.weight.mul_(400.0)  # tied to the embeddings: a very sure, wrong model
    before = [p.detach().clone() for p in tiny_lm.model.parameters()]
    events = list(trainer.run())
    last = events[-1]
    assert last.kind == "error" and last.loss > trainer.explodes_above and last.lr is not None
    assert "learning rate" in last.message and trainer.step == 0
    assert all(torch.equal(a, p) for a, p in zip(before, tiny_lm.model.parameters(), strict=True))


def test_absurd_settings_are_clamped_and_short_text_refused(tiny_lm):
    cfg = TrainConfig(steps=10**9, lr=100.0, batch_size=0, block_size=10_000, input_noise=2.0)
    checked, notes = cfg.checked(context_length=32)
    got = (checked.steps, checked.lr, checked.batch_size, checked.block_size, checked.input_noise)
    assert got == (1_000_000, 1.0, 1, 32, 0.5)
    assert len(notes) == 5
    tiny = TokenData.from_documents(["hi"], tiny_lm.tokenizer)
    with pytest.raises(ValueError, match="fewer than one block"):
        Trainer(tiny_lm.model, tiny_lm.tokenizer, tiny, TrainConfig(block_size=16), device="cpu")


def test_loss_and_bits_per_byte_formulas():
    logits = torch.tensor([[[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])  # (1, 2, 3)
    targets = torch.tensor([[0, IGNORE]])
    expected = -math.log(math.exp(2) / (math.exp(2) + 2))  # only the first position counts
    assert lm_loss(logits, targets).item() == pytest.approx(expected)
    assert bits_per_byte(math.log(2), 0.25) == pytest.approx(0.25)


def test_schedule_warms_up_then_decays_to_the_floor():
    cfg = TrainConfig(steps=100, lr=1.0, warmup_steps=10, min_lr_ratio=0.1)
    assert lr_at(0, cfg) == pytest.approx(0.1) and lr_at(9, cfg) == pytest.approx(1.0)
    assert lr_at(10, cfg) == pytest.approx(1.0) and lr_at(100, cfg) == pytest.approx(0.1)
    assert all(lr_at(s, cfg) >= lr_at(s + 1, cfg) for s in range(10, 100))


def test_validation_split_is_held_out(tiny_tokenizer):
    docs = [f"document number {i}." for i in range(100)]
    data = TokenData.from_documents(docs, tiny_tokenizer)
    val_text = tiny_tokenizer.decode(data.val.tolist())
    assert "number 95." in val_text and "number 5." not in val_text


def test_shakespeare_corpus_from_site_packages():
    text = shakespeare_text(1_000_000)
    assert len(text) == 1_000_000 and "**" not in text[:5000]
    assert load_documents("shakespeare", n_chars=1000) == [text[:1000]]
    assert markdown_play_to_text("**HAMLET**  \nTo be\n") == "HAMLET:\nTo be\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"\xff\xfe\xfd", "UTF-8"),
        (bytes(range(1, 32)) * 20, "binary"),
        ("x" * 11, "limit"),
    ],
)
def test_user_text_validation(data, message):
    with pytest.raises(CorpusError, match=message):
        validate_user_text(data, max_bytes=10 if message == "limit" else 5_000_000)


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-16"),  # Windows "Unicode": a BOM, little-endian
        lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
        lambda t: t.encode("utf-16-le"),  # no BOM
        lambda t: t.encode("utf-8-sig"),  # Notepad's "UTF-8 with BOM"
        lambda t: t.encode("utf-32"),
    ],
)
def test_user_text_in_utf16_or_with_a_bom_is_read_not_called_binary(encode):
    text = "Es war einmal ein Fuchs.\nDer Fuchs lief in den Wald."
    assert validate_user_text(encode(text)) == text
    japanese = SAMPLE_TEXTS["ja"]
    assert validate_user_text(japanese.encode("utf-16")) == japanese


def test_user_text_accepts_any_language():
    text = SAMPLE_TEXTS["ja"] + SAMPLE_TEXTS["emoji"] + "\n\tTabs and\r\nnewlines."
    assert validate_user_text(text.encode()) == text
    with pytest.raises(CorpusError, match="unknown corpus"):
        load_documents("wikipedia")


def test_evaluate_averages_fixed_batches_of_the_split_it_is_given(tiny_lm):
    cfg = TrainConfig(steps=1, batch_size=4, block_size=16, eval_batches=3)
    trainer = Trainer(tiny_lm.model, tiny_lm.tokenizer, _data(tiny_lm.tokenizer), cfg, "cpu")
    for split in ("train", "val"):
        g = torch.Generator().manual_seed(1234)
        with torch.no_grad():
            by_hand = [
                float(lm_loss(tiny_lm.model(input_ids=x).logits, y))
                for x, y in (trainer.get_batch(split, g) for _ in range(3))
            ]
        assert trainer.evaluate(split) == pytest.approx(sum(by_hand) / 3)
    assert trainer.evaluate() == trainer.evaluate("val") != trainer.evaluate("train")

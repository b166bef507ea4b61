import torch

from models.data.dialogues import answer_spans, question_prompt, sft_stories, sft_text
from models.data.stories import dialogue, qa_pairs
from models.tokenization.tokenizer import train_tokenizer
from models.training.config import TrainConfig
from models.training.objective import IGNORE
from models.training.sft_data import DialogueData, encode_example
from models.training.trainer import Trainer

FACT_KEYS = ("hero", "friend", "place", "object", "feeling")


def test_answer_mask_is_exact_on_a_hand_built_example():
    text = "A cat.\nA: Who?\nB: The cat.\nA: Where?\nB: Home."
    tok = train_tokenizer([text] * 20, vocab_size=300)
    ids, labels = encode_example(tok, text)
    pieces = [tok.decode([i]) for i in ids]
    targets = [p for p, lab in zip(pieces, labels, strict=True) if lab != IGNORE]
    assert "".join(targets) == " The cat.\n Home.<|endoftext|>"
    assert all(lab in (IGNORE, i) for i, lab in zip(ids, labels, strict=True))
    assert answer_spans(text) == [(17, 27), (39, 45)]  # after 'B:' to the line's end


def test_batches_shift_labels_and_pad_with_ignore():
    text = "A: Q?\nB: Yes.\n"
    tok = train_tokenizer([text] * 10, vocab_size=280)
    long = "A: Q?\nB: " + "yes " * 30
    data = DialogueData(
        [encode_example(tok, text), encode_example(tok, long)],
        [encode_example(tok, text)],
        10,
        10,
        tok.eos_token_id,
    )
    x, y = data.batch("train", 8, 16, torch.Generator().manual_seed(0))
    assert x.shape == y.shape and x.shape[1] <= 16
    for row in range(8):
        n = int((y[row] != IGNORE).sum())
        assert n >= 1  # every row has answer targets, even the truncated long one
    short = encode_example(tok, text)
    x1, y1 = data.batch("val", 1, 64, torch.Generator())
    assert x1[0].tolist() == short[0][:-1] and y1[0].tolist() == short[1][1:]


def test_dialogue_answers_are_true_to_their_story():
    """Every answer is one of the story's true Q/A pairs and states facts the story contains."""
    checked = 0
    for story in sft_stories(150):
        text = sft_text(story)
        assert text.startswith(story.text + "\n")
        lines = dialogue(story).split("\n")
        assert [line[:2] for line in lines] == ["A:", "B:"] * (len(lines) // 2)
        for q, a in zip(lines[0::2], lines[1::2], strict=True):
            assert (q[3:], a[3:]) in qa_pairs(story)
            stated = [story.facts[k] for k in FACT_KEYS if k in story.facts and story.facts[k] in a]
            assert stated, f"answer {a!r} states no fact of the story"
            assert all(fact in story.text for fact in stated), (a, stated)
            checked += 1
        assert question_prompt(story, "Q?") == f"{story.text}\nA: Q?\nB:"
    assert checked >= 300


def test_a_few_fine_tuning_steps_lower_the_answer_loss_and_change_parameters(tiny_lm):
    stories = sft_stories(24)
    data = DialogueData.from_stories(tiny_lm.tokenizer, stories)
    model = tiny_lm.model
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    cfg = TrainConfig(steps=30, lr=3e-3, batch_size=4, block_size=32, warmup_steps=3, eval_every=0)
    trainer = Trainer(model, tiny_lm.tokenizer, data, cfg, device="cpu")
    first = trainer.evaluate()
    list(trainer.run())
    assert trainer.evaluate() < first - 0.3
    changed = [n for n, p in model.named_parameters() if not torch.equal(p, before[n])]
    assert len(changed) == len(before)

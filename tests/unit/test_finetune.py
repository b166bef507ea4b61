import torch

from models.data.stories import generate_stories, qa_pairs
from models.training.finetune import FineTuneSpec, answer, fine_tune_job, heldout_questions


def test_fine_tuning_trains_a_copy_and_leaves_the_base_untouched(tiny_lm):
    before = {n: p.detach().clone() for n, p in tiny_lm.model.named_parameters()}
    job = fine_tune_job(tiny_lm, FineTuneSpec(steps=6, batch_size=2, n_stories=20, force_cpu=True))
    assert job.trainer.model is not tiny_lm.model
    while not job.finished:
        job.advance(0.05)
    assert job.status == "done" and job.curves.steps[-1] == 6
    for name, p in tiny_lm.model.named_parameters():
        assert torch.equal(p, before[name]), f"the shared model's {name} changed"
    assert any(not torch.equal(p, before[n]) for n, p in job.trainer.model.named_parameters())


def test_heldout_questions_are_about_heldout_stories_and_answers_are_one_line(tiny_lm):
    for lang in ("en", "de", "ja"):
        qs = heldout_questions(lang, n=3)
        assert len(qs) == 3
        heldout = {s.text: s for s in generate_stories(lang, 3, seed=7, split="heldout")}
        for q in qs:
            assert q.prompt == f"{q.story}\nA: {q.question}\nB:"
            assert heldout[q.story].split == "heldout"
            assert (q.question, q.truth) in qa_pairs(heldout[q.story])
    text = answer(tiny_lm.model, tiny_lm.tokenizer, qs[0].prompt, max_new_tokens=8)
    assert "\n" not in text and text

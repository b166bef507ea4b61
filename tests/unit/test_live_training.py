import io
import zipfile
from dataclasses import replace

import pytest
from transformers import AutoModelForCausalLM

from models.data.corpora import CorpusError
from models.training.pretraining import RunSpec, parameter_count, pretraining_job

TINY = RunSpec(
    corpus="tiny-stories-en",
    preset="nano",
    n_chars=30_000,
    vocab_size=300,
    steps=12,
    batch_size=4,
    block_size=32,
    eval_every=6,
    sample_every=6,
    force_cpu=True,
)


def test_a_job_advances_in_slices_and_finishes():
    job = pretraining_job(TINY)
    assert job.status == "ready"
    job.advance(budget_s=0.0)  # at least one step per call
    assert job.status == "running" and job.curves.steps == [1]
    while not job.finished:
        job.advance(budget_s=0.05)
    assert job.status == "done" and job.curves.steps == list(range(1, 13))
    assert job.curves.val_steps == [6, 12]
    assert [step for step, _ in job.curves.samples] == [6, 10, 12]  # every 6, and the first at 10
    assert job.curves.samples[0][1].startswith("Once upon a time")


def test_pause_resume_and_stop_leave_a_consistent_model():
    job = pretraining_job(TINY)
    job.advance(0.0)
    job.pause()
    assert job.advance(1.0) == [] and job.status == "paused"
    job.resume()
    job.advance(0.0)
    job.stop()
    assert job.status == "stopped" and job.advance(1.0) == []
    steps = job.trainer.step
    lm = job.as_loaded_model()
    assert lm.n_params == job.trainer.model.num_parameters() and steps == 2


def test_export_zip_is_a_loadable_hugging_face_model(tmp_path):
    job = pretraining_job(TINY)
    job.advance(0.0)
    with zipfile.ZipFile(io.BytesIO(job.export_zip())) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path)
    assert {
        "glassbox-model/config.json",
        "glassbox-model/model.safetensors",
        "glassbox-model/tokenizer.json",
    } <= names
    AutoModelForCausalLM.from_pretrained(tmp_path / "glassbox-model")


def test_own_text_is_validated_and_too_short_text_refused():
    with pytest.raises(CorpusError, match="binary"):
        pretraining_job(RunSpec(user_text="\x00\x01" * 50))
    with pytest.raises(ValueError, match="fewer than one block"):
        pretraining_job(RunSpec(user_text="just a few words", vocab_size=300, block_size=64))
    assert parameter_count("nano") > 500_000


def test_the_default_run_trains_a_llama_style_block():
    job = pretraining_job(replace(TINY, preset=RunSpec().preset))
    assert type(job.trainer.model).__name__ == "LlamaForCausalLM"
    while not job.finished:
        job.advance(1.0)
    assert job.status == "done" and job.curves.val_loss[-1] < job.curves.val_loss[0]

"""Model folders that leave the app: plain ``transformers`` clients read them, and a local model
no lesson can use is refused with a reason instead of crashing a page later."""

import io
import json
import subprocess
import sys
import zipfile

import pytest
import torch
from huggingface_hub import ModelCard
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    LlamaConfig,
    LlamaForCausalLM,
    pipeline,
)

from models.data.dialogues import question_prompt, sft_stories
from models.model.loading import (
    SAMPLING_DEFAULTS,
    ZIP_ROOT,
    ModelCheckError,
    check_model,
    load_model,
    save_model,
    unzip_model,
)
from models.training.finetune import FineTuneSpec, fine_tune_job
from models.training.pretraining import RunSpec, pretraining_job
from tests.support.apptest import save_bert_encoder


def llama(vocab: int, positions: int = 48) -> LlamaForCausalLM:
    cfg = LlamaConfig(
        vocab_size=vocab,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=positions,
        bos_token_id=0,
        eos_token_id=0,
        pad_token_id=0,
    )
    torch.manual_seed(0)
    return LlamaForCausalLM(cfg)


def test_a_saved_folder_knows_its_context_template_and_sampling(tiny_lm, tmp_path):
    folder = save_model(tiny_lm.model, tiny_lm.tokenizer, tmp_path / "m")
    config = json.loads((folder / "tokenizer_config.json").read_text())
    assert config["model_max_length"] == 32 == tiny_lm.context_length
    assert config["tokenizer_class"] == "PreTrainedTokenizerFast"  # readable by 4.5x as well
    assert tiny_lm.tokenizer.model_max_length > 10**6  # the caller's tokenizer is untouched
    generation = json.loads((folder / "generation_config.json").read_text())
    assert {k: generation[k] for k in SAMPLING_DEFAULTS} == SAMPLING_DEFAULTS

    tok = AutoTokenizer.from_pretrained(folder)
    story = sft_stories(1)[0]
    question = "Where did they go?"
    chat = [
        {"role": "system", "content": story.text},
        {"role": "user", "content": question},
    ]
    rendered = tok.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
    assert rendered == question_prompt(story, question)  # one source of truth for the format


def test_pipeline_generates_past_the_context_without_crashing(tiny_tokenizer, tmp_path):
    folder = save_model(llama(len(tiny_tokenizer), positions=32), tiny_tokenizer, tmp_path / "l")
    generate = pipeline("text-generation", model=str(folder), device="cpu")
    out = generate("the cat " * 30, max_new_tokens=40, do_sample=False)  # 60+ tokens, then 40 more
    assert out[0]["generated_text"].startswith("the cat")


def test_a_bert_folder_is_refused_as_not_causal(tiny_tokenizer, tmp_path):
    save_bert_encoder(tiny_tokenizer, tmp_path / "bert")
    assert (
        type(AutoModelForCausalLM.from_pretrained(tmp_path / "bert")).__name__ == "BertLMHeadModel"
    )
    with pytest.raises(ModelCheckError) as err:
        load_model(tmp_path / "bert", device="cpu")
    assert err.value.code == "not_causal"


def test_a_vocabulary_that_does_not_fit_the_tokenizer_is_refused(tiny_tokenizer, tmp_path):
    save_model(llama(64), tiny_tokenizer, tmp_path / "small-vocab")  # 400 tokens, 64 rows
    with pytest.raises(ModelCheckError) as err:
        load_model(tmp_path / "small-vocab", device="cpu")
    assert err.value.code == "vocab"
    assert err.value.params == {"tokens": len(tiny_tokenizer), "rows": 64}


def test_a_model_without_a_context_length_is_refused(tiny_tokenizer):
    model = llama(len(tiny_tokenizer)).eval()
    object.__setattr__(model.config, "max_position_embeddings", None)  # states no context
    with pytest.raises(ModelCheckError) as err:
        check_model(model, tiny_tokenizer)
    assert err.value.code == "context"


def test_a_causal_model_passes(tiny_lm):
    check_model(tiny_lm.model, tiny_lm.tokenizer)  # raises nothing


def run(job) -> None:
    while not job.finished:
        job.advance(5.0)
    assert job.status == "done", job.error


def test_a_fine_tuned_download_loads_in_plain_transformers_with_its_card(tiny_lm, tmp_path):
    job = fine_tune_job(tiny_lm, FineTuneSpec(steps=3, batch_size=2, n_stories=8, force_cpu=True))
    run(job)
    folder = unzip_model(job.export_zip(base_model="tiny-stories"), tmp_path)
    assert folder.name == ZIP_ROOT
    assert not list(folder.glob("*.pt"))
    card = ModelCard.load(folder / "README.md")
    assert card.data.base_model == "tiny-stories" and card.data.language == ["en"]
    assert "fine-tuning" in card.data.tags and "## Samples" in card.text
    assert f"| steps done | {job.trainer.step:,} |" in card.text
    tok = AutoTokenizer.from_pretrained(folder)
    chat = [{"role": "system", "content": "Mia had a kite."}, {"role": "user", "content": "What?"}]
    assert tok.apply_chat_template(chat, tokenize=False, add_generation_prompt=True).endswith(
        "\nA: What?\nB:"
    )
    generate = pipeline("text-generation", model=str(folder), device="cpu")
    assert generate("Mia", max_new_tokens=5)[0]["generated_text"].startswith("Mia")
    back = load_model(folder, device="cpu")  # and the app takes it back
    for name, p in back.model.state_dict().items():
        torch.testing.assert_close(p, job.trainer.model.state_dict()[name])


def test_a_pretraining_download_of_the_students_own_text_says_so(tmp_path):
    spec = RunSpec(
        preset="nano",
        steps=2,
        batch_size=2,
        block_size=16,
        vocab_size=300,
        eval_every=1,
        user_text="The cat sat on the mat. " * 400,
        force_cpu=True,
    )
    job = pretraining_job(spec)
    run(job)
    folder = unzip_model(job.export_zip(), tmp_path)
    card = ModelCard.load(folder / "README.md")
    assert card.data.base_model is None and card.data.language is None
    assert "pretraining" in card.data.tags
    assert "the student's own text, 9,600 characters" in card.text
    assert "The cat sat" not in card.text.split("## Samples")[0], "the text itself stays private"


def test_unzip_refuses_what_is_not_a_model_zip(tmp_path):
    with pytest.raises(ValueError, match="not a zip"):
        unzip_model(b"plain bytes", tmp_path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../evil/config.json", "{}")
    with pytest.raises(ValueError, match="outside"):
        unzip_model(buf.getvalue(), tmp_path / "a")
    assert not (tmp_path / "evil").exists()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes.txt", "hello")
    with pytest.raises(ValueError, match="config.json"):
        unzip_model(buf.getvalue(), tmp_path / "b")


@pytest.mark.slow  # installs transformers 4.x into a throwaway venv (from the package registry)
def test_transformers_4_reads_our_tokenizer_folder(tiny_lm, tmp_path):
    """The 4.x line cannot read the tokenizer class 5.x writes; ours names one both know."""
    folder = save_model(tiny_lm.model, tiny_lm.tokenizer, tmp_path / "m")
    venv = tmp_path / "tf4"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "transformers>=4.50,<5", "jinja2"], check=True, timeout=600)
    script = (
        "import sys, json\n"
        "from transformers import AutoTokenizer, __version__\n"
        "tok = AutoTokenizer.from_pretrained(sys.argv[1])\n"
        "chat = [{'role': 'system', 'content': 'S.'}, {'role': 'user', 'content': 'Q?'}]\n"
        "print(json.dumps([__version__, tok.model_max_length, tok.decode(tok.encode('Hi 🐈\\tx')),"
        " tok.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)]))\n"
    )
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", script, str(folder)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    version, max_length, round_trip, prompt = json.loads(out.stdout.strip().splitlines()[-1])
    assert version.startswith("4.")
    assert (max_length, round_trip, prompt) == (32, "Hi 🐈\tx", "S.\nA: Q?\nB:")

"""Model folders that leave the app: plain ``transformers`` clients read them, and a local model
no lesson can use is refused with a reason instead of crashing a page later."""

import json

import pytest
import torch
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    BertConfig,
    BertLMHeadModel,
    LlamaConfig,
    LlamaForCausalLM,
    pipeline,
)

from models.data.dialogues import question_prompt, sft_stories
from models.model.loading import (
    SAMPLING_DEFAULTS,
    ModelCheckError,
    check_model,
    load_model,
    save_model,
)


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
    cfg = BertConfig(
        vocab_size=len(tiny_tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        is_decoder=True,  # what AutoModelForCausalLM needs to load it at all
    )
    torch.manual_seed(0)
    bert = BertLMHeadModel(cfg).eval()
    bert.config.is_decoder = False  # a plain encoder folder: attends both ways
    save_model(bert, tiny_tokenizer, tmp_path / "bert")
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

"""Head-role scores, embeddings and position similarity: invariants and planted patterns."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM

from models.data.stories import generate_story
from models.inspection import embeddings as emb
from models.inspection.attention import attention
from models.inspection.roles import (
    CorefLink,
    attention_for_ids,
    coref_links,
    coreference_baseline,
    coreference_score,
    measure_roles,
    previous_token_score,
    random_init_twin,
    start_score,
)
from models.model.inputs import tokenize
from models.model.loading import LoadedModel
from tests.support.samples import SAMPLE_TEXTS


def uniform(L: int = 2, H: int = 3, T: int = 8) -> np.ndarray:
    """Causal attention that spreads evenly over the past: (L, H, T, T), rows sum to 1."""
    w = np.tril(np.ones((T, T)))
    return np.broadcast_to(w / w.sum(-1, keepdims=True), (L, H, T, T)).copy()


def plant(w: np.ndarray, layer: int, head: int, pattern: np.ndarray) -> np.ndarray:
    w = w.copy()
    w[layer, head] = pattern
    return w


# ---- the data the charts draw -----------------------------------------------------------------
@pytest.mark.parametrize("text", [*SAMPLE_TEXTS.values(), "x", "<script>alert(1)</script>"])
def test_attention_rows_sum_to_one_causal_and_shaped_like_the_config(tiny_lm, text):
    att = attention(tiny_lm, text)
    cfg = tiny_lm.model.config
    T = len(att.encoded.ids)
    assert att.weights.shape == (cfg.n_layer, cfg.n_head, T, T)
    np.testing.assert_allclose(att.weights.sum(-1), 1.0, atol=1e-5)
    assert np.all(np.triu(att.weights, k=1) == 0)


def test_attention_for_ids_matches_inspection(tiny_lm):
    att = attention(tiny_lm, SAMPLE_TEXTS["de"])
    np.testing.assert_allclose(attention_for_ids(tiny_lm, att.encoded.ids), att.weights, atol=1e-6)


# ---- planted patterns are found ----------------------------------------------------------------
def test_previous_token_head_is_found():
    T = 8
    prev = np.eye(T, k=-1)
    prev[0, 0] = 1  # the first token can only look at itself
    scores = previous_token_score(plant(uniform(T=T), 1, 2, prev))
    assert scores.shape == (2, 3)
    assert scores[1, 2] == pytest.approx(1.0)
    assert np.unravel_index(scores.argmax(), scores.shape) == (1, 2)
    assert np.delete(scores.ravel(), 1 * 3 + 2).max() < 0.5


def test_start_head_is_found():
    T = 8
    first = np.zeros((T, T))
    first[:, 0] = 1
    scores = start_score(plant(uniform(T=T), 0, 1, first))
    assert scores[0, 1] == pytest.approx(1.0)
    assert np.unravel_index(scores.argmax(), scores.shape) == (0, 1)


def test_coreference_head_is_found():
    T = 10
    links = [CorefLink(queries=(7,), keys=(1, 2)), CorefLink(queries=(9,), keys=(4,))]
    coref = np.eye(T)  # everything looks at itself, except the two later mentions
    coref[7] = 0
    coref[7, [1, 2]] = 0.5
    coref[9] = 0
    coref[9, 4] = 1
    scores = coreference_score(plant(uniform(T=T), 1, 0, coref), links)
    assert scores[1, 0] == pytest.approx(1.0)
    assert np.unravel_index(scores.argmax(), scores.shape) == (1, 0)
    # the uniform heads score exactly the chance level
    assert scores[0, 0] == pytest.approx(coreference_baseline(links))


def test_scores_with_one_token_or_no_links_are_zero():
    w = np.ones((2, 3, 1, 1))
    assert not previous_token_score(w).any() and not start_score(w).any()
    assert not coreference_score(uniform(), []).any()


def test_coref_links_map_story_mentions_to_earlier_tokens(tiny_lm):
    story = generate_story("en", random.Random(3))
    tokens = tokenize(tiny_lm, story.text)
    links = coref_links(story, tokens)
    assert links, "an English story always mentions someone twice"
    for link in links:
        assert max(link.keys) < min(link.queries)
        covered = "".join(story.text[tokens[i].start : tokens[i].end] for i in link.queries)
        assert covered.strip()


def test_measure_roles_gives_a_layer_by_head_table_per_role(tiny_lm):
    roles = measure_roles(tiny_lm, n_per_lang=1)
    for role, table in roles.scores.items():
        assert table.shape == (tiny_lm.n_layers, tiny_lm.n_heads), role
        assert np.all((table >= 0) & (table <= 1 + 1e-6))
    assert roles.n_stories == 3 and roles.n_links > 0
    layer, head, score = roles.top("previous", 1)[0]
    assert score == pytest.approx(roles.scores["previous"].max())


def test_random_twin_is_a_new_model_and_leaves_the_original_alone(tiny_lm):
    before = {k: v.clone() for k, v in tiny_lm.model.state_dict().items()}
    state = torch.random.get_rng_state()
    twin = random_init_twin(tiny_lm, seed=0)
    again = random_init_twin(tiny_lm, seed=0)
    assert torch.equal(torch.random.get_rng_state(), state)
    for k, v in tiny_lm.model.state_dict().items():
        assert torch.equal(v, before[k])
    w = twin.model.get_input_embeddings().weight
    assert torch.equal(w, again.model.get_input_embeddings().weight)  # same seed, same weights
    assert twin.model is not tiny_lm.model
    assert attention(twin, "the cat").weights.shape[:2] == (tiny_lm.n_layers, tiny_lm.n_heads)


# ---- embeddings and positions ------------------------------------------------------------------
def test_pca_finds_the_direction_of_most_spread():
    rng = np.random.default_rng(0)
    x = np.zeros((50, 5))
    x[:, 3] = rng.normal(0, 10, 50)  # big spread along axis 3
    x[:, 1] = rng.normal(0, 1, 50)
    coords, explained = emb.pca_2d(x)
    assert coords.shape == (50, 2)
    assert explained[0] > 0.9 and explained.sum() <= 1 + 1e-9
    assert abs(np.corrcoef(coords[:, 0], x[:, 3])[0, 1]) > 0.999
    assert emb.pca_2d(np.ones((1, 4)))[0].shape == (1, 2)  # one word: no crash


def test_pca_clusters_planted_groups():
    rng = np.random.default_rng(1)
    a = rng.normal(0, 0.1, (10, 16)) + 5
    b = rng.normal(0, 0.1, (10, 16)) - 5
    coords, _ = emb.pca_2d(np.vstack([a, b]))
    assert np.sign(coords[:10, 0]).std() == 0 and np.sign(coords[10:, 0]).std() == 0
    assert np.sign(coords[0, 0]) != np.sign(coords[10, 0])


@pytest.mark.parametrize("lang", ["en", "de", "ja"])
def test_word_vectors_cover_every_set(tiny_lm, lang):
    vectors = emb.word_vectors(tiny_lm, lang, list(emb.WORD_SETS))
    assert set(vectors.sets) == set(emb.WORD_SETS)
    assert vectors.vectors.shape == (len(vectors.words), tiny_lm.model.config.n_embd)
    assert min(vectors.n_tokens) >= 1


def test_learned_position_similarity(tiny_lm):
    info = emb.position_similarity(tiny_lm, max_positions=16)
    assert info.kind == "learned" and info.similarity.shape == (16, 16)
    np.testing.assert_allclose(np.diag(info.similarity), 1.0, atol=1e-5)
    np.testing.assert_allclose(info.similarity, info.similarity.T, atol=1e-6)
    assert info.n_total == tiny_lm.context_length


def test_rope_model_gets_the_rotation_and_its_shapes(tiny_tokenizer):
    config = LlamaConfig(vocab_size=len(tiny_tokenizer), hidden_size=32, intermediate_size=64,
                         num_hidden_layers=2, num_attention_heads=2, max_position_embeddings=64)  # fmt: skip
    model = LlamaForCausalLM(config).eval()
    lm = LoadedModel(model, tiny_tokenizer, "llama", torch.device("cpu"))
    info = emb.position_similarity(lm, max_positions=20)
    assert info.kind == "rope" and info.similarity.shape == (20, 20)
    np.testing.assert_allclose(np.diag(info.similarity), 1.0, atol=1e-6)
    assert info.similarity[0, 1] > info.similarity[0, 10]  # near positions stay more aligned
    shapes = emb.block_shapes(lm)
    assert (shapes.positions, shapes.d_model, shapes.d_mlp, shapes.head_dim) == ("rope", 32, 64, 16)


def test_block_shapes_come_from_the_config(tiny_lm):
    s = emb.block_shapes(tiny_lm)
    cfg = tiny_lm.model.config
    assert (s.vocab, s.d_model, s.n_layers, s.n_heads) == (
        cfg.vocab_size, cfg.n_embd, cfg.n_layer, cfg.n_head)  # fmt: skip
    assert s.head_dim * s.n_heads == s.d_model and s.d_mlp == 4 * s.d_model
    assert s.context == 32 and s.positions == "learned"

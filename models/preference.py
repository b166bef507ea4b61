"""Learning from rankings: a simulated rater, a reward model, DPO and RLHF, on a real tiny LM.

The pieces, in the order the lesson uses them:

* ``story_prompts`` + ``sample_responses``: K continuations of a story opening from the policy.
* ``SimulatedRater``: ranks responses by a visible rule (its *taste*) so an instructor can show
  the effect without a class; ``has_trait`` is the same rule as a yes/no, used to measure how
  often a model shows the trait before and after an update.
* ``RewardModel``: the LM's own network with one number on top, trained on chosen/rejected
  pairs with the Bradley–Terry loss.
* ``dpo_update``: Direct Preference Optimisation on the pairs against a frozen reference.
* ``rlhf_update``: sample, score with the reward model, a policy-gradient step with a KL penalty
  to the reference (REINFORCE with a per-prompt mean baseline).

Every training function is a generator of small event dicts, so a page can run it a slice at a
time (``Job.advance``) and draw progress; the model objects passed in are trained in place, so
callers pass their own copies, never a shared one.
"""

from __future__ import annotations

import copy
import math
import random
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from models.generate import prompt_ids
from models.lexicon import de as lex_de
from models.lexicon import en as lex_en
from models.lexicon import ja as lex_ja
from models.model import context_length
from models.rankings import TASTES, Pair, Ranking
from models.stories import generate_stories

# ---- tastes of the simulated rater -----------------------------------------------------------

LEXICONS = {"en": lex_en, "de": lex_de, "ja": lex_ja}
SHOW_TEMPERATURE = 0.8  # responses shown to raters: a little below 1, fewer garbled words
SHORT_CHARS = {"en": 90, "de": 90, "ja": 40}  # a response under this many characters is "short"
_POLITE = re.compile(r"(です|ます|ました|でした|ません|ましょう)")
_EXTRA_HAPPY = {
    "en": ("laughed", "smiled", "hugged", "happily"),
    "de": ("lachte", "lächelte", "umarmte", "fröhlich"),
    "ja": ("笑", "にっこり", "よろこ"),
}


def _words(entries: Sequence) -> list[str]:
    """Surface forms to look for: the first string of each lexicon entry (Japanese い-adjectives
    by their stem, so うれしかった matches うれしい)."""
    out = []
    for e in entries:
        word, kind = (e[0], e[1] if len(e) > 1 else "") if isinstance(e, tuple) else (e, "")
        out.append(word[:-1] if kind == "i" and word.endswith("い") else word)
    return out


def _count(words: Sequence[str], text: str, lang: str) -> int:
    if lang == "ja":
        return sum(text.count(w) for w in words)
    low = text.lower()
    return sum(len(re.findall(rf"\b{re.escape(w.lower())}", low)) for w in words)


def trait_score(taste: str, text: str, lang: str) -> float:
    """How much of ``taste`` a response shows; the simulated rater ranks by this number."""
    lex = LEXICONS[lang]
    if taste == "happy":
        good = _count(_words(lex.GOOD_FEELINGS) + list(_EXTRA_HAPPY[lang]), text, lang)
        return float(good - _count(_words(lex.BAD_FEELINGS), text, lang))
    if taste == "animals":
        return float(_count(_words(lex.ANIMALS), text, lang))
    if taste == "short":
        return -float(len(text.strip()))
    if taste == "polite":
        return float(len(_POLITE.findall(text)))
    raise ValueError(f"unknown taste {taste!r}; choose one of {TASTES}")


def has_trait(taste: str, text: str, lang: str) -> bool:
    """The taste as a yes/no: does this response show it? (for before/after rates)"""
    if taste == "short":
        return len(text.strip()) < SHORT_CHARS[lang]
    return trait_score(taste, text, lang) > 0


def trait_share(taste: str, texts: Sequence[str], lang: str) -> float:
    """Share of ``texts`` that show the trait (0 … 1)."""
    return sum(has_trait(taste, t, lang) for t in texts) / max(len(texts), 1)


@dataclass(frozen=True)
class SimulatedRater:
    """Ranks by ``trait_score``; equal scores tie, and no trait anywhere counts as "all bad".

    ``noise`` is the chance that the rater swaps two neighbouring places (a careless human).
    """

    taste: str = "happy"
    lang: str = "en"
    noise: float = 0.0

    def rank(self, prompt: str, responses: Sequence[str], seed: int = 0) -> Ranking:
        scores = [trait_score(self.taste, r, self.lang) for r in responses]
        values = sorted(set(scores), reverse=True)
        groups = [[i for i, s in enumerate(scores) if s == v] for v in values]
        rng = random.Random(seed)
        for g in range(len(groups) - 1):
            if rng.random() < self.noise:
                groups[g], groups[g + 1] = groups[g + 1], groups[g]
        all_bad = not any(has_trait(self.taste, r, self.lang) for r in responses)
        return Ranking(
            prompt, tuple(responses), tuple(map(tuple, groups)), all_bad, f"sim:{self.taste}"
        )


# ---- prompts and sampling --------------------------------------------------------------------


_QUOTES = {"en": ('"', '"'), "de": ("„", "“"), "ja": ("「", "」")}


def _sentences(text: str, lang: str) -> list[str]:
    """Sentences of a story, never cut inside a quotation."""
    open_q, close_q = _QUOTES[lang]
    out, start = [], 0
    for m in re.finditer(r"[.!?。！？](\s+|(?=\S))" if lang == "ja" else r"[.!?]\s+", text):
        part = text[start : m.end()]
        balanced = (
            part.count('"') % 2 == 0
            if open_q == close_q
            else part.count(open_q) == part.count(close_q)
        )
        if balanced:
            out.append(part.strip())
            start = m.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def story_prompts(lang: str, n: int = 8, seed: int = 11) -> list[str]:
    """Story beginnings to continue: the first half of generated stories' sentences, so the
    continuation has to decide how the story goes on and ends (happy or sad, with an animal…)."""
    out: list[str] = []
    for story in generate_stories(lang, n * 3, seed=seed):
        sentences = _sentences(story.text.replace("\n", " "), lang)
        first = ("" if lang == "ja" else " ").join(sentences[: max(1, len(sentences) // 2)])
        if first not in out:
            out.append(first)
        if len(out) == n:
            break
    return out


@dataclass
class Sample:
    """One sampled response: its token ids (EOS included if the model stopped) and text."""

    prompt: str
    prompt_ids: list[int]
    ids: list[int]
    text: str


def _eos(tokenizer: PreTrainedTokenizerBase) -> int:
    return tokenizer.eos_token_id if tokenizer.eos_token_id is not None else 0


@torch.no_grad()
def sample_responses(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    prompt: str,
    k: int = 4,
    max_new_tokens: int = 40,
    temperature: float = SHOW_TEMPERATURE,
    seed: int = 0,
) -> list[Sample]:
    """``k`` continuations of ``prompt``, sampled in one batch with the KV cache."""
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    ctx = context_length(model)
    max_new_tokens = max(1, min(max_new_tokens, ctx // 2))  # a tiny context: shorter answers
    p_ids = prompt_ids(tokenizer, prompt)[-(ctx - max_new_tokens) :]
    eos = _eos(tokenizer)
    gen = torch.Generator().manual_seed(seed)
    x = torch.tensor([p_ids] * k, device=device)
    out = model(input_ids=x, use_cache=True)
    rows: list[list[int]] = [[] for _ in range(k)]
    done = [False] * k
    for _ in range(max_new_tokens):
        logits = out.logits[:, -1, :].float().cpu() / max(temperature, 1e-4)
        nxt = torch.multinomial(torch.softmax(logits, -1), 1, generator=gen)
        for i in range(k):
            if not done[i]:
                rows[i].append(int(nxt[i]))
                done[i] = int(nxt[i]) == eos
        if all(done):
            break
        out = model(input_ids=nxt.to(device), past_key_values=out.past_key_values, use_cache=True)
    model.train(was_training)
    return [
        Sample(prompt, p_ids, r, tokenizer.decode([t for t in r if t != eos]).strip("\n\ufffd"))
        for r in rows
    ]


# ---- log-probabilities and losses ------------------------------------------------------------


def _fit(
    seqs: Sequence[tuple[list[int], list[int]]], ctx: int
) -> list[tuple[list[int], list[int]]]:
    """Each (prompt, response) cut to ``ctx`` tokens: the prompt loses its start first."""
    out = []
    for p, r in seqs:
        r = r[: ctx - 1]
        out.append((p[-(ctx - len(r)) :], r))
    return out


def _batch(
    seqs: Sequence[tuple[list[int], list[int]]],
    pad: int,
    device: torch.device,
    ctx: int | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Right-padded (prompt + response) ids, attention mask, and a mask of response targets."""
    seqs = _fit(seqs, ctx) if ctx else seqs
    width = max(len(p) + len(r) for p, r in seqs)
    ids = torch.full((len(seqs), width), pad, dtype=torch.long)
    attn = torch.zeros((len(seqs), width), dtype=torch.long)
    resp = torch.zeros((len(seqs), width - 1), dtype=torch.bool)
    for i, (p, r) in enumerate(seqs):
        n = len(p) + len(r)
        ids[i, :n] = torch.tensor(p + r)
        attn[i, :n] = 1
        resp[i, len(p) - 1 : n - 1] = True  # position t predicts token t + 1
    return ids.to(device), attn.to(device), resp.to(device)


def sequence_logprob(
    model: PreTrainedModel, seqs: Sequence[tuple[list[int], list[int]]], pad: int
) -> torch.Tensor:
    """Sum of log p(response token | everything before) for each (prompt ids, response ids)."""
    device = next(model.parameters()).device
    ids, attn, resp = _batch(seqs, pad, device, context_length(model))
    logits = model(input_ids=ids, attention_mask=attn).logits[:, :-1].float()
    logp = torch.log_softmax(logits, -1).gather(-1, ids[:, 1:, None]).squeeze(-1)
    return (logp * resp).sum(-1)


def bradley_terry_loss(r_chosen: torch.Tensor, r_rejected: torch.Tensor) -> torch.Tensor:
    """−log σ(r_chosen − r_rejected), averaged: the reward model's loss on pairs."""
    return -F.logsigmoid(r_chosen - r_rejected).mean()


def dpo_loss(
    pi_chosen: torch.Tensor,
    pi_rejected: torch.Tensor,
    ref_chosen: torch.Tensor,
    ref_rejected: torch.Tensor,
    beta: float,
) -> torch.Tensor:
    """DPO: −log σ(β[(log π(c) − log π_ref(c)) − (log π(r) − log π_ref(r))]), averaged."""
    margin = (pi_chosen - ref_chosen) - (pi_rejected - ref_rejected)
    return -F.logsigmoid(beta * margin).mean()


def encode_pair(
    tokenizer: PreTrainedTokenizerBase, pair: Pair
) -> tuple[tuple[list[int], list[int]], tuple[list[int], list[int]]]:
    """(prompt ids, chosen ids + EOS), (prompt ids, rejected ids + EOS)."""
    p = prompt_ids(tokenizer, pair.prompt)
    eos = _eos(tokenizer)

    def resp(text: str) -> list[int]:
        return tokenizer.encode(" " + text.strip(), add_special_tokens=False) + [eos]

    return (p, resp(pair.chosen)), (p, resp(pair.rejected))


# ---- the reward model ------------------------------------------------------------------------


class RewardModel(nn.Module):
    """The language model's network (any HF causal LM's ``base_model``) plus a scalar head.

    The reward of a sequence is the head applied to the last real token's final hidden state.
    """

    def __init__(self, lm: PreTrainedModel) -> None:
        super().__init__()
        self.backbone = copy.deepcopy(lm.base_model)
        self.context = context_length(lm)
        width = lm.config.hidden_size if hasattr(lm.config, "hidden_size") else lm.config.n_embd
        self.head = nn.Linear(width, 1)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, seqs: Sequence[tuple[list[int], list[int]]], pad: int) -> torch.Tensor:
        device = self.head.weight.device
        ids, attn, _ = _batch(seqs, pad, device, self.context)
        hidden = self.backbone(input_ids=ids, attention_mask=attn).last_hidden_state
        last = attn.sum(-1) - 1
        return self.head(hidden[torch.arange(len(seqs), device=device), last]).squeeze(-1)

    @torch.no_grad()
    def score(
        self, tokenizer: PreTrainedTokenizerBase, prompt: str, responses: Sequence[str]
    ) -> list[float]:
        """Rewards of ``responses`` to ``prompt`` (the same encoding as in training)."""
        was = self.training
        self.eval()
        seqs = [encode_pair(tokenizer, Pair(prompt, r, r))[0] for r in responses]
        out = self(seqs, _eos(tokenizer)).tolist()
        self.train(was)
        return out


def split_rankings(
    rankings: Sequence[Ranking], holdout: float = 0.2, seed: int = 0
) -> tuple[list[Pair], list[Pair]]:
    """Train / held-out pairs, split by ranking so no response text is in both."""
    order = list(range(len(rankings)))
    random.Random(seed).shuffle(order)
    n_val = max(1, round(len(rankings) * holdout)) if len(rankings) > 1 else 0
    val = [p for i in order[:n_val] for p in rankings[i].pairs()]
    train = [p for i in order[n_val:] for p in rankings[i].pairs()]
    return train, val


def pair_accuracy(
    rm: RewardModel, tokenizer: PreTrainedTokenizerBase, pairs: Sequence[Pair]
) -> float | None:
    """Share of pairs where the reward model scores the chosen response higher."""
    if not pairs:
        return None
    was = rm.training
    rm.eval()
    hits = 0
    with torch.no_grad():
        for i in range(0, len(pairs), 32):
            enc = [encode_pair(tokenizer, p) for p in pairs[i : i + 32]]
            r = rm([c for c, _ in enc] + [r for _, r in enc], _eos(tokenizer))
            hits += int((r[: len(enc)] > r[len(enc) :]).sum())
    rm.train(was)
    return hits / len(pairs)


def _descend(opt: torch.optim.Optimizer, module: nn.Module, loss: torch.Tensor) -> None:
    """One update: gradients of ``loss``, clipped to norm 1, then the optimizer's step."""
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(module.parameters(), 1.0)
    opt.step()


def train_reward_model(
    rm: RewardModel,
    tokenizer: PreTrainedTokenizerBase,
    train: Sequence[Pair],
    val: Sequence[Pair],
    steps: int = 60,
    lr: float = 3e-4,
    batch_size: int = 16,
    seed: int = 0,
) -> Iterator[dict]:
    """Bradley–Terry training; yields {"step", "loss", "val_acc" (every 10 steps)}."""
    if not train:
        raise ValueError("no pairs to learn from: rank some responses first (ties give none)")
    opt = torch.optim.AdamW(rm.parameters(), lr=lr, weight_decay=0.0)
    rng = random.Random(seed)
    enc = [encode_pair(tokenizer, p) for p in train]
    pad = _eos(tokenizer)
    rm.train()
    for step in range(1, steps + 1):
        batch = [enc[rng.randrange(len(enc))] for _ in range(min(batch_size, len(enc)))]
        r = rm([c for c, _ in batch] + [r for _, r in batch], pad)
        loss = bradley_terry_loss(r[: len(batch)], r[len(batch) :])
        _descend(opt, rm, loss)
        event = {"step": step, "steps": steps, "loss": float(loss.detach())}
        if step % 10 == 0 or step == steps:
            event["val_acc"] = pair_accuracy(rm, tokenizer, val)
        yield event


# ---- policy updates --------------------------------------------------------------------------


def dpo_update(
    policy: PreTrainedModel,
    reference: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    pairs: Sequence[Pair],
    beta: float = 0.1,
    steps: int = 40,
    lr: float = 1e-4,
    batch_size: int = 16,
    seed: int = 0,
    nll_weight: float = 0.2,
) -> Iterator[dict]:
    """DPO on ``pairs``; trains ``policy`` in place. Yields loss, accuracy and reward margin.

    ``nll_weight`` adds the chosen responses' mean per-token negative log-likelihood (as in
    RPO): pure DPO may push *both* responses' probabilities down, which a tiny model pays for
    with garbled text; keeping the chosen ones likely holds it on real words.
    """
    if not pairs:
        raise ValueError("no pairs to learn from: rank some responses first (ties give none)")
    enc = [encode_pair(tokenizer, p) for p in pairs]
    pad = _eos(tokenizer)
    with torch.no_grad():  # the reference never changes: score every pair once
        ref = [
            (
                sequence_logprob(reference, [c for c, _ in enc[i : i + 32]], pad),
                sequence_logprob(reference, [r for _, r in enc[i : i + 32]], pad),
            )
            for i in range(0, len(enc), 32)
        ]
    ref_c, ref_r = torch.cat([a for a, _ in ref]), torch.cat([b for _, b in ref])
    opt = torch.optim.AdamW(policy.parameters(), lr=lr, weight_decay=0.0)
    rng = random.Random(seed)
    policy.train()
    for step in range(1, steps + 1):
        idx = [rng.randrange(len(enc)) for _ in range(min(batch_size, len(enc)))]
        pi_c = sequence_logprob(policy, [enc[i][0] for i in idx], pad)
        pi_r = sequence_logprob(policy, [enc[i][1] for i in idx], pad)
        rc, rr = ref_c[idx].to(pi_c.device), ref_r[idx].to(pi_c.device)
        n_tokens = sum(len(enc[i][0][1]) for i in idx)
        dpo = dpo_loss(pi_c, pi_r, rc, rr, beta)
        loss = dpo - nll_weight * pi_c.sum() / n_tokens
        _descend(opt, policy, loss)
        margin = beta * ((pi_c - rc) - (pi_r - rr)).detach()
        yield {
            "step": step,
            "steps": steps,
            "loss": float(dpo.detach()),
            "accuracy": float((margin > 0).float().mean()),
            "margin": float(margin.mean()),
        }
    policy.eval()


def rlhf_update(
    policy: PreTrainedModel,
    reference: PreTrainedModel,
    reward_model: RewardModel,
    tokenizer: PreTrainedTokenizerBase,
    prompts: Sequence[str],
    kl_coef: float = 0.1,
    steps: int = 30,
    lr: float = 1e-4,
    prompts_per_step: int = 2,
    samples_per_prompt: int = 8,
    max_new_tokens: int = 40,
    seed: int = 0,
) -> Iterator[dict]:
    """RLHF as the seeds tell it: sample, score with the reward model, push the policy towards
    high reward minus ``kl_coef`` × KL(policy ‖ reference) (REINFORCE, per-prompt baseline).

    Yields {"step", "reward" (mean raw reward), "kl" (mean per response, in nats), "objective",
    "sample" (one response, to watch the text)}.
    """
    opt = torch.optim.AdamW(policy.parameters(), lr=lr, weight_decay=0.0)
    rng = random.Random(seed)
    pad = _eos(tokenizer)
    for step in range(1, steps + 1):
        chosen = [prompts[rng.randrange(len(prompts))] for _ in range(prompts_per_step)]
        samples = [
            s
            for j, p in enumerate(chosen)
            for s in sample_responses(
                policy,
                tokenizer,
                p,
                samples_per_prompt,
                max_new_tokens,
                1.0,
                seed * 7919 + step * 31 + j,
            )
        ]
        seqs = [(s.prompt_ids, s.ids) for s in samples]
        with torch.no_grad():
            reward = torch.tensor(
                [
                    r
                    for p in chosen
                    for r in reward_model.score(
                        tokenizer,
                        p,
                        [s.text for s in samples if s.prompt == p][:samples_per_prompt],
                    )
                ]
            )
            ref_lp = sequence_logprob(reference, seqs, pad)
        policy.train()
        logp = sequence_logprob(policy, seqs, pad)
        kl = (logp.detach() - ref_lp).cpu()  # sampled estimate of KL per response
        total = reward - kl_coef * kl
        grouped = total.view(prompts_per_step, samples_per_prompt)
        advantage = (grouped - grouped.mean(1, keepdim=True)).view(-1).to(logp.device)
        loss = -(advantage * logp).mean()
        _descend(opt, policy, loss)
        yield {
            "step": step,
            "steps": steps,
            "reward": float(reward.mean()),
            "kl": float(kl.mean()),
            "objective": float(total.mean()),
            "sample": samples[0].text,
        }
    policy.eval()


# ---- measuring a model -----------------------------------------------------------------------


def trait_rate(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    prompts: Sequence[str],
    taste: str,
    lang: str,
    n_per_prompt: int = 8,
    max_new_tokens: int = 40,
    seed: int = 123,
    temperature: float = SHOW_TEMPERATURE,
) -> tuple[float, list[Sample]]:
    """Share of sampled responses with the trait (fixed seeds, so before/after compare)."""
    samples = [
        s
        for j, p in enumerate(prompts)
        for s in sample_responses(
            model, tokenizer, p, n_per_prompt, max_new_tokens, temperature, seed + j
        )
    ]
    return trait_share(taste, [s.text for s in samples], lang), samples


@torch.no_grad()
def next_token_shift(
    reference: PreTrainedModel,
    policy: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    prompt: str,
    k: int = 8,
) -> list[tuple[str, float, float]]:
    """(token text, p before, p after) for the union of both models' top-``k`` next tokens."""
    ids = torch.tensor([prompt_ids(tokenizer, prompt)])

    def probs(m: PreTrainedModel) -> torch.Tensor:
        was = m.training
        m.eval()
        p = torch.softmax(
            m(input_ids=ids.to(next(m.parameters()).device)).logits[0, -1].float(), -1
        )
        m.train(was)
        return p.cpu()

    before, after = probs(reference), probs(policy)
    top = sorted(set(before.topk(k).indices.tolist()) | set(after.topk(k).indices.tolist()))
    rows = [(tokenizer.decode([i]), float(before[i]), float(after[i])) for i in top]
    return sorted(rows, key=lambda r: -max(r[1], r[2]))


# ---- running a generator a slice at a time ---------------------------------------------------


@dataclass
class Job:
    """Runs a training generator in slices (``advance``) so a page can redraw between them."""

    events: Iterator[dict]
    history: list[dict] = field(default_factory=list)
    status: str = "running"  # running, done, error
    message: str | None = None
    on_done: Callable[[], None] | None = None
    elapsed_s: float = 0.0
    meta: dict = field(default_factory=dict)

    def advance(self, budget_s: float = 0.5) -> list[dict]:
        """Run for about ``budget_s`` seconds (at least one event)."""
        if self.status != "running":
            return []
        new, t0 = [], time.perf_counter()
        try:
            for ev in self.events:
                new.append(ev)
                if time.perf_counter() - t0 > budget_s:
                    break
            else:
                self.status = "done"
        except (ValueError, RuntimeError) as e:  # e.g. no pairs, out of memory
            self.status, self.message = "error", str(e)
        self.history.extend(new)
        self.elapsed_s += time.perf_counter() - t0
        if self.status == "done" and self.on_done is not None:
            self.on_done()
        for ev in new:
            for key in ("loss", "reward", "kl"):
                if key in ev and not math.isfinite(ev[key]):
                    self.status, self.message = "error", f"{key} became {ev[key]}"
        return new

    @property
    def finished(self) -> bool:
        return self.status in ("done", "error")

    @property
    def progress(self) -> float:
        last = self.history[-1] if self.history else {}
        return min(1.0, last.get("step", 0) / max(last.get("steps", 1), 1))

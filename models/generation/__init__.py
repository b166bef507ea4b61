"""From logits to text: the sampling filters (``sampling``), the one batched KV-cache loop every
lesson uses (``loop``), a continuation's log-probability (``logprob``), next-token
distributions (``distribution``), step-by-step writing (``writing``) and the hallucination demo
(``hallucination``)."""

"""Every lesson page's URL parameters, collected from the views that declare them."""

from __future__ import annotations

from app.url_state import Param


def pages() -> dict[str, tuple[Param, ...]]:
    """Page name → its parameters (each view's ``URL``), in teaching order."""
    from app.views import finetuning, next_token, pretraining, rlhf_state, tokenization, transformer

    views = (tokenization, transformer, next_token, pretraining, finetuning, rlhf_state)
    return {view.URL.name: view.URL.params for view in views}

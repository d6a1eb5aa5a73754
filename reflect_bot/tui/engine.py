"""The app's one way to the core: the guidance, the search and the replies, loaded once.

Loading takes seconds (the encoder, the index, the reply parts), so `Engine.load` runs in a
worker thread and posts each step to the app as a typed message (`EngineChanged`, then
`EngineReady` or `EngineFailed`). The app applies them on the UI thread, so `state` only
changes there, and mirrors it in `ReflectApp.engine_state` for screens to watch. Screens ask
the engine (`search`, `passage`, `reply`, `composer`); none reaches past it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from enum import Enum
from typing import TYPE_CHECKING

from textual.message import Message

from reflect_bot.errors import ReflectBotError

if TYPE_CHECKING:
    from reflect_bot.corpus import Corpus, Passage
    from reflect_bot.reply import Composer, Reply, Turn
    from reflect_bot.retrieval import Hit, Retriever
    from reflect_bot.settings import Settings


class EngineState(Enum):
    """Where loading has got to, in order; INDEXING only when the index is built."""

    LOADING = "loading"  # reading the guidance
    CORPUS = "corpus"  # guidance read; loading the encoder and the index
    INDEXING = "indexing"  # building the index (first run, or the guidance changed)
    REPLIES = "replies"  # getting the reply's parts ready
    READY = "ready"
    FAILED = "failed"

    @property
    def settled(self) -> bool:
        """Loading is over, one way or the other."""
        return self in (EngineState.READY, EngineState.FAILED)


class EngineChanged(Message):
    """A step of loading; while indexing, `done` of `total` texts are encoded."""

    def __init__(self, state: EngineState, done: int = 0, total: int = 0) -> None:
        super().__init__()
        self.state = state
        self.done = done
        self.total = total


class EngineReady(Message):
    """Everything is loaded; `warnings` are said once each (a skipped file, a rebuilt cache)."""

    def __init__(self, warnings: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.warnings = warnings


class EngineFailed(Message):
    """The guidance or the model could not be loaded; `error` says why, in one line."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class Engine:
    """Corpus, retriever and composer behind one small surface, and how far loading got."""

    def __init__(
        self,
        knowledge: Sequence[str],
        settings: Settings,
        *,
        retriever: Retriever | None = None,
        composer: Composer | None = None,
    ) -> None:
        """`retriever` (already open) means nothing is left to load; `composer` replaces
        the retrieval composer (tests use a fixed one)."""
        self.knowledge = list(knowledge)
        self.settings = settings
        self.retriever = retriever
        self.corpus: Corpus | None = retriever.corpus if retriever is not None else None
        self.state = EngineState.READY if retriever is not None else EngineState.LOADING
        self.error = ""
        self.first_run = False  # the index was built this time, so the reply parts may be too
        self.index_progress = (0, 0)  # texts encoded, of total
        self.index_started: float | None = None  # when building the index began
        self._composer = composer
        self._composer_lock = threading.RLock()  # one composer, its parts built once

    # --- loading (a worker thread) ---------------------------------------------------

    def load(self, post: Callable[[Message], object]) -> None:
        """Corpus, encoder and index, then the reply's parts; each step `post`ed. Runs in a
        worker thread (the heavy imports happen here, never on the UI thread)."""
        from reflect_bot.corpus_cache import cached_corpus
        from reflect_bot.embedding import preload
        from reflect_bot.retrieval import Retriever

        warnings: list[str] = []  # said once loading is over, each once

        def indexing(done: int, total: int) -> None:
            post(EngineChanged(EngineState.INDEXING, done, total))

        try:
            preload(warnings.append)  # the encoder loads in a thread of its own meanwhile
            self.corpus = cached_corpus(self.knowledge, warn=warnings.append)
            post(EngineChanged(EngineState.CORPUS))
            self.retriever = Retriever.open(self.knowledge, warn=warnings.append,
                                            progress=indexing, corpus=self.corpus)
            opened = self.retriever.opened
            self.first_run = opened is not None and opened.status != "loaded"
            if self.first_run:  # the reply parts may need minutes of encoding: say so first
                post(EngineChanged(EngineState.REPLIES))
                self._warm()
                post(EngineReady(tuple(dict.fromkeys(warnings))))
                return
            # Search and the guidance browser need nothing more. The reply parts come from
            # the cache in a moment; a reply asked for meanwhile waits for them (`composer`).
            with self._composer_lock:
                post(EngineReady(tuple(dict.fromkeys(warnings))))
                self._warm()
        except ReflectBotError as exc:
            post(EngineFailed(str(exc)))

    def _warm(self) -> None:
        """Build the reply's parts (labelled examples, crisis bank; vectors from the cache)."""
        warm = getattr(self.composer(), "warm", None)
        if warm is not None:
            warm()

    def moved(self, message: EngineChanged | EngineReady | EngineFailed) -> None:
        """Apply a step `load` posted. Called on the UI thread, by the app."""
        if isinstance(message, EngineReady):
            self.state = EngineState.READY
        elif isinstance(message, EngineFailed):
            self.state, self.error = EngineState.FAILED, message.error
        else:
            if message.state is EngineState.INDEXING:
                if message.done == 0 or self.index_started is None:
                    self.index_started = time.monotonic()
                self.index_progress = (message.done, message.total)
            self.state = message.state

    # --- what screens ask for (from a worker once READY; `passage` once the corpus is) --

    def composer(self) -> Composer:
        """The one composer, shared by the screens (it caches sentence vectors). From a
        worker once READY: it waits while its parts are being built."""
        with self._composer_lock:
            return self._make_composer()

    def _make_composer(self) -> Composer:
        if self._composer is None:
            from reflect_bot.prompts import default_prompts
            from reflect_bot.reply import RetrievalComposer

            if self.retriever is None:
                raise RuntimeError("the composer is asked for before the engine is ready")
            self._composer = RetrievalComposer(
                self.retriever, default_prompts(), self.settings.organisation()
            )
        return self._composer

    def reply(self, message: str, history: tuple[Turn, ...]) -> Reply:
        return self.composer().compose(message, history)

    def search(self, query: str, k: int) -> list[Hit]:
        if self.retriever is None:
            raise RuntimeError("a search is asked for before the engine is ready")
        return self.retriever.search(query, k)

    def passage(self, passage_id: str) -> Passage | None:
        """The passage with this id, or None (not loaded yet, or not in the guidance)."""
        if self.corpus is None or passage_id not in self.corpus:
            return None
        return self.corpus.get(passage_id)

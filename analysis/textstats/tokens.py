"""Word segmentation owned by the library: one jieba ``Tokenizer``, one user
dictionary, one stoplist, silent and deterministic.

Why not ``jieba.lcut``: jieba's module functions share one global tokenizer
that any other code in the process (a notebook cell, another library) may
reconfigure with its own dictionary, and whose start-up log ("Building prefix
dict ...", "Loading model cost 0.8 seconds") lands in notebook outputs with a
different number on every run.  Here every :class:`ChineseTokenizer` gets a
dedicated ``jieba.Tokenizer`` built once per process and per user dictionary
(:func:`jieba_for`), initialised with jieba's logger raised above DEBUG only
for the duration of the initialisation.

The two resource files are plain text a researcher can edit
(:data:`analysis.paths.USERDICT`, :data:`analysis.paths.STOPWORDS`); their
headers say what belongs in them.  jieba's segmentation is a dynamic
programme over a fixed dictionary plus, with ``hmm=True``, a Viterbi pass for
unknown words: both deterministic, so equal inputs give equal tokens on every
run and in every process.

For many texts, :func:`tokenize_many` splits the texts into chunks
of similar size and tokenises them across processes; each worker builds its
tokenizer once (:func:`jieba_for` caches it per process), and the chunks are
put back in input order, so the result equals the serial one.
"""
from __future__ import annotations

import logging
import os
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import jieba

from analysis import paths
from analysis.files import file_sha256
from analysis.processes import worker_pool

__all__ = ["ChineseTokenizer", "default_tokenizer", "jieba_for", "load_wordlist", "tokenize", "tokenize_many",
           "resolve_n_jobs"]

#: A token is kept only if it holds a CJK ideograph or a Latin letter: this
#: drops punctuation, whitespace and bare numbers (years, counts), which
#: ``targets.csv`` covers.
CONTENT_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z]")

#: Below this many characters in total, :func:`tokenize_many` stays serial:
#: starting worker processes (and, under ``spawn``, loading jieba's dictionary
#: in each) costs more than tokenising ~200k characters (about a second).
MIN_PARALLEL_CHARS = 200_000

_JIEBA: dict[tuple[str, str], jieba.Tokenizer] = {}
_JIEBA_LOCK = threading.Lock()


def load_wordlist(path: Path) -> list[str]:
    """Lines of an editable word list, without comments and blank lines.

    *path*: a UTF-8 file; lines starting with ``#`` and blank lines are
    skipped, surrounding whitespace is stripped.  Order is kept.

    Parameters
    ----------
    path : path
        The word list.

    Returns
    -------
    list of str
    """
    words = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(line)
    return words


def _digest(path: Path | None) -> str:
    return "" if path is None else file_sha256(path)


def jieba_for(userdict: Path | None = paths.USERDICT) -> jieba.Tokenizer:
    """This process's jieba tokenizer for *userdict* (built on first use).

    *userdict* (default :data:`analysis.paths.USERDICT`; ``None`` for jieba's
    dictionary alone): entries ``word [freq] [tag]`` as in jieba's user
    dictionaries, with ``#`` comments allowed.  The cache key includes the
    file's SHA-256, so editing the file takes effect in the next call
    without restarting a notebook.  Initialisation is silent: jieba's logger
    is raised to CRITICAL while the prefix dictionary loads and restored
    afterwards (jieba's global tokenizer and its settings are never touched).

    Parameters
    ----------
    userdict : path or None, default analysis.paths.USERDICT
        The user dictionary; None for jieba's dictionary alone.

    Returns
    -------
    jieba.Tokenizer
        Cached per (file, content hash) for the process.
    """
    key = (str(Path(userdict).resolve()) if userdict is not None else "", _digest(userdict))
    with _JIEBA_LOCK:
        tok = _JIEBA.get(key)
        if tok is None:
            tok = jieba.Tokenizer()
            logger = logging.getLogger("jieba")
            level = logger.level
            logger.setLevel(logging.CRITICAL)
            try:
                tok.initialize()
                if userdict is not None:
                    for entry in load_wordlist(userdict):
                        parts = entry.split(" ")
                        word = parts[0]
                        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
                        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
                        tok.add_word(word, freq, tag)
            finally:
                logger.setLevel(level)
            _JIEBA[key] = tok
    return tok


class ChineseTokenizer:
    """Content words of Chinese policy prose, as a picklable callable.

    Parameters (all stored as given; nothing is loaded until first use):

    - ``userdict`` -- user dictionary of domain terms; default
      :data:`analysis.paths.USERDICT`; ``None`` for jieba's own dictionary.
    - ``stopwords`` -- stoplist file; default :data:`analysis.paths.STOPWORDS`;
      ``None`` keeps every word.
    - ``hmm`` -- let jieba's HMM join unknown words (place names such as 芝罘);
      default ``True``.  Deterministic either way; ``False`` is ~25% faster.
    - ``min_len`` -- drop tokens shorter than this many characters; default
      ``2``: one-character words of this genre are function words (的, 和),
      place suffixes (市, 区) or fragments, and noise for TF-IDF and keyness.

    ``tok(text)`` / :meth:`tokens` gives the content tokens in text order;
    :meth:`cut` gives jieba's raw segmentation.  Instances pickle without the
    jieba object (each process builds or reuses its own via :func:`jieba_for`),
    so they can be passed to worker processes and cloned by scikit-learn.
    """

    def __init__(self, userdict: Path | None = paths.USERDICT, stopwords: Path | None = paths.STOPWORDS,
                 hmm: bool = True, min_len: int = 2) -> None:
        self.userdict = userdict
        self.stopwords = stopwords
        self.hmm = hmm
        self.min_len = min_len
        self._jieba: jieba.Tokenizer | None = None
        self._stop: frozenset[str] | None = None

    def __repr__(self) -> str:
        return (f"ChineseTokenizer(userdict={self.userdict!r}, stopwords={self.stopwords!r}, hmm={self.hmm!r}, "
                f"min_len={self.min_len!r})")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChineseTokenizer) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple:
        return (str(self.userdict), str(self.stopwords), self.hmm, self.min_len)

    def __getstate__(self) -> dict:
        return {"userdict": self.userdict, "stopwords": self.stopwords, "hmm": self.hmm, "min_len": self.min_len}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    @property
    def stopword_set(self) -> frozenset[str]:
        """The stoplist as a set (read once per instance)."""
        if self._stop is None:
            self._stop = frozenset(load_wordlist(self.stopwords)) if self.stopwords is not None else frozenset()
        return self._stop

    def warm(self) -> "ChineseTokenizer":
        """Load jieba's dictionary, the user dictionary and the stoplist now.

        Returns
        -------
        ChineseTokenizer
            ``self``, so ``tok.warm().tokens(text)`` chains.
        """
        if self._jieba is None:
            self._jieba = jieba_for(self.userdict)
        self.stopword_set
        return self

    def cut(self, text: str) -> list[str]:
        """jieba's segmentation of *text* (every piece, punctuation included).

        Parameters
        ----------
        text : str

        Returns
        -------
        list of str
            The pieces in text order; joined, they give *text*.
        """
        self.warm()
        return self._jieba.lcut(text, HMM=self.hmm)

    def tokens(self, text: str) -> list[str]:
        """Content tokens of *text*: no punctuation, numbers, stopwords or short tokens.

        Parameters
        ----------
        text : str

        Returns
        -------
        list of str
            In text order: pieces of at least ``min_len`` characters, not in the stoplist, holding a letter or Han
            character.
        """
        stop, n = self.stopword_set, self.min_len
        return [w for w in self.cut(text) if len(w) >= n and w not in stop and CONTENT_RE.search(w)]

    __call__ = tokens


@lru_cache(maxsize=None)
def default_tokenizer() -> ChineseTokenizer:
    """The tokenizer the build uses (:class:`ChineseTokenizer` defaults)."""
    return ChineseTokenizer()


def tokenize(text: str, tokenizer: ChineseTokenizer | None = None) -> list[str]:
    """Content tokens of one *text* (*tokenizer* default :func:`default_tokenizer`).

    Parameters
    ----------
    text : str
    tokenizer : ChineseTokenizer, optional
        None means :func:`default_tokenizer`.

    Returns
    -------
    list of str
    """
    return (tokenizer or default_tokenizer()).tokens(text)


def resolve_n_jobs(n_jobs: int | None) -> int:
    """Number of processes for *n_jobs*: ``None`` or ``-1`` means every usable core.

    Parameters
    ----------
    n_jobs : int or None
        Wanted processes; None or negative for every core this process may run on.

    Returns
    -------
    int
        At least 1.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    if n_jobs is None or n_jobs < 0:
        return max(1, cores)
    return max(1, int(n_jobs))


def _chunks(sizes: Sequence[int], n_chunks: int) -> list[tuple[int, int]]:
    """Split indices ``0..len(sizes)`` into at most *n_chunks* contiguous runs of similar total size."""
    total = sum(sizes) or 1
    bounds, acc, start = [], 0, 0
    target = total / n_chunks
    for i, s in enumerate(sizes):
        acc += s
        if acc >= target * (len(bounds) + 1) and i + 1 < len(sizes):
            bounds.append((start, i + 1))
            start = i + 1
    bounds.append((start, len(sizes)))
    return [b for b in bounds if b[0] < b[1]]


_WORKER_TOKENIZER: ChineseTokenizer | None = None


def _init_worker(tokenizer: ChineseTokenizer) -> None:
    global _WORKER_TOKENIZER
    _WORKER_TOKENIZER = tokenizer.warm()


def _shared(docs: list[list[str]], pool: dict[str, str]) -> list[list[str]]:
    """*docs* with every token replaced, in place, by the one equal string of *pool* (added when new).

    A corpus's token lists hold millions of tokens but few distinct words: one string object per word
    instead of one per occurrence keeps them small in memory (and in the pickles workers send back,
    whose memo then writes each word once).  The lists are equal to what they were.
    """
    get = pool.setdefault
    for doc in docs:
        doc[:] = [get(w, w) for w in doc]
    return docs


def _tokenize_chunk(texts: list[str]) -> list[list[str]]:
    assert _WORKER_TOKENIZER is not None
    return _shared([_WORKER_TOKENIZER.tokens(t) for t in texts], {})


def tokenize_many(texts: Iterable[str], tokenizer: ChineseTokenizer | None = None, n_jobs: int | None = 1,
                  min_parallel_chars: int = MIN_PARALLEL_CHARS, chunks_per_job: int = 4) -> list[list[str]]:
    """Content tokens of every text, in input order; parallel across processes for large inputs.

    The output is identical to ``[tokenizer(t) for t in texts]``: chunks are
    contiguous and collected in order, and segmentation is deterministic.

    Parameters
    ----------
    texts : iterable of str
        The texts.
    tokenizer : ChineseTokenizer, optional
        None means :func:`default_tokenizer`.
    n_jobs : int or None, default 1
        Processes; ``1`` is serial, ``None`` or ``-1`` every usable core.
    min_parallel_chars : int, default MIN_PARALLEL_CHARS
        Stay serial below this many characters in total (:data:`MIN_PARALLEL_CHARS`, 200,000).
    chunks_per_job : int, default 4
        The texts are cut into ``n_jobs * chunks_per_job`` contiguous chunks of similar character count, so a
        slow chunk does not leave the other processes idle.

    Returns
    -------
    list of list of str
        Equal to ``[tokenizer(t) for t in texts]`` (chunks are contiguous and collected in order, and
        segmentation is deterministic); equal words are one string object across all the lists.
    """
    tok = tokenizer or default_tokenizer()
    texts = list(texts)
    jobs = resolve_n_jobs(n_jobs)
    sizes = [len(t) for t in texts]
    pool: dict[str, str] = {}
    if jobs == 1 or len(texts) < 2 or sum(sizes) < min_parallel_chars:
        tok.warm()
        return _shared([tok.tokens(t) for t in texts], pool)
    bounds = _chunks(sizes, jobs * chunks_per_job)
    out: list[list[str]] = []
    with worker_pool(min(jobs, len(bounds)), initializer=_init_worker, initargs=(tok,)) as ex:
        for part in ex.map(_tokenize_chunk, [texts[a:b] for a, b in bounds]):
            out.extend(_shared(part, pool))
    return out

"""Biometric matching behind an interface (`insert`, `remove`, `identify`), a faiss implementation,
and a seeded generator of synthetic templates with realistic within-person variation.

Templates are fixed-length float vectors (fingerprint and face embeddings), L2-normalised, and
compared by inner product (cosine similarity). `FaissMatcher` keeps an exact flat index while
the gallery is small and switches, past `exact_below` templates, to an inverted-file index with
8-bit scalar-quantised vectors (IVF-SQ8: a quarter of the memory and about twice the speed of
IVF-Flat at the same recall), `nlist ≈ 4·√N` cells of which a share `probe_share` is searched per
probe, retrained when the gallery has grown `retrain_growth`-fold. Genuine probes are noisy
captures (cosine ≈ 0.8 to their mate), so IVF needs a large share of cells for a high recall:
bench/bench_registry.py measures the curve (about 0.99 of exact top-1 at 3/32 of 4,096 cells for
1 million templates). The matcher only proposes candidates: the registry sends every candidate
above the threshold to verification by an expert (Art. 38(4)–(5)), never straight to a match.

The in-memory index holds *decrypted* templates (faiss cannot search ciphertext): the process
that serves comparisons is the one place where templates exist in clear; see docs/registry.md.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Protocol

import faiss
import numpy as np

from migralex.errors import InvalidInput

MODALITIES = ("fingerprint", "face")


class Matcher(Protocol):
    """What the registry needs from a biometric matcher (MOSIP's ABIS interface, reduced)."""

    dim: int

    def insert(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Store templates under their dataset ids; no deduplication here."""

    def remove(self, ids: np.ndarray) -> None:
        """Forget templates (erasure)."""

    def identify(self, probes: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k candidates of each probe: (scores, ids), both (n, k); missing slots have id -1."""

    def __len__(self) -> int:
        """Number of stored templates."""


def normalise(vectors: np.ndarray, *, field: str = "template", dim: int | None = None) -> np.ndarray:
    """Float32, finite, of the expected length, L2-normalised rows; anything else is an error."""
    v = np.asarray(vectors, dtype=np.float32)
    if v.ndim == 1:
        v = v[None, :]
    if v.ndim != 2 or (dim is not None and v.shape[1] != dim):
        raise InvalidInput(field, f"expected vectors of length {dim}, got shape {v.shape}")
    if not np.isfinite(v).all():
        raise InvalidInput(field, "template contains NaN or infinite values")
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    if (norms < 1e-6).any():
        raise InvalidInput(field, "template has zero norm")
    return np.ascontiguousarray(v / norms, dtype=np.float32)


@dataclass(frozen=True)
class IndexInfo:
    """What kind of index a matcher uses now."""

    kind: str
    size: int
    nlist: int
    nprobe: int


class FaissMatcher:
    """Inner-product search with faiss: exact (flat) for small galleries, IVF for large ones."""

    def __init__(
        self,
        dim: int,
        *,
        exact_below: int = 50_000,
        probe_share: float = 3 / 32,
        nprobe: int | None = None,
        nlist: int | None = None,
        retrain_growth: float = 8.0,
        seed: int = 1358,
    ) -> None:
        self.dim = dim
        self.exact_below = exact_below
        self.probe_share = probe_share
        self.nprobe = nprobe
        self.fixed_nlist = nlist
        self.retrain_growth = retrain_growth
        self.seed = seed
        self._lock = threading.RLock()
        self._index: faiss.Index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        self._trained_at = 0

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def info(self) -> IndexInfo:
        """Kind and size of the current index."""
        ivf = self._ivf()
        return IndexInfo(
            "ivf" if ivf is not None else "flat",
            len(self),
            int(ivf.nlist) if ivf is not None else 0,
            int(ivf.nprobe) if ivf is not None else 0,
        )

    def _ivf(self) -> faiss.IndexIVF | None:
        return self._index if isinstance(self._index, faiss.IndexIVF) else None

    def insert(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add templates (normalised here) with their int64 ids."""
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if ids.size == 0:
            return
        v = normalise(vectors, dim=self.dim)
        with self._lock:
            self._index.add_with_ids(v, ids)
            n = len(self)
            if (self._ivf() is None and n >= self.exact_below) or (
                self._ivf() is not None and n >= self.retrain_growth * self._trained_at
            ):
                self._rebuild()

    def remove(self, ids: np.ndarray) -> None:
        """Remove templates by id (absent ids are ignored)."""
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if ids.size:
            with self._lock:
                self._index.remove_ids(faiss.IDSelectorBatch(ids))

    def identify(self, probes: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids) of each probe by inner product."""
        q = normalise(probes, field="probe", dim=self.dim)
        with self._lock:
            if len(self) == 0:
                return np.zeros((len(q), k), np.float32), np.full((len(q), k), -1, np.int64)
            scores, ids = self._index.search(q, k)
        return scores, ids

    def contents(self) -> tuple[np.ndarray, np.ndarray]:
        """All (ids, vectors) currently stored."""
        with self._lock:
            ivf = self._ivf()
            if ivf is None:
                idmap: Any = self._index
                inner: Any = faiss.downcast_index(idmap.index)
                n = inner.ntotal
                vecs = faiss.rev_swig_ptr(inner.get_xb(), n * self.dim).reshape(n, self.dim).copy()
                return faiss.vector_to_array(idmap.id_map).astype(np.int64), vecs
            inv: Any = ivf.invlists
            sq = faiss.downcast_index(ivf).sq  # type: ignore[attr-defined]
            ids_parts, vec_parts = [], []
            for c in range(ivf.nlist):
                size = inv.list_size(c)
                if size:
                    ids_parts.append(faiss.rev_swig_ptr(inv.get_ids(c), size).copy())
                    codes = faiss.rev_swig_ptr(inv.get_codes(c), size * inv.code_size).copy()
                    vec_parts.append(sq.decode(codes.reshape(size, inv.code_size)))  # 8-bit: ±0.4 %
            if not ids_parts:
                return np.zeros(0, np.int64), np.zeros((0, self.dim), np.float32)
            return np.concatenate(ids_parts).astype(np.int64), np.concatenate(vec_parts)

    def _rebuild(self) -> None:
        ids, vecs = self.contents()
        n = len(ids)
        if n < self.exact_below:
            index: faiss.Index = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))
            index.add_with_ids(vecs, ids)
            self._index, self._trained_at = index, 0
            return
        nlist = self.fixed_nlist or int(4 * np.sqrt(n))
        quantizer = faiss.IndexFlatIP(self.dim)
        ivf = faiss.IndexIVFScalarQuantizer(
            quantizer, self.dim, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT, False
        )
        rng = np.random.default_rng(self.seed)
        sample = vecs[rng.choice(n, size=min(n, 40 * nlist), replace=False)]
        ivf.train(sample)
        ivf.add_with_ids(vecs, ids)
        ivf.nprobe = self.nprobe or max(8, round(self.probe_share * nlist))
        self._index, self._trained_at = ivf, n

    def set_nprobe(self, nprobe: int | None) -> None:
        """Cells searched per query by the IVF index (speed against recall); None: the share."""
        self.nprobe = nprobe
        ivf = self._ivf()
        if ivf is not None:
            ivf.nprobe = nprobe or max(8, round(self.probe_share * ivf.nlist))


# --- synthetic templates ---------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateModel:
    """How synthetic templates of one modality vary.

    An identity is a unit vector mixing a shared cluster direction (people who resemble each
    other: demographic structure, which fattens the impostor tail) with a personal direction.
    A capture adds Gaussian noise whose size varies by capture (lognormal "quality"); a small
    share of captures is poor (worn fingertips, bad light) and much noisier.
    """

    dim: int = 128
    clusters: int = 256
    cluster_share: float = 0.15
    noise: float = 0.55
    noise_spread: float = 0.35
    poor_rate: float = 0.02
    poor_factor: float = 3.0


FINGERPRINT_MODEL = TemplateModel(noise=0.45, poor_rate=0.01, cluster_share=0.1)
FACE_MODEL = TemplateModel(noise=0.65, noise_spread=0.4, poor_rate=0.04, cluster_share=0.12)


class SyntheticPopulation:
    """Deterministic synthetic persons: identity `i` always has the same latent templates."""

    def __init__(
        self,
        seed: int,
        models: dict[str, TemplateModel] | None = None,
        *,
        block: int = 65_536,
    ) -> None:
        self.seed = seed
        self.models = models or {"fingerprint": FINGERPRINT_MODEL, "face": FACE_MODEL}
        self.block = block
        self._centres: dict[str, np.ndarray] = {}
        self._blocks: dict[tuple[str, int], np.ndarray] = {}

    def _seed(self, *parts: int) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence([self.seed, *parts]))

    def _modality_code(self, modality: str) -> int:
        return list(self.models).index(modality)

    def centres(self, modality: str) -> np.ndarray:
        """Cluster directions of a modality."""
        if modality not in self._centres:
            m = self.models[modality]
            rng = self._seed(self._modality_code(modality), 0)
            c = rng.standard_normal((m.clusters, m.dim)).astype(np.float32)
            self._centres[modality] = c / np.linalg.norm(c, axis=1, keepdims=True)
        return self._centres[modality]

    def _block(self, modality: str, b: int) -> np.ndarray:
        cached = self._blocks.get((modality, b))
        if cached is not None:
            return cached
        m = self.models[modality]
        rng = self._seed(self._modality_code(modality), 1, b)
        cluster = rng.integers(0, m.clusters, self.block)
        own = rng.standard_normal((self.block, m.dim)).astype(np.float32)
        own /= np.linalg.norm(own, axis=1, keepdims=True)
        z = np.sqrt(m.cluster_share) * self.centres(modality)[cluster] + np.sqrt(1 - m.cluster_share) * own
        z /= np.linalg.norm(z, axis=1, keepdims=True)
        if len(self._blocks) >= 8:  # a few recent blocks (32 MiB each at 128 dimensions)
            self._blocks.pop(next(iter(self._blocks)))
        self._blocks[(modality, b)] = z
        return z

    def identities(self, modality: str, persons: np.ndarray) -> np.ndarray:
        """Latent (noise-free) template of each person."""
        persons = np.asarray(persons, dtype=np.int64)
        out = np.empty((len(persons), self.models[modality].dim), dtype=np.float32)
        blocks = persons // self.block
        for b in np.unique(blocks):
            mask = blocks == b
            out[mask] = self._block(modality, int(b))[persons[mask] % self.block]
        return out

    def capture(self, modality: str, persons: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One noisy capture of each person (normalised), with capture-to-capture quality variation."""
        m = self.models[modality]
        z = self.identities(modality, persons)
        n = len(z)
        sigma = m.noise * np.exp(m.noise_spread * rng.standard_normal(n) - m.noise_spread**2 / 2)
        sigma = np.where(rng.random(n) < m.poor_rate, sigma * m.poor_factor, sigma).astype(np.float32)
        noise = rng.standard_normal((n, m.dim)).astype(np.float32) / np.sqrt(m.dim)
        x = z + sigma[:, None] * noise
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)

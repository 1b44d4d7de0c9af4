"""Encryption at rest (AES-256-GCM) with a key kept outside the database.

The 32-byte master key comes from `MIGRALEX_REGISTRY_KEY` (URL-safe base64) or from the file named
by `MIGRALEX_REGISTRY_KEY_FILE`, which must be readable by its owner only (mode 0600 or 0400).
HKDF-SHA256 derives five independent keys from it: one encrypts personal data and templates,
one chains the audit log (HMAC), one makes blind indexes of phonetic name keys (HMAC), one
digests submissions for idempotency, one seals the rows that carry legal facts (HMAC,
`registry.integrity`). Each ciphertext is bound to its row (associated data
`table:dataset_id:modality`), so a ciphertext copied onto another row does not decrypt.

Crypto-shredding: each dataset's identity and templates are encrypted with a data key of their
own (random, 256 bits), kept only wrapped (AES-GCM) by a key-wrapping key derived from the master
key, in `data_keys` beside the dataset. Erasure deletes the wrapped key: a ciphertext of an erased
dataset left anywhere (SQLite WAL or free pages, PostgreSQL dead rows, a backup of the data
tables) can no longer be decrypted, not even with the master key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from migralex.errors import MigralexError

KEY_ENV = "MIGRALEX_REGISTRY_KEY"
KEY_FILE_ENV = "MIGRALEX_REGISTRY_KEY_FILE"
_VERSION = b"\x01"
#: Ciphertext under a dataset's own data key (crypto-shredding), and a wrapped data key.
_SHREDDABLE = b"\x02"
_WRAPPED = b"\x03"
_NONCE = 12


class KeyProblem(MigralexError):
    """The registry key is missing, malformed, insecurely stored or not the database's key."""


class DecryptionFailed(MigralexError):
    """A ciphertext did not authenticate: it was altered or moved to another row."""


def _derive(master: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"migralex-registry-v1", info=label).derive(master)


def _decode(text: str, where: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode("ascii") + b"==")
    except (ValueError, UnicodeError):
        raise KeyProblem(f"{where}: not URL-safe base64") from None
    if len(raw) != 32:
        raise KeyProblem(f"{where}: the key must be 32 bytes (256 bits), got {len(raw)}")
    return raw


@dataclass(frozen=True)
class Keyring:
    """The derived keys of one master key."""

    data_key: bytes
    audit_key: bytes
    index_key: bytes
    digest_key: bytes
    fingerprint: str
    mac_key: bytes = b""
    wrap_key: bytes = b""

    @classmethod
    def from_master(cls, master: bytes) -> Keyring:
        """Derive the keys of a 32-byte master key."""
        if len(master) != 32:
            raise KeyProblem(f"the master key must be 32 bytes, got {len(master)}")
        return cls(
            data_key=_derive(master, b"data"),
            audit_key=_derive(master, b"audit"),
            index_key=_derive(master, b"blind-index"),
            digest_key=_derive(master, b"digest"),
            mac_key=_derive(master, b"row-mac"),
            wrap_key=_derive(master, b"data-key-wrap"),
            fingerprint=hashlib.sha256(_derive(master, b"fingerprint")).hexdigest()[:16],
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Keyring:
        """The key from `MIGRALEX_REGISTRY_KEY` or `MIGRALEX_REGISTRY_KEY_FILE`; a clear error otherwise."""
        env = os.environ if env is None else env
        if env.get(KEY_ENV):
            return cls.from_master(_decode(env[KEY_ENV], KEY_ENV))
        if env.get(KEY_FILE_ENV):
            return cls.from_master(read_key_file(Path(env[KEY_FILE_ENV])))
        raise KeyProblem(
            f"no registry key: set {KEY_ENV} (32 bytes, URL-safe base64) or {KEY_FILE_ENV} (a file with "
            "mode 0600); `migralex registry init --key-file PATH` creates one. The key must be kept "
            "outside the database: without it the personal data cannot be read."
        )

    def _aead(self) -> AESGCM:
        return AESGCM(self.data_key)

    def encrypt(self, plaintext: bytes, aad: str) -> bytes:
        """Version byte, random 96-bit nonce and AES-GCM ciphertext with its tag."""
        nonce = secrets.token_bytes(_NONCE)
        return _VERSION + nonce + self._aead().encrypt(nonce, plaintext, aad.encode())

    def encrypt_many(self, plaintexts: list[bytes], aads: list[str]) -> list[bytes]:
        """Encrypt a batch (one cipher object, a fresh nonce per row)."""
        aead = self._aead()
        nonces = [secrets.token_bytes(_NONCE) for _ in plaintexts]
        return [
            _VERSION + n + aead.encrypt(n, p, a.encode())
            for n, p, a in zip(nonces, plaintexts, aads, strict=True)
        ]

    def decrypt(self, blob: bytes, aad: str) -> bytes:
        """Inverse of `encrypt`; a tampered or moved ciphertext is an error."""
        return self.decrypt_many([blob], [aad])[0]

    def decrypt_many(self, blobs: list[bytes], aads: list[str]) -> list[bytes]:
        """Decrypt a batch."""
        aead = self._aead()
        out = []
        for blob, aad in zip(blobs, aads, strict=True):
            blob = bytes(blob)
            if blob[:1] != _VERSION:
                raise DecryptionFailed(f"{aad}: unknown ciphertext version")
            try:
                out.append(aead.decrypt(blob[1 : 1 + _NONCE], blob[1 + _NONCE :], aad.encode()))
            except InvalidTag:
                raise DecryptionFailed(
                    f"{aad}: ciphertext does not authenticate (altered, moved or wrong key)"
                ) from None
        return out

    def wrap_many(self, data_keys: list[bytes], dataset_ids: list[int]) -> list[bytes]:
        """Wrap data keys with the key-wrapping key, each bound to its dataset (`data_keys:ID`)."""
        aead = AESGCM(self.wrap_key)
        out = []
        for k, i in zip(data_keys, dataset_ids, strict=True):
            n = secrets.token_bytes(_NONCE)
            out.append(_WRAPPED + n + aead.encrypt(n, k, f"data_keys:{i}".encode()))
        return out

    def unwrap_many(self, wrapped: list[bytes], dataset_ids: list[int]) -> list[bytes]:
        """Inverse of `wrap_many`; a wrapped key altered or moved to another dataset is an error."""
        return _open(AESGCM(self.wrap_key), _WRAPPED, wrapped, [f"data_keys:{i}" for i in dataset_ids])

    def blind_index(self, text: str) -> str:
        """Keyed hash of a normalised search key (equality search without storing the key)."""
        return hmac.new(self.index_key, text.encode(), hashlib.sha256).hexdigest()

    def digest(self, text: str) -> str:
        """Keyed hash of a submission (idempotency: same transaction id, same content)."""
        return hmac.new(self.digest_key, text.encode(), hashlib.sha256).hexdigest()


def new_data_keys(n: int) -> list[bytes]:
    """`n` fresh random 256-bit data keys."""
    return [secrets.token_bytes(32) for _ in range(n)]


def encrypt_with(data_keys: list[bytes], plaintexts: list[bytes], aads: list[str]) -> list[bytes]:
    """Encrypt each plaintext under its dataset's data key (a fresh nonce per row)."""
    out = []
    for k, p, a in zip(data_keys, plaintexts, aads, strict=True):
        n = secrets.token_bytes(_NONCE)
        out.append(_SHREDDABLE + n + AESGCM(k).encrypt(n, p, a.encode()))
    return out


def decrypt_with(data_keys: list[bytes], blobs: list[bytes], aads: list[str]) -> list[bytes]:
    """Inverse of `encrypt_with`."""
    rows = zip(data_keys, blobs, aads, strict=True)
    return [_open(AESGCM(k), _SHREDDABLE, [b], [a])[0] for k, b, a in rows]


def _open(aead: AESGCM, version: bytes, blobs: list[bytes], aads: list[str]) -> list[bytes]:
    out = []
    for blob, aad in zip(blobs, aads, strict=True):
        blob = bytes(blob)
        if blob[:1] != version:
            raise DecryptionFailed(f"{aad}: unknown ciphertext version")
        try:
            out.append(aead.decrypt(blob[1 : 1 + _NONCE], blob[1 + _NONCE :], aad.encode()))
        except InvalidTag:
            raise DecryptionFailed(
                f"{aad}: ciphertext does not authenticate (altered, moved or wrong key)"
            ) from None
    return out


def template_bytes(vectors: np.ndarray) -> list[bytes]:
    """Rows of a float32 matrix as bytes (little-endian)."""
    v = np.ascontiguousarray(vectors, dtype="<f4")
    return [row.tobytes() for row in v]


def template_array(raw: list[bytes], dim: int) -> np.ndarray:
    """Inverse of `template_bytes`."""
    if not raw:
        return np.zeros((0, dim), dtype=np.float32)
    return np.frombuffer(b"".join(raw), dtype="<f4").reshape(len(raw), dim).astype(np.float32)


def read_key_file(path: Path) -> bytes:
    """Read a key file; it must exist, belong to this user and be readable by its owner only."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise KeyProblem(f"{KEY_FILE_ENV}: no key file at {path}") from None
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyProblem(
            f"{path}: key file is accessible by group or others (mode {stat.S_IMODE(st.st_mode):04o}); "
            f"run `chmod 600 {path}`"
        )
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        raise KeyProblem(f"{path}: key file belongs to another user")
    return _decode(path.read_text("ascii"), str(path))


def new_key_text() -> str:
    """A fresh random 32-byte key as URL-safe base64."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")


def create_key_file(path: Path) -> Path:
    """Write a new key file with mode 0600 (refuses to overwrite an existing one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(new_key_text() + "\n")
    return path


def default_key_file() -> Path:
    """The embedded default's key file: `$XDG_CONFIG_HOME/migralex/registry.key` (or `~/.config/...`),
    a different folder from the database, so the key is not kept beside the data it protects."""
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "migralex" / "registry.key"


def ensure_local_key(env: MutableMapping[str, str] | None = None) -> Path | None:
    """For the embedded default: when no key is configured, use (creating it on first use, mode
    0600) the default key file and point `MIGRALEX_REGISTRY_KEY_FILE` at it. Returns the file it
    set, or None when a key was already configured."""
    target = os.environ if env is None else env
    if target.get(KEY_ENV) or target.get(KEY_FILE_ENV):
        return None
    path = default_key_file()
    if not path.exists():
        create_key_file(path)
    target[KEY_FILE_ENV] = str(path)
    return path

"""Database access: engine from a URL, migrations, the write lock, and the key check.

SQLite (the embedded default, `sqlite:///<data dir>/registry.sqlite3`) runs in WAL mode with a
busy timeout and `synchronous=FULL` (an acknowledged write survives a crash of the process or
of the machine); every write transaction starts with `BEGIN IMMEDIATE`, so writers queue on the
database lock instead of failing on a lock upgrade. PostgreSQL (`postgresql+psycopg://…`) takes
a transaction-scoped advisory lock. Either way writes are serialised across threads and
processes, which is what Art. 38(2) asks of comparisons ("in the order of arrival of requests")
and what the hash chain of the audit log needs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, insert, select, text
from sqlalchemy.engine import make_url

from migralex.errors import InvalidInput
from migralex.registry.crypto import KeyProblem, Keyring
from migralex.registry.models import meta

URL_ENV = "MIGRALEX_REGISTRY_URL"
DIR_ENV = "MIGRALEX_REGISTRY_DIR"
#: Advisory-lock key of the registry's write lock on PostgreSQL (the Regulation's number).
PG_LOCK = 20241358


def data_dir() -> Path:
    """Where the embedded database lives: `$MIGRALEX_REGISTRY_DIR` or `~/.local/share/migralex/registry`."""
    if os.environ.get(DIR_ENV):
        return Path(os.environ[DIR_ENV])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "migralex" / "registry"


def database_url(url: str | None = None) -> str:
    """The database URL: the argument, `$MIGRALEX_REGISTRY_URL`, or SQLite under `data_dir()`."""
    if url:
        return url
    if os.environ.get(URL_ENV):
        return os.environ[URL_ENV]
    return f"sqlite:///{data_dir() / 'registry.sqlite3'}"


def make_engine(url: str | None = None, *, synchronous: str = "FULL") -> Engine:
    """An engine for SQLite (WAL, busy timeout, immediate write transactions) or PostgreSQL."""
    u = make_url(database_url(url))
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            private_file(Path(u.database))
        engine = create_engine(u, connect_args={"timeout": 60, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.execute(f"PRAGMA synchronous={synchronous}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA secure_delete=ON")  # erased rows are overwritten, not left in free pages
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("migralex_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    if u.get_backend_name() != "postgresql":
        raise InvalidInput(
            "url", f"unsupported database {u.get_backend_name()!r}: use sqlite:// or postgresql+psycopg://"
        )
    return create_engine(u, pool_pre_ping=True, pool_size=5, max_overflow=5)


def private_file(path: Path) -> None:
    """Create the database's folder (mode 0700) and file (mode 0600) unless they exist: personal
    data at rest are for the registry's OS account only (SQLite gives its WAL the file's mode)."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def alembic_config(conn: Connection, keys: Keyring | None = None) -> Config:
    """Alembic configuration pointing at the migrations shipped in the package (with the key, for
    the migrations that re-encrypt stored data)."""
    cfg = Config()
    cfg.set_main_option("script_location", "migralex.registry:migrations")
    cfg.attributes["connection"] = conn
    cfg.attributes["keys"] = keys
    return cfg


def upgrade(engine: Engine, keys: Keyring | None = None) -> None:
    """Bring the schema to the latest migration (idempotent); migration 0003 needs the key when
    the database holds personal data (it moves them under per-dataset data keys)."""
    with engine.connect().execution_options(migralex_write=True) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK})
        command.upgrade(alembic_config(conn, keys), "head")


class Store:
    """The registry's database: transactions and the key check."""

    def __init__(self, engine: Engine, keys: Keyring) -> None:
        self.engine = engine
        self.keys = keys
        self.dialect = engine.dialect.name

    @classmethod
    def open(
        cls, url: str | None, keys: Keyring, *, migrate: bool = True, synchronous: str = "FULL"
    ) -> Store:
        """Open (and by default migrate) a registry database and check it was made with this key."""
        store = cls(make_engine(url, synchronous=synchronous), keys)
        if migrate:
            upgrade(store.engine, keys)
        store.check_key()
        return store

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction holding the registry's write lock (commits on success)."""
        with self.engine.connect().execution_options(migralex_write=True) as conn, conn.begin():
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK})
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (a consistent snapshot)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def check_key(self) -> None:
        """Record the key's fingerprint on first use; refuse a different key later."""
        with self.write() as conn:
            row = conn.execute(select(meta.c.value).where(meta.c.key == "key_fingerprint")).first()
            if row is None:
                conn.execute(insert(meta).values(key="key_fingerprint", value=self.keys.fingerprint))
            elif row[0] != self.keys.fingerprint:
                raise KeyProblem(
                    f"this registry was created with another key (fingerprint {row[0]}, given "
                    f"{self.keys.fingerprint}); set the key the database was initialised with"
                )

    def scrub(self) -> None:
        """After an erasure: leave no erased row readable in the database's own files. SQLite
        (secure_delete on) checkpoints and truncates the WAL; PostgreSQL vacuums the tables whose
        rows were deleted, so their dead tuples are pruned (see docs/registry.md for what remains)."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if self.dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            else:
                conn.exec_driver_sql("VACUUM personal_data, templates, data_keys")

    def dispose(self) -> None:
        """Close the connection pool."""
        self.engine.dispose()

"""The township's Ed25519 signing key, made on first use and kept in ``meta``.

``meta.signing_key`` holds the raw 32-byte private key and ``meta.public_key`` the raw
public key, both base64. The county registers the public key the first time it sees it.
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlite_utils import Database

from app.db import store
from app.domain.errors import DomainError

SIGNING_KEY = "signing_key"
PUBLIC_KEY = "public_key"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def public_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def ensure_key(db: Database) -> Ed25519PrivateKey:
    """The database's signing key; made and stored (with its public key) on first use."""
    m = store.meta(db)
    if SIGNING_KEY in m:
        try:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(m[SIGNING_KEY]))
        except ValueError:
            raise DomainError("数据库中的签名密钥已损坏，无法签名上报文件。") from None
        public = _b64(public_bytes(key))
        if m.get(PUBLIC_KEY) != public:
            with db.atomic():
                db["meta"].upsert({"key": PUBLIC_KEY, "value": public}, pk="key")
        return key
    key = Ed25519PrivateKey.generate()
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    private = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    with db.atomic():
        # the private key must not be copied into the change log: log a note instead
        store.set_change_log(db, False)
        db["meta"].upsert_all(
            [
                {"key": SIGNING_KEY, "value": _b64(private)},
                {"key": PUBLIC_KEY, "value": _b64(public_bytes(key))},
            ],
            pk="key",
        )
        store.set_change_log(db, True)
        store.log_note(
            db, "meta", PUBLIC_KEY, f"生成上报文件签名密钥（公钥 {_b64(public_bytes(key))}）"
        )
    return key


def public_key_b64(db: Database) -> str:
    """The public key (raw, base64) of the database's signing key, made if needed."""
    return _b64(public_bytes(ensure_key(db)))


def load_public_key(text: str) -> Ed25519PublicKey:
    """A public key from its base64 text (raises ``ValueError`` when malformed)."""
    raw = base64.b64decode(text.encode("ascii"), validate=True)
    return Ed25519PublicKey.from_public_bytes(raw)

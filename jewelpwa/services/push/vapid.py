"""VAPID keys in instance/vapid/: numbered keys, the newest signs new subscriptions.

Rotation adds a key instead of replacing one: a subscription keeps the key id it was made with and is
signed with that key until the device re-subscribes, so rotating never silences existing phones.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid01


@dataclass(frozen=True)
class VapidKey:
    key_id: str
    private_pem_path: Path
    application_server_key: str  # base64url uncompressed P-256 point, what PushManager.subscribe wants


def _dir(instance_path: str) -> Path:
    return Path(instance_path) / "vapid"


def _load(path: Path) -> VapidKey:
    vapid = Vapid01.from_file(str(path))
    raw = vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return VapidKey(path.stem, path, base64.urlsafe_b64encode(raw).rstrip(b"=").decode())


def keys(instance_path: str) -> list[VapidKey]:
    """All keys, oldest first."""
    return [_load(p) for p in sorted(_dir(instance_path).glob("*.pem"), key=lambda p: int(p.stem))]


def current_key(instance_path: str) -> VapidKey | None:
    found = keys(instance_path)
    return found[-1] if found else None


def key_by_id(instance_path: str, key_id: str) -> VapidKey | None:
    path = _dir(instance_path) / f"{int(key_id)}.pem"
    return _load(path) if path.exists() else None


def init_keys(instance_path: str, rotate: bool = False) -> tuple[VapidKey, bool]:
    """Create the first key (or, with rotate, a newer one). Returns the current key and whether it was created."""
    existing = keys(instance_path)
    if existing and not rotate:
        return existing[-1], False
    folder = _dir(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    next_id = int(existing[-1].key_id) + 1 if existing else 1
    vapid = Vapid01()
    vapid.generate_keys()
    path = folder / f"{next_id}.pem"
    vapid.save_key(str(path))
    path.chmod(0o600)
    return _load(path), True

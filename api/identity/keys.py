"""Secrets the service needs at start: the token signing key and the pseudonym key.

Deployments pass them in settings; a developer's machine gets them generated
once under the data directory (mode 0600) so tokens survive restarts.
"""

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from api.settings import ApiSettings


def _stored_secret(path: Path, make: Callable[[], bytes]) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(make())
    return path.read_bytes()


def new_signing_key() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class UnsafeProduction(RuntimeError):
    """A production setting that would make the service unsafe; it does not start."""


def refuse_unsafe_production(settings: ApiSettings) -> None:
    """In production, keys are given, never generated: a generated key lives only in one
    server's data directory, so tokens and pseudonyms would change with the server."""
    if not settings.production:
        return
    missing = [
        name
        for name, value in (
            ("STEPWISE_AUTH_SIGNING_KEY", settings.auth.signing_key),
            ("STEPWISE_PSEUDONYM_KEY", settings.pseudonym_key),
        )
        if value is None
    ]
    if missing:
        raise UnsafeProduction(
            f"STEPWISE_ENV=production needs {' and '.join(missing)} set: keys are never"
            " generated in production"
        )


def signing_key(settings: ApiSettings) -> bytes:
    if settings.auth.signing_key is not None:
        return settings.auth.signing_key.get_secret_value().encode()
    return _stored_secret(settings.data_dir / "token-signing-key.pem", new_signing_key)


def pseudonym_key(settings: ApiSettings) -> bytes:
    if settings.pseudonym_key is not None:
        return settings.pseudonym_key.get_secret_value().encode()
    return _stored_secret(settings.data_dir / "pseudonym.key", lambda: secrets.token_bytes(32))

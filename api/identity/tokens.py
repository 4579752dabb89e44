"""Issuing and verifying access tokens (JWT, RS256 only).

Verification pins the algorithm, issuer and audience, and requires exp, iat,
nbf and sub: tokens with `alg: none`, an HMAC signature (e.g. made with our
public key), a wrong issuer or audience, or a past expiry are all refused.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from api.settings import AuthSettings

ALGORITHM = "RS256"
SubjectKind = Literal["user", "client"]


class InvalidToken(Exception):
    """Any reason a bearer token is not accepted; the reason stays in the logs."""


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    subject: str
    kind: SubjectKind
    expires_at: datetime
    #: a user's token generation when it was issued (None for clients)
    generation: int | None = None


class TokenService:
    def __init__(self, private_key_pem: bytes, settings: AuthSettings) -> None:
        key = serialization.load_pem_private_key(private_key_pem, password=None)
        if not isinstance(key, RSAPrivateKey):
            raise ValueError("the token signing key must be an RSA private key")
        self._private_key = key
        self.public_key_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self._settings = settings

    @property
    def lifetime(self) -> timedelta:
        return timedelta(minutes=self._settings.access_token_minutes)

    def issue(
        self,
        subject: str,
        kind: SubjectKind,
        role: str,
        now: datetime | None = None,
        generation: int | None = None,
    ) -> str:
        now = now or datetime.now(UTC)
        claims = {
            "iss": self._settings.issuer,
            "aud": self._settings.audience,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": now + self.lifetime,
            "jti": str(uuid.uuid4()),
            "kind": kind,
            "role": role,
        }
        if generation is not None:
            claims["gen"] = generation
        return jwt.encode(claims, self._private_key, algorithm=ALGORITHM)

    def verify(self, token: str) -> VerifiedToken:
        try:
            claims = jwt.decode(
                token,
                self.public_key_pem,
                algorithms=[ALGORITHM],
                audience=self._settings.audience,
                issuer=self._settings.issuer,
                leeway=self._settings.leeway_seconds,
                options={"require": ["exp", "iat", "nbf", "iss", "aud", "sub"], "strict_aud": True},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error)) from error
        kind = claims.get("kind")
        if kind not in ("user", "client") or not isinstance(claims["sub"], str):
            raise InvalidToken("unknown subject kind")
        generation = claims.get("gen", 1 if kind == "user" else None)
        if generation is not None and not isinstance(generation, int):
            raise InvalidToken("bad token generation")
        return VerifiedToken(
            subject=claims["sub"],
            kind=kind,
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
            generation=generation,
        )

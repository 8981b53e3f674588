"""Identity provider (``/IDP/connect/token``, also reachable through the gateway at ``/API/IDP/...``) and
the unauthenticated discovery documents (notes §0, §1).

Tokens look like the real RS256 JWTs (three base64url parts, standard claims) but are signed with an
HMAC key derived from ``--seed``.  Like real JWTs they need no server-side session, so they stay valid
across a simulator restart (a real IDP keeps its signing key); ``expire_tokens`` and ``reset`` move a
cut-off time instead.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
import uuid
from typing import Any

from aiohttp import web

from .config import SimConfig, User
from .util import dumps

CLIENT_ID = "GrantValidatorClient"
SCOPE = "managementserver"
ALLOWED_SCOPES = {"managementserver", "openid", "profile"}

IDP_HEADERS = {"Cache-Control": "no-store, no-cache, max-age=0", "Pragma": "no-cache", "Server": "Microsoft-IIS/10.0"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenService:
    """Issues and checks bearer tokens."""

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.key = hashlib.sha256(f"xprotect-simulator-token-key:{config.seed}".encode()).digest()
        self.cutoff_us = 0

    @staticmethod
    def _now_us() -> int:
        return time.time_ns() // 1000

    def issue(self, user: User, issuer: str) -> str:
        """A signed JWT-like access token for ``user``."""
        now_us = max(self._now_us(), self.cutoff_us + 1)
        now = now_us // 1_000_000
        header = {"alg": "HS256", "kid": "simulator", "typ": "at+jwt"}
        claims = {
            "iss": issuer,
            "nbf": now,
            "iat": now,
            "exp": now + self.config.token_ttl,
            "aud": [SCOPE, f"{issuer}/resources"],
            "scope": [SCOPE],
            "client_id": CLIENT_ID,
            "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, f"xprotect-simulator:{user.name}")),
            "auth_time": now,
            "idp": "local",
            "name": user.name,
            "jti": secrets.token_hex(16),
            # Microsecond timestamps: the token TTL may be 1 s in tests, and expire_tokens compares these.
            "sim_iat_us": now_us,
            "sim_exp_us": now_us + self.config.token_ttl * 1_000_000,
        }
        signing_input = f"{_b64(dumps(header))}.{_b64(dumps(claims))}"
        signature = hmac.new(self.key, signing_input.encode("ascii"), hashlib.sha256).digest()
        return f"{signing_input}.{_b64(signature)}"

    def validate(self, token: str) -> User | None:
        """The user a valid, unexpired token belongs to; None otherwise."""
        parts = token.split(".")
        if len(parts) != 3:
            return None
        signing_input = f"{parts[0]}.{parts[1]}"
        expected = hmac.new(self.key, signing_input.encode("ascii", "replace"), hashlib.sha256).digest()
        try:
            if not hmac.compare_digest(expected, _unb64(parts[2])):
                return None
            claims = json.loads(_unb64(parts[1]))
        except (ValueError, binascii.Error):
            return None
        issued, expires = claims.get("sim_iat_us", 0), claims.get("sim_exp_us", 0)
        if issued <= self.cutoff_us or self._now_us() >= expires:
            return None
        return self.config.user(claims.get("name", ""))

    def expire_all(self) -> None:
        """Every token issued so far is expired from now on."""
        self.cutoff_us = self._now_us()


def idp_json(body: dict[str, Any], status: int = 200) -> web.Response:
    """IdentityServer-style JSON answer."""
    response = web.Response(body=dumps(body), status=status, content_type="application/json", charset="utf-8")
    response.headers.update(IDP_HEADERS)
    return response


def idp_error(error: str, status: int = 400, **extra: str) -> web.Response:
    """An OAuth2 error body (notes §1)."""
    return idp_json({"error": error, **extra}, status)


async def token_endpoint(request: web.Request, config: SimConfig, tokens: TokenService, issuer: str) -> tuple[web.Response, bool]:
    """``POST .../connect/token``; returns the response and whether a token was granted."""
    if request.method != "POST":
        return idp_error("invalid_request", 405, error_description="the token endpoint only accepts POST"), False
    if request.content_type != "application/x-www-form-urlencoded":
        return idp_error("invalid_request", error_description="form-encoded body required"), False
    form = await request.post()
    client_id = str(form.get("client_id", ""))
    grant_type = str(form.get("grant_type", ""))
    if client_id != CLIENT_ID:
        return idp_error("invalid_client", config.invalid_client_status), False
    if not grant_type:
        return idp_error("invalid_request", error_description="grant_type is missing"), False
    if grant_type != "password":
        # windows_credentials (NTLM) is not simulated yet; refresh_token is not offered to GrantValidatorClient.
        return idp_error("unsupported_grant_type"), False
    scope = str(form.get("scope", "")).split()
    if any(item not in ALLOWED_SCOPES for item in scope):
        return idp_error("invalid_scope"), False
    username = str(form.get("username", ""))
    password = str(form.get("password", ""))
    if not username or not password:
        return idp_error("invalid_request", error_description="username and password are required"), False
    user = config.user(username)
    if user is None or not hmac.compare_digest(user.password.encode(), password.encode()):
        return idp_error("invalid_grant", error_description="invalid_username_or_password", error_code="InvalidCredentials"), False
    body = {"access_token": tokens.issue(user, issuer), "expires_in": config.token_ttl, "token_type": "Bearer", "scope": SCOPE}
    return idp_json(body), True


def openid_configuration(idp_base: str) -> web.Response:
    """``GET /IDP/.well-known/openid-configuration`` (the part clients use: token_endpoint)."""
    return idp_json({
        "issuer": idp_base,
        "jwks_uri": f"{idp_base}/.well-known/openid-configuration/jwks",
        "authorization_endpoint": f"{idp_base}/connect/authorize",
        "token_endpoint": f"{idp_base}/connect/token",
        "userinfo_endpoint": f"{idp_base}/connect/userinfo",
        "end_session_endpoint": f"{idp_base}/connect/endsession",
        "revocation_endpoint": f"{idp_base}/connect/revocation",
        "introspection_endpoint": f"{idp_base}/connect/introspect",
        "scopes_supported": ["openid", "profile", SCOPE, "offline_access"],
        "claims_supported": ["sub", "name", "idp", "auth_time"],
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token", "password", "windows_credentials"],
        "response_types_supported": ["code", "token", "id_token"],
        "response_modes_supported": ["form_post", "query", "fragment"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["plain", "S256"],
    })


def well_known_uris(config: SimConfig, base: str, idp_base: str, gateways: list[str]) -> web.Response:
    """``GET /api/.well-known/uris`` (since 2022 R1, notes §0)."""
    host = base.split("://", 1)[1]
    host = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    body = {
        "ProductVersion": config.product_version,
        "UnsecureManagementServer": f"http://{host}/",
        "SecureManagementServer": f"https://{host}/",
        "IdentityProvider": idp_base,
        "ApiGateways": gateways,
    }
    response = web.Response(body=dumps(body), content_type="application/json", charset="utf-8")
    response.headers.update({"Server": "Microsoft-IIS/10.0", "Cache-Control": "no-cache"})
    return response

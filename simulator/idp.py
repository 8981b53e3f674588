"""Identity provider (``/IDP/connect/token``, also reachable through the gateway at ``/API/IDP/...``) and
the unauthenticated discovery documents (notes §0, §1). Basic users log in with the password grant, Windows
users with the windows_credentials grant and an NTLM handshake (``ntlm.py``).

Tokens look like the real RS256 JWTs (three base64url parts, standard claims) but are signed with an
HMAC key derived from ``--seed``.  Like real JWTs they need no server-side session, so they stay valid
across a simulator restart (a real IDP keeps its signing key); ``expire_tokens`` and ``reset`` move a
cut-off time instead.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from typing import Any

from aiohttp import web

from .config import SimConfig, User
from .ntlm import Outcome, WindowsAuth, parse_authorization
from .util import dumps

LOG = logging.getLogger("simulator")

CLIENT_ID = "GrantValidatorClient"
SCOPE = "managementserver"
ALLOWED_SCOPES = {"managementserver", "openid", "profile"}

IDP_HEADERS = {"Cache-Control": "no-store, no-cache, max-age=0", "Pragma": "no-cache", "Server": "Microsoft-IIS/10.0"}
WINDOWS_GRANT = "windows_credentials"
IIS_401_BODY = ("<!DOCTYPE html><html><head><title>401 - Unauthorized: Access is denied due to invalid credentials.</title>"
                "</head><body><h2>401 - Unauthorized: Access is denied due to invalid credentials.</h2>"
                "<h3>You do not have permission to view this directory or page using the credentials that you supplied.</h3>"
                "</body></html>")


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

    def issue(self, user: User, issuer: str, idp: str = "local") -> str:
        """A signed JWT-like access token for ``user`` (``idp`` local for a basic user, windows for a Windows user)."""
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
            "idp": idp,
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
        name = str(claims.get("name", ""))
        return self.config.windows_user(name) if claims.get("idp") == "windows" else self.config.user(name)

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


async def token_endpoint(request: web.Request, config: SimConfig, tokens: TokenService, issuer: str, *,
                         windows: WindowsAuth | None = None, via_gateway: bool = False) -> tuple[web.Response, bool]:
    """``POST .../connect/token``; returns the response and whether a token was granted."""
    if request.method != "POST":
        return idp_error("invalid_request", 405, error_description="the token endpoint only accepts POST"), False
    # The gateway does not pass NTLM through (notes §1): behind it the IDP never sees the client's Authorization.
    authorization = "" if via_gateway or windows is None else request.headers.get("Authorization", "")
    parsed = parse_authorization(authorization) if authorization else None
    identity: Outcome | None = None
    if parsed is not None and windows is not None:
        # Windows authentication runs before the endpoint reads the form, as in IIS: a client may send the
        # NEGOTIATE leg without the form (curl does).
        identity = windows.step(request.transport, *parsed)
        if identity.kind != "accepted":
            await request.read()  # the leg's body is consumed so the connection stays usable for the next leg
            answer = windows_refusal(config, identity) if identity.kind == "refused" else ntlm_challenge(identity)
            return answer, False
    if request.content_type != "application/x-www-form-urlencoded":
        return idp_error("invalid_request", error_description="form-encoded body required"), False
    form = await request.post()
    client_id = str(form.get("client_id", ""))
    grant_type = str(form.get("grant_type", ""))
    if client_id != CLIENT_ID:
        return idp_error("invalid_client", config.invalid_client_status), False
    if not grant_type:
        return idp_error("invalid_request", error_description="grant_type is missing"), False
    if grant_type not in ("password", WINDOWS_GRANT):
        # refresh_token is not offered to GrantValidatorClient.
        return idp_error("unsupported_grant_type"), False
    scope = str(form.get("scope", "")).split()
    if any(item not in ALLOWED_SCOPES for item in scope):
        return idp_error("invalid_scope"), False
    if grant_type == WINDOWS_GRANT:
        return windows_grant(config, tokens, issuer, identity)
    return password_grant(form, config, tokens, issuer)


def password_grant(form: Any, config: SimConfig, tokens: TokenService, issuer: str) -> tuple[web.Response, bool]:
    """A basic user's ``grant_type=password``; Windows users are not basic users, so they are refused here."""
    username = str(form.get("username", ""))
    password = str(form.get("password", ""))
    if not username or not password:
        return idp_error("invalid_request", error_description="username and password are required"), False
    user = config.user(username)
    if user is None or not hmac.compare_digest(user.password.encode(), password.encode()):
        return invalid_credentials(), False
    return token_response(tokens.issue(user, issuer), config), True


def windows_grant(config: SimConfig, tokens: TokenService, issuer: str, identity: Outcome | None) -> tuple[web.Response, bool]:
    """A Windows user's ``grant_type=windows_credentials``, once NTLM identified the user (else the first challenge)."""
    if identity is None:
        return ntlm_challenge(), False
    user = config.windows_user(identity.principal)
    if user is None:  # pyspnego found the account, so only a mismatch between its form and ours ends here
        refused = dataclasses.replace(identity, kind="refused", reason=f"no Windows user {identity.principal!r}")
        return windows_refusal(config, refused), False
    response = token_response(tokens.issue(user, issuer, idp="windows"), config)
    if identity.token:  # SPNEGO's last word (mechListMIC) goes back with the answer, as IIS does
        response.headers["WWW-Authenticate"] = f"{identity.scheme} {base64.b64encode(identity.token).decode('ascii')}"
    return response, True


def token_response(access_token: str, config: SimConfig) -> web.Response:
    """The grant's answer: the same shape for basic and Windows users."""
    return idp_json({"access_token": access_token, "expires_in": config.token_ttl, "token_type": "Bearer", "scope": SCOPE})


def invalid_credentials() -> web.Response:
    """What the IDP says to a wrong user name or password (notes §1)."""
    return idp_error("invalid_grant", error_description="invalid_username_or_password", error_code="InvalidCredentials")


def ntlm_challenge(outcome: Outcome | None = None) -> web.Response:
    """401 asking for Windows authentication: both schemes at first, then the CHALLENGE of the scheme in use.

    The body is empty, as ASP.NET's challenge is; the connection stays open for the next leg.
    """
    response = web.Response(status=401)
    response.headers.update(IDP_HEADERS)
    if outcome is None or outcome.token is None:
        response.headers.add("WWW-Authenticate", "Negotiate")
        response.headers.add("WWW-Authenticate", "NTLM")
    else:
        response.headers.add("WWW-Authenticate", f"{outcome.scheme} {base64.b64encode(outcome.token).decode('ascii')}")
    return response


def windows_refusal(config: SimConfig, outcome: Outcome) -> web.Response:
    """A failed NTLM login: the IDP's invalid_grant (default) or IIS's 401 with a fresh challenge (--windows-failure-status)."""
    # Only pyspnego's reason is logged: it names no password and no token.
    LOG.info("Windows login refused (%s): %s", outcome.scheme, outcome.reason)
    if config.windows_failure_status == 400:
        return invalid_credentials()
    response = web.Response(status=401, text=IIS_401_BODY, content_type="text/html", charset="utf-8")
    response.headers.update(IDP_HEADERS)
    response.headers.add("WWW-Authenticate", "Negotiate")
    response.headers.add("WWW-Authenticate", "NTLM")
    return response


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

"""Identity provider (``/IDP/connect/token``, also reachable through the gateway at ``/API/IDP/...``) and
the unauthenticated discovery documents (docs/xprotect-api.md §0, §1). Basic users log in with the password grant, Windows
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
from typing import Any, Callable

from aiohttp import web

from .config import SimConfig, User
from .ntlm import Outcome, WindowsAuth, parse_authorization
from .util import dumps

LOG = logging.getLogger("simulator")

CLIENT_ID = "GrantValidatorClient"
# Milestone's WebRTC sample (2025 R1) logs in with VmsClient, which also hands out a refresh token for
# grant_type=refresh_token (docs/xprotect-api.md §1); GrantValidatorClient gives none.
REFRESH_CLIENT_ID = "VmsClient"
REFRESH_GRANT = "refresh_token"
CLIENT_GRANTS = {
    CLIENT_ID: ("password", "windows_credentials"),
    REFRESH_CLIENT_ID: ("password", "windows_credentials", REFRESH_GRANT),
}
SCOPE = "managementserver"
ALLOWED_SCOPES = {"managementserver", "openid", "profile", "offline_access"}

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
        # Refresh tokens are one-time handles kept in memory: refresh token -> (user name, idp).
        self.refresh_tokens: dict[str, tuple[str, str]] = {}
        # The basic users of the Config API (``/basicUsers``): name -> (user, locked out), or None when there is no such user
        # with a password.  SimState points this at its store, so users created or changed over REST log in.
        self.directory: Callable[[str], tuple[User, bool] | None] | None = None

    def user(self, name: str) -> User | None:
        """A basic user: one of the command line (``--user``) first, then one of ``/basicUsers`` that has a password."""
        user = self.config.user(name)
        if user is None and self.directory is not None:
            entry = self.directory(name)
            user = entry[0] if entry is not None else None
        return user

    @staticmethod
    def _now_us() -> int:
        return time.time_ns() // 1000

    def issue(self, user: User, issuer: str, idp: str = "local", client_id: str = CLIENT_ID) -> str:
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
            "client_id": client_id,
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
        return self.config.windows_user(name) if claims.get("idp") == "windows" else self.user(name)

    def expire_all(self) -> None:
        """Every access token issued so far is expired from now on (refresh tokens stay usable, as on a real IDP)."""
        self.cutoff_us = self._now_us()

    def forget_refresh_tokens(self) -> None:
        """Every refresh token issued so far is unknown from now on."""
        self.refresh_tokens.clear()

    def issue_refresh(self, user: User, idp: str) -> str:
        """A new one-time refresh token for ``user``."""
        token = secrets.token_hex(32).upper()
        self.refresh_tokens[token] = (user.name, idp)
        return token

    def redeem_refresh(self, token: str) -> tuple[User, str] | None:
        """The user (and idp) of an unused refresh token, which this uses up; None for an unknown or used one."""
        name, idp = self.refresh_tokens.pop(token, ("", ""))
        user = self.config.windows_user(name) if idp == "windows" else self.user(name) if idp else None
        return (user, idp) if user is not None else None


def idp_json(body: dict[str, Any], status: int = 200) -> web.Response:
    """IdentityServer-style JSON answer."""
    response = web.Response(body=dumps(body), status=status, content_type="application/json", charset="utf-8")
    response.headers.update(IDP_HEADERS)
    return response


def idp_error(error: str, status: int = 400, **extra: str) -> web.Response:
    """An OAuth2 error body (docs/xprotect-api.md §1)."""
    return idp_json({"error": error, **extra}, status)


async def token_endpoint(request: web.Request, config: SimConfig, tokens: TokenService, issuer: str, *,
                         windows: WindowsAuth | None = None, via_gateway: bool = False) -> tuple[web.Response, bool]:
    """``POST .../connect/token``; returns the response and whether a token was granted."""
    if request.method != "POST":
        return idp_error("invalid_request", 405, error_description="the token endpoint only accepts POST"), False
    # The gateway does not pass NTLM through (docs/xprotect-api.md §1): behind it the IDP never sees the client's Authorization.
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
    grants = CLIENT_GRANTS.get(client_id)
    if grants is None:
        return idp_error("invalid_client", config.invalid_client_status), False
    if not grant_type:
        return idp_error("invalid_request", error_description="grant_type is missing"), False
    if grant_type not in grants:
        # refresh_token is offered to VmsClient only.
        return idp_error("unsupported_grant_type"), False
    scope = str(form.get("scope", "")).split()
    if any(item not in ALLOWED_SCOPES for item in scope):
        return idp_error("invalid_scope"), False
    if grant_type == WINDOWS_GRANT:
        return windows_grant(config, tokens, issuer, identity, client_id)
    if grant_type == REFRESH_GRANT:
        return refresh_grant(form, config, tokens, issuer)
    return password_grant(form, config, tokens, issuer, client_id)


def password_grant(form: Any, config: SimConfig, tokens: TokenService, issuer: str,
                   client_id: str = CLIENT_ID) -> tuple[web.Response, bool]:
    """A basic user's ``grant_type=password``; Windows users are not basic users, so they are refused here.

    Basic users are those of ``--user`` and those of ``/basicUsers`` with a password (set when created or by
    ChangePasswordBasicUser); one locked out (``status`` LockedOutByAdmin or LockedOutBySystem) is refused with
    ``error_code`` LockedOut, one of the codes the samples read (docs/xprotect-api.md §1), once the password is right.
    """
    username = str(form.get("username", ""))
    password = str(form.get("password", ""))
    if not username or not password:
        return idp_error("invalid_request", error_description="username and password are required"), False
    user, locked = config.user(username), False
    if user is None and tokens.directory is not None:
        user, locked = tokens.directory(username) or (None, False)
    if user is None or not hmac.compare_digest(user.password.encode(), password.encode()):
        return invalid_credentials(), False
    if locked:
        return idp_error("invalid_grant", error_description="user_locked_out", error_code="LockedOut"), False
    return grant_response(tokens, user, issuer, "local", client_id), True


def refresh_grant(form: Any, config: SimConfig, tokens: TokenService, issuer: str) -> tuple[web.Response, bool]:
    """VmsClient's ``grant_type=refresh_token``: a new access token and a new refresh token; the old one is used up."""
    refresh_token = str(form.get(REFRESH_GRANT, ""))
    if not refresh_token:
        return idp_error("invalid_request", error_description="refresh_token is missing"), False
    redeemed = tokens.redeem_refresh(refresh_token)
    if redeemed is None:
        LOG.info("refresh token refused: unknown or already used")
        return idp_error("invalid_grant", error_description="invalid_refresh_token"), False
    user, idp = redeemed
    return grant_response(tokens, user, issuer, idp, REFRESH_CLIENT_ID), True


def windows_grant(config: SimConfig, tokens: TokenService, issuer: str, identity: Outcome | None,
                  client_id: str = CLIENT_ID) -> tuple[web.Response, bool]:
    """A Windows user's ``grant_type=windows_credentials``, once NTLM identified the user (else the first challenge)."""
    if identity is None:
        return ntlm_challenge(), False
    user = config.windows_user(identity.principal)
    if user is None:  # pyspnego found the account, so only a mismatch between its form and ours ends here
        refused = dataclasses.replace(identity, kind="refused", reason=f"no Windows user {identity.principal!r}")
        return windows_refusal(config, refused), False
    response = grant_response(tokens, user, issuer, "windows", client_id)
    if identity.token:  # SPNEGO's last word (mechListMIC) goes back with the answer, as IIS does
        response.headers["WWW-Authenticate"] = f"{identity.scheme} {base64.b64encode(identity.token).decode('ascii')}"
    return response, True


def grant_response(tokens: TokenService, user: User, issuer: str, idp: str, client_id: str) -> web.Response:
    """The answer to a successful grant; VmsClient also gets a refresh token."""
    refresh_token = tokens.issue_refresh(user, idp) if REFRESH_GRANT in CLIENT_GRANTS[client_id] else None
    return token_response(tokens.issue(user, issuer, idp=idp, client_id=client_id), tokens.config, refresh_token)


def token_response(access_token: str, config: SimConfig, refresh_token: str | None = None) -> web.Response:
    """The grant's answer: the same shape for basic and Windows users, plus ``refresh_token`` for VmsClient."""
    body: dict[str, Any] = {"access_token": access_token, "expires_in": config.token_ttl, "token_type": "Bearer", "scope": SCOPE}
    if refresh_token is not None:
        body["refresh_token"] = refresh_token
    return idp_json(body)


def invalid_credentials() -> web.Response:
    """What the IDP says to a wrong user name or password (docs/xprotect-api.md §1)."""
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
    """``GET /api/.well-known/uris`` (since 2022 R1, docs/xprotect-api.md §0)."""
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

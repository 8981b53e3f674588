# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bearer tokens from the XProtect identity provider (IDP).

The IDP hands out tokens for the password grant (basic users) and for the windows_credentials grant
(Windows users, authenticated with NTLM) with ``client_id=GrantValidatorClient``; they last ``expires_in``
seconds (3600 on real servers) and come without a refresh token, so "refreshing" means asking again with
the same credentials. The manager logs in lazily, reuses a token for its lifetime,
renews it shortly before it runs out, and lets exactly one thread log in when several need a token at
once (fleet work runs requests in parallel, and every grant is a login on the server).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import threading
import time
import typing as t

from ._errors import AuthenticationError, UnexpectedResponseError

CLIENT_ID = 'GrantValidatorClient'
PASSWORD_GRANT = 'password'
WINDOWS_GRANT = 'windows_credentials'

#: Renew this long before expiry (capped at a tenth of the lifetime for short-lived tokens).
REFRESH_MARGIN = 60.0

IDP_ERROR_TEXT = {
    'InvalidCredentials': 'the user name or password is wrong',
    'LockedOut': 'the account is locked out',
    'ChangePassword': 'the password must be changed before the account can be used',
    'invalid_grant': 'the user name or password is wrong',
    'invalid_client': 'the identity provider does not accept this client',
    'unsupported_grant_type': 'the identity provider does not support this login type',
    'invalid_request': 'the login request was incomplete',
}


@dataclasses.dataclass
class Token:
    """An access token and when it stops being usable."""

    value: str = dataclasses.field(repr=False)
    expires_in: float | None
    obtained_monotonic: float
    obtained_epoch: float
    token_type: str = 'Bearer'
    scope: str = ''
    source: str = 'login'

    @property
    def expires_at_epoch(self) -> float | None:
        if self.expires_in is None:
            return None
        return self.obtained_epoch + self.expires_in

    def is_fresh(self, now: float) -> bool:
        """True while the token can be used without renewing it first."""
        if self.expires_in is None:
            return True
        margin = min(REFRESH_MARGIN, self.expires_in * 0.1)
        return now < self.obtained_monotonic + self.expires_in - margin


def jwt_lifetime(token: str, now_epoch: float) -> float | None:
    """Seconds until a JWT's ``exp`` claim, or None if the token is not a readable JWT.

    XProtect tokens are RS256 JWTs; the signature is not checked (the server does that), the claim is
    only read to know when a given access_token should be renewed.
    """
    parts = token.split('.')
    if len(parts) != 3:
        return None
    payload = parts[1] + '=' * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode('ascii')))
        expiry = float(claims['exp'])
    except (ValueError, KeyError, TypeError, UnicodeError):
        return None
    return expiry - now_epoch


class TokenManager:
    """Hands out a valid bearer token, logging in (again) when needed."""

    def __init__(self, grant: t.Callable[[], dict[str, t.Any]], *, can_login: bool, access_token: str | None = None,
                 clock: t.Callable[[], float] = time.monotonic, wall_clock: t.Callable[[], float] = time.time) -> None:
        self._grant = grant
        self.can_login = can_login
        self._clock = clock
        self._wall_clock = wall_clock
        self._lock = threading.Lock()
        self._token: Token | None = None
        self.grants = 0
        if access_token:
            lifetime = jwt_lifetime(access_token, wall_clock())
            self._token = Token(value=access_token, expires_in=lifetime, obtained_monotonic=clock(),
                                obtained_epoch=wall_clock(), source='given')

    @property
    def current(self) -> Token | None:
        return self._token

    def token(self) -> str:
        """A token that is valid now, logging in if there is none or it is about to expire."""
        with self._lock:
            token = self._token
            if token is not None and (token.is_fresh(self._clock()) or not self.can_login):
                # A given token without credentials is used as is: the server decides whether it is valid.
                return token.value
            return self._login_locked().value

    def login(self) -> Token:
        """Log in now, whatever the state of the current token."""
        with self._lock:
            return self._login_locked()

    def renew_after_rejection(self, rejected: str) -> str | None:
        """The server answered 401 for ``rejected``: return a new token, or None if none can be had.

        Several threads can see a 401 for the same stale token; only the first logs in, the others get
        its new token.
        """
        with self._lock:
            if self._token is not None and self._token.value != rejected:
                return self._token.value
            if not self.can_login:
                return None
            return self._login_locked().value

    def _login_locked(self) -> Token:
        started_monotonic, started_epoch = self._clock(), self._wall_clock()
        body = self._grant()
        self.grants += 1
        value = body.get('access_token')
        if not isinstance(value, str) or not value:
            raise UnexpectedResponseError('the identity provider answered without an access_token', action='log in')
        try:
            expires_in: float | None = float(body.get('expires_in'))
        except (TypeError, ValueError):
            expires_in = jwt_lifetime(value, started_epoch)
        self._token = Token(value=value, expires_in=expires_in, obtained_monotonic=started_monotonic,
                            obtained_epoch=started_epoch, token_type=str(body.get('token_type', 'Bearer')),
                            scope=str(body.get('scope', '')), source='login')
        return self._token


def windows_username_problem(username: str) -> str | None:
    """Why ``username`` cannot be a Windows account for NTLM, or None if it can.

    requests-ntlm (through pyspnego) splits ``DOMAIN\\user`` at the backslash into the NTLM domain and user
    fields and sends any other name, such as the UPN ``user@domain``, whole as the user with an empty domain,
    which Active Directory also accepts. A bare name is refused here: without a domain the server would try
    it against its own accounts, and the usual cause is a basic user given with ``auth_type: windows``.
    """
    if '\\' in username:
        domain, _sep, account = username.partition('\\')
        if domain and account and '\\' not in account:
            return None
    elif '@' in username:
        account, _sep, domain = username.rpartition('@')
        if account and domain:
            return None
    return (f"auth_type windows needs the Windows account with its domain, as DOMAIN\\user or user@domain (not '{username}'); "
            'for a local account of the management server use COMPUTERNAME\\user, and for an XProtect basic user use auth_type basic')


def idp_error(status: int, body: t.Any, username: str | None, *, windows: bool = False) -> AuthenticationError:
    """Turn the IDP's refusal into a clear authentication error (never quoting the password)."""
    code = ''
    description = ''
    if isinstance(body, dict):
        code = str(body.get('error_code') or body.get('error') or '')
        description = str(body.get('error_description') or '')
    reason = IDP_ERROR_TEXT.get(code) or IDP_ERROR_TEXT.get(str(body.get('error')) if isinstance(body, dict) else '', '')
    kind = 'Windows user' if windows else 'user'
    who = f"{kind} '{username}'" if username else 'the given user'
    summary = f'the identity provider refused {who} (HTTP {status}'
    summary += f', {code}' if code else ''
    summary += f': {reason})' if reason else ')'
    details = [description] if description and description != code else []
    return AuthenticationError(summary, action='log in', status=status, details=details, method='POST',
                               hint=_refusal_hint(username or '', windows))


def _refusal_hint(username: str, windows: bool) -> str | None:
    """Advice for the likely mix-up between basic and Windows users (None keeps the general advice)."""
    if windows:
        return ('Check the Windows password and that the account is a Windows user of XProtect; '
                'an XProtect basic user logs in with auth_type basic.')
    if '\\' in username:
        return f"'{username}' looks like a Windows account: Windows users log in with auth_type windows."
    return None

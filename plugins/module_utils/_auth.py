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
import datetime
import json
import threading
import time
import typing as t
from urllib.parse import urlsplit

from ._errors import AuthenticationError, ConfigurationError, InputError, UnexpectedResponseError, error_for_status
from ._transport import FORM_HEADERS, NTLM_PACKAGE_ADVICE, REST_PATH, decode, error_texts, import_ntlm, normalize_base_url

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


def idp_error(status: int, body: t.Any, username: str | None, *, windows: bool = False, path: str = '') -> AuthenticationError:
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
    return AuthenticationError(summary, action='log in', status=status, details=details, method='POST', path=path,
                               hint=_refusal_hint(username or '', windows))


def _refusal_hint(username: str, windows: bool) -> str | None:
    """Advice for the likely mix-up between basic and Windows users (None keeps the general advice)."""
    if windows:
        return ('Check the Windows password and that the account is a Windows user of XProtect; '
                'an XProtect basic user logs in with auth_type basic.')
    if '\\' in username:
        return f"'{username}' looks like a Windows account: Windows users log in with auth_type windows."
    return None


class IdentityProvider:
    """Where tokens come from: discovery (``api_discovery``) and the password and windows_credentials grants.

    ``send`` is the transport's request function (``XProtectClient._http``), so every token request goes
    through the same retry policy and error mapping as the REST requests.
    """

    def __init__(self, settings: t.Any, base_url: str, send: t.Callable[..., t.Any], *, redact: t.Callable[[str], str],
                 mount_idp: t.Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.base_url = base_url
        self.rest_url = base_url + REST_PATH
        self._send = send
        self._redact = redact
        self._mount_idp = mount_idp
        self.token_url: str | None = None
        self._discovered = False
        # Fleet work sends its first requests from several threads at once: discover only once.
        self._discovery_lock = threading.Lock()
        self._ntlm: tuple[t.Any, tuple[type[BaseException], ...]] | None = None
        if settings.auth_type == 'windows' and settings.has_credentials:
            self._ntlm = self.load_ntlm()

    @staticmethod
    def load_ntlm() -> tuple[t.Any, tuple[type[BaseException], ...]]:
        """requests-ntlm for auth_type windows, or a ConfigurationError that says how to install it."""
        try:
            return import_ntlm()
        except ImportError as error:
            raise ConfigurationError(f'auth_type windows needs the Python library requests-ntlm on the Ansible controller '
                                     f'({NTLM_PACKAGE_ADVICE}; the import failed: {error})') from None

    # -- discovery ----------------------------------------------------------------------------------

    def discover(self) -> None:
        """With ``api_discovery``, read where the IDP and the API Gateway live from the management server."""
        if self._discovered or not self.settings.api_discovery:
            return
        with self._discovery_lock:
            if not self._discovered:
                self._discover_locked()

    def _discover_locked(self) -> None:
        action = 'discover the API Gateway and identity provider'
        uris = self._send('GET', self.base_url + '/api/.well-known/uris', action=action)
        body = decode(uris)
        if uris.status_code != 200 or not isinstance(body, dict) or not body.get('ApiGateways'):
            raise UnexpectedResponseError(f'{self.base_url}/api/.well-known/uris answered HTTP {uris.status_code} without ApiGateways',
                                          action=action, status=uris.status_code,
                                          hint='api_discovery needs XProtect 2022 R1 or later; otherwise set server_url to the API Gateway.')
        gateway = str(body['ApiGateways'][0]).rstrip('/')
        self.rest_url = normalize_base_url(gateway) + REST_PATH
        idp = str(body.get('IdentityProvider') or self.base_url + '/IDP').rstrip('/')
        config = self._send('GET', idp + '/.well-known/openid-configuration', action=action)
        config_body = decode(config)
        if config.status_code == 200 and isinstance(config_body, dict) and config_body.get('token_endpoint'):
            self.token_url = str(config_body['token_endpoint'])
        else:
            self.token_url = idp + '/connect/token'
        if self._mount_idp is not None:
            # the IDP may live on another host than server_url: its token request is retried like a GET there too
            self._mount_idp(self.token_url)
        self._discovered = True

    # -- grants -------------------------------------------------------------------------------------

    def grant(self) -> dict[str, t.Any]:
        """Ask the IDP for a token (called by the token manager, also to renew it)."""
        self.discover()
        if self.settings.auth_type == 'windows':
            return self._grant_windows()
        return self._grant_password()

    def _grant_password(self) -> dict[str, t.Any]:
        """A basic user's password grant, through the gateway's /API/IDP route or the IDP itself."""
        form = {'grant_type': PASSWORD_GRANT, 'username': self.settings.username, 'password': self.settings.password,
                'client_id': CLIENT_ID}
        candidates = [self.token_url] if self.token_url else [self.base_url + '/API/IDP/connect/token', self.base_url + '/IDP/connect/token']
        response = None
        for url in candidates:
            response = self._send('POST', url, action='log in', data=form, headers=FORM_HEADERS)
            # Gateways before 2023 R1 do not pass /API/IDP through; the IDP itself still answers.
            if response.status_code != 404:
                self.token_url = url
                break
        return self._token_body(response, candidates[-1], windows=False)

    def _grant_windows(self) -> dict[str, t.Any]:
        """A Windows user's windows_credentials grant, authenticated with NTLM.

        NTLM authenticates the connection in three legs (requests-ntlm keeps it open between them), and the
        API Gateway does not pass NTLM through, so the request always goes to the IDP itself: the management
        server's /IDP/connect/token, or the token endpoint that api_discovery found.
        """
        http_ntlm_auth, handshake_errors = self._ntlm or self.load_ntlm()
        url = self.token_url or self.base_url + '/IDP/connect/token'
        form = {'grant_type': WINDOWS_GRANT, 'client_id': CLIENT_ID}
        try:
            response = self._send('POST', url, action='log in', data=form, headers=FORM_HEADERS,
                                  auth=http_ntlm_auth(self.settings.username, self.settings.password))
        except handshake_errors as error:
            raise AuthenticationError(f"the NTLM handshake for Windows user '{self.settings.username}' with {urlsplit(url).path} "
                                      f'failed ({self._redact(str(error))})', action='log in', method='POST', path=urlsplit(url).path,
                                      hint='Windows users log in at the identity provider on the management server, which must '
                                           'offer NTLM; check server_url, or set api_discovery=true when server_url is a '
                                           'separate API Gateway.') from None
        return self._token_body(response, url, windows=True)

    def _token_body(self, response: t.Any, url: str, *, windows: bool) -> dict[str, t.Any]:
        """The token answer's body, or the IDP's refusal as a typed error."""
        body = decode(response)
        path = urlsplit(response.url or url).path
        if response.status_code == 200 and isinstance(body, dict):
            return body
        if response.status_code in (400, 401, 403) and isinstance(body, dict):
            raise idp_error(response.status_code, body, self.settings.username, windows=windows, path=path)
        if windows and response.status_code == 401:
            raise self._ntlm_refusal(response, path)
        hint = 'Check that server_url points at the XProtect API Gateway or management server.'
        if windows and response.status_code == 404:
            hint = ('Windows users log in at the identity provider on the management server: point server_url at it, or set '
                    'api_discovery=true.')
        raise error_for_status(response.status_code)(
            f'the identity provider at {path} answered HTTP {response.status_code}',
            action='log in', status=response.status_code, details=error_texts(body), method='POST', path=path, hint=hint)

    def _ntlm_refusal(self, response: t.Any, path: str) -> AuthenticationError:
        """A 401 without the IDP's JSON: IIS refusing the NTLM credentials, or an endpoint that does not offer NTLM."""
        offered = response.headers.get('WWW-Authenticate', '')
        user = f"Windows user '{self.settings.username}'"
        if any(scheme in offered.lower() for scheme in ('ntlm', 'negotiate')):
            return idp_error(401, {'error': 'invalid_grant'}, self.settings.username, windows=True, path=path)
        return AuthenticationError(f'{path} answered HTTP 401 without offering NTLM (WWW-Authenticate: {offered or "none"}), '
                                   f'so {user} cannot log in there', action='log in', status=401, method='POST', path=path,
                                   hint='Windows users log in at the identity provider on the management server; check '
                                        'server_url, or set api_discovery=true when server_url is a separate API Gateway.')


def login_job(module: t.Any) -> dict[str, t.Any]:
    """The job of the login module: one token grant, returned with its lifetime."""
    if not module.params.get('username'):
        raise InputError('login needs username and password (or XPROTECT_USERNAME and XPROTECT_PASSWORD); '
                         'an access_token alone is already a login')
    token = module.client.login()
    expires_at = token.expires_at_epoch
    return dict(
        changed=False,
        access_token=token.value,
        token_type=token.token_type,
        expires_in=int(token.expires_in) if token.expires_in is not None else None,
        expires_at=(datetime.datetime.fromtimestamp(expires_at, tz=datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
                    if expires_at is not None else None),
        scope=token.scope,
    )

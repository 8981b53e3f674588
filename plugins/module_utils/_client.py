# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP client for the XProtect API Gateway REST API (``/api/rest/v1``).

It knows HTTP and the XProtect API and nothing of Ansible, so modules, the inventory plugin and tests
share it. Paths given to its methods are relative to the REST root, e.g. ``userDefinedEvents`` or
``cameras/<id>/ptzPresets``.

Envelopes (from Milestone's documentation): a collection answers ``{"array": [...]}``, one object
``{"data": {...}}``, a create or a task invocation ``{"result": {...}}`` and an error
``{"error": {"httpCode": N, "details": [{"errorText": "..."}]}}``.
"""

from __future__ import annotations

import dataclasses
import http
import math
import os
import random
import re
import threading
import time
import typing as t
from urllib.parse import quote, urlencode, urlsplit

from ._auth import CLIENT_ID, PASSWORD_GRANT, WINDOWS_GRANT, Token, TokenManager, idp_error, windows_username_problem
from ._errors import (
    AuthenticationError,
    ConfigurationError,
    ConnectionFailedError,
    NotFoundError,
    RequestTimeoutError,
    TLSError,
    UnexpectedResponseError,
    XProtectError,
    error_for_status,
)
from ._retry import build_retry

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import ReadTimeoutError
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR: Exception | None = None
except ImportError as import_error:  # pragma: no cover - exercised by the sanity import test
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = import_error

COLLECTION_VERSION = '0.1.0'
USER_AGENT = f'milestone.xprotect/{COLLECTION_VERSION}'
REST_PATH = '/api/rest/v1'
DEFAULT_PAGE_SIZE = 500
#: Longest accepted ``timeout``: socket timeouts beyond a day are a typo, and far larger ones overflow.
MAX_TIMEOUT = 86400.0
#: A bearer token is one word of visible ASCII (XProtect's are JWTs); anything else cannot go into a header.
ACCESS_TOKEN_RE = re.compile(r'^[\x21-\x7e]+$')

FORM_HEADERS = {'Content-Type': 'application/x-www-form-urlencoded'}
NTLM_PACKAGE_ADVICE = 'pip install requests-ntlm'

#: A query: mapping or pairs; a value of None sends the key alone (``?tasks&noData``), as the API's own
#: samples do.
Query = t.Union[t.Mapping[str, t.Any], t.Sequence[t.Tuple[str, t.Any]], None]


@dataclasses.dataclass
class ConnectionSettings:
    """How to reach and authenticate to one XProtect API Gateway."""

    server_url: str
    username: str | None = None
    password: str | None = dataclasses.field(default=None, repr=False)
    auth_type: str = 'basic'
    validate_certs: bool = True
    ca_path: str | None = None
    timeout: float = 30.0
    retries: int = 3
    access_token: str | None = dataclasses.field(default=None, repr=False)
    api_discovery: bool = False
    backoff_factor: float = 0.5
    page_size: int = DEFAULT_PAGE_SIZE
    pool_size: int = 10

    def check(self) -> None:
        """Refuse settings that cannot work, before anything is sent."""
        if not self.server_url:
            raise ConfigurationError('server_url is required: set it on the task, through module_defaults, '
                                     'or in the XPROTECT_SERVER_URL environment variable')
        # A URL that may hold credentials is not repeated in messages (they end up in logs).
        shown = f"server_url '{self.server_url}'" if '@' not in self.server_url else 'server_url'
        try:
            parts = urlsplit(self.server_url)
            port = parts.port  # parsed here: a bad port would otherwise surface as an error deep inside requests
        except ValueError as error:
            raise ConfigurationError(f'{shown} is not a valid URL ({error}); give for example https://vms.example.com') from None
        if parts.scheme not in ('http', 'https') or not parts.netloc or port == 0:
            raise ConfigurationError(f'{shown} is not an http:// or https:// URL (for example https://vms.example.com)')
        if parts.username or parts.password:
            raise ConfigurationError('server_url must not contain credentials; use username and password')
        if self.auth_type not in ('basic', 'windows'):
            raise ConfigurationError(f"auth_type '{self.auth_type}' is not supported; use basic or windows")
        has_user = bool(self.username)
        has_password = self.password is not None and self.password != ''
        if has_user != has_password:
            missing = 'password' if has_user else 'username'
            raise ConfigurationError(f'{missing} is missing: give both username and password, or an access_token')
        if not has_user and not self.access_token:
            raise ConfigurationError('no credentials: give username and password (XPROTECT_USERNAME, '
                                     'XPROTECT_PASSWORD) or an access_token (XPROTECT_ACCESS_TOKEN)')
        if has_user and self.auth_type == 'windows':
            problem = windows_username_problem(str(self.username))
            if problem:
                raise ConfigurationError(problem)
        # NaN and infinity pass a "> 0" test but make the socket layer raise ValueError/OverflowError.
        if not math.isfinite(self.timeout) or self.timeout > MAX_TIMEOUT:
            raise ConfigurationError(f'timeout must be a finite number of seconds up to {MAX_TIMEOUT:g} (a day), not {self.timeout}')
        if self.timeout <= 0:
            raise ConfigurationError(f'timeout must be a positive number of seconds, not {self.timeout}')
        if self.validate_certs and self.ca_path and not os.path.exists(self.ca_path):
            # requests raises a bare OSError for a missing CA bundle, which would end the module with a traceback.
            raise ConfigurationError(f'ca_path {self.ca_path} does not exist; give the PEM file of the CA that signed the '
                                     "server's certificate")
        if self.access_token and not ACCESS_TOKEN_RE.match(self.access_token):
            # Never quoted: the value is a secret, and a line break in it would end up escaped (unredacted) in messages.
            raise ConfigurationError('access_token is not a token: it must be one word of printable ASCII characters '
                                     '(a JWT such as eyJ...); check for line breaks or spaces copied with it')
        if self.retries < 0:
            raise ConfigurationError(f'retries must be 0 or more, not {self.retries}')

    @property
    def has_credentials(self) -> bool:
        return bool(self.username) and bool(self.password)


@dataclasses.dataclass
class Response:
    """A decoded API answer."""

    status: int
    body: t.Any
    headers: t.Mapping[str, str]


def import_ntlm() -> tuple[t.Any, tuple[type[BaseException], ...]]:
    """requests-ntlm's ``HttpNtlmAuth`` and the errors its handshake can raise.

    Imported on first use, not with this module: only Windows users need it, and it loads pyspnego and
    cryptography, which basic users need neither install nor pay the import time for.
    """
    from requests_ntlm import HttpNtlmAuth  # pylint: disable=import-outside-toplevel
    from spnego.exceptions import SpnegoError  # pylint: disable=import-outside-toplevel
    # requests-ntlm raises PermissionError when the server's second answer holds no NTLM challenge.
    return HttpNtlmAuth, (PermissionError, ValueError, SpnegoError)


def ntlm_import_error() -> ImportError | None:
    """None if requests-ntlm can be imported, else the ImportError (for a missing-library message)."""
    try:
        import_ntlm()
    except ImportError as error:
        return error
    return None


def _read_timed_out(error: BaseException) -> bool:
    """True when a requests ConnectionError stands for a read timeout (the server was reached but did not answer)."""
    reason = error.args[0] if error.args else None
    return isinstance(getattr(reason, 'reason', reason), ReadTimeoutError)


def build_query(params: Query) -> str:
    """Encode a query string; keys whose value is None are sent bare (``tasks&noData``)."""
    if not params:
        return ''
    pairs = list(params.items()) if isinstance(params, t.Mapping) else list(params)
    parts = []
    for key, value in pairs:
        if value is None:
            parts.append(quote(str(key), safe=''))
        else:
            if isinstance(value, bool):
                value = 'true' if value else 'false'
            parts.append(urlencode({key: value}))
    return '?' + '&'.join(parts)


def error_texts(body: t.Any) -> list[str]:
    """The ``errorText`` lines of the gateway's error envelope (or the IDP's description)."""
    if not isinstance(body, dict):
        return []
    error = body.get('error')
    texts: list[str] = []
    if isinstance(error, dict):
        for detail in error.get('details') or []:
            if isinstance(detail, dict):
                text = detail.get('errorText') or detail.get('errorTextId')
                if text:
                    prop = detail.get('property')
                    texts.append(f'{text} (property {prop})' if prop else str(text))
        if not texts and error.get('message'):
            texts.append(str(error['message']))
    elif isinstance(error, str):
        texts.append(body.get('error_description') or error)
    params = body.get('params')
    if isinstance(params, dict) and params:
        texts.append('parameters the server expects: ' + ', '.join(sorted(params)))
    return texts


def normalize_base_url(server_url: str) -> str:
    """``https://host/``, ``https://host/API`` or ``https://host/api/rest/v1`` all mean ``https://host``."""
    url = server_url.strip().rstrip('/')
    lowered = url.lower()
    for suffix in (REST_PATH, '/api'):
        if lowered.endswith(suffix):
            url = url[:-len(suffix)]
            lowered = url.lower()
    return url


class XProtectClient:
    """A session with one XProtect API Gateway: login, retries, errors, paging and tasks."""

    def __init__(self, settings: ConnectionSettings, *, session: t.Any = None, sleep: t.Callable[[float], None] = time.sleep) -> None:
        settings.check()
        if not HAS_REQUESTS and session is None:
            raise ConfigurationError(f'the Python library requests is required ({REQUESTS_IMPORT_ERROR})')
        self.settings = settings
        self.base_url = normalize_base_url(settings.server_url)
        self.rest_url = self.base_url + REST_PATH
        self.warnings: list[str] = []
        self._sleep = sleep
        self._token_url: str | None = None
        self._discovered = False
        # Fleet work sends its first requests from several threads at once: discover only once.
        self._discovery_lock = threading.Lock()
        self._secrets = [s for s in (settings.password, settings.access_token) if s]
        self._verify: bool | str = (settings.ca_path or True) if settings.validate_certs else False
        self._session = session if session is not None else self._build_session()
        self._ntlm: tuple[t.Any, tuple[type[BaseException], ...]] | None = None
        if settings.auth_type == 'windows' and settings.has_credentials:
            self._ntlm = self._load_ntlm()
        self.tokens = TokenManager(self._grant, can_login=settings.has_credentials, access_token=settings.access_token)
        if urlsplit(self.base_url).scheme == 'http':
            self.warnings.append(f'server_url {self.base_url} uses plain http: the password and tokens cross the '
                                 'network unencrypted. Use https.')

    # -- plumbing -----------------------------------------------------------------------------------

    @staticmethod
    def _load_ntlm() -> tuple[t.Any, tuple[type[BaseException], ...]]:
        """requests-ntlm for auth_type windows, or a ConfigurationError that says how to install it."""
        try:
            return import_ntlm()
        except ImportError as error:
            raise ConfigurationError(f'auth_type windows needs the Python library requests-ntlm on the Ansible controller '
                                     f'({NTLM_PACKAGE_ADVICE}; the import failed: {error})') from None

    def _build_session(self) -> t.Any:
        session = requests.Session()
        session.headers['User-Agent'] = USER_AGENT
        session.headers['Accept'] = 'application/json'
        settings = self.settings
        if not settings.validate_certs:
            try:
                import urllib3
                urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
            except ImportError:  # pragma: no cover
                pass
        pool = max(10, settings.pool_size)
        adapter = HTTPAdapter(max_retries=build_retry(settings.retries, backoff_factor=settings.backoff_factor),
                              pool_connections=4, pool_maxsize=pool)
        session.mount('http://', adapter)
        session.mount('https://', adapter)
        # Asking the IDP for a token again cannot do harm, so its POST is retried like a GET.
        idp_adapter = HTTPAdapter(max_retries=build_retry(settings.retries, backoff_factor=settings.backoff_factor, allow_post=True),
                                  pool_connections=2, pool_maxsize=pool)
        for path in ('/IDP/', '/API/IDP/'):
            session.mount(self.base_url + path, idp_adapter)
        self._idp_adapter = idp_adapter
        return session

    def redact(self, text: str) -> str:
        """Remove the password and every token this client knows of from ``text``."""
        secrets = list(self._secrets)
        if self.tokens.current is not None:
            secrets.append(self.tokens.current.value)
        for secret in secrets:
            if secret and len(secret) >= 3:
                # Exception texts often quote values with repr(), which escapes line breaks and quotes.
                for form in dict.fromkeys((secret, repr(secret)[1:-1])):
                    text = text.replace(form, '********')
        return text

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> 'XProtectClient':
        return self

    def __exit__(self, *exc: t.Any) -> None:
        self.close()

    def _http(self, method: str, url: str, *, action: str, headers: dict | None = None, **kwargs: t.Any) -> t.Any:
        """Send one HTTP request (retries happen inside the adapter); map transport failures to typed errors."""
        path = urlsplit(url).path
        try:
            # verify goes with every request: requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE from the environment
            # override a session's verify, which would silently ignore ca_path and validate_certs=false.
            return self._session.request(method, url, headers=headers, timeout=self.settings.timeout, allow_redirects=False,
                                         verify=self._verify, **kwargs)
        except requests.exceptions.SSLError as error:
            raise TLSError(f'the TLS certificate of {self.base_url} could not be verified ({self._reason(error)})',
                           action=action, method=method, path=path) from None
        except requests.exceptions.ConnectTimeout:
            raise ConnectionFailedError(f'{self.base_url} did not accept a connection within {self.settings.timeout:g} s',
                                        action=action, method=method, path=path) from None
        except requests.exceptions.Timeout:
            raise self._answer_timeout(action, method, path) from None
        except requests.exceptions.ConnectionError as error:
            if _read_timed_out(error):
                # With retries, urllib3 wraps the last read timeout in MaxRetryError and requests reports a ConnectionError.
                raise self._answer_timeout(action, method, path) from None
            reason = self._reason(error)
            failed = ConnectionFailedError(f'cannot reach {self.base_url} ({reason})', action=action, method=method, path=path)
            # A refused or unresolvable connection never carried the request; a reset might have.
            failed.ambiguous = not any(word in reason.lower() for word in ('refused', 'name or service', 'resolve', 'unreachable'))
            raise failed from None
        except requests.exceptions.RequestException as error:
            raise ConnectionFailedError(f'the request to {self.base_url} failed ({self._reason(error)})',
                                        action=action, method=method, path=path) from None

    def _answer_timeout(self, action: str, method: str, path: str) -> RequestTimeoutError:
        error = RequestTimeoutError(f'{self.base_url} did not answer within {self.settings.timeout:g} s',
                                    action=action, method=method, path=path)
        error.ambiguous = True  # the server may be processing the request all the same
        return error

    def _reason(self, error: BaseException) -> str:
        """The innermost useful reason of a requests/urllib3 exception, without URLs' query strings."""
        reason: t.Any = error
        seen = set()
        while True:
            inner = getattr(reason, 'reason', None) or (reason.args[0] if getattr(reason, 'args', None) else None)
            if inner is None or id(inner) in seen or isinstance(inner, str):
                break
            seen.add(id(inner))
            reason = inner
        text = str(reason)
        for marker in ('[Errno', 'certificate verify failed', 'Connection refused', 'Connection reset', 'Name or service not known',
                       'hostname', 'timed out', 'Remote end closed'):
            index = text.find(marker)
            if index >= 0:
                text = text[index:]
                break
        return self.redact(text.strip().rstrip(')').strip("'\"") or type(error).__name__)

    @staticmethod
    def _decode(response: t.Any) -> t.Any:
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return None

    # -- authentication ---------------------------------------------------------------------------

    def _discover(self) -> None:
        """With ``api_discovery``, read where the IDP and the API Gateway live from the management server."""
        if self._discovered or not self.settings.api_discovery:
            return
        with self._discovery_lock:
            if not self._discovered:
                self._discover_locked()

    def _discover_locked(self) -> None:
        action = 'discover the API Gateway and identity provider'
        uris = self._http('GET', self.base_url + '/api/.well-known/uris', action=action)
        body = self._decode(uris)
        if uris.status_code != 200 or not isinstance(body, dict) or not body.get('ApiGateways'):
            raise UnexpectedResponseError(f'{self.base_url}/api/.well-known/uris answered HTTP {uris.status_code} without ApiGateways',
                                          action=action, status=uris.status_code,
                                          hint='api_discovery needs XProtect 2022 R1 or later; otherwise set server_url to the API Gateway.')
        gateway = str(body['ApiGateways'][0]).rstrip('/')
        self.rest_url = normalize_base_url(gateway) + REST_PATH
        idp = str(body.get('IdentityProvider') or self.base_url + '/IDP').rstrip('/')
        config = self._http('GET', idp + '/.well-known/openid-configuration', action=action)
        config_body = self._decode(config)
        if config.status_code == 200 and isinstance(config_body, dict) and config_body.get('token_endpoint'):
            self._token_url = str(config_body['token_endpoint'])
        else:
            self._token_url = idp + '/connect/token'
        idp_adapter = getattr(self, '_idp_adapter', None)
        if idp_adapter is not None:
            # the IDP may live on another host than server_url: its token request is retried like a GET there too
            token_parts = urlsplit(self._token_url)
            self._session.mount(f'{token_parts.scheme}://{token_parts.netloc}{token_parts.path.rsplit("/connect/", 1)[0]}/', idp_adapter)
        self._discovered = True

    def _grant(self) -> dict[str, t.Any]:
        """Ask the IDP for a token (called by the token manager, also to renew it)."""
        self._discover()
        if self.settings.auth_type == 'windows':
            return self._grant_windows()
        return self._grant_password()

    def _grant_password(self) -> dict[str, t.Any]:
        """A basic user's password grant, through the gateway's /API/IDP route or the IDP itself."""
        form = {'grant_type': PASSWORD_GRANT, 'username': self.settings.username, 'password': self.settings.password,
                'client_id': CLIENT_ID}
        candidates = [self._token_url] if self._token_url else [self.base_url + '/API/IDP/connect/token', self.base_url + '/IDP/connect/token']
        response = None
        for url in candidates:
            response = self._http('POST', url, action='log in', data=form, headers=FORM_HEADERS)
            # Gateways before 2023 R1 do not pass /API/IDP through; the IDP itself still answers.
            if response.status_code != 404:
                self._token_url = url
                break
        return self._token_body(response, candidates[-1], windows=False)

    def _grant_windows(self) -> dict[str, t.Any]:
        """A Windows user's windows_credentials grant, authenticated with NTLM.

        NTLM authenticates the connection in three legs (requests-ntlm keeps it open between them), and the
        API Gateway does not pass NTLM through, so the request always goes to the IDP itself: the management
        server's /IDP/connect/token, or the token endpoint that api_discovery found.
        """
        http_ntlm_auth, handshake_errors = self._ntlm or self._load_ntlm()
        url = self._token_url or self.base_url + '/IDP/connect/token'
        form = {'grant_type': WINDOWS_GRANT, 'client_id': CLIENT_ID}
        try:
            response = self._http('POST', url, action='log in', data=form, headers=FORM_HEADERS,
                                  auth=http_ntlm_auth(self.settings.username, self.settings.password))
        except handshake_errors as error:
            raise AuthenticationError(f"the NTLM handshake for Windows user '{self.settings.username}' with {urlsplit(url).path} "
                                      f'failed ({self.redact(str(error))})', action='log in', method='POST', path=urlsplit(url).path,
                                      hint='Windows users log in at the identity provider on the management server, which must '
                                           'offer NTLM; check server_url, or set api_discovery=true when server_url is a '
                                           'separate API Gateway.') from None
        return self._token_body(response, url, windows=True)

    def _token_body(self, response: t.Any, url: str, *, windows: bool) -> dict[str, t.Any]:
        """The token answer's body, or the IDP's refusal as a typed error."""
        body = self._decode(response)
        path = urlsplit(response.url or url).path
        if response.status_code == 200 and isinstance(body, dict):
            return body
        if response.status_code in (400, 401, 403) and isinstance(body, dict):
            raise idp_error(response.status_code, body, self.settings.username, windows=windows)
        if windows and response.status_code == 401:
            raise self._ntlm_refusal(response, path)
        hint = 'Check that server_url points at the XProtect API Gateway or management server.'
        if windows and response.status_code == 404:
            hint = ('Windows users log in at the identity provider on the management server: point server_url at it, or set '
                    'api_discovery=true.')
        raise error_for_status(response.status_code)(
            f'the identity provider at {path} answered HTTP {response.status_code}',
            action='log in', status=response.status_code, details=error_texts(body), method='POST', hint=hint)

    def _ntlm_refusal(self, response: t.Any, path: str) -> AuthenticationError:
        """A 401 without the IDP's JSON: IIS refusing the NTLM credentials, or an endpoint that does not offer NTLM."""
        offered = response.headers.get('WWW-Authenticate', '')
        user = f"Windows user '{self.settings.username}'"
        if any(scheme in offered.lower() for scheme in ('ntlm', 'negotiate')):
            return idp_error(401, {'error': 'invalid_grant'}, self.settings.username, windows=True)
        return AuthenticationError(f'{path} answered HTTP 401 without offering NTLM (WWW-Authenticate: {offered or "none"}), '
                                   f'so {user} cannot log in there', action='log in', status=401, method='POST', path=path,
                                   hint='Windows users log in at the identity provider on the management server; check '
                                        'server_url, or set api_discovery=true when server_url is a separate API Gateway.')

    def login(self) -> Token:
        """Log in now and return the token (for the login module)."""
        return self.tokens.login()

    @property
    def token_grants(self) -> int:
        return self.tokens.grants

    # -- requests ---------------------------------------------------------------------------------

    def request(self, method: str, path: str, *, params: Query = None, body: t.Any = None, action: str | None = None,
                expected: t.Collection[int] = (200,)) -> Response:
        """Send an authenticated request to the REST API and return the decoded answer.

        A 401 is answered by logging in again and repeating the request once (when credentials are
        known). Anything outside ``expected`` raises a typed ``XProtectError``.
        """
        self._discover()
        method = method.upper()
        url = self.rest_url + '/' + path.lstrip('/') + build_query(params)
        action = action or f'{method} {path}'
        kwargs: dict[str, t.Any] = {}
        if body is not None:
            kwargs['json'] = body
        token = self.tokens.token()
        response = self._http(method, url, action=action, headers={'Authorization': f'Bearer {token}'}, **kwargs)
        if response.status_code == 401:
            renewed = self.tokens.renew_after_rejection(token)
            if renewed is not None:
                response = self._http(method, url, action=action, headers={'Authorization': f'Bearer {renewed}'}, **kwargs)
        decoded = self._decode(response)
        if response.status_code in expected:
            return Response(response.status_code, decoded, response.headers)
        raise self._status_error(method, path, response.status_code, decoded, action)

    def _status_error(self, method: str, path: str, status: int, body: t.Any, action: str) -> XProtectError:
        error_class = error_for_status(status)
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = ''
        summary = f'the server answered HTTP {status}' + (f' {reason}' if reason else '')
        hint = None
        if status == 401:
            hint = ('The access_token was refused (expired or issued by another server) and no username/password were given '
                    'to get a new one.' if not self.settings.has_credentials else
                    'The server refused a freshly issued token; check that server_url and the identity provider belong to the same system.')
        elif status == 404 and not isinstance(body, dict):
            error_class = UnexpectedResponseError
            summary = f'{self.rest_url} answered HTTP 404 without the API Gateway error envelope'
        error = error_class(summary, action=action, status=status, details=[self.redact(text) for text in error_texts(body)],
                            method=method, path=path, hint=hint)
        # 502/504 (or 500) on a POST may have been processed: the caller has to look before trying again.
        error.ambiguous = method == 'POST' and status in (500, 502, 504)
        return error

    # -- the REST resources -----------------------------------------------------------------------

    def get(self, path: str, *, params: Query = None, action: str | None = None) -> t.Any:
        """GET and return the decoded body."""
        return self.request('GET', path, params=params, action=action).body

    def get_data(self, path: str, *, params: Query = None, action: str | None = None) -> dict[str, t.Any]:
        """GET one object and return its ``data``."""
        body = self.get(path, params=params, action=action)
        return self._envelope(body, 'data', 'GET', path, action)

    def list(self, path: str, *, params: Query = None, action: str | None = None, page_size: int | None = None) -> list[dict[str, t.Any]]:
        """GET every item of a collection, following ``page``/``size`` to the end.

        The API returns no total, so paging stops at the first short page. A server that ignores paging
        is detected: a page longer than asked for is the whole collection, and a page 1 that starts where
        page 0 did (``page`` ignored, ``size`` honoured) makes the client read the collection once without
        paging rather than return only its first page.
        """
        size = page_size or self.settings.page_size
        base = list(params.items()) if isinstance(params, t.Mapping) else list(params or [])
        items: list[dict[str, t.Any]] = []
        first_marker: t.Any = None
        page = 0
        while True:
            batch = self._array(self.get(path, params=base + [('page', page), ('size', size)], action=action), path, action)
            if not batch:
                break
            marker = self._identity(batch[0])
            if page == 0:
                first_marker = marker
            elif marker == first_marker:
                return self._array(self.get(path, params=base, action=action), path, action)
            items.extend(batch)
            if len(batch) != size:
                break  # a short page is the last one; a longer one means the server sent everything
            page += 1
        return items

    def _array(self, body: t.Any, path: str, action: str | None) -> list[dict[str, t.Any]]:
        batch = self._envelope(body, 'array', 'GET', path, action)
        if not isinstance(batch, list):
            raise UnexpectedResponseError(f'GET {path} answered "array" that is not a list', action=action or f'list {path}')
        return batch

    @staticmethod
    def _identity(item: t.Any) -> t.Any:
        if isinstance(item, dict):
            return item.get('id') or (item.get('relations') or {}).get('self', {}).get('id') or repr(sorted(item.items()))[:200]
        return repr(item)

    def _envelope(self, body: t.Any, key: str, method: str, path: str, action: str | None) -> t.Any:
        if not isinstance(body, dict) or key not in body:
            raise UnexpectedResponseError(f'{method} {path} answered without the "{key}" envelope the XProtect API uses',
                                          action=action or f'{method} {path}')
        return body[key]

    def _backoff(self, attempt: int) -> float:
        """Seconds to wait before attempt ``attempt + 1``: exponential, with up to 50 % jitter."""
        return self.settings.backoff_factor * (2 ** attempt) * (1 + random.random() / 2)

    def _post_once(self, send: t.Callable[[], dict[str, t.Any]], look: t.Callable[[], dict[str, t.Any] | None] | None) -> dict[str, t.Any]:
        """Send a POST that must not take effect twice (a create, a task invocation).

        The adapter already repeats a POST that the gateway refused outright (429, 503). After an
        ambiguous failure (a reset connection, a read timeout, 502, 504) the server may still be working
        on it: wait first, then ``look`` for its effect, and send again only if there is none. The look
        also follows the last attempt, so an effect is reported whenever there is one. Without ``look``
        an ambiguous failure is never repeated.
        """
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            try:
                return send()
            except XProtectError as error:
                if not error.ambiguous or look is None:
                    raise
                self._sleep(self._backoff(attempt))
                found = look()
                if found is not None:
                    return found
                if attempt == attempts - 1:
                    raise
        raise AssertionError('unreachable')  # pragma: no cover

    def create(self, path: str, body: dict[str, t.Any], *, find_created: t.Callable[[], dict[str, t.Any] | None] | None = None,
               action: str | None = None) -> dict[str, t.Any]:
        """POST a new object and return the server's ``result`` (or, after an ambiguous failure, what ``find_created`` found)."""
        action = action or f'create {path}'

        def send() -> dict[str, t.Any]:
            response = self.request('POST', path, body=body, action=action, expected=(200, 201))
            return self._envelope(response.body, 'result', 'POST', path, action)

        return self._post_once(send, find_created)

    def update(self, path: str, body: dict[str, t.Any], *, method: str = 'PATCH', action: str | None = None) -> dict[str, t.Any]:
        """PATCH (or PUT) an object and return the updated ``data``."""
        response = self.request(method, path, body=body, action=action or f'update {path}')
        return self._envelope(response.body, 'data', method, path, action)

    def delete(self, path: str, *, action: str | None = None, missing_ok: bool = True) -> bool:
        """DELETE an object. Returns False if it was already gone (and ``missing_ok``)."""
        try:
            self.request('DELETE', path, action=action or f'delete {path}')
        except NotFoundError:
            # A DELETE repeated after a lost answer finds nothing: the object is gone either way.
            if missing_ok:
                return False
            raise
        return True

    def list_tasks(self, path: str, *, action: str | None = None) -> list[dict[str, t.Any]]:
        """The tasks a resource offers (``?tasks&noData``): ``[{"id": ..., "displayName": ...}]``."""
        body = self.get(path, params=[('tasks', None), ('noData', None)], action=action or f'list the tasks of {path}')
        tasks = body.get('tasks') if isinstance(body, dict) else None
        if not isinstance(tasks, list):
            raise UnexpectedResponseError(f'GET {path}?tasks answered without a "tasks" list', action=action or f'list the tasks of {path}')
        return tasks

    def invoke_task(self, path: str, task: str, body: dict[str, t.Any] | None = None, *, action: str | None = None,
                    find_started: t.Callable[[], dict[str, t.Any] | None] | None = None) -> dict[str, t.Any]:
        """Invoke ``task`` on a resource (``POST path?task=<task>``) and return its ``result``.

        After an ambiguous failure the invocation is repeated only if ``find_started`` finds no trace of it.
        """
        action = action or f'invoke {task} on {path}'

        def send() -> dict[str, t.Any]:
            response = self.request('POST', path, params=[('task', task)], body=body if body is not None else {}, action=action,
                                    expected=(200, 201, 202))
            return self._envelope(response.body, 'result', 'POST', path, action)

        return self._post_once(send, find_started)

    # -- server tasks -------------------------------------------------------------------------------

    def get_task(self, task_id: str, *, action: str | None = None) -> dict[str, t.Any]:
        return self.get_data(f'tasks/{quote(str(task_id), safe="")}', action=action or f'read task {task_id}')

    def stop_task(self, task_id: str) -> dict[str, t.Any]:
        """Run ``TaskStop`` on a running task (it then ends in ``Error``); returns the ``result``."""
        path = f'tasks/{quote(str(task_id), safe="")}'
        response = self.request('POST', path, params=[('task', 'TaskStop')], body={}, action=f'stop task {task_id}')
        return self._envelope(response.body, 'result', 'POST', path, f'stop task {task_id}')

    def cleanup_task(self, task_id: str) -> str:
        """Run ``TaskCleanup`` on a finished task. Returns ``cleaned``, ``gone`` or ``cleaned-legacy``.

        XProtect 2021 R2 gateways answer 400 "Method flow missing next MethodId" although the cleanup
        worked; that answer counts as success. A task that no longer exists needs no cleanup.
        """
        path = f'tasks/{quote(str(task_id), safe="")}'
        action = f'clean up task {task_id}'
        for attempt in range(self.settings.retries + 1):
            try:
                self.request('POST', path, params=[('task', 'TaskCleanup')], body={}, action=action)
                return 'cleaned'
            except NotFoundError:
                return 'gone'
            except XProtectError as error:
                if error.status == 400 and any('missing next methodid' in text.lower() for text in error.details):
                    return 'cleaned-legacy'
                # Cleaning up twice is harmless (the second finds nothing), so ambiguous failures are repeated.
                if not error.ambiguous or attempt == self.settings.retries:
                    raise
                self._sleep(self._backoff(attempt))
        raise AssertionError('unreachable')  # pragma: no cover


def task_id_of(result: t.Any) -> str | None:
    """The task id in a task invocation's ``result`` (``path: {type: tasks, id}``), or None if it finished at once."""
    if not isinstance(result, dict):
        return None
    path = result.get('path')
    if isinstance(path, dict) and str(path.get('type', '')).lower() == 'tasks' and path.get('id') is not None:
        return str(path['id'])
    return None

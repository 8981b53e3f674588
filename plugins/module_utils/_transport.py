# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP transport to the XProtect API Gateway: connection settings, one requests session, error mapping.

This layer knows HTTP, TLS and the gateway's error envelope (``{"error": {"httpCode": N, "details":
[{"errorText": "..."}]}}``), and nothing of tokens or resources: ``_auth`` asks it for token grants and
``_client`` for REST requests. Every transport failure becomes a typed ``XProtectError`` whose message says
what went wrong and what to change, and never repeats a secret (``Redactor``).
"""

from __future__ import annotations

import dataclasses
import http
import json
import math
import os
import re
import threading
import typing as t
from urllib.parse import quote, urlencode, urlsplit

from ._errors import (
    ConfigurationError,
    ConnectionFailedError,
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
#: Methods that change something on the server.
WRITE_METHODS = frozenset(('POST', 'PUT', 'PATCH', 'DELETE'))

FORM_HEADERS = {'Content-Type': 'application/x-www-form-urlencoded'}
NTLM_PACKAGE_ADVICE = 'pip install requests-ntlm'
#: What OpenSSL says when the other end answers a TLS handshake with something that is not TLS (plain HTTP).
NOT_TLS_MARKERS = ('wrong_version_number', 'wrong version number', 'unknown protocol', 'record layer failure',
                   'packet length too long', 'http request')
#: What the socket layer says when a server closes a connection without answering (a TLS port spoken to in plain HTTP).
CLOSED_MARKERS = ('remote end closed connection', 'remotedisconnected', 'connection aborted', 'connection reset')

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
        from ._auth import windows_username_problem  # pylint: disable=import-outside-toplevel  # _auth imports this module

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


class Redactor:
    """The one place that knows the secrets of a run and takes them out of text and data.

    The client registers the password, the given and the issued tokens; modules register secret option
    values (hardware passwords, client secrets). Messages, warnings, results and diffs pass through it.
    """

    MASK = '********'

    def __init__(self, *secrets: str | None) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: t.Any) -> None:
        """Remember a secret (values shorter than 3 characters would mask ordinary text and are ignored)."""
        if isinstance(secret, str) and len(secret) >= 3:
            with self._lock:
                self._secrets.add(secret)

    def text(self, text: str) -> str:
        """``text`` with every known secret masked (also in the escaped form ``repr()`` gives it)."""
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            for form in dict.fromkeys((secret, repr(secret)[1:-1])):
                text = text.replace(form, self.MASK)
        return text

    def data(self, value: t.Any) -> t.Any:
        """A copy of ``value`` (dicts, lists, strings) with every known secret masked (``value`` itself when it holds none)."""
        if not isinstance(value, str) and not self._holds_secret(value):
            return value  # a large result is scanned once as text instead of string by string
        return self._masked(value)

    def _holds_secret(self, value: t.Any) -> bool:
        with self._lock:
            secrets = list(self._secrets)
        if not secrets:
            return False
        try:
            dumped = json.dumps(value, default=str, ensure_ascii=False)
        except (TypeError, ValueError):
            return True  # cannot tell: mask string by string
        return any(form in dumped for secret in secrets for form in (secret, json.dumps(secret, ensure_ascii=False)[1:-1]))

    def _masked(self, value: t.Any) -> t.Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {key: self._masked(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._masked(item) for item in value]
        return value


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


def decode(response: t.Any) -> t.Any:
    """The JSON body of a response, or None when there is none (or it is not JSON)."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


class Transport:
    """One requests session with the retry policy; ``send`` maps every transport failure to a typed error."""

    def __init__(self, settings: ConnectionSettings, base_url: str, redactor: Redactor, *, session: t.Any = None) -> None:
        self.settings = settings
        self.base_url = base_url
        self.redactor = redactor
        self.verify: bool | str = (settings.ca_path or True) if settings.validate_certs else False
        self.idp_adapter: t.Any = None
        self.session = session if session is not None else self._build_session()
        #: Proxies from the environment (HTTPS_PROXY, NO_PROXY, ...) per host, read once: requests would read the
        #: environment again on every request, a fifth of a fleet run's request time.
        self._proxies: dict[str, dict[str, str]] = {}
        self._proxies_lock = threading.Lock()

    def _build_session(self) -> t.Any:
        session = requests.Session()
        # the environment is read once per host (proxies_for); verify goes with every request (send)
        session.trust_env = False
        session.headers['User-Agent'] = USER_AGENT
        session.headers['Accept'] = 'application/json'
        settings = self.settings
        if not settings.validate_certs:
            try:
                import urllib3  # pylint: disable=import-outside-toplevel
                urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
            except ImportError:  # pragma: no cover
                pass
        pool = max(10, settings.pool_size)
        adapter = HTTPAdapter(max_retries=build_retry(settings.retries, backoff_factor=settings.backoff_factor),
                              pool_connections=4, pool_maxsize=pool)
        session.mount('http://', adapter)
        session.mount('https://', adapter)
        # Asking the IDP for a token again cannot do harm, so its POST is retried like a GET.
        self.idp_adapter = HTTPAdapter(max_retries=build_retry(settings.retries, backoff_factor=settings.backoff_factor, allow_post=True),
                                       pool_connections=2, pool_maxsize=pool)
        for path in ('/IDP/', '/API/IDP/'):
            session.mount(self.base_url + path, self.idp_adapter)
        return session

    def proxies_for(self, url: str) -> dict[str, str]:
        """The environment's proxies for the host of ``url`` (NO_PROXY honoured), read once per host."""
        parts = urlsplit(url)
        key = f'{parts.scheme}://{parts.netloc}'
        with self._proxies_lock:
            if key not in self._proxies:
                self._proxies[key] = requests.utils.get_environ_proxies(key) if HAS_REQUESTS else {}
            return self._proxies[key]

    def mount_idp(self, token_url: str) -> None:
        """Retry token requests to an identity provider found elsewhere (api_discovery) like GETs too."""
        if self.idp_adapter is not None:
            parts = urlsplit(token_url)
            self.session.mount(f'{parts.scheme}://{parts.netloc}{parts.path.rsplit("/connect/", 1)[0]}/', self.idp_adapter)

    def close(self) -> None:
        self.session.close()

    def send(self, method: str, url: str, *, action: str, headers: dict | None = None, **kwargs: t.Any) -> t.Any:
        """Send one HTTP request (retries happen inside the adapter); map transport failures to typed errors."""
        path = urlsplit(url).path
        try:
            # verify goes with every request: requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE from the environment
            # override a session's verify, which would silently ignore ca_path and validate_certs=false.
            return self.session.request(method, url, headers=headers, timeout=self.settings.timeout, allow_redirects=False,
                                        verify=self.verify, proxies=self.proxies_for(url), **kwargs)
        except requests.exceptions.SSLError as error:
            raise self._tls_error(error, action, method, path) from None
        except requests.exceptions.ConnectTimeout:
            raise ConnectionFailedError(f'{self.base_url} did not accept a connection within {self.settings.timeout:g} s',
                                        action=action, method=method, path=path) from None
        except requests.exceptions.Timeout:
            raise self._answer_timeout(action, method, path) from None
        except requests.exceptions.ConnectionError as error:
            if _read_timed_out(error):
                # With retries, urllib3 wraps the last read timeout in MaxRetryError and requests reports a ConnectionError.
                raise self._answer_timeout(action, method, path) from None
            raise self._connection_error(error, action, method, path) from None
        except requests.exceptions.RequestException as error:
            raise ConnectionFailedError(f'the request to {self.base_url} failed ({self.reason(error)})',
                                        action=action, method=method, path=path) from None

    def _tls_error(self, error: BaseException, action: str, method: str, path: str) -> XProtectError:
        reason = self.reason(error)
        if any(marker in repr(error).lower() or marker in reason.lower() for marker in NOT_TLS_MARKERS):
            plain = 'http://' + self.base_url.split('://', 1)[-1]
            return TLSError(f'{self.base_url} did not answer in TLS: the server at that port seems to speak plain HTTP ({reason})',
                            action=action, method=method, path=path,
                            hint=f'If the API Gateway really serves plain HTTP there, use server_url {plain}; otherwise check the port.')
        hint = None
        lowered = reason.lower()
        if not self.settings.validate_certs:
            # The certificate was not being checked, so the advice to stop checking it would not help.
            hint = 'validate_certs is already false, so the TLS handshake itself failed; check the port and the server\'s TLS setup.'
        elif 'expired' in lowered:
            hint = ('The server\'s certificate has expired: renew it on the API Gateway, or set validate_certs to false until then '
                    '(insecure).')
        elif 'not valid for' in lowered or 'hostname' in lowered or "doesn't match" in lowered:
            hint = ('The certificate names another host: use in server_url the host name the certificate was issued for, '
                    'or set validate_certs to false (insecure).')
        elif self.settings.ca_path:
            hint = (f'ca_path {self.settings.ca_path} does not hold the CA that signed the server\'s certificate; give the PEM file '
                    'of that CA (preferred), or set validate_certs to false (insecure).')
        return TLSError(f'the TLS certificate of {self.base_url} could not be verified ({reason})',
                        action=action, method=method, path=path, hint=hint)

    def _connection_error(self, error: BaseException, action: str, method: str, path: str) -> ConnectionFailedError:
        reason = self.reason(error)
        lowered = (reason + ' ' + repr(error)).lower()
        hint = None
        if urlsplit(self.base_url).scheme == 'http' and any(marker in lowered for marker in CLOSED_MARKERS):
            secure = 'https://' + self.base_url.split('://', 1)[-1]
            summary = (f'{self.base_url} closed the connection without an answer, as a server that speaks TLS on that port does '
                       f'when it is spoken to in plain HTTP ({reason})')
            hint = f'If the API Gateway serves HTTPS there, use server_url {secure}; otherwise check that it is running.'
        else:
            summary = f'cannot reach {self.base_url} ({reason})'
        failed = ConnectionFailedError(summary, action=action, method=method, path=path, hint=hint)
        # A refused or unresolvable connection never carried the request; a reset might have.
        failed.ambiguous = not any(word in reason.lower() for word in ('refused', 'name or service', 'resolve', 'unreachable'))
        failed.unreachable = True
        return failed

    def _answer_timeout(self, action: str, method: str, path: str) -> RequestTimeoutError:
        error = RequestTimeoutError(f'{self.base_url} did not answer within {self.settings.timeout:g} s',
                                    action=action, method=method, path=path)
        error.ambiguous = True  # the server may be processing the request all the same
        return error

    def reason(self, error: BaseException) -> str:
        """The innermost useful reason of a requests/urllib3 exception, without URLs' query strings."""
        reason: t.Any = error
        seen = set()
        while True:
            inner = getattr(reason, 'reason', None) or (reason.args[0] if getattr(reason, 'args', None) else None)
            if inner is None or id(inner) in seen or isinstance(inner, str):
                if isinstance(inner, str) and len(getattr(reason, 'args', ())) > 1 and isinstance(reason.args[1], BaseException):
                    reason = reason.args[1]  # ('Connection aborted.', RemoteDisconnected(...)): the second says why
                break
            seen.add(id(inner))
            reason = inner
        text = str(reason)
        for marker in ('[Errno', 'certificate verify failed', 'Connection refused', 'Connection reset', 'Name or service not known',
                       'hostname', 'timed out', 'Remote end closed', '[SSL'):
            index = text.find(marker)
            if index >= 0:
                text = text[index:]
                break
        text = text.strip().strip("'\"")
        # urllib3 wraps reasons in one more pair of parentheses than it opens: drop only the unbalanced ones.
        while text.endswith(')') and text.count(')') > text.count('('):
            text = text[:-1].rstrip().strip("'\"")
        return self.redactor.text(text or type(error).__name__)


def status_error(rest_url: str, method: str, path: str, status: int, body: t.Any, action: str, *,
                 redactor: Redactor, has_credentials: bool) -> XProtectError:
    """The typed error for an answer outside the expected statuses."""
    error_class = error_for_status(status)
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = ''
    summary = f'the server answered HTTP {status}' + (f' {reason}' if reason else '')
    hint = None
    if status == 401:
        hint = ('The access_token was refused (expired or issued by another server) and no username/password were given '
                'to get a new one.' if not has_credentials else
                'The server refused a freshly issued token; check that server_url and the identity provider belong to the same system.')
    elif status == 404 and not isinstance(body, dict):
        error_class = UnexpectedResponseError
        summary = f'{rest_url} answered HTTP 404 without the API Gateway error envelope'
    error = error_class(summary, action=action, status=status, details=[redactor.text(text) for text in error_texts(body)],
                        method=method, path=path, hint=hint)
    # 502/504 (or 500) on a POST may have been processed: the caller has to look before trying again.
    error.ambiguous = method == 'POST' and status in (500, 502, 504)
    if isinstance(body, dict):
        # a task invoked without the parameters it needs answers what it asks for (docs/xprotect-api.md §7)
        error.params = body.get('params') if isinstance(body.get('params'), dict) else None
        error.definitions = body.get('definitions') if isinstance(body.get('definitions'), dict) else None
    return error

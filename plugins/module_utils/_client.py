# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client of the XProtect API Gateway REST API (``/api/rest/v1``).

It knows HTTP and the XProtect API and nothing of Ansible, so modules, the inventory plugin and tests
share it. Paths given to its methods are relative to the REST root, e.g. ``userDefinedEvents`` or
``cameras/<id>/ptzPresets``. It is made of three parts, one job each:

* ``_transport``: the requests session, retries, TLS, and the mapping of failures to typed errors;
* ``_auth``: discovery and token grants at the identity provider, tokens renewed before they expire;
* ``_tasks``: server tasks (``?task=``): invoke without duplicates, wait, stop, clean up.

Envelopes (docs/xprotect-api.md): a collection answers ``{"array": [...]}``, one object ``{"data": {...}}``,
a create or a task invocation ``{"result": {...}}`` and an error ``{"error": {"httpCode": N, "details":
[{"errorText": "..."}]}}``.
"""

from __future__ import annotations

import random
import threading
import time
import typing as t
from urllib.parse import urlsplit

from ._auth import IdentityProvider, Token, TokenManager
from ._errors import ConfigurationError, NotFoundError, UnexpectedResponseError, XProtectError
from ._tasks import ServerTasks, task_id_of  # noqa: F401  # pylint: disable=unused-import  # task_id_of: this module's interface
from ._transport import (  # noqa: F401  # pylint: disable=unused-import  # re-exported: the client's interface since 0.1.0
    COLLECTION_VERSION,
    DEFAULT_PAGE_SIZE,
    HAS_REQUESTS,
    NTLM_PACKAGE_ADVICE,
    REQUESTS_IMPORT_ERROR,
    REST_PATH,
    USER_AGENT,
    WRITE_METHODS,
    ConnectionSettings,
    Query,
    Redactor,
    Response,
    Transport,
    build_query,
    decode,
    error_texts,
    import_ntlm,
    normalize_base_url,
    ntlm_import_error,
    status_error,
)


class ReadOnlyViolation(XProtectError):
    """A write was about to be sent by a client that was built read-only (check mode): a bug, never sent."""


class XProtectClient:
    """A session with one XProtect API Gateway: login, retries, errors, paging and tasks."""

    def __init__(self, settings: ConnectionSettings, *, session: t.Any = None, sleep: t.Callable[[float], None] = time.sleep,
                 redactor: Redactor | None = None, read_only: bool = False) -> None:
        settings.check()
        if not HAS_REQUESTS and session is None:
            raise ConfigurationError(f'the Python library requests is required ({REQUESTS_IMPORT_ERROR})')
        self.settings = settings
        self.base_url = normalize_base_url(settings.server_url)
        self.warnings: list[str] = []
        self.redactor = redactor if redactor is not None else Redactor()
        self.redactor.add(settings.password)
        self.redactor.add(settings.access_token)
        #: Check mode: any write raises ReadOnlyViolation before it is sent.
        self.read_only = read_only
        #: REST writes the server answered with a success status (2xx), whatever came after.
        self.writes_done = 0
        self._writes_lock = threading.Lock()
        self._sleep = sleep
        self.transport = Transport(settings, self.base_url, self.redactor, session=session)
        self.idp = IdentityProvider(settings, self.base_url, self._http, redact=self.redact, mount_idp=self.transport.mount_idp)
        self.tokens = TokenManager(self._grant, can_login=settings.has_credentials, access_token=settings.access_token)
        self.tasks = ServerTasks(self)
        if urlsplit(self.base_url).scheme == 'http':
            self.warnings.append(f'server_url {self.base_url} uses plain http: the password and tokens cross the '
                                 'network unencrypted. Use https.')

    # -- plumbing -----------------------------------------------------------------------------------

    @property
    def rest_url(self) -> str:
        return self.idp.rest_url

    def redact(self, text: str) -> str:
        """Remove the password, every token and every registered secret from ``text``."""
        if self.tokens.current is not None:
            self.redactor.add(self.tokens.current.value)
        return self.redactor.text(text)

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> 'XProtectClient':
        return self

    def __exit__(self, *exc: t.Any) -> None:
        self.close()

    def _http(self, method: str, url: str, *, action: str, headers: dict | None = None, **kwargs: t.Any) -> t.Any:
        """Every request, REST and IDP, goes through here (tests hook it to inject faults)."""
        return self.transport.send(method, url, action=action, headers=headers, **kwargs)

    # -- authentication ---------------------------------------------------------------------------

    def _grant(self) -> dict[str, t.Any]:
        body = self.idp.grant()
        token = body.get('access_token') if isinstance(body, dict) else None
        self.redactor.add(token)
        return body

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
        method = method.upper()
        write = method in WRITE_METHODS
        action = action or f'{method} {path}'
        if write and self.read_only:
            raise ReadOnlyViolation(f'{method} {path} was about to be sent in check mode', action=action, method=method, path=path,
                                    hint='This is a bug of the collection; nothing was sent. Please report it.')
        self.idp.discover()
        url = self.rest_url + '/' + path.lstrip('/') + build_query(params)
        kwargs: dict[str, t.Any] = {}
        if body is not None:
            kwargs['json'] = body
        token = self.tokens.token()
        try:
            response = self._http(method, url, action=action, headers={'Authorization': f'Bearer {token}'}, **kwargs)
            if response.status_code == 401:
                renewed = self.tokens.renew_after_rejection(token)
                if renewed is not None:
                    response = self._http(method, url, action=action, headers={'Authorization': f'Bearer {renewed}'}, **kwargs)
        except XProtectError as error:
            error.write = write
            raise
        if write and 200 <= response.status_code < 300:
            with self._writes_lock:
                self.writes_done += 1
        decoded = decode(response)
        if response.status_code in expected:
            return Response(response.status_code, decoded, response.headers)
        error = status_error(self.rest_url, method, path, response.status_code, decoded, action, redactor=self.redactor,
                             has_credentials=self.settings.has_credentials)
        error.write = write
        raise error

    # -- the REST resources -----------------------------------------------------------------------

    def get(self, path: str, *, params: Query = None, action: str | None = None) -> t.Any:
        """GET and return the decoded body."""
        return self.request('GET', path, params=params, action=action).body

    def get_data(self, path: str, *, params: Query = None, action: str | None = None) -> dict[str, t.Any]:
        """GET one object and return its ``data``."""
        body = self.get(path, params=params, action=action)
        return self.envelope(body, 'data', 'GET', path, action)

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
        batch = self.envelope(body, 'array', 'GET', path, action)
        if not isinstance(batch, list):
            raise UnexpectedResponseError(f'GET {path} answered "array" that is not a list', action=action or f'list {path}')
        return batch

    @staticmethod
    def _identity(item: t.Any) -> t.Any:
        if isinstance(item, dict):
            return item.get('id') or (item.get('relations') or {}).get('self', {}).get('id') or repr(sorted(item.items()))[:200]
        return repr(item)

    @staticmethod
    def envelope(body: t.Any, key: str, method: str, path: str, action: str | None, *, status: int | None = None) -> t.Any:
        """``body[key]``, or an error that says the answer is not shaped as the XProtect API's.

        For a write answered with a success status, the error keeps that status: the write was carried out.
        """
        if not isinstance(body, dict) or key not in body:
            error = UnexpectedResponseError(f'{method} {path} answered without the "{key}" envelope the XProtect API uses',
                                            action=action or f'{method} {path}', method=method, path=path, status=status)
            error.write = method in WRITE_METHODS
            raise error
        return body[key]

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before attempt ``attempt + 1``: exponential, with up to 50 % jitter."""
        return self.settings.backoff_factor * (2 ** attempt) * (1 + random.random() / 2)

    def post_once(self, send: t.Callable[[], dict[str, t.Any]], look: t.Callable[[], dict[str, t.Any] | None] | None) -> dict[str, t.Any]:
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
                self._sleep(self.backoff(attempt))
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
            return self.envelope(response.body, 'result', 'POST', path, action, status=response.status)

        return self.post_once(send, find_created)

    def update(self, path: str, body: dict[str, t.Any], *, method: str = 'PATCH', action: str | None = None) -> dict[str, t.Any]:
        """PATCH (or PUT) an object and return the updated ``data``."""
        response = self.request(method, path, body=body, action=action or f'update {path}')
        return self.envelope(response.body, 'data', method, path, action, status=response.status)

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

    # -- server tasks (``_tasks``) ------------------------------------------------------------------

    def list_tasks(self, path: str, *, action: str | None = None) -> list[dict[str, t.Any]]:
        """The tasks a resource offers (``?tasks&noData``): ``[{"id": ..., "displayName": ...}]``."""
        return self.tasks.offered(path, action=action)

    def invoke_task(self, path: str, task: str, body: dict[str, t.Any] | None = None, *, action: str | None = None,
                    find_started: t.Callable[[], dict[str, t.Any] | None] | None = None) -> dict[str, t.Any]:
        """Invoke ``task`` on a resource (``POST path?task=<task>``) and return its ``result``."""
        return self.tasks.invoke(path, task, body, action=action, find_started=find_started)

    def get_task(self, task_id: str, *, action: str | None = None) -> dict[str, t.Any]:
        return self.tasks.get(task_id, action=action)

    def stop_task(self, task_id: str) -> dict[str, t.Any]:
        """Run ``TaskStop`` on a running task (it then ends in ``Error``); returns the ``result``."""
        return self.tasks.stop(task_id)

    def cleanup_task(self, task_id: str) -> str:
        """Run ``TaskCleanup`` on a finished task. Returns ``cleaned``, ``gone`` or ``cleaned-legacy``."""
        return self.tasks.cleanup(task_id)

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors of the XProtect API client.

Every error reads as a sentence a user can act on: what was attempted, what the server said, and what
to do about it. None of them ever carries a password or a token: the client builds messages from the
request's method and path (never its headers or body) and from the server's own ``errorText`` lines.
"""

from __future__ import annotations

import typing as t


class XProtectError(Exception):
    """Base class of every error the client raises."""

    #: Short advice appended to the message; subclasses set a default.
    hint: str = ''
    #: True when a POST may have been processed although it failed (reset after sending, 502, 504):
    #: the caller must look before repeating it.
    ambiguous: bool = False
    #: True when the failed request was a write to the REST API (not a read, not a token request): only then
    #: can an ambiguous failure have changed something.
    write: bool = False
    #: True when the server could not be reached at all (no HTTP answer).
    unreachable: bool = False
    #: True when the error was found before any request was sent (bad input, bad settings).
    before_request: bool = False
    #: What a task invoked without its parameters asks for (the answer's ``params`` and ``definitions``).
    params: t.Optional[t.Dict[str, t.Any]] = None
    definitions: t.Optional[t.Dict[str, t.Any]] = None

    def __init__(self, message: str, *, action: str = '', status: int | None = None,
                 details: t.Sequence[str] = (), hint: str | None = None, method: str = '', path: str = '') -> None:
        self.action = action
        self.status = status
        self.details = list(details)
        self.method = method
        self.path = path
        if hint is not None:
            self.hint = hint
        self.summary = message
        super().__init__(self._compose())

    def add_note(self, note: str) -> None:
        """Append a sentence to the advice (the message is composed again)."""
        self.hint = ' '.join(part for part in (self.hint, note) if part)
        self.args = (self._compose(),)

    def without_hint(self) -> str:
        """The message without its advice, for lists that give the advice once at the end."""
        hint, self.hint = self.hint, ''
        try:
            return self._compose()
        finally:
            self.hint = hint

    def _compose(self) -> str:
        parts = []
        if self.action:
            parts.append(f'Could not {self.action}: {self.summary}')
        else:
            parts.append(self.summary)
        if self.details:
            parts.append('The server said: ' + '; '.join(self.details))
        if self.hint:
            parts.append(self.hint)
        parts = [part.strip() for part in parts if part and part.strip()]
        text = ' '.join(part if part.endswith(('.', '!', '?')) else part + '.' for part in parts)
        return text

    @property
    def message(self) -> str:
        return str(self)

    def to_dict(self) -> dict[str, t.Any]:
        """The error as data, for module results."""
        return {
            'type': type(self).__name__,
            'status': self.status,
            'details': self.details,
            'method': self.method,
            'path': self.path,
        }


class AuthenticationError(XProtectError):
    """The identity provider refused the credentials, or the server refused the token."""

    hint = ('Check username, password and auth_type (basic users and Windows users log in differently), '
            'or pass a fresh access_token.')


class PermissionDeniedError(XProtectError):
    """HTTP 403: the user is authenticated but not allowed to do this."""

    hint = 'The user needs a role that allows this operation (for example the Administrators role).'


class NotFoundError(XProtectError):
    """HTTP 404."""

    hint = ''


class BadRequestError(XProtectError):
    """HTTP 400 (and other 4xx the API uses for invalid input)."""

    hint = ''


class ServerError(XProtectError):
    """HTTP 5xx after the retries the client was allowed."""

    hint = 'The server reported an internal problem; check the API Gateway and management server logs, then retry.'


class ConnectionFailedError(XProtectError):
    """No HTTP answer: DNS, refused connection, reset, proxy problems."""

    hint = 'Check server_url, that the API Gateway is running, and that this machine can reach it.'


class TLSError(XProtectError):
    """The server's certificate could not be verified."""

    hint = ('If the server uses a private or self-signed certificate, set ca_path to its CA certificate '
            '(preferred) or validate_certs to false (insecure).')


class RequestTimeoutError(XProtectError):
    """The server did not answer within ``timeout`` seconds."""

    hint = 'Raise timeout if the server is slow, or check its load.'


class UnexpectedResponseError(XProtectError):
    """The server answered, but not in the shape the XProtect API documents."""

    hint = 'server_url must point at the XProtect API Gateway (for example https://vms.example.com).'


class TaskTimeoutError(XProtectError):
    """A server task did not finish before the deadline.

    Carries the last task object seen and how long the client waited, so callers can report the partial
    result and the task id left behind.
    """

    hint = 'Raise wait_timeout if the device is slow; the task id is reported so it can be inspected or cleaned up.'

    def __init__(self, message: str, *, task_id: str, last_task: dict | None, duration: float, **kwargs: t.Any) -> None:
        self.task_id = task_id
        self.last_task = last_task or {}
        self.duration = duration
        super().__init__(message, **kwargs)

    def to_dict(self) -> dict[str, t.Any]:
        result = super().to_dict()
        result.update(task_id=self.task_id, last_task=self.last_task, duration=round(self.duration, 3))
        return result


class ConfigurationError(XProtectError):
    """The connection settings are incomplete or contradictory (nothing was sent)."""

    hint = ''
    before_request = True


class InputError(XProtectError):
    """The task's input cannot work; found before any request was sent. The message names the fix."""

    hint = ''
    before_request = True

    def _compose(self) -> str:
        # Input messages are written whole, often several clauses joined by '; ': kept as written.
        if not self.details and not self.hint:
            return self.summary
        return super()._compose()


class ConflictError(XProtectError):
    """The input does not fit what the server holds (an ambiguous name, a built-in object, an unknown id).

    Found after reading, before any write.
    """

    hint = ''


STATUS_ERRORS: dict[int, type[XProtectError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
}


def error_for_status(status: int) -> type[XProtectError]:
    """Pick the error class for an HTTP status code."""
    if status in STATUS_ERRORS:
        return STATUS_ERRORS[status]
    if status >= 500:
        return ServerError
    return BadRequestError

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Retry policy for the XProtect API, built on urllib3's ``Retry``.

What is retried (with exponential backoff plus jitter, honouring ``Retry-After``):

* connection failures before the request was sent, for every method;
* 429, 502, 503 and 504 answers and broken connections after sending, for methods that are safe to
  repeat (GET, HEAD, OPTIONS, PUT, PATCH, DELETE: the API's PUT/PATCH set absolute values);
* 429 and 503 answers to POST: both mean the gateway did not hand the request on. A POST that failed
  ambiguously (502, 504, a reset after sending) is *not* repeated here: the client first looks the object
  up, so a retry never creates a duplicate (see ``XProtectClient.create``).

A certificate that fails verification is never retried: it fails the same way every time, and the backoff
would only delay the message (by minutes with many retries).
"""

from __future__ import annotations

import random
import ssl
import typing as t

try:
    from urllib3.exceptions import MaxRetryError
    from urllib3.util.retry import Retry
except ImportError:  # pragma: no cover - reported by the client through missing_required_lib
    Retry = object  # type: ignore[misc,assignment]

RETRY_STATUSES = frozenset((429, 502, 503, 504))
#: Statuses that prove a POST was not processed, so repeating it cannot duplicate anything.
POST_RETRY_STATUSES = frozenset((429, 503))
IDEMPOTENT_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'DELETE'))

#: Never sleep longer than this for one Retry-After, whatever the server asks.
MAX_RETRY_AFTER = 120.0


def certificate_refused(error: BaseException | None) -> bool:
    """True if ``error`` (as urllib3 wraps it) is a server certificate that failed verification."""
    for _depth in range(5):
        if error is None:
            return False
        if isinstance(error, ssl.SSLCertVerificationError) or type(error).__name__ == 'CertificateError':
            return True
        error = error.args[0] if error.args and isinstance(error.args[0], BaseException) else error.__cause__
    return False


class XProtectRetry(Retry):  # type: ignore[misc,valid-type]
    """urllib3 ``Retry`` with the API's rules for POST and a jittered backoff from the first retry on."""

    #: Statuses whose answers to POST are retried (they prove the POST was not processed).
    post_statuses: frozenset[int] = POST_RETRY_STATUSES

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if method.upper() == 'POST' and 'POST' not in (self.allowed_methods or ()):
            return bool(self.total) and status_code in self.post_statuses
        return super().is_retry(method, status_code, has_retry_after)

    def increment(self, method: t.Any = None, url: t.Any = None, response: t.Any = None, error: t.Any = None, _pool: t.Any = None,
                  _stacktrace: t.Any = None) -> t.Any:
        if certificate_refused(error):
            # As if the retries were used up: requests then raises its SSLError, which the client reports.
            raise MaxRetryError(_pool, url, error) from error
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def get_backoff_time(self) -> float:
        # urllib3 waits 0 s before the first retry; a storm of 503s deserves a pause from the start.
        attempts = len(self.history)
        if attempts == 0:
            return 0.0
        delay = self.backoff_factor * (2 ** (attempts - 1))
        # urllib3 1.26 (still common on RHEL controllers) has only the class attribute DEFAULT_BACKOFF_MAX
        delay = min(delay, getattr(self, 'backoff_max', None) or getattr(self, 'DEFAULT_BACKOFF_MAX', 120))
        return delay + random.uniform(0, delay / 2)

    def get_retry_after(self, response: t.Any) -> float | None:
        retry_after = super().get_retry_after(response)
        if retry_after is None:
            return None
        return min(float(retry_after), MAX_RETRY_AFTER)


def build_retry(retries: int, *, backoff_factor: float = 0.5, allow_post: bool = False) -> XProtectRetry:
    """Create the retry policy for ``retries`` attempts after the first.

    ``allow_post`` treats POST as idempotent; only the identity provider's token request qualifies.
    """
    methods = set(IDEMPOTENT_METHODS)
    if allow_post:
        methods.add('POST')
    kwargs: dict[str, t.Any] = dict(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        status_forcelist=RETRY_STATUSES,
        backoff_factor=backoff_factor,
        raise_on_status=False,
        respect_retry_after_header=True,
        allowed_methods=frozenset(methods),
    )
    try:
        return XProtectRetry(**kwargs)
    except TypeError:  # urllib3 < 1.26 spells it method_whitelist
        kwargs['method_whitelist'] = kwargs.pop('allowed_methods')
        return XProtectRetry(**kwargs)

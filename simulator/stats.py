"""Request counters and the request log behind ``/_simulator/stats`` and ``/_simulator/requests``.

Counters cover REST requests only (tests assert e.g. "one GET per page", "no write in check mode");
the log also records IDP and discovery requests.  Neither ever holds an Authorization header, a token
or a password: the log keeps method, path, a sanitised query and the status.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qsl, urlencode

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Query parameters whose values must never be logged even if a client puts them in the URL.
SECRET_PARAMS = {"password", "access_token", "token", "client_secret", "refresh_token", "code"}
LOG_LIMIT = 100_000


def sanitize_query(query: str) -> str:
    """The query string with secret values replaced."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(key.lower() in SECRET_PARAMS for key, _value in pairs):
        return query
    return urlencode([(key, "***" if key.lower() in SECRET_PARAMS else value) for key, value in pairs])


class Stats:
    """Counters, peak concurrency and the request log."""

    def __init__(self) -> None:
        self.token_grants = 0
        self.requests: dict[str, int] = {method: 0 for method in METHODS}
        self.paths: dict[str, int] = {}
        self.in_flight = 0
        self.max_in_flight = 0
        self.log: list[dict[str, Any]] = []
        self.started = time.time()

    def reset(self) -> None:
        """Zero everything (stats_only reset and full reset); requests still running stay counted in flight."""
        in_flight = self.in_flight
        self.__init__()  # pylint: disable=unnecessary-dunder-call
        self.in_flight = self.max_in_flight = in_flight

    def enter_rest(self) -> None:
        """A REST request started (for max_in_flight)."""
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave_rest(self) -> None:
        """A REST request finished."""
        self.in_flight -= 1

    def count_rest(self, method: str, template: str) -> None:
        """Count a REST request under its method and path template."""
        self.requests[method] = self.requests.get(method, 0) + 1
        key = f"{method} {template}"
        self.paths[key] = self.paths.get(key, 0) + 1

    def record(self, kind: str, method: str, path: str, query: str, status: int) -> None:
        """Append to the log (status 0 = connection dropped by a reset_next fault)."""
        if len(self.log) >= LOG_LIMIT:
            del self.log[: LOG_LIMIT // 10]
        self.log.append({"kind": kind, "method": method, "path": path, "query": sanitize_query(query), "status": status,
                         "time": round(time.time() - self.started, 6)})

    def to_json(self, open_tasks: int, running_tasks: int) -> dict[str, Any]:
        """The /_simulator/stats body."""
        return {
            "token_grants": self.token_grants,
            "requests": dict(self.requests),
            "paths": dict(sorted(self.paths.items())),
            "open_tasks": open_tasks,
            "running_tasks": running_tasks,
            "max_in_flight": self.max_in_flight,
            "in_flight": self.in_flight,
            "total_requests": sum(self.requests.values()),
        }

"""Fault injection configured through ``/_simulator/faults``.

Rules apply to REST requests; with a ``match`` they apply to any matching REST *or* IDP request (so a
test can fail the login itself).  Each POST that carries ``fail_next`` or ``reset_next`` appends a
rule; rules are consumed in order.  The random storm (``fail_rate``) uses its own seeded RNG so runs
are reproducible.
"""

from __future__ import annotations

import dataclasses
import random
import re
from typing import Any

from .tasks import OUTCOMES


@dataclasses.dataclass
class Match:
    """Restricts a rule to some requests: method and a case-insensitive substring or regex of path+query."""

    method: str | None = None
    path: str | None = None

    @classmethod
    def parse(cls, raw: Any) -> "Match | None":
        """Build from the JSON ``match`` object (None when absent)."""
        if raw is None:
            return None
        if not isinstance(raw, dict) or set(raw) - {"method", "path"}:
            raise ValueError('match must be an object with optional "method" and "path"')
        method = raw.get("method")
        path = raw.get("path")
        if (method is not None and not isinstance(method, str)) or (path is not None and not isinstance(path, str)):
            raise ValueError("match.method and match.path must be strings")
        return cls(method=method.upper() if method else None, path=path or None)

    def matches(self, method: str, target: str) -> bool:
        """True if ``method`` and ``target`` (path?query) satisfy this match."""
        if self.method and self.method != method.upper():
            return False
        if self.path:
            if self.path.lower() in target.lower():
                return True
            try:
                return re.search(self.path, target, re.IGNORECASE) is not None
            except re.error:
                return False
        return True

    def to_json(self) -> dict[str, Any]:
        """For GET /_simulator/faults."""
        return {key: value for key, value in (("method", self.method), ("path", self.path)) if value}


@dataclasses.dataclass
class Rule:  # pylint: disable=too-many-instance-attributes
    """One queued fault: fail with ``status`` or drop the connection (``reset``)."""

    kind: str
    remaining: int
    status: int = 503
    retry_after: float | None = None
    match: Match | None = None
    after: bool = False

    def applies(self, method: str, target: str, is_rest: bool) -> bool:
        """Whether this rule fires for the request."""
        if self.remaining <= 0:
            return False
        if self.match is None:
            return is_rest
        return self.match.matches(method, target)

    def to_json(self) -> dict[str, Any]:
        """For GET /_simulator/faults."""
        body: dict[str, Any] = {"kind": self.kind, "remaining": self.remaining, "after": self.after}
        if self.kind == "fail":
            body["status"] = self.status
            if self.retry_after is not None:
                body["retry_after"] = self.retry_after
        if self.match:
            body["match"] = self.match.to_json()
        return body


def _int(body: dict[str, Any], key: str, minimum: int = 0) -> int:
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{key} must be an integer >= {minimum}")
    return value


def _number(body: dict[str, Any], key: str, minimum: float = 0.0, maximum: float | None = None) -> float:
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"{key} must be a number between {minimum} and {maximum if maximum is not None else 'inf'}")
    return float(value)


def _status(body: dict[str, Any]) -> int:
    status = _int(body, "status", 100) if "status" in body else 503
    if not 400 <= status <= 599:
        raise ValueError("status must be an HTTP error status (400-599)")
    return status


KNOWN_KEYS = {"fail_next", "reset_next", "status", "retry_after", "match", "after", "fail_rate", "expire_tokens",
              "task_outcome", "task_outcomes", "latency_ms", "task_seconds", "clear"}


class Faults:  # pylint: disable=too-many-instance-attributes
    """Current fault configuration."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rules: list[Rule] = []
        self.fail_rate = 0.0
        self.fail_rate_status = 503
        self.fail_rate_match: Match | None = None
        self.rng = random.Random(seed)
        self.latency_ms: float | None = None
        self.task_seconds: float | None = None
        self.task_outcome = "success"
        self.task_outcomes: dict[str, str] = {}

    def clear(self) -> None:
        """Back to no faults (the storm RNG restarts too, for reproducibility)."""
        self.__init__(self.seed)  # pylint: disable=unnecessary-dunder-call

    def configure(self, body: dict[str, Any]) -> bool:
        """Apply a POSTed fault body.  Returns True if tokens must be expired.  Raises ValueError if invalid.

        The body is validated completely before anything changes, so a bad request leaves faults as they were.
        """
        unknown = set(body) - KNOWN_KEYS
        if unknown:
            raise ValueError(f"unknown fault keys: {', '.join(sorted(unknown))}")
        if "fail_next" in body and "reset_next" in body:
            raise ValueError("fail_next and reset_next cannot be combined in one request")
        match = Match.parse(body.get("match"))
        new_rules = []
        if "fail_next" in body:
            retry_after = _number(body, "retry_after") if body.get("retry_after") is not None else None
            new_rules.append(Rule("fail", _int(body, "fail_next"), _status(body), retry_after, match, bool(body.get("after"))))
        if "reset_next" in body:
            new_rules.append(Rule("reset", _int(body, "reset_next"), match=match, after=bool(body.get("after"))))
        fail_rate = _number(body, "fail_rate", 0.0, 1.0) if "fail_rate" in body else None
        latency = _number(body, "latency_ms") if body.get("latency_ms") is not None else None
        task_seconds = _number(body, "task_seconds") if body.get("task_seconds") is not None else None
        outcome = body.get("task_outcome")
        if outcome is not None and outcome not in OUTCOMES:
            raise ValueError(f"task_outcome must be one of {', '.join(OUTCOMES)}")
        outcomes = body.get("task_outcomes", {})
        if not isinstance(outcomes, dict) or any(value not in OUTCOMES for value in outcomes.values()):
            raise ValueError(f"task_outcomes must map camera ids to one of {', '.join(OUTCOMES)}")

        if body.get("clear"):
            self.clear()
        self.rules = [rule for rule in self.rules if rule.remaining > 0] + new_rules
        if fail_rate is not None:
            self.fail_rate = fail_rate
            self.fail_rate_status = _status(body)
            self.fail_rate_match = match
        if "latency_ms" in body:
            self.latency_ms = latency
        if "task_seconds" in body:
            self.task_seconds = task_seconds
        if outcome is not None:
            self.task_outcome = outcome
        for camera_id, value in outcomes.items():
            self.task_outcomes[camera_id.lower()] = value
        return bool(body.get("expire_tokens"))

    def pick(self, method: str, target: str, is_rest: bool) -> Rule | None:
        """The fault for this request, if any; consumes one count of a queued rule."""
        for rule in self.rules:
            if rule.applies(method, target, is_rest):
                rule.remaining -= 1
                return rule
        if self.fail_rate > 0:
            in_scope = self.fail_rate_match.matches(method, target) if self.fail_rate_match else is_rest
            if in_scope and self.rng.random() < self.fail_rate:
                return Rule("fail", 0, self.fail_rate_status)
        return None

    def outcome_for(self, camera_id: str | None) -> str:
        """Outcome of a task invoked now (per-camera setting first)."""
        if camera_id and camera_id in self.task_outcomes:
            return self.task_outcomes[camera_id]
        return self.task_outcome

    def to_json(self) -> dict[str, Any]:
        """For GET /_simulator/faults."""
        return {
            "rules": [rule.to_json() for rule in self.rules if rule.remaining > 0],
            "fail_rate": self.fail_rate,
            "fail_rate_status": self.fail_rate_status,
            "fail_rate_match": self.fail_rate_match.to_json() if self.fail_rate_match else None,
            "latency_ms": self.latency_ms,
            "task_seconds": self.task_seconds,
            "task_outcome": self.task_outcome,
            "task_outcomes": dict(self.task_outcomes),
        }

"""Small helpers shared by the simulator modules: timestamps, ids, JSON."""

from __future__ import annotations

import datetime
import json
import random
import uuid
from typing import Any

# The real server reports a camera's reserved createdDate like this: no fraction digits beyond 7 and no "Z".
RESERVED_DATE = "0001-01-01T00:00:00.0000000"


def format_timestamp(moment: datetime.datetime) -> str:
    """ISO-8601 UTC with 7 fractional digits and ``Z``, as the 2025 R1 server prints .NET DateTimes."""
    moment = moment.astimezone(datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


def utc_now() -> str:
    """The current time in the server's timestamp format."""
    return format_timestamp(datetime.datetime.now(datetime.timezone.utc))


def guid(rng: random.Random) -> str:
    """A lower-case version-4 GUID drawn from ``rng`` so seed data is reproducible."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def random_guid() -> str:
    """A lower-case GUID for objects created at run time."""
    return str(uuid.uuid4())


def dumps(body: Any) -> bytes:
    """Compact UTF-8 JSON, as the gateway sends it."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ids, names and per-item outcomes: the small rules every resource shares.

XProtect ids are GUIDs, answered in lower case; users paste them in any case. An object carries its id in
``id`` or, for some types (tasks), only in ``relations.self.id``.
"""

from __future__ import annotations

import json
import re
import typing as t

GUID_RE = re.compile(r'^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$')
EXAMPLE_GUID = '0a1b2c3d-0000-4000-8000-00000000abcd'


def is_id(text: t.Any) -> bool:
    """True for a GUID, the form of every XProtect object id."""
    return isinstance(text, str) and bool(GUID_RE.match(text.strip()))


def object_id(obj: t.Mapping[str, t.Any]) -> str:
    """The object's id as the server gave it (from ``id`` or, failing that, ``relations.self.id``)."""
    value = obj.get('id') or ((obj.get('relations') or {}).get('self') or {}).get('id') or ''
    return str(value)


def id_key(value: t.Any) -> str:
    """Ids compare case-insensitively: the API answers lower-case GUIDs, users may paste upper-case ones."""
    return str(value).strip().lower()


def show(name: str) -> str:
    """A name in double quotes, so leading or trailing spaces stay visible in messages."""
    return json.dumps(name, ensure_ascii=False)

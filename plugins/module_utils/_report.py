# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``report`` option of milestone.xprotect.hardware: declared by the module, handled by its action plugin."""

from __future__ import annotations

REPORT_SPEC = dict(
    path=dict(type='path', required=True),
    name=dict(type='str', default='hardware_report'),
    sources=dict(type='list', elements='str', default=[]),
    origins=dict(type='list', elements='str', default=[]),
    columns=dict(type='list', elements='str', default=[]),
    ignored_columns=dict(type='list', elements='str', default=[]),
)

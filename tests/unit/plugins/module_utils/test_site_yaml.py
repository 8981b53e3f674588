# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The site files' text: libyaml's emitter, re-indented, writes exactly what PyYAML's own emitter writes."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.milestone.xprotect.plugins.module_utils import _site

#: Everything a site file holds: nesting of every kind, texts that need quotes, templates, placeholders, empty values.
SAMPLE = {
    'settings': [
        {'device': 'Lobby 0001', 'device_type': 'cameras', 'general': {'brightness': '50', 'includeDate': 'false'},
         'streams': [{'stream': 'Video stream 1', 'settings': {'FPS': '12.5', 'codec': 'H.264'}}],
         'stream_usage': [{'stream': 'Video stream 1', 'name': None, 'live_default': True, 'record': 'primary'}]},
        {'device': 'Café – entrée ☕', 'device_type': 'inputs', 'general': {}},
    ],
    'quoting': ['yes', 'no', 'on', '123', '1.5', '', ' leading', 'trailing ', 'a: b', '- x', '#x', "it's", '"quoted"', '@at', '`tick`',
                '*star', '&amp', '!bang', '%pct', '[x]', '{x}', 'null', '~', '0x1F', '1e3', 'key:', '? q', '| bar', '> gt', 'tab\there'],
    'nested': [[1, 2, [3, []]], [{'a': [{'b': [[]]}]}], {}, [], {'deep': {'deeper': [{'k': {'x': [1, {'y': []}]}}, 'z']}}],
    'references': [{'type': 'cameras', 'name': 'Gate North'}],
    'values': {'int': 7, 'float': 0.25, 'bool': False, 'none': None, 'negative': -3},
    'keys': {'with space': 1, 'with: colon': 2, 'yes': 3, '123': 4, '- dash': 5, '#hash': 6},
    'template': 'Template {{ not rendered }}',
    'secret': _site.placeholder('hardware/http://192.0.2.13/ on XPRS01/password'),
}


def both(data):
    assert _site.FAST_YAML, 'PyYAML here has libyaml (the wheels of every supported platform do)'
    fast = _site.dump(data)
    _site.FAST_YAML = False
    try:
        slow = _site.dump(data)
    finally:
        _site.FAST_YAML = True
    return fast, slow


def test_the_fast_text_is_the_pure_python_text():
    fast, slow = both(SAMPLE)
    assert fast == slow
    assert "  - device: Lobby 0001\n    device_type: cameras\n" in fast, 'sequences indented below their key'
    assert "!unsafe 'Template {{ not rendered }}'" in fast and "\"{{ vault_site_secrets['hardware/" in fast
    assert yaml.load(fast, Loader=_site._Loader) == SAMPLE  # nosec - a SafeLoader subclass


@pytest.mark.parametrize('data', [
    {'multi': ['line one\nline two', {'x': 'a\r\nb'}]},
    {'k' * 150: 'a key too long to be a simple key'},
    {'settings': [{'general': {'': 'an empty key'}}]},
    {'unicode break': 'before\u2028after'},
])
def test_what_would_span_lines_is_written_by_pyyaml_itself(data):
    fast, slow = both(data)
    assert fast == slow and not _site._one_line(_site._mark(data))

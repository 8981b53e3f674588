# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input, property-based: every module's options with wrong types, empty and huge strings, Unicode,
control characters, ids that are not GUIDs and conflicting options.

Invalid input must end in a failure with a message, without a traceback, and before a single request is sent
(the fake API Gateway records every request). Arbitrary text in the options that do reach the server must never
crash a module either. The examples are derandomized and bounded, so CI is reproducible and fast.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import tempfile
import typing as t
from unittest import mock

import pytest
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible.module_utils.parsing.convert_bool import BOOLEANS
from ansible_collections.milestone.xprotect.plugins.modules import (
    basic_user,
    camera_info,
    device_group,
    device_settings,
    alarm_info,
    event_trigger,
    hardware,
    hardware_info,
    login,
    ptz_task,
    resource,
    resource_info,
    role,
    site_export,
    task,
    user_defined_event,
    user_defined_event_info,
    user_defined_events,
)

from ansible_collections.milestone.xprotect.plugins.module_utils._resource_types import RESOURCE_TYPES
from ansible_collections.milestone.xprotect.tests.unit.plugins.fake_gateway import FakeGateway
from ansible_collections.milestone.xprotect.tests.unit.plugins.modules.module_args import patch_module_args

BASE = 'https://vms.example.com'
PASSWORD = 'Hyp0thesis pässwörd'
TOKEN_MARK = 'TOK-'
#: A device's password (hardware_password), an item's own and one typed into an address.
DEVICE_PASSWORD = 'Dev1ce-Zq7 pässwörd'
ITEM_PASSWORD = 'It3m-Zq7 pässwörd'
URL_PASSWORD = 'Url-Zq7-s3cret'
#: Where site_export writes in these tests.
SITE_DIR = os.path.join(tempfile.gettempdir(), 'xprotect-site-export-bad-input')
GUID_RE = re.compile(r'^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$')
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
MODULES = {
    'login': login.main,
    'user_defined_event': user_defined_event.main,
    'user_defined_events': user_defined_events.main,
    'user_defined_event_info': user_defined_event_info.main,
    'camera_info': camera_info.main,
    'device_settings': device_settings.main,
    'ptz_task': ptz_task.main,
    'resource': resource.main,
    'resource_info': resource_info.main,
    'task': task.main,
    'device_group': device_group.main,
    'role': role.main,
    'basic_user': basic_user.main,
    'event_trigger': event_trigger.main,
    'alarm_info': alarm_info.main,
    'hardware': hardware.main,
    'hardware_info': hardware_info.main,
    'site_export': site_export.main,
}
CAMERA_ID = '0a1b2c3d-0000-4000-8000-000000000001'
TYPE_NAMES = {name.lower() for name in RESOURCE_TYPES}
CAMERA_FIELDS = set(RESOURCE_TYPES['cameras']['fields'])
#: Valid arguments of each module: a case replaces some of them with something invalid.
VALID = {
    'login': {},
    'user_defined_event': {'name': 'Door forced'},
    'user_defined_events': {'events': ['Door forced', {'name': 'Panic pressed', 'previous_name': 'Panic button'}]},
    'user_defined_event_info': {'name': 'Door forced'},
    'camera_info': {'name': 'Lobby*'},
    'device_settings': {'device': 'Lobby 0001', 'streams': [{'stream': 'Video stream 1', 'settings': {'FPS': 6}}]},
    'ptz_task': {'cameras': ['Lobby 0001 PTZ'], 'task': 'DefaultPtzPreset', 'preset': 'Home'},
    'resource': {'type': 'userDefinedEvents', 'name': 'Door forced'},
    'resource_info': {'type': 'cameras', 'name': 'Lobby*'},
    'task': {'type': 'ptzPresets', 'parent': {'type': 'cameras', 'id': CAMERA_ID}, 'task': 'GetDevicePresets',
             'parameters': {'sessionDataId': 0}},
    'device_group': {'path': 'Site A/Parking', 'members': ['Parking*']},
    'role': {'name': 'Operators', 'members': ['guard.lobby'], 'overall_permissions': {'Cameras': {'GENERIC_READ': 'Allow'}}},
    'basic_user': {'name': 'guard.lobby', 'user_password': 'Gu4rd-pässwörd'},
    'event_trigger': {'event': 'Door forced'},
    'alarm_info': {},
    'hardware': {'address': '192.0.2.11', 'recording_server': 'XPRS01', 'hardware_username': 'root', 'hardware_password': DEVICE_PASSWORD},
    'hardware_info': {'recording_server': 'XPRS01'},
    'site_export': {'dest': SITE_DIR, 'types': ['timeProfiles']},
}
#: Secrets of a module's own options that no output may show, whatever else is wrong.
MODULE_SECRETS = {'hardware': (DEVICE_PASSWORD, ITEM_PASSWORD, URL_PASSWORD), 'hardware_info': (URL_PASSWORD,)}


# -- running a module against the fake API Gateway ------------------------------------------------------

def run(module: str, overrides: dict[str, t.Any], *, connection: bool = True) -> tuple[dict[str, t.Any], str, list[str]]:
    """Run ``module`` with its valid arguments, the connection and ``overrides``; return result, output and requests sent."""
    args: dict[str, t.Any] = dict(server_url=BASE, username='admin', password=PASSWORD, retries=0) if connection else {}
    args.update(VALID[module])
    args.update(overrides)
    args = {key: value for key, value in args.items() if value is not _UNSET}
    output = io.StringIO()
    environment = {key: value for key, value in os.environ.items() if not key.startswith('XPROTECT_')}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps, mock.patch.dict(os.environ, environment, clear=True):
        # a small, empty API Gateway that answers and records every request
        gateway = FakeGateway(rsps, events=(), token='eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl')
        with patch_module_args(args), contextlib.redirect_stdout(output):
            with pytest.raises(SystemExit):
                MODULES[module]()
        calls = gateway.calls()
    text = output.getvalue()
    return json.loads(text), text, calls


def assert_clean(result: dict[str, t.Any], text: str, secrets: t.Sequence[str] = ()) -> None:
    """No traceback anywhere, a message with every failure, no secret in the output."""
    assert 'Traceback (most recent call last)' not in text, text
    if result.get('failed'):
        assert isinstance(result.get('msg'), str) and result['msg'].strip(), result
    for secret in (PASSWORD,) + tuple(secrets):
        for form in (secret, json.dumps(secret)[1:-1]):
            assert form not in text, f'{form!r} is in the output'


def assert_refused_before_any_request(module: str, overrides: dict[str, t.Any], *, connection: bool = True) -> dict[str, t.Any]:
    result, text, calls = run(module, overrides, connection=connection)
    assert result.get('failed') is True, (overrides, result)
    assert calls == [], f'requests were sent for invalid input {overrides!r}: {calls}'
    assert_clean(result, text, [value for value in overrides.values() if isinstance(value, str) and value.startswith(TOKEN_MARK)]
                 + list(MODULE_SECRETS.get(module, ())))
    return result


# -- strategies --------------------------------------------------------------------------------------------

_UNSET = object()  # an option left out entirely

text = st.text(st.characters(blacklist_categories=('Cs',)), max_size=30)
huge = st.builds(lambda character, count: character * count, st.characters(blacklist_categories=('Cs',)), st.integers(300, 5000))
any_text = st.one_of(text, huge, st.text(st.characters(min_codepoint=0, max_codepoint=31), min_size=1, max_size=10))
#: Only whitespace, as str.strip() sees it: ASCII, control separators, no-break and ideographic spaces.
blank = st.text(st.sampled_from(' \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2003\u3000'), max_size=12)
not_guid = st.one_of(
    any_text,
    st.uuids().map(lambda value: str(value)[:-1]),
    st.uuids().map(lambda value: '{%s}' % value),
    st.uuids().map(lambda value: str(value).replace('-', '')),
    st.uuids().map(lambda value: str(value) + 'x'),
).filter(lambda value: not GUID_RE.match(value.strip()))
not_a_bool = text.filter(lambda value: value.lower().strip() not in {str(item) for item in BOOLEANS} and value.strip() not in ('1.0', '0.0'))


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


not_a_number = text.filter(lambda value: not _is_number(value))
not_an_int = text.filter(lambda value: not re.fullmatch(r'\s*[-+]?\d+\s*', value) and not _is_number(value))
bad_seconds = st.one_of(st.floats(max_value=0, allow_nan=False), st.sampled_from(['nan', 'inf', '-inf', 'NaN']),
                        st.floats(min_value=604801, allow_nan=False, allow_infinity=False), not_a_number)
#: server_url values that can never reach a server: no http(s) scheme, no host, a bad port or credentials.
bad_urls = st.one_of(
    st.sampled_from(['', 'vms.example.com', '//vms.example.com', 'ftp://vms.example.com', 'https://', 'https://[', 'https://[vms.example.com',
                     'https://vms.example.com:0', 'https://vms.example.com:99999', 'https://vms.example.com:port',
                     'https://automation:secret@vms.example.com', 'file:///etc/passwd']),
    text.filter(lambda value: not value.strip().lower().startswith(('http://', 'https://')) or value != value.strip()),
)
#: access_token values that cannot be a bearer token: a line break, a space, a control or non-ASCII character.
bad_tokens = st.builds(lambda head, bad, tail: TOKEN_MARK + head + bad + tail, text, st.sampled_from([' ', '\n', '\r\n', '\t', '\x00', 'é', '\u2028']),
                       text)

CONNECTION_CASES = st.one_of(
    bad_urls.map(lambda url: {'server_url': url}),
    bad_seconds.map(lambda seconds: {'timeout': seconds}),
    st.floats(min_value=86401, allow_nan=False, allow_infinity=False).map(lambda seconds: {'timeout': seconds}),
    st.one_of(st.integers(max_value=-1), not_an_int).map(lambda retries: {'retries': retries}),
    not_a_bool.map(lambda value: {'validate_certs': value}),
    text.map(lambda value: {'ca_path': '/nonexistent-xprotect-ca/' + value.replace('\x00', '')}),
    bad_tokens.map(lambda token: {'access_token': token, 'username': _UNSET, 'password': _UNSET}),
    st.just({'password': _UNSET}),
    st.just({'username': _UNSET}),
    st.just({'username': _UNSET, 'password': _UNSET}),
    text.filter(lambda value: value not in ('basic', 'windows')).map(lambda value: {'auth_type': value}),
)

#: Items of user_defined_events' ``events`` that are refused.
bad_event_items = st.one_of(
    blank,
    st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(), st.lists(text, max_size=2)),
    st.fixed_dictionaries({'previous_name': text}),
    st.fixed_dictionaries({'name': text.filter(str.strip), 'colour': text}),
    st.fixed_dictionaries({'name': st.one_of(blank, st.integers(), st.none(), st.lists(text, max_size=1))}),
    st.fixed_dictionaries({'name': text.filter(str.strip), 'previous_name': text.filter(str.strip), 'id': st.uuids().map(str)}),
    st.fixed_dictionaries({'name': text.filter(str.strip), 'id': not_guid}),
    st.fixed_dictionaries({'name': text.filter(str.strip), 'previous_name': blank}),
    text.filter(str.strip).map(lambda name: {'name': name, 'previous_name': name}),
)

#: Hardware addresses that are refused: a path, query or fragment, credentials, a bad or zero port, another scheme, no host,
#: not an IP address or host name, empty.
bad_addresses = st.one_of(
    st.sampled_from(['192.0.2.11/admin', 'http://192.0.2.11/axis-cgi/', 'cam.example/?x=1', 'http://cam.example/#top', 'cam.example:0',
                     'cam.example:99999', 'cam.example:port', 'http://[192.0.2.11', 'rtsp://192.0.2.11/', 'ftp://cam.example', 'https://',
                     'http://:80/', 'cam_01.example', '-cam.example', 'cam..example', 'a' * 64 + '.example', '192.0.2.300', '192.0.2',
                     'http://10.1.0.1234:80/', '7',
                     f'http://root:{URL_PASSWORD}@192.0.2.11/', f'root:{URL_PASSWORD}@cam.example', f'https://{URL_PASSWORD}@cam.example:8443/']),
    blank,
)
#: A device entry of ``devices`` that is refused.
bad_device_entries = st.one_of(
    st.fixed_dictionaries({'channel': st.one_of(st.integers(max_value=-1), st.just('x'), st.just(None), st.just(True), st.just(1.5),
                                                st.lists(st.integers(), max_size=1)), 'name': st.just('Lobby')}),
    st.just({'channel': 0}),
    st.just({'channel': 0, 'name': '  '}),
    st.just({'channel': 0, 'enabled': 'maybe'}),
    st.just({'channel': 0, 'name': 'Lobby', 'colour': 'red'}),
    st.just({'name': 'Lobby'}),
    st.one_of(st.integers(), text, st.lists(st.integers(), max_size=2)),
)
bad_devices = st.one_of(
    bad_device_entries.map(lambda entry: {'cameras': [entry]}),
    st.just({'cameras': [{'channel': 0, 'name': 'A'}, {'channel': 0, 'name': 'B'}]}),
    text.filter(lambda kind: kind not in ('cameras', 'microphones', 'speakers', 'metadata', 'inputs', 'outputs')).map(
        lambda kind: {kind or 'camera': [{'channel': 0, 'name': 'Lobby'}]}),
    st.one_of(st.just({'cameras': {'channel': 0}}), st.just({'cameras': 'all'}), st.just({'cameras': [[0]]})),
)
#: Items of ``items`` that are refused (each list holds one valid item besides).
bad_hardware_items = st.one_of(
    bad_addresses.map(lambda address: {'address': address}),
    st.one_of(st.integers(), st.booleans(), st.lists(text, max_size=1), st.just(None)).map(lambda address: {'address': address}),
    st.just({'name': 'Lobby'}),
    st.sampled_from(['adress', 'passwd', 'hardware_password', 'channel', 'colour']).map(lambda key: {'address': '192.0.2.12', key: 'x'}),
    bad_devices.map(lambda devices: {'address': '192.0.2.12', 'devices': devices}),
    text.filter(lambda value: value not in ('present', 'absent')).map(lambda state: {'address': '192.0.2.12', 'state': state or 'gone'}),
    st.just({'address': '192.0.2.12', 'state': 'absent', 'name': 'Lobby'}),
    st.just({'address': '192.0.2.12', 'replaces': '192.0.2.12'}),
    bad_addresses.map(lambda address: {'address': '192.0.2.12', 'replaces': address}),
    st.one_of(st.integers(), st.lists(text, max_size=1)).map(lambda password: {'address': '192.0.2.12', 'password': password}),
    st.one_of(st.booleans(), st.dictionaries(text, text, min_size=1, max_size=1)).map(
        lambda driver: {'address': '192.0.2.12', 'driver': driver}),
    blank.map(lambda name: {'address': '192.0.2.12', 'name': name}),
    blank.map(lambda server: {'address': '192.0.2.12', 'recording_server': server}),
    not_a_bool.map(lambda value: {'address': '192.0.2.12', 'enabled': value or 'perhaps'}),
)
#: Items that are no dictionary at all: ansible-core refuses the list before the module runs (the module base masks the other
#: items' passwords first).
not_an_item = st.one_of(st.integers(), text.filter(lambda value: '=' not in value), st.lists(text, max_size=1))

MODULE_CASES: dict[str, st.SearchStrategy[dict[str, t.Any]]] = {
    'login': st.one_of(
        st.just({'username': _UNSET, 'password': _UNSET, 'access_token': 'eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl'}),
    ),
    'user_defined_event': st.one_of(
        blank.map(lambda name: {'name': name}),
        not_guid.map(lambda ident: {'id': ident}),
        st.tuples(text, not_guid).map(lambda pair: {'name': pair[0] or 'x', 'id': pair[1], 'state': 'absent'}),
        st.just({'name': _UNSET}),
        text.filter(lambda value: value not in ('present', 'absent')).map(lambda value: {'state': value}),
        # Not text: Ansible would turn it into text ("{'a': 1}") and the module would create an event of that name.
        st.one_of(st.dictionaries(text, text, min_size=1, max_size=2), st.lists(text, max_size=3), st.integers(), st.floats(),
                  st.booleans()).map(lambda value: {'name': value}),
    ),
    'user_defined_events': st.one_of(
        st.tuples(st.lists(text.filter(str.strip), max_size=3, unique=True), bad_event_items, st.integers(0, 3)).map(
            lambda case: {'events': case[0][:case[2]] + [case[1]] + case[0][case[2]:]}),
        text.filter(str.strip).map(lambda name: {'events': [name, 'Other', name]}),
        st.just({'state': 'absent', 'purge': True}),
        st.just({'state': 'absent'}),  # with the rename in VALID: previous_name only works with state=present
        st.dictionaries(text, text, min_size=1, max_size=2).map(lambda value: {'events': value}),
        st.just({'events': _UNSET}),
        not_a_bool.map(lambda value: {'purge': value}),
    ),
    'user_defined_event_info': st.one_of(
        blank.map(lambda name: {'name': name}),
        st.one_of(st.dictionaries(text, text, min_size=1, max_size=2), st.integers()).map(lambda value: {'name': value}),
        not_guid.map(lambda ident: {'id': ident, 'name': _UNSET}),
        not_a_bool.map(lambda value: {'resources': value}),
    ),
    'camera_info': st.one_of(
        blank.map(lambda name: {'name': name}),
        blank.map(lambda group: {'camera_group': group}),
        st.one_of(blank, not_guid).map(lambda ident: {'id': ident}),
        st.tuples(text.filter(str.strip), not_guid).map(lambda pair: {'camera_group': pair[0], 'id': pair[1]}),
        st.one_of(st.integers(max_value=0), st.integers(min_value=65)).map(lambda number: {'concurrency': number}),
        not_an_int.map(lambda value: {'concurrency': value}),
        text.filter(lambda value: value not in ('ptz_presets', 'ptz_tasks')).map(lambda value: {'include': ['ptz_presets', value]}),
        not_a_bool.map(lambda value: {'ptz_only': value}),
    ),
    'ptz_task': st.one_of(
        st.lists(blank, max_size=3).map(lambda cameras: {'cameras': cameras}),
        text.filter(lambda value: value.strip().lower() not in ('defaultptzpreset', 'getdevicepresets')).map(lambda value: {'task': value}),
        st.one_of(blank, st.just(_UNSET)).map(lambda preset: {'preset': preset}),
        text.filter(str.strip).map(lambda preset: {'task': 'GetDevicePresets', 'preset': preset}),
        st.just({'task': 'GetDevicePresets', 'preset': _UNSET, 'wait': False}),
        bad_seconds.map(lambda seconds: {'wait_timeout': seconds}),
        bad_seconds.map(lambda seconds: {'wait_sleep': seconds}),
        st.one_of(st.integers(max_value=0), st.integers(min_value=65)).map(lambda number: {'concurrency': number}),
        st.one_of(st.integers(max_value=-1), st.sampled_from(['-1', '101%', '-5%', 'nan%', 'inf%', '1.5', '%', 'ten']), not_a_number,
                  st.dictionaries(text, text, min_size=1, max_size=1), st.lists(st.integers(), min_size=1, max_size=2)).map(
            lambda value: {'failure_tolerance': value}),
        text.filter(lambda value: value not in ('fail', 'skip')).map(lambda value: {'missing_preset': value}),
        st.just({'cameras': _UNSET}),
    ),
    'device_settings': st.one_of(
        st.one_of(blank, st.integers(), st.lists(text, max_size=2)).map(lambda device: {'device': device}),
        st.lists(st.one_of(blank, st.fixed_dictionaries({'colour': text})), min_size=0, max_size=3).map(
            lambda devices: {'device': _UNSET, 'devices': devices}),
        blank.map(lambda group: {'device': _UNSET, 'device_group': group}),
        st.just({'device_group': 'Parking'}),
        st.just({'streams': _UNSET}),
        st.just({'streams': _UNSET, 'general': {}}),
        st.one_of(blank, st.lists(text, max_size=2)).map(lambda value: {'streams': _UNSET, 'general': {'brightness': value} if isinstance(value, list)
                                                                        else {value: 50}}),
        st.one_of(st.just([]), st.lists(st.fixed_dictionaries({'stream': blank, 'settings': st.just({'FPS': 6})}), min_size=1, max_size=2),
                  st.just([{'stream': 'Video stream 1', 'settings': {}}]), st.just([{'stream': 'Video stream 1', 'settings': {'FPS': 6}}] * 2)).map(
            lambda streams: {'streams': streams}),
        st.just({'stream_usage': []}),
        st.one_of(st.just([]), st.lists(st.one_of(blank, st.fixed_dictionaries({'device': blank, 'general': st.just({'FPS': 6})}),
                                                  st.fixed_dictionaries({'device': st.just('Lobby 0001'), 'colour': text})), min_size=1, max_size=3),
                  st.just([{'device': 'Lobby 0001', 'general': {'brightness': 1}}] * 2),
                  st.just([{'device': 'Lobby 0001', 'general': {}}])).map(lambda items: {'device': _UNSET, 'streams': _UNSET, 'items': items}),
        st.just({'device': _UNSET, 'items': [{'device': 'Lobby 0001', 'general': {'brightness': 1}}]}),
        st.just({'items': [{'device': 'Lobby 0001', 'general': {'brightness': 1}}], 'streams': _UNSET}),
        st.just({'stream_usage': [{'stream': 'Video stream 1', 'live_default': True}, {'stream': 'Video stream 2', 'live_default': True}]}),
        st.just({'stream_usage': [{'stream': 'Video stream 1', 'record': 'primary'}], 'device_type': 'microphones'}),
        text.filter(lambda value: value not in ('primary', 'secondary', 'none')).map(lambda value: {'stream_usage': [{'stream': 'Video stream 1',
                                                                                                                     'record': value}]}),
        text.filter(lambda value: value not in ('cameras', 'microphones', 'speakers', 'metadata', 'inputs', 'outputs')).map(
            lambda value: {'device_type': value}),
        text.filter(lambda value: value not in ('fail', 'skip', 'warn')).map(lambda value: {'unsupported': value}),
        st.one_of(st.integers(max_value=0), st.integers(min_value=65)).map(lambda number: {'concurrency': number}),
        st.sampled_from(['-1', '101%', 'nan%', 'ten']).map(lambda value: {'failure_tolerance': value}),
    ),
    'resource': st.one_of(
        st.one_of(blank, text.filter(lambda value: value.strip().lower() not in TYPE_NAMES)).map(lambda value: {'type': value}),
        st.tuples(text.filter(lambda value: value not in CAMERA_FIELDS and value.strip()), text).map(
            lambda pair: {'type': 'cameras', 'name': _UNSET, 'id': CAMERA_ID, 'properties': {pair[0]: pair[1]}}),
        st.sampled_from(['ptzEnabled', 'channel', 'createdDate', 'lastModified', 'id']).map(
            lambda field: {'type': 'cameras', 'name': _UNSET, 'id': CAMERA_ID, 'properties': {field: 'x'}}),
        not_guid.map(lambda ident: {'type': 'timeProfiles', 'name': _UNSET, 'id': ident}),
        blank.map(lambda name: {'name': name}),
        st.just({'type': 'cameras', 'name': _UNSET, 'id': CAMERA_ID, 'state': 'absent'}),
        st.just({'type': 'settings', 'name': 'Camera settings'}),
        st.just({'purge': True}),
        st.just({'parent': {'type': 'cameras', 'name': 'x'}, 'type': 'storages'}),
        st.one_of(st.just({'type': 'recordingServers'}), st.just({'name': 'x'}), st.dictionaries(text, text, max_size=1)).map(
            lambda parent: {'type': 'storages', 'parent': parent}),
        st.lists(st.one_of(blank, st.fixed_dictionaries({'colour': text}), st.fixed_dictionaries({'name': text, 'state': text.filter(
            lambda value: value not in ('present', 'absent'))})), min_size=1, max_size=3).map(lambda items: {'name': _UNSET, 'items': items}),
        text.filter(lambda value: value not in ('on_create', 'always')).map(lambda value: {'update_secrets': value}),
    ),
    'resource_info': st.one_of(
        st.one_of(blank, text.filter(lambda value: value.strip().lower() not in TYPE_NAMES)).map(lambda value: {'type': value}),
        not_guid.map(lambda ident: {'id': ident, 'name': _UNSET}),
        blank.map(lambda name: {'name': name}),
        st.sampled_from(['beginsWith', 'like', 'equals', 'endsWith']).map(lambda operator: {'filters': {'name': f'{operator}:x'}}),
        text.filter(lambda value: value not in ('definitions', 'tasks', 'resources')).map(lambda value: {'include': [value]}),
    ),
    'event_trigger': st.one_of(
        blank.map(lambda name: {'event': name}),
        st.integers(max_value=0).map(lambda count: {'count': count}),
        not_an_int.map(lambda value: {'count': value}),
    ),
    'alarm_info': st.one_of(
        not_guid.map(lambda ident: {'id': ident}),
        not_a_bool.map(lambda value: {'include_data': value}),
    ),
    'hardware': st.one_of(
        bad_addresses.map(lambda address: {'address': address}),
        # not text: Ansible makes text of it ("5", "['a']"), which is no address either
        st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.lists(text, min_size=1, max_size=2),
                  st.dictionaries(text, text, min_size=1, max_size=2)).map(lambda address: {'address': address}),
        st.just({'address': _UNSET}),
        st.just({'items': [{'address': '192.0.2.12'}]}),  # with address
        st.sampled_from(['name', 'description', 'devices', 'replaces']).map(
            lambda key: {'address': _UNSET, 'items': [{'address': '192.0.2.12'}], key: {'cameras': []} if key == 'devices' else 'x'}),
        st.tuples(bad_hardware_items, st.integers(0, 1)).map(lambda case: {'address': _UNSET, 'items': (
            [case[0], {'address': '192.0.2.13', 'password': ITEM_PASSWORD}] if case[1] else
            [{'address': '192.0.2.13', 'password': ITEM_PASSWORD}, case[0]])}),
        not_an_item.map(lambda item: {'address': _UNSET, 'items': [{'address': '192.0.2.13', 'password': ITEM_PASSWORD}, item]}),
        st.sampled_from([['192.0.2.12', '192.0.2.12'], ['192.0.2.12', 'http://192.0.2.12:8080/'], ['CAM.example', 'cam.example.']]).map(
            lambda pair: {'address': _UNSET, 'items': [{'address': pair[0], 'password': ITEM_PASSWORD}, {'address': pair[1]}]}),
        bad_devices.map(lambda devices: {'devices': devices}),
        blank.map(lambda name: {'name': name}),
        blank.map(lambda server: {'recording_server': server}),
        text.filter(lambda value: value not in ('present', 'absent')).map(lambda value: {'state': value}),
        st.just({'state': 'absent', 'devices': {'cameras': [{'channel': 0, 'name': 'Lobby'}]}}),
        st.just({'replaces': '192.0.2.11'}),
        text.filter(lambda value: value not in ('on_create', 'always')).map(lambda value: {'update_password': value}),
        st.just({'update_password': 'always', 'hardware_password': _UNSET}),
        st.just({'update_password': 'always', 'hardware_password': _UNSET, 'address': _UNSET,
                 'items': [{'address': '192.0.2.12', 'password': ITEM_PASSWORD}, {'address': '192.0.2.13'}]}),
        text.filter(lambda value: value not in ('cameras', 'microphones', 'speakers', 'metadata', 'inputs', 'outputs')).map(
            lambda value: {'enable_new_devices': ['cameras', value]}),
        st.one_of(st.integers(max_value=0), st.integers(min_value=65)).map(lambda number: {'concurrency': number}),
        not_an_int.map(lambda value: {'concurrency': value}),
        st.one_of(st.integers(max_value=-1), st.sampled_from(['-1', '101%', '-5%', 'nan%', 'inf%', '1.5', '%', 'ten']), not_a_number,
                  st.dictionaries(text, text, min_size=1, max_size=1), st.lists(st.integers(), min_size=1, max_size=2)).map(
            lambda value: {'failure_tolerance': value}),
        bad_seconds.map(lambda seconds: {'wait_timeout': seconds}),
        bad_seconds.map(lambda seconds: {'wait_sleep': seconds}),
        st.sampled_from(['enabled', 'move', 'disable_unlisted_devices', 'change_device_password']).flatmap(
            lambda option: not_a_bool.map(lambda value: {option: value})),
    ),
    'hardware_info': st.one_of(
        st.lists(bad_addresses, min_size=1, max_size=2).map(lambda addresses: {'address': ['192.0.2.11'] + addresses}),
        not_guid.map(lambda ident: {'id': [ident]}),
        st.one_of(st.integers(max_value=0), st.integers(min_value=65)).map(lambda number: {'concurrency': number}),
        not_an_int.map(lambda value: {'concurrency': value}),
        st.sampled_from(['include_disabled', 'include_devices', 'include_driver_settings']).flatmap(
            lambda option: not_a_bool.map(lambda value: {option: value})),
        blank.map(lambda server: {'recording_server': server}),
        st.lists(blank, min_size=1, max_size=2).map(lambda names: {'name': ['Lobby'] + names}),
    ),
    'task': st.one_of(
        blank.map(lambda name: {'task': name}),
        st.just({'steps': 'first', 'wait': False}),
        bad_seconds.map(lambda seconds: {'wait_timeout': seconds}),
        st.one_of(st.integers(max_value=0), st.integers(min_value=65)).map(lambda number: {'concurrency': number}),
        st.sampled_from(['-1', '101%', 'nan%', 'ten']).map(lambda value: {'failure_tolerance': value}),
        st.just({'targets': [{'type': 'hardware', 'name': 'x'}]}),
        st.just({'type': _UNSET, 'parent': _UNSET}),
        st.just({'type': _UNSET, 'parent': _UNSET, 'targets': []}),
        st.one_of(blank, text.filter(lambda value: value.strip().lower() not in TYPE_NAMES)).map(lambda value: {'type': value}),
        st.lists(st.one_of(st.fixed_dictionaries({'name': text}), st.fixed_dictionaries({'type': text, 'colour': text})), min_size=1,
                 max_size=2).map(lambda targets: {'type': _UNSET, 'parent': _UNSET, 'targets': targets}),
        text.filter(lambda value: value not in ('all', 'first')).map(lambda value: {'steps': value}),
    ),
    'device_group': st.one_of(
        st.one_of(blank, st.sampled_from(['a//b', '/', 'a/ /b', '//x']), st.integers(), st.lists(text, max_size=2)).map(
            lambda path: {'path': path}),
        st.just({'path': _UNSET}),
        st.just({'path': _UNSET, 'groups': []}),
        st.just({'groups': ['Site A']}),  # with path
        st.lists(st.one_of(blank, st.integers(), st.fixed_dictionaries({'colour': text}), st.fixed_dictionaries({'description': text})),
                 min_size=1, max_size=2).map(lambda groups: {'path': _UNSET, 'groups': groups}),
        st.lists(blank, min_size=1, max_size=3).map(lambda members: {'members': members}),
        st.just({'members': _UNSET, 'purge_members': True}),
        st.just({'state': 'absent'}),  # with members in VALID
        text.filter(lambda value: value not in ('cameras', 'microphones', 'speakers', 'metadata', 'inputs', 'outputs')).map(
            lambda value: {'device_type': value}),
        not_a_bool.map(lambda value: {'force': value}),
    ),
    'role': st.one_of(
        blank.map(lambda name: {'name': name}),
        st.one_of(st.integers(), st.lists(text, max_size=2), st.dictionaries(text, text, min_size=1, max_size=1)).map(lambda name: {'name': name}),
        not_guid.map(lambda ident: {'id': ident}),
        st.just({'name': _UNSET}),
        st.sampled_from(['roleType', 'id', 'colour', 'name']).map(lambda field: {'properties': {field: 'x'}}),
        st.lists(blank, min_size=1, max_size=2).map(lambda members: {'members': members}),
        st.just({'members': ['guard.lobby', 'guard.lobby']}),
        st.just({'members': _UNSET, 'purge_members': True}),
        st.one_of(text.filter(lambda value: value.strip().lower() not in ('allow', 'deny', 'none')), st.booleans(), st.none(), st.integers()).map(
            lambda value: {'overall_permissions': {'Cameras': {'EXPORT': value}}}),
        st.one_of(st.just({}), st.just([]), st.just('Cameras')).map(lambda value: {'overall_permissions': {'Cameras': value}}),
        st.just({'state': 'absent'}),  # with members in VALID
    ),
    'basic_user': st.one_of(
        blank.map(lambda name: {'name': name}),
        st.one_of(st.integers(), st.lists(text, max_size=2)).map(lambda name: {'name': name}),
        not_guid.map(lambda ident: {'id': ident}),
        st.just({'name': _UNSET}),
        st.just({'user_password': ''}),
        st.just({'user_password': _UNSET, 'update_password': 'always'}),
        st.just({'state': 'absent'}),  # with the password in VALID
        text.filter(lambda value: value not in ('Enabled', 'LockedOutByAdmin')).map(lambda value: {'status': value}),
        text.filter(lambda value: value not in ('on_create', 'always')).map(lambda value: {'update_password': value}),
        not_a_bool.map(lambda value: {'force_password_change': value}),
    ),
    'site_export': st.one_of(
        st.sampled_from(['cameras', 'recordingServers', 'registeredServices', 'timeProfile', '']).map(lambda name: {'types': [name]}),
        st.just({'dest': ''}),
        st.just({'dest': os.path.abspath(__file__)}),  # a file, not a directory
        st.just({'dest': os.path.join(SITE_DIR, 'never', 'exported'), 'compare': True}),
        st.just({'dest': _UNSET}),
        not_a_bool.map(lambda value: {'compare': value}),
    ),
}


# -- the properties ------------------------------------------------------------------------------------------

@pytest.mark.parametrize('module', sorted(MODULES))
def test_valid_arguments_reach_the_server(module: str) -> None:
    """The baseline the invalid cases change: with VALID arguments the module does send requests."""
    result, text, calls = run(module, {})
    assert calls, result
    assert_clean(result, text)


@pytest.mark.parametrize('module', sorted(MODULES))
def test_invalid_connection_options_fail_before_any_request(module: str) -> None:
    @SETTINGS
    @given(CONNECTION_CASES)
    def check(overrides: dict[str, t.Any]) -> None:
        assert_refused_before_any_request(module, overrides)

    check()


@pytest.mark.parametrize('module', sorted(MODULES))
def test_invalid_module_options_fail_before_any_request(module: str) -> None:
    @SETTINGS
    @given(MODULE_CASES[module])
    def check(overrides: dict[str, t.Any]) -> None:
        assert_refused_before_any_request(module, overrides)

    check()


#: Arguments that ansible-core's own validation refuses before the module runs, where it would show secrets it does not know
#: of (an item's password) or has forgotten (every no_log value, once a dict option with suboptions is given text): the
#: module base finds them first (_module.early_secrets).
ARGUMENT_FAILURES = {
    'a dict option with suboptions given as text (hardware devices)': ('hardware', {'devices': 'cameras'}, PASSWORD),
    'a dict option with suboptions given as text (device_settings streams)': ('device_settings', {'streams': 'Video stream 1'}, PASSWORD),
    'an item that is no dictionary beside an item with a password': (
        'hardware', {'address': _UNSET, 'items': ['192.0.2.12', {'address': '192.0.2.13', 'password': ITEM_PASSWORD}]}, ITEM_PASSWORD),
}


@pytest.mark.parametrize('case', sorted(ARGUMENT_FAILURES))
def test_secrets_masked_when_ansible_refuses_the_arguments(case: str) -> None:
    module, overrides, secret = ARGUMENT_FAILURES[case]
    result, text, calls = run(module, overrides)
    assert result.get('failed') is True and calls == [], result
    assert_clean(result, text, [secret])


ARBITRARY = {
    'user_defined_event': any_text.map(lambda name: {'name': name}),
    'user_defined_events': st.lists(st.one_of(any_text, any_text.map(lambda name: {'name': name})), min_size=1, max_size=4).map(
        lambda events: {'events': events, 'purge': True}),
    'user_defined_event_info': st.tuples(any_text, st.one_of(st.just(_UNSET), any_text)).map(lambda pair: {'name': pair[0], 'id': pair[1]}),
    'camera_info': st.tuples(any_text, st.one_of(st.just(_UNSET), any_text)).map(lambda pair: {'name': pair[0], 'camera_group': pair[1]}),
    'device_settings': st.tuples(st.lists(any_text, min_size=1, max_size=3), any_text, any_text).map(
        lambda case: {'device': _UNSET, 'devices': case[0], 'streams': [{'stream': case[1] or 'x', 'settings': {case[2] or 'x': case[2]}}]}),
    'ptz_task': st.tuples(st.lists(any_text, min_size=1, max_size=3), any_text, any_text).map(
        lambda case: {'cameras': case[0], 'task': case[1], 'preset': case[2]}),
    'resource': st.tuples(any_text, any_text).map(lambda pair: {'name': pair[0], 'properties': {'description': pair[1]}}).map(
        lambda case: dict(case, type='userDefinedEvents', properties=None)),
    'resource_info': st.tuples(any_text, any_text).map(lambda pair: {'name': pair[0], 'filters': {'description': pair[1]}}),
    'task': any_text.map(lambda name: {'task': name}),
    'device_group': st.tuples(any_text, st.lists(any_text, max_size=2)).map(lambda pair: {'path': pair[0], 'members': pair[1]}),
    'role': st.tuples(any_text, st.lists(any_text, min_size=1, max_size=2)).map(lambda pair: {'name': pair[0], 'members': pair[1]}),
    'basic_user': st.tuples(any_text, any_text).map(lambda pair: {'name': pair[0], 'description': pair[1]}),
    'hardware': st.tuples(any_text, any_text, any_text).map(lambda case: {'address': case[0], 'name': case[1], 'description': case[2]}),
    'hardware_info': st.tuples(st.lists(any_text, min_size=1, max_size=3), st.lists(any_text, max_size=2)).map(
        lambda pair: {'address': pair[0], 'name': pair[1]}),
}


@pytest.mark.parametrize('module', sorted(ARBITRARY))
def test_arbitrary_text_never_crashes_a_module(module: str) -> None:
    """Unicode, control characters and huge strings in the options that reach the server: a result, never a traceback."""
    @SETTINGS
    @given(ARBITRARY[module])
    def check(overrides: dict[str, t.Any]) -> None:
        result, text, calls = run(module, overrides)
        assert_clean(result, text)
        if any(isinstance(value, str) and not value.strip() for key, value in overrides.items() if key in ('name', 'preset', 'camera_group')):
            assert calls == [], 'a blank name is refused before any request'

    check()

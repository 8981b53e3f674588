# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the camera_info module: AnsibleModule in-process, HTTP mocked with ``responses``."""

from __future__ import annotations

import json
import typing as t

import pytest
import yaml


from ansible_collections.milestone.xprotect.plugins.module_utils._module import CONNECTION_OPTIONS
from ansible_collections.milestone.xprotect.plugins.modules import camera_info
from ansible_collections.milestone.xprotect.tests.unit.plugins.fake_gateway import (
    BASE,
    PASSWORD,
    TOKEN,
    FakeGateway,
    guid,
    make_camera,
    make_preset,
)

from ansible_collections.milestone.xprotect.tests.unit.plugins.modules.module_args import argument_spec_of, patch_module_args


def run_module(main: t.Callable[[], None], args: dict[str, t.Any], capsys: t.Any) -> dict[str, t.Any]:
    """Run a module's main() with ``args`` plus the connection; return its JSON result."""
    full = dict(server_url=BASE, username='admin', password=PASSWORD, retries=0)
    full.update(args)
    with patch_module_args(full):
        with pytest.raises(SystemExit):
            main()
    output = capsys.readouterr().out
    assert PASSWORD not in output and TOKEN not in output, 'secrets must never reach a result'
    return json.loads(output)


def gateway_with_site(mock_rsps: t.Any) -> FakeGateway:
    cameras = [make_camera(1, 'Lobby 0001'), make_camera(2, 'Gate PTZ', ptz=True), make_camera(3, 'lobby 0003', enabled=False),
               make_camera(4, 'Lobby 0004 PTZ', ptz=True)]
    gateway = FakeGateway(mock_rsps, cameras)
    gateway.presets[guid(2)] = [make_preset(guid(2), 21, 'Home', default=True)]
    gateway.add_group('Lobby', 1, members=[guid(1), guid(3), guid(4)])
    return gateway


def test_cameras_come_back_sorted_with_their_ptz_details(mock, capsys):
    gateway = gateway_with_site(mock)
    result = run_module(camera_info.main, {'include': ['ptz_presets', 'ptz_tasks'], 'include_disabled': True}, capsys)
    assert result['changed'] is False and 'failed' not in result
    assert [camera['name'] for camera in result['cameras']] == ['Gate PTZ', 'Lobby 0001', 'lobby 0003', 'Lobby 0004 PTZ']
    gate = result['cameras'][0]
    assert [preset['name'] for preset in gate['ptz_presets']] == ['Home']
    assert [task['id'] for task in gate['ptz_tasks']] == ['DefaultPtzPreset', 'GetDevicePresets']
    assert gateway.writes == []


def test_filters_group_and_pattern(mock, capsys):
    gateway_with_site(mock)
    result = run_module(camera_info.main, {'camera_group': 'Lobby', 'name': 'Lobby*'}, capsys)
    assert [camera['name'] for camera in result['cameras']] == ['Lobby 0001', 'Lobby 0004 PTZ']
    result = run_module(camera_info.main, {'ptz_only': True}, capsys)
    assert [camera['name'] for camera in result['cameras']] == ['Gate PTZ', 'Lobby 0004 PTZ']
    result = run_module(camera_info.main, {'name': 'Nothing here'}, capsys)
    assert result['cameras'] == [] and 'failed' not in result


def test_check_mode_reads_the_same(mock, capsys):
    gateway = gateway_with_site(mock)
    result = run_module(camera_info.main, {'_ansible_check_mode': True, 'ptz_only': True}, capsys)
    assert len(result['cameras']) == 2 and gateway.writes == []


def test_an_unknown_id_fails_naming_it(mock, capsys):
    gateway_with_site(mock)
    result = run_module(camera_info.main, {'id': guid(42)}, capsys)
    assert result['failed'] is True and result['cameras'] == []
    assert result['msg'] == f'Could not find the camera: no camera has the id {guid(42)}.'
    unknown_group = run_module(camera_info.main, {'camera_group': 'Roof'}, capsys)
    assert unknown_group['failed'] and "no camera group is named 'Roof'; the top-level groups are: Lobby" in unknown_group['msg']


def test_concurrency_is_bounded(mock, capsys):
    gateway = gateway_with_site(mock)
    result = run_module(camera_info.main, {'concurrency': 0}, capsys)
    assert result['failed'] and result['msg'] == 'concurrency must be between 1 and 64, not 0'
    assert gateway.log == []


def test_documented_options_match_the_argument_spec():
    documentation = yaml.safe_load(camera_info.DOCUMENTATION)
    spec = argument_spec_of(camera_info.main, {'server_url': BASE, 'access_token': TOKEN})
    assert set(spec) - set(CONNECTION_OPTIONS) == set(documentation['options'])
    for name, option in documentation['options'].items():
        assert spec[name]['type'] == option['type'], name
        assert spec[name].get('default') == option.get('default'), name
        assert spec[name].get('choices') == option.get('choices'), name

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the ptz_task module: AnsibleModule in-process, HTTP mocked with ``responses``."""

from __future__ import annotations

import typing as t
from unittest import mock as unittest_mock

import pytest
import yaml

from ansible.module_utils import basic

from ansible_collections.milestone.xprotect.plugins.module_utils._module import CONNECTION_OPTIONS
from ansible_collections.milestone.xprotect.plugins.modules import ptz_task
from ansible_collections.milestone.xprotect.tests.unit.plugins.fake_gateway import (
    BASE,
    TOKEN,
    FakeGateway,
    guid,
    make_camera,
    make_preset,
)
from ansible_collections.milestone.xprotect.tests.unit.plugins.modules.module_args import argument_spec_of
from ansible_collections.milestone.xprotect.tests.unit.plugins.modules.test_camera_info import run_module


def fleet(mock_rsps: t.Any, count: int = 4) -> FakeGateway:
    cameras = [make_camera(number, f'PTZ {number}', ptz=True) for number in range(1, count + 1)] + [make_camera(100, 'Fixed')]
    gateway = FakeGateway(mock_rsps, cameras)
    for number in range(1, count + 1):
        ident = guid(number)
        gateway.presets[ident] = [make_preset(ident, number * 10 + 1, 'Home', default=True), make_preset(ident, number * 10 + 2, 'Gate')]
    return gateway


def names(count: int) -> list[str]:
    return [f'PTZ {number}' for number in range(1, count + 1)]


def test_a_fleet_run_reports_each_camera_and_totals(mock, capsys):
    gateway = fleet(mock)
    result = run_module(ptz_task.main, {'cameras': names(4), 'task': 'DefaultPtzPreset', 'preset': 'Gate', 'wait_sleep': 0.001}, capsys)
    assert 'failed' not in result, result['msg']
    assert result['changed'] is True
    assert [camera['camera_name'] for camera in result['cameras']] == names(4)
    assert all(camera['status'] == 'changed' and camera['state'] == 'Success' for camera in result['cameras'])
    assert result['totals']['changed'] == 4 and result['totals']['failures'] == 0
    assert result['tasks_left_behind'] == [] and not gateway.tasks
    assert result['msg'].startswith('DefaultPtzPreset on 4 cameras in ')
    assert 'diff' not in result


def test_check_mode_invokes_nothing_and_shows_the_diff(mock, capsys):
    gateway = fleet(mock)
    result = run_module(ptz_task.main, {'cameras': [guid(1), 'PTZ 2'], 'task': 'DefaultPtzPreset', 'preset': 'Gate',
                                        '_ansible_check_mode': True, '_ansible_diff': True}, capsys)
    assert result['changed'] is True and result['totals']['would_change'] == 2
    assert result['diff'] == {'before': {'PTZ 1': 'Home', 'PTZ 2': 'Home'}, 'after': {'PTZ 1': 'Gate', 'PTZ 2': 'Gate'}}
    assert gateway.writes == []


def test_a_second_run_changes_nothing(mock, capsys):
    gateway = fleet(mock, 2)
    args = {'cameras': names(2), 'task': 'DefaultPtzPreset', 'preset': 'Gate', 'wait_sleep': 0.001}
    assert run_module(ptz_task.main, args, capsys)['changed'] is True
    posts = len(gateway.writes)
    again = run_module(ptz_task.main, args, capsys)
    assert again['changed'] is False and again['totals']['unchanged'] == 2
    assert len(gateway.writes) == posts


def test_failures_fail_the_module_and_list_the_cameras(mock, capsys):
    gateway = fleet(mock)
    gateway.outcomes[guid(3)] = 'error'
    result = run_module(ptz_task.main, {'cameras': names(4) + ['Fixed'], 'task': 'DefaultPtzPreset', 'preset': 'Gate',
                                        'wait_sleep': 0.001}, capsys)
    assert result['failed'] is True
    assert result['msg'].startswith('DefaultPtzPreset failed on 2 of 5 cameras (failure_tolerance 0): ')
    assert f"'PTZ 3' ({guid(3)}) failed" in result['msg'] and 'VMO61002' in result['msg']
    assert f"'Fixed' ({guid(100)}) failed: the camera is not a PTZ camera" in result['msg']
    assert result['totals']['changed'] == 3 and result['changed'] is True
    assert not gateway.tasks


@pytest.mark.parametrize('tolerance', [2, '2', '40%'])
def test_tolerated_failures_become_warnings(mock, capsys, tolerance):
    gateway = fleet(mock)
    gateway.outcomes[guid(3)] = 'error'
    # Under pytest, ansible-core may believe it runs on the controller and print warnings instead of returning them.
    with unittest_mock.patch.object(basic.AnsibleModule, 'warn') as warn:
        result = run_module(ptz_task.main, {'cameras': names(4) + ['Fixed'], 'task': 'DefaultPtzPreset', 'preset': 'Gate',
                                            'wait_sleep': 0.001, 'failure_tolerance': tolerance}, capsys)
    assert 'failed' not in result, result['msg']
    assert result['totals']['failures'] == 2
    warnings = [call.args[0] for call in warn.call_args_list]
    assert len(warnings) == 2 and all('tolerated by failure_tolerance' in warning for warning in warnings)
    assert any("'PTZ 3'" in warning for warning in warnings) and any("'Fixed'" in warning for warning in warnings)


def test_unknown_cameras_stop_the_module_before_anything_is_invoked(mock, capsys):
    gateway = fleet(mock)
    result = run_module(ptz_task.main, {'cameras': ['PTZ 1', 'PTZ 9', 'Ptz 2'], 'task': 'GetDevicePresets'}, capsys)
    assert result['failed'] is True
    assert "no camera is named 'PTZ 9'" in result['msg'] and "no camera is named 'Ptz 2' (did you mean 'PTZ 2'?)" in result['msg']
    assert gateway.writes == [] and 'cameras' not in result


@pytest.mark.parametrize('args, message', [
    ({'task': 'DefaultPtzPreset'}, 'task DefaultPtzPreset needs preset'),
    ({'task': 'GetDevicePresets', 'wait': False}, 'wait=false cannot be used with GetDevicePresets'),
    ({'task': 'GetDevicePresets', 'concurrency': 65}, 'concurrency must be between 1 and 64, not 65'),
    ({'task': 'GetDevicePresets', 'failure_tolerance': 'some'}, "failure_tolerance must be a count such as 3"),
    ({'task': 'Goto'}, 'task Goto needs preset (the name or id of the preset to move the cameras to)'),
    ({'task': 'GetDevicePresets', 'cameras': [' ']}, 'cameras holds only empty names'),
    ({'task': 'GetDevicePresets', 'cameras': []}, 'cameras is an empty list, so there is nothing to do'),
])
def test_impossible_options_fail_before_any_request(mock, capsys, args, message):
    gateway = fleet(mock)
    result = run_module(ptz_task.main, dict({'cameras': ['PTZ 1']}, **args), capsys)
    assert result['failed'] is True and message in result['msg']
    assert gateway.log == []


def test_wait_false_returns_the_started_tasks(mock, capsys):
    gateway = fleet(mock, 2)
    with unittest_mock.patch.object(basic.AnsibleModule, 'warn') as warn:
        result = run_module(ptz_task.main, {'cameras': names(2), 'task': 'defaultptzpreset', 'preset': 'Gate', 'wait': False}, capsys)
    assert result['changed'] is True and result['totals']['started'] == 2
    assert sorted(result['tasks_left_behind']) == ['1', '2'] and set(gateway.tasks) == {'1', '2'}
    assert not warn.called, 'tasks left running on purpose are not a warning'


def test_documented_options_and_returns_match_the_module():
    documentation = yaml.safe_load(ptz_task.DOCUMENTATION)
    spec = argument_spec_of(ptz_task.main, {'server_url': BASE, 'access_token': TOKEN})
    assert set(spec) - set(CONNECTION_OPTIONS) == set(documentation['options'])
    for name, option in documentation['options'].items():
        assert spec[name]['type'] == option['type'], name
        assert spec[name].get('default') == option.get('default'), name
        assert spec[name].get('aliases') == option.get('aliases'), name


def test_documented_camera_result_keys_match_a_real_result(mock, capsys):
    fleet(mock, 1)
    result = run_module(ptz_task.main, {'cameras': ['PTZ 1'], 'task': 'DefaultPtzPreset', 'preset': 'Gate', 'wait_sleep': 0.001}, capsys)
    returns = yaml.safe_load(ptz_task.RETURN)
    documented_camera = set(returns['cameras']['contains'])
    conditional = {name for name, value in returns['cameras']['contains'].items() if value['returned'] != 'always'}
    camera = result['cameras'][0]
    assert documented_camera - conditional <= set(camera) <= documented_camera
    assert set(returns['totals']['sample']) == set(result['totals'])
    assert set(returns) <= set(result)

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Permissions: a user without administrator rights (403 on every write) and a user with a wrong password.

Both must get a clear error that says what to do, and the server must be exactly as before: the modules stop
at the first refused write instead of trying the others, and a failed login sends no REST request at all.
"""

from __future__ import annotations

import typing as t

import pytest

from harness import run_playbook
from reliability import TASK_SECONDS, Site, default_preset, find_secrets, has_traceback, open_task_ids, tasks_created, user_event_names

from simulator.process import SimulatorProcess

OPERATOR_PASSWORD = 'Op3rator pässword'
WRONG_PASSWORD = 'Wr0ng-pässword'

PLAYBOOK = '''
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/milestone.xprotect.api_gateway:
      username: "{{ user }}"
      password: "{{ lookup('env', 'RELIABILITY_PASSWORD') }}"
  tasks:
    - {name: read events, milestone.xprotect.user_defined_event_info: {}, ignore_errors: true}
    - {name: read cameras, milestone.xprotect.camera_info: {ptz_only: true}, ignore_errors: true}
    - name: set
      milestone.xprotect.user_defined_events:
        events: [{name: New name, previous_name: Old name}, Door forced]
        purge: true
      ignore_errors: true
    - {name: one, milestone.xprotect.user_defined_event: {name: Door forced}, ignore_errors: true}
    - name: ptz
      milestone.xprotect.ptz_task: {cameras: "{{ cameras }}", task: DefaultPtzPreset, preset: "{{ preset }}", wait_sleep: 0.05}
      ignore_errors: true
    - {name: login, milestone.xprotect.login: {}, ignore_errors: true}
    - name: events role
      ansible.builtin.import_role: {name: milestone.xprotect.user_defined_events}
      vars: {user_defined_events_list: [Door forced]}
      ignore_errors: true
'''
READS = ('read events', 'read cameras', 'login')
WRITES = ('set', 'one', 'ptz', "Apply the site's user-defined events")


@pytest.fixture(scope='module')
def sim() -> t.Iterator[SimulatorProcess]:
    with SimulatorProcess('--task-seconds', TASK_SECONDS, '--user', f'operator:{OPERATOR_PASSWORD}:operator') as process:
        yield process


def prepare(sim: SimulatorProcess) -> tuple[Site, dict[str, t.Any]]:
    sim.reset()
    for name in ('Old name', 'Obsolete'):
        sim.api('POST', '/userDefinedEvents', {'name': name})
    site = Site.read(sim)
    sim.reset(stats_only=True)
    return site, {'cameras': site.default_cameras, 'preset': site.default_preset}


def writes(sim: SimulatorProcess) -> list[tuple[str, int]]:
    return [(entry['method'], entry['status']) for entry in sim.requests_log(kind='rest') if entry['method'] != 'GET']


def test_a_user_without_administrator_rights_gets_a_clear_403_and_nothing_changes(sim: SimulatorProcess) -> None:
    site, extra = prepare(sim)
    defaults_before = {camera: default_preset(sim, camera) for camera in site.default_cameras}
    sim.reset(stats_only=True)
    run = run_playbook(sim, PLAYBOOK, extra_vars=dict(extra, user='operator'), env={'RELIABILITY_PASSWORD': OPERATOR_PASSWORD})
    for task in READS:
        assert run.records(task)[-1]['status'] == 'ok', run.result(task)
    for task in WRITES:
        result = run.result(task)
        assert run.records(task)[-1]['status'] == 'failed' and not has_traceback(result), (task, result)
        assert 'HTTP 403' in result['msg'] and 'Administrators role' in result['msg'], (task, result['msg'])
    assert 'Nothing was changed' in run.result('set')['msg'] and run.result('set')['changed'] is False
    assert run.result('ptz')['totals']['failures'] == 2 and run.result('ptz')['changed'] is False
    # One refused write per module (and per camera): the modules stop instead of trying every other write.
    assert writes(sim) == [('PUT', 403), ('POST', 403), ('POST', 403), ('POST', 403), ('POST', 403)], writes(sim)
    assert user_event_names(sim) == ['Obsolete', 'Old name']
    assert {camera: default_preset(sim, camera) for camera in site.default_cameras} == defaults_before
    assert tasks_created(sim, site.probe_camera) == 0 and not open_task_ids(sim)
    assert not find_secrets(run.output, [OPERATOR_PASSWORD], tokens=True)


def test_a_wrong_password_fails_every_module_at_login_and_sends_nothing_else(sim: SimulatorProcess) -> None:
    site, extra = prepare(sim)
    run = run_playbook(sim, PLAYBOOK, extra_vars=dict(extra, user='operator'), env={'RELIABILITY_PASSWORD': WRONG_PASSWORD})
    for task in READS + WRITES:
        result = run.result(task)
        assert run.records(task)[-1]['status'] == 'failed' and not has_traceback(result), (task, result)
        assert result['msg'].startswith("Could not log in: the identity provider refused user 'operator'"), (task, result['msg'])
        assert 'the user name or password is wrong' in result['msg'] and 'Check username, password' in result['msg']
    stats = sim.stats()
    assert stats['total_requests'] == 0 and stats['token_grants'] == 0, 'nothing but the refused logins reached the server'
    assert user_event_names(sim) == ['Obsolete', 'Old name'] and tasks_created(sim, site.probe_camera) == 0
    assert not find_secrets(run.output, [WRONG_PASSWORD], tokens=True)

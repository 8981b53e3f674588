# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""milestone.xprotect.task against the simulator: one-step and two-step tasks, missing parameters, secret
parameters, fleets within and beyond the tolerance, a timeout (stopped and cleaned up), a lost answer."""

from __future__ import annotations

import typing as t

from harness import run_playbook

FAST_TASK = 0.3
SECRET = 'N3w-hardware-pässword'


def play(*tasks: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    return [{'hosts': 'localhost', 'gather_facts': False, 'tasks': list(tasks)}]


def task(title: str, ignore_errors: bool = False, **options: t.Any) -> dict[str, t.Any]:
    options.setdefault('wait_sleep', 0.1)
    body: dict[str, t.Any] = {'name': title, 'milestone.xprotect.task': options}
    if ignore_errors:
        body['ignore_errors'] = True
    return body


def outcome(run: t.Any, title: str, status: str = 'ok') -> dict[str, t.Any]:
    record = run.records(title)[-1]
    assert record['status'] == status, (title, record['result'].get('msg'), run.explain())
    return record['result']


def api(sim: t.Any, method: str, path: str, body: t.Any = None) -> t.Any:
    status, payload = sim.api(method, path, body)
    assert status == 200, (method, path, payload)
    return payload


def ptz_cameras(sim: t.Any) -> list[dict[str, t.Any]]:
    return [camera for camera in api(sim, 'GET', '/cameras')['array'] if camera['ptzEnabled']]


def invokes(sim: t.Any, fragment: str) -> list[dict[str, t.Any]]:
    return [entry for entry in sim.requests_log('rest') if entry['method'] == 'POST' and fragment in entry['path'] + '?' + entry['query']]


def presets_of(camera: dict[str, t.Any]) -> dict[str, t.Any]:
    return {'type': 'ptzPresets', 'parent': {'type': 'cameras', 'id': camera['id']}}


def test_a_two_step_task_runs_both_steps_and_cleans_up(simulator):
    simulator.faults(task_seconds=FAST_TASK)
    camera = ptz_cameras(simulator)[0]
    run = run_playbook(simulator, play(task('device', task='getdevicepresets', parameters={'sessionDataId': 0}, **presets_of(camera)),
                                       task('first only', task='GetDevicePresets', parameters={'sessionDataId': 0}, steps='first',
                                            **presets_of(camera))))
    both, first = outcome(run, 'device'), outcome(run, 'first only')
    assert both['changed'] and len(both['targets'][0]['task_ids']) == 2 and both['task_object']['state'] == 'Success'
    assert both['targets'][0]['task'] == 'GetDevicePresets', 'sent as the object spells it'
    assert len(first['targets'][0]['task_ids']) == 1 and isinstance(first['session_data_id'], int) and first['session_data_id'] > 0
    assert simulator.stats()['open_tasks'] == 0


def test_check_mode_checks_the_task_and_runs_nothing(simulator):
    camera = ptz_cameras(simulator)[0]
    run = run_playbook(simulator, play(task('check', task='GetDevicePresets', parameters={'sessionDataId': 0}, **presets_of(camera)),
                                       task('typo', ignore_errors=True, task='GetDevicePreset', **presets_of(camera))), check=True)
    assert outcome(run, 'check')['changed'] and outcome(run, 'check')['targets'][0]['status'] == 'would_change'
    assert "does not offer the task 'GetDevicePreset' (did you mean GetDevicePresets?)" in outcome(run, 'typo', 'failed')['msg']
    assert [entry for entry in simulator.requests_log('rest') if entry['method'] != 'GET'] == []


def test_missing_parameters_are_listed_with_what_the_server_offers_and_nothing_runs(simulator):
    camera = ptz_cameras(simulator)[0]
    run = run_playbook(simulator, play(task('default', ignore_errors=True, task='DefaultPtzPreset', **presets_of(camera)),
                                       task('unknown', ignore_errors=True, task='DefaultPtzPreset', parameters={'preset': 'Home'},
                                            **presets_of(camera))))
    message = outcome(run, 'default', 'failed')['msg']
    assert 'needs parameters the task did not give' in message and 'itemSelection' in message and 'nothing was run' in message
    assert 'has no parameter preset; its parameters are: itemSelection' in outcome(run, 'unknown', 'failed')['msg']
    assert simulator.stats()['open_tasks'] == 0


def test_a_fleet_within_and_beyond_its_failure_tolerance(simulator):
    simulator.faults(task_seconds=FAST_TASK)
    fleet = ptz_cameras(simulator)[:4]
    simulator.faults(task_outcomes={fleet[0]['id']: 'error'})
    targets = [dict(presets_of(camera)) for camera in fleet]
    run = run_playbook(simulator, play(
        task('tolerated', task='GetDevicePresets', targets=targets, parameters={'sessionDataId': 0}, failure_tolerance='25%', concurrency=4),
        task('beyond', ignore_errors=True, task='GetDevicePresets', targets=targets, parameters={'sessionDataId': 0}, failure_tolerance=0),
    ))
    tolerated = outcome(run, 'tolerated')
    assert tolerated['totals']['failures'] == 1 and tolerated['totals']['targets'] == 4 and tolerated['changed']
    beyond = outcome(run, 'beyond', 'failed')
    assert beyond['msg'].startswith('GetDevicePresets failed on 1 of 4 targets (failure_tolerance 0)')
    assert [target['status'] for target in beyond['targets']].count('failed') == 1
    assert simulator.stats()['open_tasks'] == 0


def test_a_timeout_stops_and_cleans_up_the_task_and_names_wait_timeout(simulator):
    camera = ptz_cameras(simulator)[0]
    simulator.faults(task_outcomes={camera['id']: 'hang'})
    run = run_playbook(simulator, play(task('hang', ignore_errors=True, task='GetDevicePresets', parameters={'sessionDataId': 0},
                                            wait_timeout=1, **presets_of(camera))))
    result = outcome(run, 'hang', 'failed')
    assert 'raise wait_timeout (now 1 s)' in result['msg'], result['msg']
    [target] = result['targets']
    assert target['status'] == 'timed_out' and result['tasks_left_behind'] == []
    assert [entry['query'] for entry in invokes(simulator, f"tasks/{target['task_id']}")] == ['task=TaskStop', 'task=TaskCleanup']
    assert simulator.stats()['open_tasks'] == 0


def test_an_invocation_whose_answer_is_lost_does_not_start_a_second_task(simulator):
    simulator.faults(task_seconds=FAST_TASK)
    camera = ptz_cameras(simulator)[0]
    simulator.faults(reset_next=1, after=True, match={'method': 'POST', 'path': 'task=GetDevicePresets'})
    run = run_playbook(simulator, play(task('lost', task='GetDevicePresets', parameters={'sessionDataId': 0}, steps='first',
                                            **presets_of(camera))))
    result = outcome(run, 'lost')
    assert len(invokes(simulator, 'task=GetDevicePresets')) == 1, 'the lost answer was not followed by a second invocation'
    assert result['targets'][0]['task_ids'] and simulator.stats()['open_tasks'] == 0


def test_a_secret_parameter_never_shows_even_when_the_server_echoes_it(simulator):
    hardware = api(simulator, 'GET', '/hardware')['array'][0]
    steps = play(task('password', type='hardware', id=hardware['id'], task='ChangePasswordHardware',
                      parameters={'password': SECRET, 'updatePasswordOnDevice': False}))
    run = run_playbook(simulator, steps, diff=True, verbosity=4)
    result = outcome(run, 'password')
    assert result['changed']
    assert SECRET not in run.output and SECRET not in repr(run.results), run.explain()

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""milestone.xprotect.ptz_task against the simulator: real ansible-playbook runs, one camera and fleets,
with the simulator's faults (task errors, hanging tasks, 503 storms, expired tokens, lost answers)."""

from __future__ import annotations

import os
import threading
import time
import typing as t

import yaml

from harness import ROOT, run_playbook

FAST_TASK = 0.3


def play(*tasks: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    return [{'hosts': 'localhost', 'gather_facts': False, 'tasks': list(tasks)}]


def ptz_task(title: str, ignore_errors: bool = False, **options: t.Any) -> dict[str, t.Any]:
    options.setdefault('wait_sleep', 0.1)
    task: dict[str, t.Any] = {'name': title, 'milestone.xprotect.ptz_task': options}
    if ignore_errors:
        task['ignore_errors'] = True
    return task


def failed_result(run: t.Any, title: str) -> dict[str, t.Any]:
    """The result of a task that must have failed (the callback records the status beside the result)."""
    record = run.records(title)[-1]
    assert record['status'] == 'failed', (title, record)
    return record['result']


def ok_result(run: t.Any, title: str) -> dict[str, t.Any]:
    record = run.records(title)[-1]
    assert record['status'] == 'ok', (title, record['result'].get('msg'), run.explain())
    return record['result']


def api(sim: t.Any, method: str, path: str, body: t.Any = None) -> t.Any:
    status, payload = sim.api(method, path, body)
    assert status == 200, (method, path, payload)
    return payload


def ptz_cameras(sim: t.Any) -> list[dict[str, t.Any]]:
    return [camera for camera in api(sim, 'GET', '/cameras')['array'] if camera['ptzEnabled']]


def presets(sim: t.Any, camera_id: str) -> list[dict[str, t.Any]]:
    return api(sim, 'GET', f'/cameras/{camera_id}/ptzPresets')['array']


def posts(sim: t.Any, fragment: str = '') -> list[dict[str, t.Any]]:
    return [entry for entry in sim.requests_log('rest') if entry['method'] == 'POST' and fragment in entry['path'] + '?' + entry['query']]


def open_task_ids(sim: t.Any) -> set[str]:
    return {task['relations']['self']['id'] for task in api(sim, 'GET', '/tasks')['array']}


def fast(sim: t.Any) -> t.Any:
    sim.faults(task_seconds=FAST_TASK)
    return sim


# -- one camera ----------------------------------------------------------------------------------------

def test_default_preset_check_mode_then_apply_then_nothing_to_do(simulator):
    fast(simulator)
    camera = ptz_cameras(simulator)[0]
    before = presets(simulator, camera['id'])
    old_default = next((preset['name'] for preset in before if preset['defaultPreset']), None)
    target = next(preset for preset in before if not preset['defaultPreset'])
    task = ptz_task('default', camera=camera['name'], task='DefaultPtzPreset', preset=target['name'])

    checked = run_playbook(simulator, play(task), check=True, diff=True)
    result = ok_result(checked, 'default')
    assert result['changed'] is True and result['cameras'][0]['status'] == 'would_change'
    assert result['diff'] == {'before': {camera['name']: old_default}, 'after': {camera['name']: target['name']}}
    assert simulator.stats()['requests']['POST'] == 0, 'check mode must not send a POST'

    run = run_playbook(simulator, play(task, dict(task, name='again')))
    applied = ok_result(run, 'default')
    [account] = applied['cameras']
    assert applied['changed'] is True and account['status'] == 'changed' and account['state'] == 'Success'
    assert account['camera_id'] == camera['id'] and account['camera_name'] == camera['name'] and account['progress'] == 100
    assert account['preset'] == {'id': target['id'], 'name': target['name']}
    assert [preset['id'] for preset in presets(simulator, camera['id']) if preset['defaultPreset']] == [target['id']]
    # the first task's invocation and cleanup; the same task again must not invoke anything
    assert [entry['query'] for entry in posts(simulator)] == ['task=DefaultPtzPreset', 'task=TaskCleanup']
    assert simulator.stats()['open_tasks'] == 0

    again = ok_result(run, 'again')
    assert again['changed'] is False and again['cameras'][0]['status'] == 'unchanged'


def test_the_documented_return_matches_a_real_result(simulator):
    fast(simulator)
    camera = ptz_cameras(simulator)[1]
    target = next(preset for preset in presets(simulator, camera['id']) if not preset['defaultPreset'])
    with open(os.path.join(ROOT, 'plugins', 'modules', 'ptz_task.py'), encoding='utf-8') as handle:
        source = handle.read()
    namespace: dict[str, t.Any] = {}
    exec(compile(source.split('\nfrom ansible_collections', 1)[0], 'ptz_task.py', 'exec'), namespace)  # pylint: disable=exec-used
    returns = yaml.safe_load(namespace['RETURN'])
    run = run_playbook(simulator, play(ptz_task('default', cameras=[camera['id']], task='DefaultPtzPreset', preset=target['id']),
                                       ptz_task('device', cameras=[camera['id']], task='GetDevicePresets')))
    for title, conditional in (('default', 'preset'), ('device', 'preset_changes')):
        result = ok_result(run, title)
        assert set(returns) == set(result) - {'changed', 'failed', 'invocation', '_ansible_no_log'}
        documented = set(returns['cameras']['contains'])
        always = {key for key, spec in returns['cameras']['contains'].items() if spec['returned'] == 'always'}
        assert set(result['cameras'][0]) == always | {conditional} and always | {conditional} <= documented
        assert set(result['totals']) == set(returns['totals']['sample'])


def test_get_device_presets_runs_both_steps_and_changes_only_when_the_device_did(simulator):
    fast(simulator)
    camera = ptz_cameras(simulator)[2]
    imported_before = sorted(preset['name'] for preset in presets(simulator, camera['id']) if preset['devicePreset'])
    # New internal ids: the device now holds two other presets than the ones imported before.
    simulator.set_device_presets(camera['id'], [{'name': 'Dock', 'pan': 0.1, 'tilt': 0.2, 'zoom': 0.3, 'devicePresetInternalId': '101'},
                                                {'name': 'Gate 2', 'pan': -0.5, 'tilt': 0.1, 'zoom': 0.9, 'devicePresetInternalId': '102'}])
    task = ptz_task('device', cameras=[camera['name']], task='getdevicepresets')
    run = run_playbook(simulator, play(task, dict(task, name='device again')))
    first = ok_result(run, 'device')
    [account] = first['cameras']
    assert first['changed'] is True and account['status'] == 'changed' and account['task'] == 'GetDevicePresets'
    assert account['preset_changes'] == {'added': ['Dock', 'Gate 2'], 'removed': imported_before, 'updated': []}
    assert len(account['task_ids']) == 2, 'both steps of the protocol run'
    device_presets = {preset['name'] for preset in presets(simulator, camera['id']) if preset['devicePreset']}
    assert device_presets == {'Dock', 'Gate 2'}
    # the second run of the task reads the device again (both steps), and finds the same presets
    assert [entry['query'] for entry in posts(simulator)] == (['task=GetDevicePresets'] * 2 + ['task=TaskCleanup'] * 2) * 2
    assert simulator.stats()['open_tasks'] == 0

    second = ok_result(run, 'device again')
    assert second['changed'] is False and second['cameras'][0]['status'] == 'unchanged'
    assert second['cameras'][0]['preset_changes'] == {'added': [], 'removed': [], 'updated': []}

    simulator.set_device_presets(camera['id'], [{'name': 'Dock', 'pan': 0.4, 'tilt': 0.2, 'zoom': 0.3, 'devicePresetInternalId': '101'}])
    third = ok_result(run_playbook(simulator, play(task)), 'device')
    assert third['changed'] is True and third['cameras'][0]['preset_changes'] == {'added': [], 'removed': ['Gate 2'], 'updated': ['Dock']}


def test_a_synchronous_default_preset_needs_no_task(simulator_factory):
    sim = simulator_factory('--cameras', '20', '--default-preset-mode', 'sync')
    camera = ptz_cameras(sim)[0]
    target = next(preset for preset in presets(sim, camera['id']) if not preset['defaultPreset'])
    run = run_playbook(sim, play(ptz_task('sync', cameras=[camera['id']], task='DefaultPtzPreset', preset=target['name'])))
    [account] = ok_result(run, 'sync')['cameras']
    assert account['status'] == 'changed' and account['state'] == 'Success' and account['task_ids'] == []
    assert [preset['id'] for preset in presets(sim, camera['id']) if preset['defaultPreset']] == [target['id']]
    assert [entry['query'] for entry in posts(sim)] == ['task=DefaultPtzPreset']


def test_clear_errors_name_the_camera(simulator):
    cameras = api(simulator, 'GET', '/cameras')['array']
    fixed = next(camera for camera in cameras if not camera['ptzEnabled'])
    first, second = ptz_cameras(simulator)[:2]
    api(simulator, 'PATCH', f"/cameras/{second['id']}", {'name': first['name']})
    run = run_playbook(simulator, play(
        ptz_task('fixed', True, cameras=[fixed['name']], task='DefaultPtzPreset', preset='Home'),
        ptz_task('unknown', True, cameras=['Lobby 9999', 'Nowhere'], task='GetDevicePresets'),
        ptz_task('ambiguous', True, cameras=[first['name']], task='GetDevicePresets'),
        ptz_task('preset', True, cameras=[first['id']], task='DefaultPtzPreset', preset='No such preset'),
    ))
    message = failed_result(run, 'fixed')['msg']
    assert f"'{fixed['name']}' ({fixed['id']}) failed: the camera is not a PTZ camera" in message
    message = failed_result(run, 'unknown')['msg']
    assert "no camera is named 'Lobby 9999'" in message and "no camera is named 'Nowhere'" in message
    message = failed_result(run, 'ambiguous')['msg']
    assert f"the name '{first['name']}' fits 2 cameras" in message and first['id'] in message and second['id'] in message
    message = failed_result(run, 'preset')['msg']
    names = ', '.join(f"'{preset['name']}'" for preset in presets(simulator, first['id']))
    assert f"'{first['name']}' ({first['id']}) failed: the camera has no PTZ preset 'No such preset'; its presets are: {names}" in message
    assert simulator.stats()['requests']['POST'] == 0


# -- faults --------------------------------------------------------------------------------------------

def test_task_errors_on_some_cameras_fail_the_module_unless_tolerated(simulator):
    fast(simulator)
    fleet = ptz_cameras(simulator)
    broken = [fleet[0]['id'], fleet[3]['id']]
    simulator.faults(task_outcomes={ident: 'error' for ident in broken})
    ids = [camera['id'] for camera in fleet]
    run = run_playbook(simulator, play(
        ptz_task('strict', True, cameras=ids, task='GetDevicePresets', concurrency=4),
        ptz_task('tolerant', cameras=ids, task='GetDevicePresets', concurrency=4, failure_tolerance='30%'),
    ))
    strict = failed_result(run, 'strict')
    assert strict['msg'].startswith(f'GetDevicePresets failed on 2 of {len(fleet)} cameras (failure_tolerance 0): ')
    for camera in strict['cameras']:
        if camera['camera_id'] in broken:
            assert camera['status'] == 'failed' and camera['state'] == 'Error' and camera['error_code'] == 61002
            assert camera['error'].startswith('VMO61002') and camera['error'] in strict['msg']
            assert len(camera['task_ids']) == 1, 'the second step must not start after the first failed'
        else:
            assert camera['status'] in ('changed', 'unchanged') and camera['state'] == 'Success'
    assert strict['totals']['failures'] == 2 and strict['tasks_left_behind'] == []
    tolerant = ok_result(run, 'tolerant')
    assert tolerant['totals']['failed'] == 2 and tolerant['totals']['cameras'] == len(fleet)
    assert any('tolerated by failure_tolerance 30%' in warning for warning in run.stdout.splitlines() + run.stderr.splitlines()), run.output
    assert simulator.stats()['open_tasks'] == 0, 'every task, failed or not, is cleaned up'


def test_a_task_that_never_finishes_times_out_and_is_stopped_and_cleaned_up(simulator):
    fast(simulator)
    hanging, healthy = ptz_cameras(simulator)[:2]
    simulator.faults(task_outcomes={hanging['id']: 'hang'})
    run = run_playbook(simulator, play(ptz_task('timeout', True, cameras=[hanging['id'], healthy['id']], task='GetDevicePresets',
                                                wait_timeout=1.5, wait_sleep=0.2)))
    result = failed_result(run, 'timeout')
    stuck, fine = result['cameras']
    assert stuck['status'] == 'timed_out' and stuck['state'] == 'InProgress' and stuck['progress'] == 42
    assert f"task {stuck['task_id']} was still InProgress at 42%" in stuck['error']
    assert fine['status'] in ('changed', 'unchanged')
    assert f"'{hanging['name']}' ({hanging['id']}) timed out (task {stuck['task_id']})" in result['msg']
    assert result['tasks_left_behind'] == [] and simulator.stats()['open_tasks'] == 0
    assert [entry['query'] for entry in posts(simulator, f"tasks/{stuck['task_id']}")] == ['task=TaskStop', 'task=TaskCleanup']


def test_a_cleanup_that_fails_is_reported_with_the_task_left_behind(simulator):
    fast(simulator)
    camera = ptz_cameras(simulator)[0]
    simulator.faults(task_outcomes={camera['id']: 'hang'})
    simulator.faults(fail_next=10, status=400, match={'method': 'POST', 'path': 'task=TaskCleanup'})
    run = run_playbook(simulator, play(ptz_task('timeout', True, cameras=[camera['id']], task='GetDevicePresets', wait_timeout=1)))
    result = failed_result(run, 'timeout')
    [account] = result['cameras']
    assert result['tasks_left_behind'] == account['tasks_left_behind'] == [account['task_id']]
    assert open_task_ids(simulator) == {account['task_id']}, 'the account must name exactly the tasks left on the server'
    assert f"Tasks left behind on the server: {account['task_id']}" in result['msg']
    assert 'could not be cleaned up' in account['error']


def test_a_503_storm_slows_the_fleet_down_but_every_camera_gets_its_account(simulator):
    fast(simulator)
    fleet = ptz_cameras(simulator)
    simulator.faults(fail_rate=0.2, status=503)
    run = run_playbook(simulator, play(ptz_task('storm', cameras=[camera['id'] for camera in fleet], task='GetDevicePresets',
                                                concurrency=len(fleet), wait_sleep=0.3)), env={'XPROTECT_RETRIES': '10'})
    result = ok_result(run, 'storm')
    assert result['totals']['cameras'] == len(fleet) and result['totals']['failures'] == 0
    storm = [entry for entry in simulator.requests_log('rest') if entry['status'] == 503]
    assert len(storm) > 10, f'the storm should have hit the run ({len(storm)} answers of 503)'
    simulator.faults(fail_rate=0)
    assert simulator.stats()['open_tasks'] == 0


def test_expired_tokens_in_the_middle_of_a_fleet_run(simulator):
    simulator.faults(task_seconds=0.5)
    fleet = ptz_cameras(simulator)
    simulator.reset(stats_only=True)  # the test's own login above must not count
    fleet_play = play(ptz_task('fleet', cameras=[camera['id'] for camera in fleet], task='GetDevicePresets', concurrency=2, wait_sleep=0.2))
    outcome: dict[str, t.Any] = {}
    worker = threading.Thread(target=lambda: outcome.update(run=run_playbook(simulator, fleet_play)))
    worker.start()
    deadline = time.monotonic() + 60
    while simulator.stats()['requests']['POST'] < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    simulator.faults(expire_tokens=True)
    worker.join(timeout=120)
    result = ok_result(outcome['run'], 'fleet')
    assert result['totals']['failures'] == 0 and result['totals']['cameras'] == len(fleet)
    refused = [entry for entry in simulator.requests_log('rest') if entry['status'] == 401]
    assert refused, 'the tokens must have expired while the fleet was running'
    assert simulator.stats()['token_grants'] == 2, 'one login, then exactly one more after the expiry'
    assert simulator.stats()['open_tasks'] == 0


def test_an_invocation_whose_answer_is_lost_does_not_start_a_second_task(simulator):
    fast(simulator)
    camera = ptz_cameras(simulator)[0]
    target = next(preset for preset in presets(simulator, camera['id']) if not preset['defaultPreset'])
    simulator.faults(reset_next=1, after=True, match={'method': 'POST', 'path': 'task=DefaultPtzPreset'})
    run = run_playbook(simulator, play(ptz_task('lost', cameras=[camera['id']], task='DefaultPtzPreset', preset=target['name'])))
    [account] = ok_result(run, 'lost')['cameras']
    assert account['status'] == 'changed' and account['state'] == 'Success'
    assert len(posts(simulator, 'task=DefaultPtzPreset')) == 1, 'the POST that took effect must not be repeated'
    assert [preset['id'] for preset in presets(simulator, camera['id']) if preset['defaultPreset']] == [target['id']]
    assert simulator.stats()['open_tasks'] == 0


# -- scale ---------------------------------------------------------------------------------------------

def test_500_ptz_cameras_in_one_call(simulator_factory):
    task_seconds, concurrency, count = 1.0, 50, 500
    sim = simulator_factory('--cameras', '1700', '--task-seconds', str(task_seconds), '--latency-ms', '20')
    fleet = ptz_cameras(sim)[:count]
    assert len(fleet) == count
    sim.reset(stats_only=True)
    started = time.monotonic()
    run = run_playbook(sim, play(ptz_task('fleet', cameras=[camera['id'] for camera in fleet], task='GetDevicePresets',
                                          concurrency=concurrency, wait_sleep=0.5)))
    elapsed = time.monotonic() - started
    result = ok_result(run, 'fleet')
    assert result['totals']['cameras'] == count and result['totals']['failures'] == 0
    # GetDevicePresets is two tasks per camera, so one camera takes about 2 task times.
    ideal = count / concurrency * 2 * task_seconds
    serial = count * 2 * task_seconds
    report = (f"{count} cameras, concurrency {concurrency}, {task_seconds:g} s tasks, 20 ms latency: module {result['duration']:.1f} s, "
              f'playbook {elapsed:.1f} s; (cameras / concurrency) x task time = {ideal:.0f} s; one by one = {serial:.0f} s')
    print('\n' + report)
    assert result['duration'] < ideal * 2 + 10, report
    stats = sim.stats()
    assert stats['open_tasks'] == 0 and stats['max_in_flight'] <= concurrency, (stats, report)


def test_secrets_never_reach_the_output_even_at_vvvv(simulator_factory):
    password = 'Fl33t-S3cret-pw!'
    sim = simulator_factory('--cameras', '20', '--task-seconds', '0.2', '--user', f'fleetops:{password}')
    fleet = ptz_cameras(sim)
    sim.faults(task_outcomes={fleet[0]['id']: 'error'})
    run = run_playbook(sim, play(
        ptz_task('fleet', True, cameras=[camera['id'] for camera in fleet], task='GetDevicePresets'),
        {'name': 'info', 'milestone.xprotect.camera_info': {'ptz_only': True, 'include': ['ptz_presets']}},
    ), verbosity=4, env={'XPROTECT_USERNAME': 'fleetops', 'XPROTECT_PASSWORD': password})
    assert failed_result(run, 'fleet')['totals']['failed'] == 1
    assert ok_result(run, 'info')['cameras']
    everything = run.output + ''.join(run.files.values())
    assert password not in everything
    assert 'eyJ' not in everything, 'a bearer token (JWT) leaked into the output'

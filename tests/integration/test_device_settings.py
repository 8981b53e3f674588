# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""milestone.xprotect.device_settings against the simulator's driver settings, and the simulator's settings and streams.

One camera and a camera group (check mode first, write-free by the request log; values given as text or numbers compare
equal on a re-run), cameras of different drivers under each ``unsupported`` mode, the stream usage written together with
stream settings (neither lost), another device type, and the simulator's own rules for settings and stream usage.
"""

from __future__ import annotations

import os
import typing as t

import yaml

from harness import ROOT, run_playbook
from reliability import connection, run_module

# pylint: disable=wrong-import-position,wrong-import-order
# The collection is importable once reliability (through harness) put it on sys.path.
from ansible_collections.milestone.xprotect.plugins.modules import device_settings  # noqa: E402

WRITES = ('POST', 'PUT', 'PATCH', 'DELETE')
MODULE = 'milestone.xprotect.device_settings'


def play(*tasks: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    return [{'hosts': 'localhost', 'gather_facts': False, 'tasks': list(tasks)}]


def task(title: str, ignore_errors: bool = False, check_mode: bool | None = None, **args: t.Any) -> dict[str, t.Any]:
    body: dict[str, t.Any] = {'name': title, MODULE: args}
    if ignore_errors:
        body['ignore_errors'] = True
    if check_mode is not None:
        body['check_mode'] = check_mode
    return body


def marker(title: str) -> dict[str, t.Any]:
    """A read the request log shows between two tasks (GET /timeProfiles), to tell their requests apart."""
    return {'name': title, 'milestone.xprotect.resource_info': {'type': 'timeProfiles'}}


def outcome(run: t.Any, title: str, status: str = 'ok') -> dict[str, t.Any]:
    record = run.records(title)[-1]
    assert record['status'] == status, (title, record['result'].get('msg'), run.explain())
    return record['result']


def rest_log(sim: t.Any) -> list[dict[str, t.Any]]:
    return list(sim.requests_log('rest'))


def writes(entries: t.Iterable[dict[str, t.Any]]) -> list[str]:
    return [f"{entry['method']} {entry['path'].split('/api/rest/v1/')[-1].split('/')[0]}" for entry in entries if entry['method'] in WRITES]


def between_markers(sim: t.Any) -> list[list[dict[str, t.Any]]]:
    """The request log cut at every marker read."""
    parts: list[list[dict[str, t.Any]]] = [[]]
    for entry in rest_log(sim):
        if entry['method'] == 'GET' and entry['path'].lower().endswith('/timeprofiles'):
            if parts[-1] and parts[-1][-1].get('marker'):
                continue
            parts.append([dict(entry, marker=True)])
        else:
            parts[-1].append(entry)
    return parts


def api(sim: t.Any, method: str, path: str, body: t.Any = None) -> t.Any:
    status, payload = sim.api(method, path, body)
    assert status in (200, 201), (method, path, status, payload)
    return payload


def settings_of(sim: t.Any, ident: str) -> dict[str, t.Any]:
    return api(sim, 'GET', f'/settings/{ident}')['data']


def cameras_by_driver(sim: t.Any) -> dict[str, list[dict[str, t.Any]]]:
    """The simulator's cameras by driver family, told apart by their general settings."""
    families: dict[str, list[dict[str, t.Any]]] = {}
    for camera in api(sim, 'GET', '/cameras')['array']:
        general = settings_of(sim, camera['id'])['generalSettings'][0]
        model = general.get('detectedModelName', '')
        family = ('encoder' if 'M7104' in model else 'axis' if model.startswith('AXIS') and not camera['ptzEnabled'] else
                  'ptz' if model.startswith('AXIS') else 'bosch' if 'sceneMode' in general else 'onvif' if 'irCutFilterAuto' in general else 'hanwha')
        families.setdefault(family, []).append(camera)
    return families


def stream(settings: dict[str, t.Any], index: int) -> dict[str, t.Any]:
    return settings['stream'][index]


# -- one camera, a camera group, check mode, coercion ------------------------------------------------------------

def test_one_camera_and_a_group_check_mode_first_then_applied_and_quiet_on_a_re_run(simulator):
    axis = cameras_by_driver(simulator)['axis'][0]
    groups = api(simulator, 'GET', '/cameraGroups')['array']
    group = next(group for group in groups if group['name'] == 'Perimeter')
    members = api(simulator, 'GET', f"/cameraGroups/{group['id']}/cameras")['array']
    one = dict(device=axis['name'], general={'brightness': 60, 'rotation': 180, 'includeDate': 'yes'},
               streams=[{'stream': 'Video stream 1', 'settings': {'resolution': '1280x720', 'FPS': 12.0, 'codec': 'Motion JPEG'}}])
    fleet = dict(device_group='Perimeter', streams=[{'stream': 'Video stream 1', 'settings': {'FPS': 6}}], unsupported='skip', concurrency=4)
    simulator.reset(stats_only=True)
    checked = run_playbook(simulator, play(task('one', **one), task('group', **fleet)), check=True, diff=True)
    assert writes(rest_log(simulator)) == []
    planned = outcome(checked, 'one')
    assert planned['changed'] and planned['devices'][0]['status'] == 'would_change'
    assert planned['devices'][0]['changes'] == {
        'general.brightness': {'before': '50', 'after': '60'}, 'general.rotation': {'before': '0', 'after': '180'},
        'general.includeDate': {'before': 'false', 'after': 'true'},
        'streams[Video stream 1].resolution': {'before': stream(settings_of(simulator, axis['id']), 0)['resolution'], 'after': '1280x720'},
        'streams[Video stream 1].FPS': {'before': stream(settings_of(simulator, axis['id']), 0)['FPS'], 'after': '12'},
        'streams[Video stream 1].codec': {'before': 'H.264', 'after': 'MJPEG'}}
    assert planned['diff']['after'][axis['name']]['streams[Video stream 1].FPS'] == '12'
    group_plan = outcome(checked, 'group')
    assert group_plan['totals']['devices'] == len(members) and group_plan['totals']['would_change'] >= 1

    simulator.reset(stats_only=True)
    # the same values written differently: numbers as text, the enum's value instead of its display name, true for "yes"
    again = {**one, 'general': {'brightness': '60.0', 'rotation': '180', 'includeDate': True},
             'streams': [{'stream': 'video stream 1', 'settings': {'resolution': '1280X720', 'FPS': '12', 'codec': 'MJPEG'}}]}
    run = run_playbook(simulator, play(task('one', **one), marker('m1'), task('again', **again), task('group', **fleet), marker('m2'),
                                       task('group again', **fleet)))
    applied, repeated = outcome(run, 'one'), outcome(run, 'again')
    assert applied['changed'] and applied['devices'][0]['status'] == 'changed' and applied['totals']['changed'] == 1
    assert repeated['changed'] is False and repeated['devices'][0]['status'] == 'unchanged'
    current = settings_of(simulator, axis['id'])
    assert current['generalSettings'][0]['brightness'] == '60' and current['generalSettings'][0]['includeDate'] == 'true'
    assert (stream(current, 0)['resolution'], stream(current, 0)['FPS'], stream(current, 0)['codec']) == ('1280x720', '12', 'MJPEG')
    group_run, group_again = outcome(run, 'group'), outcome(run, 'group again')
    assert group_run['totals']['changed'] + group_run['totals']['skipped'] + group_run['totals']['unchanged'] == len(members)
    assert group_again['changed'] is False and group_again['totals']['changed'] == 0
    parts = between_markers(simulator)
    assert writes(parts[0]) == ['PATCH settings'], 'one PATCH with every changed setting'
    assert writes(parts[1]) == ['PATCH settings'] * group_run['totals']['changed']
    assert writes(parts[2]) == []
    reads = [entry for entry in parts[1] if entry['method'] == 'GET' and '/settings/' in entry['path']]
    assert len(reads) == 1 + len(members), 'one settings read per device (the re-run of one camera, then the group)'

    with open(os.path.join(ROOT, 'plugins', 'modules', 'device_settings.py'), encoding='utf-8') as handle:
        source = handle.read()
    namespace: dict[str, t.Any] = {}
    exec(compile(source.split('\nfrom ansible_collections', 1)[0], 'device_settings.py', 'exec'), namespace)  # pylint: disable=exec-used
    returns = yaml.safe_load(namespace['RETURN'])
    assert set(returns) == set(applied) - {'changed', 'failed', 'invocation', '_ansible_no_log', 'warnings'}
    assert set(applied['devices'][0]) == set(returns['devices']['contains'])
    assert set(applied['totals']) == set(returns['totals']['sample'])
    assert str(yaml.safe_load(namespace['DOCUMENTATION'])['version_added']) == '0.2.0'


# -- mixed drivers, each unsupported mode ----------------------------------------------------------------------------

def test_mixed_drivers_under_fail_skip_and_warn(simulator):
    families = cameras_by_driver(simulator)
    chosen = {family: families[family][0] for family in ('axis', 'bosch', 'onvif', 'encoder')}
    ids = [camera['id'] for camera in chosen.values()]
    wanted = [{'stream': 'Video stream 1', 'settings': {'resolution': '1280x720', 'FPS': 6}}]
    before = {family: stream(settings_of(simulator, camera['id']), 0) for family, camera in chosen.items()}
    output = api(simulator, 'GET', '/outputs')['array'][0]
    simulator.reset(stats_only=True)
    run = run_playbook(simulator, play(
        task('fail', ignore_errors=True, devices=ids, streams=wanted),
        marker('m1'),
        task('typo', ignore_errors=True, devices=ids, streams=[{'stream': 'Video stream 1', 'settings': {'fpss': 6}}], unsupported='skip'),
        marker('m2'),
        task('skip', devices=ids, streams=wanted, unsupported='skip'),
        marker('m3'),
        task('warn', devices=[{'id': ident, 'name': 'from camera_info'} for ident in ids], streams=wanted, unsupported='warn'),
        task('tolerated', devices=ids, streams=[{'stream': 'Video stream 1', 'settings': {'FPS': 4}}], failure_tolerance='75%'),
        task('output', device_type='outputs', device=output['name'], general={'outputTriggerTime': 1000}),
        task('output step', ignore_errors=True, device_type='outputs', device=output['id'], general={'outputTriggerTime': 1050}),
    ))
    failed = outcome(run, 'fail', 'failed')
    assert 'Nothing was written' in failed['msg'] and failed['totals']['failed'] == 3
    offered: dict[str, list[dict[str, t.Any]]] = {}
    for problem in failed['unsupported']:  # one entry per problem, with the devices that have it
        for device in problem['devices']:
            offered.setdefault(device['id'], []).append(problem)
    assert set(offered) == {chosen[name]['id'] for name in ('bosch', 'onvif', 'encoder')}
    assert offered[chosen['onvif']['id']][0]['offered'] == ['1', '2', '3', '4', '5']
    assert offered[chosen['bosch']['id']][0]['problem'] == '"6" is not one of the options (closest: "5" or "6.25")'
    assert [item['setting'] for item in offered[chosen['encoder']['id']]] == ['streams[Video stream 1].resolution']
    assert next(device for device in failed['devices'] if device['device_id'] == chosen['onvif']['id'])['unsupported'] == [
        'streams[Video stream 1].FPS']
    assert next(device for device in failed['devices'] if device['device_id'] == chosen['axis']['id'])['status'] == 'not_attempted'
    typo = outcome(run, 'typo', 'failed')
    assert 'fpss' in typo['msg'] and 'did you mean FPS' in typo['msg'] and 'No setting was changed' in typo['msg']
    skipped, warned = outcome(run, 'skip'), outcome(run, 'warn')
    assert skipped['totals']['changed'] == 1 and skipped['totals']['skipped'] == 3
    # what each offers is written: the Bosch's resolution, the encoder's frame rate (the ONVIF camera has 1280x720 already)
    assert warned['totals']['changed'] == 2 and warned['totals']['unchanged'] == 2 and warned['totals']['unsupported'] == 3
    assert any('do not offer every value' in warning for warning in warned['warnings'])
    parts = between_markers(simulator)
    assert writes(parts[0]) == [] and writes(parts[1]) == [], 'fail and typo write nothing'
    assert writes(parts[2]) == ['PATCH settings'] and writes(parts[3])[:2] == ['PATCH settings'] * 2
    after = {family: stream(settings_of(simulator, camera['id']), 0) for family, camera in chosen.items()}
    assert (after['bosch']['resolution'], after['bosch']['FPS']) == ('1280x720', before['bosch']['FPS'])
    assert (after['encoder']['resolution'], after['encoder']['FPS']) == (before['encoder']['resolution'], '4')
    assert after['onvif']['resolution'] == '1280x720'
    # FPS 4: the Bosch does not offer it (tolerated: one of four), the others change
    tolerated = outcome(run, 'tolerated')
    assert tolerated['totals']['failed'] == 1 and any('tolerated by failure_tolerance 75%' in warning for warning in tolerated['warnings'])
    assert outcome(run, 'output')['devices'][0]['changes'] == {'general.outputTriggerTime': {'before': '500', 'after': '1000'}}
    step = outcome(run, 'output step', 'failed')
    assert 'off the step of 100' in step['msg']


# -- stream usage and stream settings together ---------------------------------------------------------------------

def test_stream_usage_with_stream_settings_keeps_both_and_re_runs_quietly(simulator):
    camera = cameras_by_driver(simulator)['axis'][1]
    usage = [{'stream': 'Video stream 1', 'name': 'Recording', 'record': 'primary', 'live_mode': 'WhenNeeded'},
             {'stream': 'Video stream 2', 'name': 'Live', 'live_default': True, 'live_mode': 'Always'}]
    settings = [{'stream': 'Video stream 2', 'settings': {'resolution': '640x480', 'FPS': 10}},
                {'stream': 'Video stream 1', 'settings': {'FPS': 12}}]
    simulator.reset(stats_only=True)
    run = run_playbook(simulator, play(
        task('both', device=camera['id'], stream_usage=usage, streams=settings),
        marker('m1'),
        task('again', device=camera['name'], stream_usage=usage, streams=settings),
        task('no default', ignore_errors=True, device=camera['id'], stream_usage=[{'stream': 'Video stream 3', 'record': 'primary'}]),
    ), diff=True)
    both = outcome(run, 'both')
    [device] = both['devices']
    used = [entry['stream'] for entry in device['changes']['stream_usage']['after']]
    assert device['status'] == 'changed' and used == ['Video stream 1', 'Video stream 2']
    parts = between_markers(simulator)
    assert writes(parts[0]) == ['PATCH streams', 'PATCH settings'], 'the usage first, then the settings'
    current = settings_of(simulator, camera['id'])
    assert (stream(current, 1)['resolution'], stream(current, 1)['FPS'], stream(current, 0)['FPS']) == ('640x480', '10', '12')
    streams = api(simulator, 'GET', f"/streams/{camera['id']}")['data']['stream']
    assert [(entry['name'], entry['liveDefault'], entry['liveMode'], bool(entry['recordTo'])) for entry in streams] == [
        ('Recording', False, 'WhenNeeded', True), ('Live', True, 'Always', False)]
    again = outcome(run, 'again')
    assert again['changed'] is False and writes(parts[1]) == []
    refused = outcome(run, 'no default', 'failed')
    assert 'exactly one must be' in refused['msg'] and 'default live stream' in refused['msg']


# -- items: each device its own settings, in one task ---------------------------------------------------------------

def test_items_give_each_device_its_settings_check_mode_first_then_applied_and_quiet(simulator):
    axis = cameras_by_driver(simulator)['axis']
    first, second = axis[0], axis[1]
    items = [{'device': first['name'], 'general': {'brightness': 61}},
             {'device': {'id': second['id']}, 'general': {'brightness': 62},
              'streams': [{'stream': 'Video stream 1', 'settings': {'FPS': 9}}],
              'stream_usage': [{'stream': 'Video stream 1', 'name': 'Main', 'record': 'primary', 'live_default': True}]}]
    args = dict(connection(simulator.url, simulator.ca_file, username='admin', password='admin'), items=items, concurrency=2)
    simulator.reset(stats_only=True)
    checked = run_module(device_settings.main, dict(args, _ansible_check_mode=True, _ansible_diff=True))
    assert not checked.failed, checked.msg
    assert writes(rest_log(simulator)) == [], 'check mode writes nothing'
    planned = {device['device_name']: device for device in checked.result['devices']}
    assert planned[first['name']]['changes'] == {'general.brightness': {'before': '50', 'after': '61'}}
    assert planned[second['name']]['changes']['general.brightness']['after'] == '62'
    assert planned[second['name']]['changes']['streams[Video stream 1].FPS']['after'] == '9' and 'stream_usage' in planned[second['name']]['changes']

    simulator.reset(stats_only=True)
    applied = run_module(device_settings.main, args)
    assert not applied.failed and applied.changed and applied.result['totals']['changed'] == 2, applied.msg
    assert settings_of(simulator, first['id'])['generalSettings'][0]['brightness'] == '61'
    assert settings_of(simulator, second['id'])['generalSettings'][0]['brightness'] == '62'
    assert stream(settings_of(simulator, second['id']), 0)['FPS'] == '9'
    assert sorted(writes(rest_log(simulator))) == ['PATCH settings', 'PATCH settings', 'PATCH streams']
    simulator.reset(stats_only=True)
    again = run_module(device_settings.main, args)
    assert not again.failed and again.changed is False and writes(rest_log(simulator)) == []

    simulator.reset(stats_only=True)
    twice = run_module(device_settings.main, dict(args, items=[items[0], {'device': first['id'], 'general': {'brightness': 1}}]))
    assert twice.failed and 'items[0] and items[1] are the same camera' in twice.msg and 'give each device once' in twice.msg
    mixed = run_module(device_settings.main, dict(args, items=[{'device': first['name'], 'general': {}, 'colour': 1}], general={'brightness': 1}))
    assert mixed.failed and not mixed.crash
    assert rest_log(simulator) == [] or all(entry['method'] == 'GET' for entry in rest_log(simulator))
    assert writes(rest_log(simulator)) == []


# -- the simulator's settings and streams ------------------------------------------------------------------------------

def test_simulator_refuses_what_the_driver_does_not_offer_and_keeps_usage_rules(simulator, simulator_factory):
    families = cameras_by_driver(simulator)
    axis, bosch = families['axis'][0], families['bosch'][0]
    answer = api(simulator, 'GET', f"/settings/{axis['id']}?definitions")
    definitions = answer['definitions']['stream'][0]
    assert definitions['FPS'] == {'canSet': True, 'valueType': 'double', 'minValue': '1', 'maxValue': definitions['FPS']['maxValue']}
    assert definitions['compression']['stepValue'] == '5' and definitions['edgeStorageSupported']['canSet'] is False
    first = answer['data']['stream'][0]['streamReferenceId']
    status, error = simulator.api('PATCH', f"/settings/{axis['id']}", {'stream': [{'streamReferenceId': first, 'FPS': 500}]})
    refused = {'errorText': 'Bad Request - FPS out of range', 'property': 'FPS', 'errorTextId': 'BadFPSTextId'}
    assert status == 400 and error['error']['details'][0] == refused
    status, error = simulator.api('PATCH', f"/settings/{bosch['id']}", {'stream': [{'FPS': '6'}]})
    assert status == 400 and error['error']['details'][0]['property'] == 'FPS'
    second = answer['data']['stream'][1]['streamReferenceId']
    patched = api(simulator, 'PATCH', f"/settings/{axis['id']}", {'stream': [{'streamReferenceId': second, 'FPS': 8}]})['data']
    assert stream(patched, 1)['FPS'] == '8' and stream(patched, 0)['FPS'] == answer['data']['stream'][0]['FPS']
    # the usage: exactly one default live stream, the whole array written
    usage = api(simulator, 'GET', f"/streams/{axis['id']}")['data']['stream']
    status, error = simulator.api('PATCH', f"/streams/{axis['id']}", {'stream': usage + [{'streamReferenceId': second, 'liveDefault': True}]})
    assert status == 400 and error['error']['details'][0]['property'] == 'liveDefault'
    # settings written just before a usage change are lost (the reload); the other order keeps them
    api(simulator, 'PATCH', f"/settings/{axis['id']}", {'stream': [{'streamReferenceId': second, 'FPS': 9}]})
    api(simulator, 'PATCH', f"/streams/{axis['id']}", {'stream': [dict(usage[0], liveDefault=False), {'streamReferenceId': second, 'liveDefault': True}]})
    assert stream(settings_of(simulator, axis['id']), 1)['FPS'] == answer['data']['stream'][1]['FPS'], 'both writes of the last seconds lost'
    api(simulator, 'PATCH', f"/settings/{axis['id']}", {'stream': [{'streamReferenceId': second, 'FPS': 9}]})
    assert stream(settings_of(simulator, axis['id']), 1)['FPS'] == '9'
    quiet = simulator_factory('--cameras', '20', '--stream-usage-reload-seconds', '0')
    camera = cameras_by_driver(quiet)['axis'][0]
    ident = settings_of(quiet, camera['id'])['stream'][1]['streamReferenceId']
    api(quiet, 'PATCH', f"/settings/{camera['id']}", {'stream': [{'streamReferenceId': ident, 'FPS': 7}]})
    current = api(quiet, 'GET', f"/streams/{camera['id']}")['data']['stream']
    api(quiet, 'PATCH', f"/streams/{camera['id']}", {'stream': [dict(current[0], liveDefault=False), {'streamReferenceId': ident, 'liveDefault': True}]})
    assert stream(settings_of(quiet, camera['id']), 1)['FPS'] == '7'


def test_the_examples_run(simulator):
    """The module's EXAMPLES, in check mode on the simulator's site (the camera name of one of them is not on it)."""
    with open(os.path.join(ROOT, 'plugins', 'modules', 'device_settings.py'), encoding='utf-8') as handle:
        source = handle.read()
    namespace: dict[str, t.Any] = {}
    exec(compile(source.split('\nfrom ansible_collections', 1)[0], 'device_settings.py', 'exec'), namespace)  # pylint: disable=exec-used
    run = run_playbook(simulator, play(*yaml.safe_load(namespace['EXAMPLES'])), check=True)
    assert run.rc == 0, run.explain()
    statuses = {record['task']: record['status'] for record in run.results}
    assert statuses['Every camera of the Parking group to 1280x720 at 6 FPS on its first stream; cameras that cannot are reported'] == 'ok'
    assert statuses['Longer trigger time on every output'] == 'ok'
    assert writes(rest_log(simulator)) == []

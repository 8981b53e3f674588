# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hardware and hardware_info against the simulator's camera network (``GET /_simulator/network``).

Adds with the driver detected or given, a re-run that changes nothing, renames and device changes with a diff,
check mode without a single write, the three kinds of bad device each named, password rotation, a replacement that
keeps the devices, a driver change, a move between recording servers, and removal with the devices.

Several tasks run in each ansible-playbook process, so the file stays well within the suite's time budget.
"""

from __future__ import annotations

import typing as t

from harness import run_playbook

WRITES = ('POST', 'PUT', 'PATCH', 'DELETE')
#: The simulator's task time for these tests: the add, scan and replace tasks take it (as a real server's take time).
FAST_TASKS = '0.3'


def play(*tasks: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    return [{'hosts': 'localhost', 'gather_facts': False, 'tasks': list(tasks)}]


def task(title: str, module: str = 'hardware', *, check_mode: bool = False, ignore_errors: bool = False, diff: bool = False,
         **args: t.Any) -> dict[str, t.Any]:
    if module == 'hardware':
        args.setdefault('wait_sleep', 0.1)
    body: dict[str, t.Any] = {'name': title, f'milestone.xprotect.{module}': args}
    if check_mode:
        body['check_mode'] = True
    if ignore_errors:
        body['ignore_errors'] = True
    if diff:
        body['diff'] = True
    return body


def api(sim: t.Any, method: str, path: str, body: t.Any = None) -> t.Any:
    status, payload = sim.api(method, path, body)
    assert status in (200, 201), (method, path, status, payload)
    return payload


def network(sim: t.Any) -> dict[str, dict[str, t.Any]]:
    """Per recording server name: its id and its devices by address."""
    status, listing = sim.request('GET', '/_simulator/network')
    assert status == 200, listing
    return {server['name']: {'id': server['id'], 'devices': {device['address']: device for device in server['devices']}}
            for server in listing['recordingServers']}


def hardware_at(sim: t.Any, host: str) -> list[dict[str, t.Any]]:
    return [hw for hw in api(sim, 'GET', '/hardware?disabled')['array'] if f'//{host}/' in hw['address'] or f'//{host}:' in hw['address']]


def devices_of(sim: t.Any, hardware_id: str, kind: str) -> list[dict[str, t.Any]]:
    return sorted(api(sim, 'GET', f'/hardware/{hardware_id}/{kind}?disabled')['array'], key=lambda device: device['channel'])


def outcome(run: t.Any, title: str, status: str = 'ok') -> dict[str, t.Any]:
    record = run.records(title)[-1]
    assert record['status'] == status, (title, record['result'].get('msg'), run.explain())
    return record['result']


def by_host(result: dict[str, t.Any]) -> dict[str, dict[str, t.Any]]:
    return {entry['address'].split('//')[1].split('/')[0].split(':')[0]: entry for entry in result['hardware']}


def test_added_from_nothing_in_check_mode_then_for_real_then_unchanged_then_renamed(simulator_factory):
    sim = simulator_factory('--cameras', '40', '--task-seconds', FAST_TASKS)
    net = network(sim)['XPRS01']['devices']
    hanwha = net['192.0.2.13']
    items = [
        {'address': '192.0.2.11', 'name': 'Lobby', 'devices': {'cameras': [{'channel': 0, 'name': 'Lobby entrance'}],
                                                               'microphones': [{'channel': 0, 'enabled': True}]}},
        {'address': 'http://192.0.2.12', 'driver': '10', 'name': 'Hall encoder',
         'devices': {'cameras': [{'channel': 3, 'enabled': False}]}},
        {'address': '192.0.2.13', 'username': hanwha['userName'], 'password': hanwha['password'], 'description': 'Dock'},
    ]
    common = {'recording_server': 'XPRS01', 'hardware_username': 'root', 'hardware_password': 'pass', 'items': items}
    checked = run_playbook(sim, play(task('look', **common)), check=True, diff=True)
    result = outcome(checked, 'look')
    assert result['changed'] and [entry['status'] for entry in result['hardware']] == ['would_change'] * 3
    assert [entry['action'] for entry in result['hardware']] == ['add'] * 3
    assert result['totals']['added'] == 3 and 'would be added' in result['msg']
    assert sorted(result['diff']['after']) == ['http://192.0.2.11/', 'http://192.0.2.12/', 'http://192.0.2.13/']
    assert result['diff']['after']['http://192.0.2.11/']['name'] == 'Lobby' and result['diff']['before'] == {}
    assert [entry for entry in sim.requests_log('rest') if entry['method'] in WRITES] == []
    assert not hardware_at(sim, '192.0.2.11')

    run = run_playbook(sim, play(
        task('add', **common),
        task('again', **common),
        task('inventory', 'hardware_info', address=['192.0.2.11', '192.0.2.12', '192.0.2.13'], include_driver_settings=False),
        task('rename', diff=True, recording_server='XPRS01', items=[
            {'address': '192.0.2.11', 'name': 'Lobby west', 'devices': {'cameras': [{'channel': 0, 'name': 'Lobby west entrance'}]}},
            {'address': '192.0.2.12', 'devices': {'cameras': [{'channel': 2, 'enabled': False}]}}]),
        task('rename again', recording_server='XPRS01', items=[
            {'address': '192.0.2.11', 'name': 'Lobby west', 'devices': {'cameras': [{'channel': 0, 'name': 'Lobby west entrance'}]}},
            {'address': '192.0.2.12', 'devices': {'cameras': [{'channel': 2, 'enabled': False}]}}]),
    ))
    added = outcome(run, 'add')
    assert added['changed'] and added['totals']['added'] == 3 and added['totals']['failures'] == 0, added['msg']
    entries = by_host(added)
    assert all(entry['status'] == 'changed' and entry['action'] == 'add' and entry['id'] for entry in entries.values())
    assert all(entry['tasks_left_behind'] == [] and entry['task_ids'] for entry in entries.values())
    drivers = {driver['id']: driver for server in api(sim, 'GET', '/recordingServers')['array']
               for driver in api(sim, 'GET', f'/recordingServers/{server["id"]}/hardwareDrivers')['array']}
    assert drivers[entries['192.0.2.11']['driver_id']]['groupName'] == 'AXIS'        # detected
    assert drivers[entries['192.0.2.12']['driver_id']]['number'] == 10               # given
    assert drivers[entries['192.0.2.13']['driver_id']]['groupName'] == 'Hanwha'      # detected, with the item's credentials
    # One hardware per address; enabled; cameras enabled as new devices are, unless the item says otherwise (as read
    # by hardware_info right after the add).
    [lobby] = hardware_at(sim, '192.0.2.11')
    [encoder] = hardware_at(sim, '192.0.2.12')
    [dock] = hardware_at(sim, '192.0.2.13')
    inventory = {entry['host']: entry for entry in outcome(run, 'inventory')['hardware']}
    assert list(inventory) == ['192.0.2.11', '192.0.2.12', '192.0.2.13']
    first = inventory['192.0.2.11']
    assert first['name'] == 'Lobby' and first['enabled'] is True and first['id'] == lobby['id']
    assert first['devices']['cameras'] == [{'id': devices_of(sim, lobby['id'], 'cameras')[0]['id'], 'name': 'Lobby entrance',
                                            'channel': 0, 'enabled': True}]
    assert [mic['enabled'] for mic in first['devices']['microphones']] == [True]
    assert [item['enabled'] for item in first['devices']['outputs']] == [False]   # not a new-device kind, not listed
    assert first['recording_server'] == 'XPRS01' and first['driver']['group'] == 'AXIS' and first['driver']['number'] == 10
    assert first['password_last_modified'] and 'password' not in first
    assert [cam['enabled'] for cam in inventory['192.0.2.12']['devices']['cameras']] == [True, True, True, False]
    assert inventory['192.0.2.12']['name'] == 'Hall encoder'
    assert dock['description'] == 'Dock' and dock['userName'] == hanwha['userName'] and dock['enabled'] is True
    status, password = sim.api('POST', f'/hardware/{dock["id"]}?task=ReadPasswordHardware', {})
    assert status == 200 and password['result']['password'] == hanwha['password']

    again = outcome(run, 'again')
    assert not again['changed'] and [entry['status'] for entry in again['hardware']] == ['unchanged'] * 3
    assert all(entry['task_ids'] == [] for entry in again['hardware'])

    renamed = outcome(run, 'rename')
    entries = by_host(renamed)
    assert entries['192.0.2.11']['changes'] == ['name', 'cameras[0].name']
    assert entries['192.0.2.12']['changes'] == ['cameras[2].enabled'] and entries['192.0.2.12']['action'] == 'update'
    assert renamed['diff']['before']['http://192.0.2.11/']['name'] == 'Lobby'
    assert renamed['diff']['after']['http://192.0.2.11/']['name'] == 'Lobby west'
    assert renamed['diff']['after']['http://192.0.2.11/']['devices'] == {'cameras[0]': {'name': 'Lobby west entrance', 'enabled': True}}
    third_camera = devices_of(sim, encoder['id'], 'cameras')[2]['name']
    assert renamed['diff']['after']['http://192.0.2.12/']['devices'] == {'cameras[2]': {'name': third_camera, 'enabled': False}}
    assert not outcome(run, 'rename again')['changed']
    assert [cam['name'] for cam in devices_of(sim, lobby['id'], 'cameras')] == ['Lobby west entrance']
    assert all(password['result']['password'] not in line for line in run.output.splitlines())


def test_each_kind_of_bad_device_is_named_and_tolerated_failures_leave_the_rest_done(simulator_factory):
    sim = simulator_factory('--cameras', '40', '--task-seconds', FAST_TASKS)
    onvif = network(sim)['XPRS01']['devices']['192.0.2.14']
    items = [
        {'address': '192.0.2.15', 'driver': 'Bosch IP cameras'},                       # switched off
        {'address': '192.0.2.13'},                                                     # Hanwha: not the factory password
        {'address': '192.0.2.14', 'driver': 10, 'username': onvif['userName'], 'password': onvif['password']},  # speaks ONVIF only
        {'address': '192.0.2.11', 'driver': 'axis'},                                   # fine: a driver group with one driver
    ]
    common = {'recording_server': 'XPRS01', 'hardware_username': 'root', 'hardware_password': 'pass'}
    run = run_playbook(sim, play(
        task('tolerated', items=items, failure_tolerance=3, **common),
        task('strict', items=items[:2], ignore_errors=True, **common),
        task('unknown driver', address='192.0.2.12', driver='Acme cameras', ignore_errors=True, **common),
        task('unknown channel', address='192.0.2.11', devices={'cameras': [{'channel': 4, 'name': 'x'}]}, ignore_errors=True,
             **common),
        task('elsewhere', address='192.0.2.11', recording_server='XPRS02', ignore_errors=True),
        task('absent and never there', address='192.0.2.99', state='absent', recording_server='XPRS01'),
        task('nothing', items=[]),
    ))
    tolerated = outcome(run, 'tolerated')
    entries = by_host(tolerated)
    assert 'cannot be reached from recording server "XPRS01"' in entries['192.0.2.15']['error']
    assert 'refused the user name "root"' in entries['192.0.2.13']['error']
    assert 'does not match driver 10' in entries['192.0.2.14']['error'] and 'ONVIF' in entries['192.0.2.14']['error']
    assert 'VMO60281' in entries['192.0.2.14']['error']                                 # the server's own text, too
    assert [entries[host]['status'] for host in ('192.0.2.15', '192.0.2.13', '192.0.2.14', '192.0.2.11')] == ['failed'] * 3 + ['changed']
    assert all(not entries[host]['changed'] and entries[host]['id'] is None for host in ('192.0.2.15', '192.0.2.13', '192.0.2.14'))
    assert tolerated['totals']['failures'] == 3 and tolerated['totals']['added'] == 1
    assert sum('(tolerated by failure_tolerance 3)' in warning for warning in tolerated['warnings']) == 3
    assert all(entry['tasks_left_behind'] == [] for entry in tolerated['hardware'])
    assert api(sim, 'GET', '/tasks')['array'] == []                                     # every scan and add cleaned up
    assert len(hardware_at(sim, '192.0.2.11')) == 1 and not hardware_at(sim, '192.0.2.14')

    strict = outcome(run, 'strict', 'failed')
    assert strict['msg'].startswith('2 of 2 hardware failed (failure_tolerance 0)') and 'A re-run completes' in strict['msg']
    assert len(strict['hardware']) == 2
    unknown = outcome(run, 'unknown driver', 'failed')
    assert 'has no driver "Acme cameras"' in unknown['msg'] and '10 (AXIS network cameras and video encoders)' in unknown['msg']
    channel = outcome(run, 'unknown channel', 'failed')
    assert 'has no cameras channel 4 (it has channels 0)' in channel['msg']
    elsewhere = outcome(run, 'elsewhere', 'failed')
    assert 'is on recording server "XPRS01", not "XPRS02": set move: true' in elsewhere['msg']
    nothing = outcome(run, 'nothing')
    assert not nothing['changed'] and nothing['hardware'] == [] and nothing['warnings'] == ['items is empty: nothing was read or changed']
    absent = outcome(run, 'absent and never there')
    assert not absent['changed'] and absent['hardware'][0]['status'] == 'unchanged'


def test_password_rotated_hardware_replaced_driver_changed_moved_and_removed(simulator_factory):
    sim = simulator_factory('--cameras', '40', '--task-seconds', FAST_TASKS)
    servers = network(sim)
    seeded = servers['XPRS01']['devices']['10.1.0.10']
    [old] = hardware_at(sim, '10.1.0.10')
    cameras_before = [cam['id'] for cam in devices_of(sim, old['id'], 'cameras')]
    [other] = hardware_at(sim, '10.1.0.14')
    stamp = other['passwordLastModified']
    new_password = 'Rotated-7f3e-Secret'
    run = run_playbook(sim, play(
        task('rotate', address='10.1.0.14', hardware_password=new_password, update_password='always', diff=True),
        task('replace (check)', address='192.0.2.11', replaces='10.1.0.10', driver=10, hardware_username='root', hardware_password='pass',
             recording_server='XPRS01', check_mode=True),
        task('replace', address='192.0.2.11', replaces='10.1.0.10', driver=10, hardware_username='root', hardware_password='pass',
             recording_server='XPRS01'),
        task('replace again', address='192.0.2.11', replaces='10.1.0.10', driver=10, hardware_username='root', hardware_password='pass',
             recording_server='XPRS01'),
        task('after replace', 'hardware_info', address=['192.0.2.11', '10.1.0.10']),
        task('driver', address='192.0.2.11', driver='ONVIF Conformant Device', hardware_password='pass', recording_server='XPRS01'),
        task('move (check)', address='10.1.0.14', recording_server='XPRS02', move=True, check_mode=True),
        task('move', address='10.1.0.14', recording_server='XPRS02', move=True),
        task('move again', address='10.1.0.14', recording_server='XPRS02', move=True),
        task('remove (check)', address='192.0.2.11', state='absent', check_mode=True),
        task('remove', address='192.0.2.11', state='absent', recording_server='XPRS01', diff=True),
        task('remove again', address='192.0.2.11', state='absent', recording_server='XPRS01'),
    ))
    rotate = outcome(run, 'rotate')
    assert rotate['changed'] and rotate['hardware'][0]['changes'] == ['password']
    assert rotate['diff']['after'][other['address']]['password'] == '******** (new)'
    [rotated] = hardware_at(sim, '10.1.0.14')
    assert rotated['passwordLastModified'] != stamp
    status, read = sim.api('POST', f'/hardware/{rotated["id"]}?task=ReadPasswordHardware', {})
    assert status == 200 and read['result']['password'] == new_password
    assert new_password not in run.output

    check = outcome(run, 'replace (check)')
    assert check['hardware'][0]['status'] == 'would_change' and check['hardware'][0]['action'] == 'replace'
    replaced = outcome(run, 'replace')['hardware'][0]
    assert replaced['action'] == 'replace' and replaced['id'] == old['id'] and replaced['address'] == 'http://192.0.2.11/'
    [after] = outcome(run, 'after replace')['hardware']
    assert after['id'] == old['id'] and [cam['id'] for cam in after['devices']['cameras']] == cameras_before  # devices kept
    assert after['model'] == 'AXIS P1465-LE Bullet Camera' and after['username'] == 'root'
    device = servers['XPRS01']['devices']['192.0.2.11']                                          # from its driver settings
    wanted = (device['macAddress'], device['firmware'], device['serialNumber'])
    assert (after['mac_address'], after['firmware_version'], after['serial_number']) == wanted
    assert after['detected_model'] == device['model']
    assert not outcome(run, 'replace again')['changed']
    driver = outcome(run, 'driver')['hardware'][0]
    assert driver['action'] == 'replace' and driver['changes'] == ['driver'] and driver['id'] == old['id']
    drivers = {item['id']: item for item in api(sim, 'GET', f'/recordingServers/{servers["XPRS01"]["id"]}/hardwareDrivers')['array']}
    assert drivers[driver['driver_id']]['groupName'] == 'ONVIF'
    assert seeded['password'] not in run.output

    assert outcome(run, 'move (check)')['hardware'][0]['status'] == 'would_change'
    moved = outcome(run, 'move')['hardware'][0]
    assert moved['action'] == 'move' and moved['recording_server'] == 'XPRS02'
    assert hardware_at(sim, '10.1.0.14')[0]['relations']['parent']['id'] == servers['XPRS02']['id']
    assert not outcome(run, 'move again')['changed']

    assert outcome(run, 'remove (check)')['hardware'][0]['status'] == 'would_change'
    removed = outcome(run, 'remove')
    assert removed['hardware'][0]['action'] == 'remove' and removed['diff']['before']['http://192.0.2.11/']['name'] == old['name']
    assert removed['diff']['after'] == {}
    assert not hardware_at(sim, '192.0.2.11')
    camera_ids = {camera['id'] for camera in api(sim, 'GET', '/cameras?disabled')['array']}
    assert not camera_ids & set(cameras_before)                                                 # its devices went with it
    assert not outcome(run, 'remove again')['changed']

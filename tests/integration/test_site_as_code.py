# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole site as code, end to end: site A (seed 1) exported, applied to site B (seed 2, other GUIDs), B exported.

The two exports are equal for every type of this release. The seeds' sites differ in their devices (camera, microphone,
... names), which this release does not carry (hardware comes later): the devices of A that B lacks are taken out of the
directory (group members, an alarm's sources) before it is applied to B, and the comparison is then byte for byte, file by
file. A run with those devices left in fails with a message per object, as does a role member that B lacks.

Five ansible-playbook runs in all, each with few module runs, to keep the file's CPU cost low.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import typing as t
from urllib.parse import urlsplit

import yaml

from harness import run_playbook
from reliability import connection, run_module

# pylint: disable=wrong-import-position,wrong-import-order
# The collection is importable once reliability (through harness) put it on sys.path.
from ansible_collections.milestone.xprotect.plugins.modules import device_settings, hardware  # noqa: E402

WRITES = ('POST', 'PUT', 'PATCH', 'DELETE')
SEED_ARGS = ('--cameras', '6', '--task-seconds', '0')
#: Site B is a new branch office: no hardware yet, and on its camera network the devices that site A adds from its own
#: (the simulated network has them at the same addresses on every site).
SEED_ARGS_B = ('--cameras', '0', '--task-seconds', '0')
#: Hardware that A adds from the camera network, each device with credentials of its own, with its devices named; B gets it
#: from the files (its passwords from the vault).
NEW_HARDWARE = [
    {'address': '192.0.2.13', 'recording_server': 'XPRS01', 'username': 'admin', 'password': 'Hanwha-6080R', 'name': 'Lobby dome',
     'description': 'Main entrance', 'devices': {'cameras': [{'channel': 0, 'name': 'Lobby entrance'}],
                                                  'microphones': [{'channel': 0, 'name': 'Lobby microphone', 'enabled': True}]}},
    {'address': 'cam-gate.xprs01.example', 'recording_server': 'XPRS01', 'username': 'root', 'password': 'Gate-PTZ-7', 'name': 'Gate PTZ',
     'devices': {'cameras': [{'channel': 0, 'name': 'Gate North'}], 'inputs': [{'channel': 0, 'name': 'Gate loop', 'enabled': False}]}},
]
#: Settings of the new hardware's devices that A changes from their defaults: B gets them from settings.yml.
LOBBY_SETTINGS = {
    'cameras': [{'device': 'Lobby entrance', 'general': {'brightness': 70, 'irCutFilterAuto': False},
                 'streams': [{'stream': 'Video stream 2', 'settings': {'FPS': 3}}],
                 'stream_usage': [{'stream': 'Video stream 1', 'name': 'Recorded', 'record': 'primary', 'default_playback': True},
                                  {'stream': 'Video stream 2', 'name': 'Live', 'live_default': True, 'live_mode': 'Always'}]}],
    'microphones': [{'device': 'Lobby microphone', 'general': {'inputGain': 4}}],
}
PASSWORD = 'Tr1cky "secret": pässwörd'
#: device_group's device type of each group file, and the API's device collection
GROUP_DEVICES = {'cameraGroups': 'cameras', 'microphoneGroups': 'microphones', 'speakerGroups': 'speakers',
                 'metadataGroups': 'metadata', 'inputEventGroups': 'inputEvents', 'outputGroups': 'outputs'}


def api(sim: t.Any, method: str, path: str, body: t.Any = None) -> t.Any:
    status, payload = sim.api(method, path, body)
    assert status in (200, 201, 202), (method, path, status, payload)
    return payload


def objects(sim: t.Any, path: str) -> list[dict[str, t.Any]]:
    return api(sim, 'GET', path)['array']


def named(sim: t.Any, path: str, name: str) -> dict[str, t.Any]:
    return next(obj for obj in objects(sim, path) if obj.get('name') == name)


def writes(sim: t.Any) -> list[dict[str, t.Any]]:
    return [entry for entry in sim.requests_log('rest') if entry['method'] in WRITES]


def load(folder: str, name: str) -> t.Any:
    with open(os.path.join(folder, name), encoding='utf-8') as handle:
        return yaml.safe_load(handle.read().replace('!unsafe ', ''))


def files(folder: str) -> dict[str, str]:
    found = {}
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding='utf-8') as handle:
            found[name] = handle.read()
    return found


def outcome(run: t.Any, title: str, status: str = 'ok') -> dict[str, t.Any]:
    record = run.records(title)[-1]
    assert record['status'] == status, (title, record['result'].get('msg'), run.explain())
    return record['result']


def shape_site_a(sim: t.Any) -> tuple[str, str]:
    """What the seed lacks: hardware added from the camera network, user-defined events, a basic user in a role, references
    by id to other objects, one of them in a list: an alarm's sources, a camera of the new hardware (which B gets from the
    files) and a seeded one (which B lacks). Returns the two cameras' names."""
    added = run_module(hardware.main, dict(connection(sim.url, sim.ca_file, username='admin', password='admin'), items=NEW_HARDWARE))
    assert not added.crash and added.result.get('changed') and not added.result.get('failed'), added.output
    for event in ('Door forced', 'Panic button', 'Template {{ not rendered }}'):
        api(sim, 'POST', '/userDefinedEvents', {'name': event})
    api(sim, 'POST', '/basicUsers', {'name': 'night.guard', 'password': PASSWORD, 'description': 'Night shift guard'})
    user = named(sim, '/basicUsers', 'night.guard')
    operators = named(sim, '/roles', 'Operators')
    api(sim, 'POST', f'/roles/{operators["id"]}/users?task=AddRoleMember', {'sid': user['sid']})
    business = named(sim, '/timeProfiles', 'Business hours')
    intrusion = named(sim, '/alarmDefinitions', 'Intrusion')
    lobby = named(sim, '/cameras?disabled', 'Lobby entrance')
    seeded = next(camera for camera in objects(sim, '/cameras?disabled') if camera['name'] not in ('Lobby entrance', 'Gate North'))
    api(sim, 'PATCH', f'/alarmDefinitions/{intrusion["id"]}', {'timeProfile': {'type': 'timeProfiles', 'id': business['id']},
                                                               'sourceList': [{'type': 'cameras', 'id': lobby['id']},
                                                                              {'type': 'cameras', 'id': seeded['id']}]})
    group = objects(sim, '/cameraGroups')[0]  # a seeded group gets the new camera: B's group has it after the hardware
    api(sim, 'POST', f'/cameraGroups/{group["id"]}/cameras', {'type': 'cameras', 'id': lobby['id']})
    for device_type, items in LOBBY_SETTINGS.items():  # settings that B gets from settings.yml, its defaults being others
        tuned = run_module(device_settings.main, dict(connection(sim.url, sim.ca_file, username='admin', password='admin'),
                                                      device_type=device_type, items=items))
        assert not tuned.crash and tuned.result.get('changed') and not tuned.result.get('failed'), tuned.output
    return 'Lobby entrance', str(seeded['name'])


def prune_devices(source: str, target: str, site_b: t.Any) -> list[str]:
    """A copy of the directory without what B cannot have: the seeded hardware of A (B's camera network lacks it), and the
    devices of that hardware wherever the files name them (group members, an alarm's sources)."""
    shutil.copytree(source, target)
    reachable = {device['address'] for server in site_b.request('GET', '/_simulator/network')[1]['recordingServers'] for device in server['devices']}
    hardware_file = load(target, 'hardware.yml')
    pruned = [f'hardware {item["address"]}' for item in hardware_file['hardware'] if urlsplit(item['address']).hostname not in reachable]
    hardware_file['hardware'] = [item for item in hardware_file['hardware'] if urlsplit(item['address']).hostname in reachable]
    _rewrite(target, 'hardware', hardware_file)
    brought = {kind: {str(device['name']) for item in hardware_file['hardware'] for device in item['devices'].get(kind, [])}
               for kind in ('cameras', 'microphones', 'speakers', 'metadata', 'inputs', 'outputs')}
    devices_b: dict[str, set[str]] = {}
    for file_type, device_type in GROUP_DEVICES.items():
        kind = 'inputs' if device_type == 'inputEvents' else device_type
        on_b = devices_b[kind] = {str(device['name']) for device in objects(site_b, f'/{device_type}?disabled')} | brought[kind]
        data = load(target, f'{file_type}.yml')
        for group in data[file_type]:
            kept = [member for member in group['members'] if member in on_b]
            pruned += [f'{file_type} {group["path"]}: {member}' for member in group['members'] if member not in on_b]
            group['members'] = kept
        _rewrite(target, file_type, data)
    alarms = load(target, 'alarmDefinitions.yml')
    cameras_b = {str(camera['name']) for camera in objects(site_b, '/cameras?disabled')} | brought['cameras']
    for alarm in alarms['alarmDefinitions']:
        sources = alarm['properties'].get('sourceList') or []
        pruned += [f'alarmDefinitions {alarm["name"]}: source {entry}' for entry in sources if entry.get('name') not in cameras_b]
        alarm['properties']['sourceList'] = [entry for entry in sources if entry.get('name') in cameras_b]
    _rewrite(target, 'alarmDefinitions', alarms)
    settings = load(target, 'settings.yml')
    pruned += [f'settings {entry["device"]} ({entry["device_type"]})' for entry in settings['settings']
               if entry['device'] not in devices_b[entry['device_type']]]
    settings['settings'] = [entry for entry in settings['settings'] if entry['device'] in devices_b[entry['device_type']]]
    _rewrite(target, 'settings', settings)
    return pruned


class _Dumper(yaml.SafeDumper):  # pylint: disable=too-many-ancestors
    """site_export's layout: block style, sequences indented below their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> t.Any:
        return super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> t.Any:
    """Placeholders in double quotes, as site_export writes them."""
    return dumper.represent_scalar('tag:yaml.org,2002:str', value, style='"' if value.startswith('{{ vault_site_secrets[') else None)


_Dumper.add_representer(str, _represent_text)


def _rewrite(folder: str, type_name: str, data: t.Any) -> None:
    path = os.path.join(folder, f'{type_name}.yml')
    text = ''
    if os.path.exists(path):
        with open(path, encoding='utf-8') as handle:
            text = handle.read()
    header = ''.join(line for line in text.splitlines(keepends=True) if line.startswith('#'))
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(header + yaml.dump(data, Dumper=_Dumper, sort_keys=True, default_flow_style=False, allow_unicode=True, width=100000))


def test_site_round_trip(simulator_factory: t.Any, tmp_path: t.Any) -> None:  # pylint: disable=too-many-locals,too-many-statements
    site_a = simulator_factory('--seed', '1', *SEED_ARGS)
    site_b = simulator_factory('--seed', '2', *SEED_ARGS_B)
    shared_camera, a_only_camera = shape_site_a(site_a)
    dir_a, dir_for_b, dir_b, small = (str(tmp_path / name) for name in ('site-a', 'site-a-for-b', 'site-b', 'small'))

    # -- 1. export A, twice (the second, in check mode, finds nothing to change: byte-identical), never a write -----------
    site_a.reset(stats_only=True)
    run = run_playbook(site_a, [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'export', 'milestone.xprotect.site_export': {'dest': dir_a}},
        {'name': 'again', 'milestone.xprotect.site_export': {'dest': dir_a}, 'check_mode': True},
    ]}], verbosity=4)
    first, again = outcome(run, 'export'), outcome(run, 'again')
    assert first['changed'] and not again['changed'] and again['files_changed'] == [], run.explain()
    assert writes(site_a) == [], 'an export never writes to the site'
    counts = {entry['type']: entry['count'] for entry in first['types']}
    assert counts['userDefinedEvents'] == 3 and counts['roles'] == 4 and counts['cameraGroups'] >= 2, counts
    exported = files(dir_a)
    assert set(exported) == {entry['file'] for entry in first['types']} | {'manifest.yml'}
    # no secret anywhere, no GUID of A's objects, placeholders for every password
    assert PASSWORD not in run.output and all(PASSWORD not in text for text in exported.values())
    for path in ('/roles', '/timeProfiles', '/basicUsers', '/cameraGroups', '/genericEventDataSources', '/cameras?disabled'):
        for obj in objects(site_a, path):
            assert all(obj['id'].lower() not in text.lower() for text in exported.values()), (path, obj['name'])
    users = load(dir_a, 'basicUsers.yml')['basicUsers']
    night = next(user for user in users if user['name'] == 'night.guard')
    assert night['user_password'] == "{{ vault_site_secrets['basicUsers/night.guard/password'] }}"
    assert "!unsafe 'Template {{ not rendered }}'" in exported['userDefinedEvents.yml']
    roles = {role['name']: role for role in load(dir_a, 'roles.yml')['roles']}
    assert 'night.guard' in roles['Operators']['members']
    alarms = {alarm['name']: alarm for alarm in load(dir_a, 'alarmDefinitions.yml')['alarmDefinitions']}
    assert alarms['Intrusion']['properties']['timeProfile'] == {'type': 'timeProfiles', 'name': 'Business hours'}
    assert alarms['Intrusion']['properties']['sourceList'] == [{'type': 'cameras', 'name': shared_camera},
                                                               {'type': 'cameras', 'name': a_only_camera}]
    manifest = load(dir_a, 'manifest.yml')
    assert 'basicUsers/night.guard/password' in manifest['secrets']['keys']
    assert 'exported' not in exported['manifest.yml'] and manifest['source']['product_version']
    order = [entry['type'] for entry in manifest['types']]
    assert order.index('timeProfiles') < order.index('alarmDefinitions')
    assert order.index('genericEventDataSources') < order.index('genericEvents')
    assert order.index('basicUsers') < order.index('roles') < order.index('viewGroups') < order.index('cameraGroups')
    assert order.index('hardware') < min(order.index('cameraGroups'), order.index('alarmDefinitions'), order.index('rules'), order.index('settings'))

    # hardware: the new hardware as the hardware module takes it, passwords as placeholders; A's own (seeded) hardware too
    listed = {item['name']: item for item in load(dir_a, 'hardware.yml')['hardware']}
    assert len(listed) == counts['hardware'] == len(objects(site_a, '/hardware?disabled'))
    lobby = listed['Lobby dome']
    assert lobby['address'] == 'http://192.0.2.13/' and lobby['recording_server'] == 'XPRS01' and lobby['username'] == 'admin'
    assert lobby['password'] == "{{ vault_site_secrets['hardware/http://192.0.2.13/ on XPRS01/password'] }}"
    assert lobby['enabled'] is True and lobby['description'] == 'Main entrance' and lobby['driver'].isdigit()
    assert lobby['devices']['cameras'] == [{'channel': 0, 'name': 'Lobby entrance', 'enabled': True}]
    assert {'channel': 0, 'name': 'Lobby microphone', 'enabled': True} in lobby['devices']['microphones']
    assert {'channel': 0, 'name': 'Gate loop', 'enabled': False} in listed['Gate PTZ']['devices']['inputs']
    assert not any(device_password in text for text in exported.values() for device_password in ('Hanwha-6080R', 'Gate-PTZ-7'))
    # settings: every device's settable values as the server writes them, a camera's stream usage with its streams by name
    by_device = {(entry['device'], entry['device_type']): entry for entry in load(dir_a, 'settings.yml')['settings']}
    assert len(by_device) == counts['settings'] == sum(len(objects(site_a, f'/{api_type}?disabled')) for api_type in GROUP_DEVICES.values())
    entrance = by_device['Lobby entrance', 'cameras']
    assert entrance['general'] == {'brightness': '70', 'contrast': '50', 'irCutFilterAuto': 'false'}, entrance
    assert [stream['stream'] for stream in entrance['streams']] == ['Video stream 1', 'Video stream 2']
    assert entrance['streams'][1]['settings']['FPS'] == '3'
    assert entrance['stream_usage'] == [
        {'stream': 'Video stream 1', 'name': 'Recorded', 'record': 'primary', 'default_playback': True, 'live_default': False,
         'live_mode': 'WhenNeeded', 'use_edge': False},
        {'stream': 'Video stream 2', 'name': 'Live', 'record': 'none', 'default_playback': False, 'live_default': True,
         'live_mode': 'Always', 'use_edge': False}], entrance['stream_usage']
    assert by_device['Lobby microphone', 'microphones']['general']['inputGain'] == '4'
    assert 'detectedModelName' not in exported['settings.yml'], 'read-only settings are left out'

    # the vault holds the devices' own passwords for the hardware that B adds; made-up ones for the rest
    device_passwords = {f'hardware/{listed[item["name"]]["address"]} on XPRS01/password': item['password'] for item in NEW_HARDWARE}
    secrets = {key: device_passwords.get(key, f'{PASSWORD} {index}') for index, key in enumerate(manifest['secrets']['keys'])}
    pruned = prune_devices(dir_a, dir_for_b, site_b)
    assert pruned, 'the seeds give the two sites different devices'

    # -- 2. apply to B, everything exact (purge), then export B -----------------------------------------------------------
    run = run_playbook(site_b, [{'hosts': 'localhost', 'gather_facts': False, 'roles': [
        {'role': 'milestone.xprotect.site_config', 'site_config_dir': dir_for_b, 'site_config_purge': ['all']}], 'post_tasks': [
        {'name': 'export B', 'milestone.xprotect.site_export': {'dest': dir_b}}]}], extra_vars={'vault_site_secrets': secrets})
    assert run.rc == 0, run.explain()
    assert all(value not in run.output for value in secrets.values())
    exported_b = files(dir_b)
    expected = files(dir_for_b)
    for name in sorted(set(expected) - {'manifest.yml'}):
        assert exported_b[name] == expected[name], f'{name} differs after the round trip'
    assert set(exported_b) == set(expected)
    # the objects are B's own (other GUIDs), found by name
    intrusion = named(site_b, '/alarmDefinitions', 'Intrusion')
    assert intrusion['timeProfile']['id'].lower() == named(site_b, '/timeProfiles', 'Business hours')['id'].lower()
    assert [entry['id'].lower() for entry in intrusion['sourceList']] == [named(site_b, '/cameras?disabled', shared_camera)['id'].lower()]
    # the hardware was added to B from its camera network with the vaulted passwords, and its devices named and enabled as on A
    gate = named(site_b, '/hardware?disabled', 'Gate PTZ')
    assert gate['enabled'] and named(site_b, '/cameras?disabled', 'Gate North')['enabled']
    assert not named(site_b, '/inputEvents?disabled', 'Gate loop')['enabled']
    entrance_b = named(site_b, '/cameras?disabled', shared_camera)
    assert api(site_b, 'GET', f'/settings/{entrance_b["id"]}')['data']['generalSettings'][0]['brightness'] == '70'
    assert [entry['name'] for entry in api(site_b, 'GET', f'/streams/{entrance_b["id"]}')['data']['stream']] == ['Recorded', 'Live']
    assert set(pruned) >= {f'hardware {item["address"]}' for item in listed.values() if item['address'].startswith('http://10.')}
    assert site_b.request('POST', '/IDP/connect/token', form={  # the new basic user logs in with its vaulted password
        'grant_type': 'password', 'username': 'night.guard', 'password': secrets['basicUsers/night.guard/password'],
        'client_id': 'GrantValidatorClient'})[0] == 200

    # -- 3. apply again: nothing to do, nothing written; the drift report is empty -----------------------------------------
    site_b.reset(stats_only=True)
    report = str(tmp_path / 'drift')
    run = run_playbook(site_b, [
        {'hosts': 'localhost', 'gather_facts': False, 'roles': [
            {'role': 'milestone.xprotect.site_config', 'site_config_dir': dir_for_b, 'site_config_purge': ['all']}]},
        {'import_playbook': 'milestone.xprotect.site_drift'},
    ], extra_vars={'vault_site_secrets': secrets, 'site_dir': dir_for_b, 'site_drift_report_dir': report})
    assert run.rc == 0, run.explain()
    assert writes(site_b) == [], 'a second apply writes nothing'
    assert f'Changed: nothing ({len(order)} type(s) already as the files say)' in run.stdout, run.explain()
    assert not any(record['result'].get('changed') for record in run.results if record['task'].startswith('Apply')), run.explain()
    with open(os.path.join(report, 'site_drift.json'), encoding='utf-8') as handle:
        assert json.load(handle) == {'directory': dir_for_b, 'drifted': False, 'types': {}}

    # -- 4. changes made on B directly: the drift report (written under --check too) names exactly those; the role reviews
    # putting them back (--check) and writes nothing ------------------------------------------------------------------------
    business = named(site_b, '/timeProfiles', 'Business hours')
    api(site_b, 'PATCH', f'/timeProfiles/{business["id"]}', {'description': 'Changed by hand'})
    api(site_b, 'PATCH', f'/cameras/{named(site_b, "/cameras?disabled", "Gate North")["id"]}', {'name': 'Gate N'})
    microphone = named(site_b, '/microphones?disabled', 'Lobby microphone')
    api(site_b, 'PATCH', f'/settings/{microphone["id"]}', {'generalSettings': [{'inputGain': '-6'}]})
    site_b.reset(stats_only=True)
    run = run_playbook(site_b, [
        {'import_playbook': 'milestone.xprotect.site_drift'},
        {'hosts': 'localhost', 'gather_facts': False, 'tasks': [
            {'name': 'export in check mode', 'milestone.xprotect.site_export': {'dest': dir_b}, 'check_mode': True}]},
        # the review of putting B back: the renamed camera's settings are to be set once the hardware names it again
        {'hosts': 'localhost', 'gather_facts': False, 'roles': [{'role': 'milestone.xprotect.site_config', 'site_config_dir': dir_for_b}]},
    ], check=True, extra_vars={'site_dir': dir_for_b, 'site_drift_report_dir': report, 'vault_site_secrets': secrets})
    assert run.rc == 0, run.explain()
    with open(os.path.join(report, 'site_drift.json'), encoding='utf-8') as handle:
        drift = json.load(handle)
    renamed = {'name': 'Gate N', 'enabled': True}
    assert drift['types'] == {'timeProfiles': {'missing': [], 'extra': [], 'different': [{'name': 'Business hours', 'fields': {
        'properties.description': {'site': 'Changed by hand', 'directory': 'Monday to Friday, 08:00-17:00'}}}]},
        'hardware': {'missing': [], 'extra': [], 'different': [{'name': 'http://cam-gate.xprs01.example/ on XPRS01', 'fields': {
            'devices.cameras[0]': {'site': renamed, 'directory': dict(renamed, name='Gate North')}}}]},
        'settings': {'missing': ['Gate North (cameras)'], 'extra': ['Gate N (cameras)'], 'different': [
            {'name': 'Lobby microphone (microphones)', 'fields': {'general.inputGain': {'site': '-6', 'directory': '4'}}}]}}, drift
    with open(os.path.join(report, 'site_drift.md'), encoding='utf-8') as handle:
        markdown = handle.read()
    assert '## timeProfiles' in markdown and 'Business hours' in markdown and 'Changed by hand' in markdown
    check = outcome(run, 'export in check mode')
    assert check['changed'] and check['files_changed'] == ['hardware.yml', 'settings.yml', 'timeProfiles.yml']
    assert files(dir_b) == exported_b, 'check mode writes no file'
    assert writes(site_b) == [], 'neither the drift report nor the role in check mode writes'
    review = run.records('Summarize the site configuration')[-1]['result']['msg']
    assert review.startswith('Would change: hardware, settings, timeProfiles'), review
    assert 'settings: created -; updated Lobby microphone, Gate North; deleted -.' in review, review

    # -- 5. what B cannot take: devices and a role member it lacks fail per object, never with a traceback ----------------
    os.makedirs(small)
    small_manifest = copy.deepcopy(manifest)
    small_manifest['types'] = [entry for entry in manifest['types'] if entry['type'] in ('roles', 'cameraGroups')]
    with open(os.path.join(small, 'manifest.yml'), 'w', encoding='utf-8') as handle:
        yaml.safe_dump(small_manifest, handle)
    a_only = next(member for group in load(dir_a, 'cameraGroups.yml')['cameraGroups'] for member in group['members']
                  if member not in {camera['name'] for camera in objects(site_b, '/cameras?disabled')})
    _rewrite(small, 'roles', {'roles': [{'name': 'Operators', 'members': ['night.guard', 'day.guard'], 'properties': {}}]})
    _rewrite(small, 'cameraGroups', {'cameraGroups': [{'path': 'Lobby', 'members': [a_only], 'description': ''}]})
    site_b.reset(stats_only=True)
    run = run_playbook(site_b, [{'hosts': 'localhost', 'gather_facts': False, 'roles': [
        {'role': 'milestone.xprotect.site_config', 'site_config_dir': small}]}])
    assert run.rc != 0 and 'Traceback' not in run.output, run.explain()
    message = run.records('Every type was applied')[-1]['result']['msg']
    assert 'roles: Operators: ' in message and 'no basic user is named "day.guard"' in message, message
    assert 'cameraGroups: ' in message and f'no camera is named "{a_only}"' in message, message
    assert writes(site_b) == [], 'nothing is written for an object that cannot be resolved'

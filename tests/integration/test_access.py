# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""device_group, role and basic_user against the simulator: create, re-run unchanged, change, purge, delete, check mode
write-free (from the simulator's request log), a 100-group hierarchy in one task, subgroups on a server that refuses them,
a role whose members and permissions change, and a basic user that logs in with its own token.

Several tasks run in each ansible-playbook process, so the file stays well within the suite's time budget.
"""

from __future__ import annotations

import ast
import os
import typing as t

import yaml

from harness import ROOT, run_playbook

MODULES = ('device_group', 'role', 'basic_user')
#: Keys Ansible or the module base add to every result; they are not part of a module's RETURN.
COMMON_KEYS = {'changed', 'failed', 'msg', 'invocation', 'warnings', 'deprecations', 'error', 'exception', 'skipped', 'censored', 'diff'}
WRITES = ('POST', 'PUT', 'PATCH', 'DELETE')
PASSWORD = 'Gu4rd "pässwörd": one'
NEW_PASSWORD = 'Gu4rd "pässwörd": two'
SID = 'S-1-5-21-1004336348-1177238915-682003330-1107'
OTHER_SID = 'S-1-5-21-1004336348-1177238915-682003330-1108'


def play(*tasks: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    return [{'hosts': 'localhost', 'gather_facts': False, 'tasks': list(tasks)}]


def task(title: str, module: str = 'device_group', ignore_errors: bool = False, register: str | None = None,
         **args: t.Any) -> dict[str, t.Any]:
    body: dict[str, t.Any] = {'name': title, f'milestone.xprotect.{module}': args}
    if ignore_errors:
        body['ignore_errors'] = True
    if register:
        body['register'] = register
    return body


def write_log(sim: t.Any) -> list[dict[str, t.Any]]:
    return [entry for entry in sim.requests_log('rest') if entry['method'] in WRITES]


def api(sim: t.Any, method: str, path: str, body: t.Any = None) -> t.Any:
    status, payload = sim.api(method, path, body)
    assert status in (200, 201), (method, path, status, payload)
    return payload


def outcome(run: t.Any, title: str, status: str = 'ok') -> dict[str, t.Any]:
    record = run.records(title)[-1]
    assert record['status'] == status, (title, record['result'].get('msg'), run.explain())
    return record['result']


def names(refs: t.Iterable[dict[str, t.Any]]) -> list[str]:
    return sorted(ref['name'] for ref in refs)


def child(sim: t.Any, kind: str, parent_id: str | None, name: str) -> dict[str, t.Any]:
    listing = api(sim, 'GET', f'/{kind}' if parent_id is None else f'/{kind}/{parent_id}/{kind}')['array']
    [found] = [group for group in listing if group['name'] == name]
    return found


# -- device groups ---------------------------------------------------------------------------------------------

def test_a_group_path_with_members_planned_created_changed_purged_and_deleted(simulator):
    cameras = api(simulator, 'GET', '/cameras?disabled')['array']
    parking = sorted(camera['name'] for camera in cameras if camera['name'].startswith('Parking'))
    perimeter = sorted(camera['name'] for camera in cameras if camera['name'].startswith('Perimeter'))
    microphones = sorted(item['name'] for item in api(simulator, 'GET', '/microphones?disabled')['array'] if item['name'].startswith('Perimeter'))
    assert parking and perimeter and microphones
    create = task('create', path='Site A/Parking/North', description='North deck', members=['Parking*'])
    mics = task('microphones', device_type='microphones', path='Site A/Perimeter microphones', members=['Perimeter*'])
    simulator.reset(stats_only=True)
    planned = outcome(run_playbook(simulator, play(create), check=True, diff=True), 'create')
    assert write_log(simulator) == [], 'check mode sends no write'
    assert planned['changed'] and planned['totals']['created'] == 3 and planned['group']['id'] is None
    assert names(planned['group']['members_added']) == parking
    assert planned['diff']['after']['Site A/Parking/North'] == {'description': 'North deck', 'members': parking}

    steps = play(
        create, mics,
        task('again', path='Site A/Parking/North', description='North deck', members=['Parking*']),
        task('change', path='Site A/Parking/North', description='North parking deck', members=['Perimeter*'], purge_members=True),
        task('not empty', ignore_errors=True, path='Site A/Parking', state='absent'),
        task('delete', path='Site A', state='absent', force=True),
    )
    simulator.reset(stats_only=True)
    run = run_playbook(simulator, steps, diff=True)
    created = outcome(run, 'create')
    assert created['totals'] == {'created': 3, 'updated': 0, 'deleted': 0, 'unchanged': 0, 'members_added': len(parking), 'members_removed': 0}
    assert [item['path'] for item in created['groups']] == ['Site A', 'Site A/Parking', 'Site A/Parking/North']
    assert created['diff']['after'].keys() == planned['diff']['after'].keys()
    assert names(outcome(run, 'microphones')['group']['members_added']) == microphones
    assert outcome(run, 'again')['changed'] is False and outcome(run, 'again')['group']['action'] == 'unchanged'
    changed = outcome(run, 'change')['group']
    assert changed['action'] == 'updated' and changed['changed_fields'] == ['description']
    assert names(changed['members_added']) == perimeter and names(changed['members_removed']) == parking
    refused = outcome(run, 'not empty', 'failed')['msg']
    assert '"Site A/Parking" is not empty (1 subgroup)' in refused and 'force=true' in refused
    deleted = outcome(run, 'delete')
    assert deleted['totals']['deleted'] == 3 and deleted['totals']['members_removed'] == len(perimeter)
    [north] = [item for item in deleted['groups'] if item['path'] == 'Site A/Parking/North']
    assert north['action'] == 'deleted' and names(north['members_removed']) == perimeter, 'emptied first, deepest first'
    writes = write_log(simulator)
    assert sum(1 for entry in writes if entry['method'] == 'PATCH') == 1, 'the description, once'
    group_deletes = [entry for entry in writes if entry['method'] == 'DELETE' and entry['path'].lower().count('/cameragroups/') == 1
                     and '/cameras/' not in entry['path'].lower()]
    assert len(group_deletes) == 3, group_deletes
    assert 'Site A' not in [group['name'] for group in api(simulator, 'GET', '/cameraGroups')['array']]
    assert len(api(simulator, 'GET', '/cameras?disabled')['array']) == len(cameras), 'devices are never deleted'
    mic_group = child(simulator, 'microphoneGroups', child(simulator, 'microphoneGroups', None, 'Site A')['id'], 'Perimeter microphones')
    assert sorted(item['name'] for item in api(simulator, 'GET', f"/microphoneGroups/{mic_group['id']}/microphones?disabled")['array']) == microphones


def test_a_hundred_group_hierarchy_is_built_in_one_task(simulator):
    paths = [f'Region {region}/Site {region}.{site}/Zone {zone}' for region in range(1, 5) for site in range(1, 5) for zone in range(1, 6)]
    simulator.reset(stats_only=True)
    run = run_playbook(simulator, play(task('build', groups=paths), task('again', groups=paths)))
    built = outcome(run, 'build')
    assert built['totals']['created'] == 100 and len(built['groups']) == 100
    assert outcome(run, 'again')['changed'] is False and outcome(run, 'again')['totals']['unchanged'] == 80
    writes = write_log(simulator)
    assert len(writes) == 100 and {entry['method'] for entry in writes} == {'POST'}
    assert simulator.stats()['max_in_flight'] <= 16, 'bounded concurrency per level'
    region = child(simulator, 'cameraGroups', None, 'Region 3')
    site = child(simulator, 'cameraGroups', region['id'], 'Site 3.2')
    assert sorted(group['name'] for group in api(simulator, 'GET', f"/cameraGroups/{site['id']}/cameraGroups")['array']) == \
        [f'Zone {zone}' for zone in range(1, 6)]


def test_a_server_that_refuses_subgroups_gets_a_clear_failure_and_existing_ones_still_work(simulator_factory):
    sim = simulator_factory('--subgroup-create', 'unsupported')
    tops = api(sim, 'GET', '/cameraGroups')['array']
    parent, nested = next((group, subs[0]) for group in tops for subs in [api(sim, 'GET', f"/cameraGroups/{group['id']}/cameraGroups")['array']] if subs)
    run = run_playbook(sim, play(
        task('nested', ignore_errors=True, path='Site B/Gate'),
        task('existing', path=f"{parent['name']}/{nested['name']}", members=['Garage*']),
    ))
    failed = outcome(run, 'nested', 'failed')
    assert 'Could not create the camera group "Gate" under "Site B"' in failed['msg'] and 'Unknown request' in failed['msg']
    assert 'does not create subgroups through its REST API' in failed['msg'] and 'Management Client' in failed['msg']
    assert [(item['path'], item['action']) for item in failed['groups']] == [('Site B', 'created'), ('Site B/Gate', 'not_done')]
    assert failed['changed'] is True
    existing = outcome(run, 'existing')['group']
    assert existing['id'] == nested['id'] and existing['members_added']


# -- roles and basic users ----------------------------------------------------------------------------------

def test_roles_and_basic_users_members_permissions_and_login(simulator):
    role = task('role', 'role', name='Night desk', properties={'description': 'Night desk operators', 'allowMobileClientLogOn': False},
                members=['guard.test', SID], overall_permissions={'Cameras': {'GENERIC_READ': 'Allow', 'EXPORT': 'Deny'}},
                client_profile='Control room')
    user = task('user', 'basic_user', register='guard', name='guard.test', user_password='{{ user_password }}', description='Test guard')
    extra = {'user_password': PASSWORD, 'new_password': NEW_PASSWORD}
    simulator.reset(stats_only=True)
    checked = run_playbook(simulator, play(user, role), check=True, diff=True, extra_vars=extra)
    assert write_log(simulator) == [], 'check mode sends no write'
    assert outcome(checked, 'user')['action'] == 'created' and outcome(checked, 'user')['password_changed']
    planned = outcome(checked, 'role')
    assert planned['action'] == 'created' and names(planned['members_added']) == sorted(['guard.test', SID])
    assert planned['overall_permissions'][0]['status'] == 'not_compared' and planned['client_profile']['status'] == 'not_compared'

    steps = play(
        user, role,
        task('role again', 'role', name='Night desk', properties={'description': 'Night desk operators'}, client_profile='Control room',
             members=['guard.test', SID], overall_permissions={'Cameras': {'GENERIC_READ': 'Allow', 'EXPORT': 'Deny'}}),
        task('user again', 'basic_user', name='guard.test', user_password='{{ user_password }}', description='Test guard'),
        task('members', 'role', name='Night desk', members=[OTHER_SID, 'guard.test'], purge_members=True,
             overall_permissions={'Cameras': {'EXPORT': 'Allow'}}),
        task('windows', 'role', ignore_errors=True, name='Security guards', members=['example\\GUARD.NORTH', 'EXAMPLE\\nobody']),
        task('admins emptied', 'role', ignore_errors=True, name='Administrators', members=[], purge_members=True),
        task('admins deleted', 'role', ignore_errors=True, name='Administrators', state='absent'),
        task('rename', 'basic_user', ignore_errors=True, id='{{ guard.user.id }}', name='guard.renamed'),
        task('rotate', 'basic_user', name='guard.test', user_password='{{ new_password }}', update_password='always'),
    )
    simulator.reset(stats_only=True)
    run = run_playbook(simulator, steps, diff=True, extra_vars=extra)
    created = outcome(run, 'user')
    assert created['action'] == 'created' and created['password_changed'] and created['user']['name'] == 'guard.test'
    made = outcome(run, 'role')
    assert made['action'] == 'created' and names(made['members']) == sorted(['guard.test', SID])
    assert made['overall_permissions'][0]['status'] in ('changed', 'unchanged') and made['overall_permissions'][0]['namespace'] == 'Cameras'
    assert made['client_profile']['status'] == 'changed' and made['client_profile']['name'] == 'Control room'
    assert 'Night desk' in [group['name'] for group in api(simulator, 'GET', '/viewGroups')['array']], 'the server made its view group'
    again = outcome(run, 'role again')
    assert again['changed'] is False and again['overall_permissions'][0]['status'] == 'unchanged', again
    assert again['client_profile']['status'] == 'unchanged'
    assert outcome(run, 'user again')['changed'] is False
    members = outcome(run, 'members')
    assert names(members['members_added']) == [OTHER_SID] and names(members['members_removed']) == [SID]
    assert members['overall_permissions'][0] == {'namespace': 'Cameras', 'id': members['overall_permissions'][0]['id'], 'status': 'changed',
                                                 'changes': {'EXPORT': 'Allow'}}
    windows = outcome(run, 'windows', 'failed')['msg']
    assert '"EXAMPLE\\\\nobody" is not a member of the role' in windows and 'give the SID' in windows and 'GUARD.NORTH' not in windows
    assert 'at least one member' in outcome(run, 'admins emptied', 'failed')['msg']
    assert 'built-in Administrators role' in outcome(run, 'admins deleted', 'failed')['msg']
    assert 'cannot be renamed' in outcome(run, 'rename', 'failed')['msg']
    rotated = outcome(run, 'rotate')
    assert rotated['changed'] and rotated['changed_fields'] == ['password'] and rotated['diff']['after']['password'].startswith('****')
    assert PASSWORD not in run.output and NEW_PASSWORD not in run.output

    role_id = made['role']['id']
    held = {user['sid'] for user in api(simulator, 'GET', f'/roles/{role_id}/users')['array']}
    assert OTHER_SID in held and SID not in held and created['user']['sid'] in held
    # The new user logs in with its own password and its token works on a REST call.
    token = simulator.token('guard.test', NEW_PASSWORD)
    status, body = simulator.api('GET', '/cameras', token=token)
    assert status == 200 and body['array']
    # What the role lets it see: the overall permissions it holds now (GENERIC_READ and EXPORT allowed).
    namespace = api(simulator, 'GET', f"/securityNamespaces/{members['overall_permissions'][0]['id']}")['data']
    bits = {action['name']: action['securityMask'] for action in namespace['securityActions']}
    status, seen = simulator.api('GET', f"/effectivePermissions/{namespace['id']}", token=token)
    assert status == 200 and seen['isAdministrator'] is False
    assert {entry['mask'] for entry in seen['objectPermissions']} == {bits['GENERIC_READ'] | bits['EXPORT']}
    assert len(seen['objectPermissions']) == len(api(simulator, 'GET', '/cameras?disabled')['array'])
    status, _body = simulator.request('POST', '/IDP/connect/token', form={'grant_type': 'password', 'username': 'guard.test',
                                                                          'password': PASSWORD, 'client_id': 'GrantValidatorClient'})
    assert status == 400, 'the old password no longer works'


# -- documentation -------------------------------------------------------------------------------------------

def doc_strings(module: str) -> dict[str, str]:
    with open(os.path.join(ROOT, 'plugins', 'modules', f'{module}.py'), encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    return {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id in ('DOCUMENTATION', 'EXAMPLES', 'RETURN')}


def test_the_examples_run_as_written_and_results_match_return(simulator):
    """(That ansible-doc renders the documentation is the sanity test's.)"""
    examples = []
    for module in MODULES:
        docs = doc_strings(module)
        assert str(yaml.safe_load(docs['DOCUMENTATION'])['version_added']) == '0.2.0'
        examples.extend(yaml.safe_load(docs['EXAMPLES']))
    run = run_playbook(simulator, play(*examples), diff=True)
    assert run.rc == 0 and all(record['status'] == 'ok' for record in run.results), run.explain()
    checked = set()
    for record in run.results:
        module = record['action'].rsplit('.', 1)[-1]
        if module not in MODULES:
            continue
        returns = yaml.safe_load(doc_strings(module)['RETURN'])
        keys = {key for key in record['result'] if not key.startswith('_ansible')} - COMMON_KEYS
        assert keys <= set(returns), f'{module} returns undocumented keys {sorted(keys - set(returns))}'
        promised = {key for key, spec in returns.items() if str(spec.get('returned')) == 'always'}
        assert promised <= keys, f'{module} does not return {sorted(promised - keys)}'
        checked.add(module)
    assert checked == set(MODULES)

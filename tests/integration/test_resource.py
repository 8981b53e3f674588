# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""milestone.xprotect.resource and resource_info against the simulator, one class of type at a time.

Full CRUD types (timeProfiles, userDefinedEvents), discovered objects with PATCH only (cameras), parent-scoped
singletons (settings/{cameraId}), child collections (storages under a recording server), write-only fields
(loginProviders' clientSecret), and what must fail before any request.
"""

from __future__ import annotations

import typing as t

import pytest

from harness import run_playbook

WRITES = ('POST', 'PUT', 'PATCH', 'DELETE')
SECRET = 'S3cret-client-value'


def play(*tasks: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    return [{'hosts': 'localhost', 'gather_facts': False, 'tasks': list(tasks)}]


def task(title: str, module: str = 'resource', ignore_errors: bool = False, **args: t.Any) -> dict[str, t.Any]:
    body: dict[str, t.Any] = {'name': title, f'milestone.xprotect.{module}': args}
    if ignore_errors:
        body['ignore_errors'] = True
    return body


def rest_log(sim: t.Any) -> list[dict[str, t.Any]]:
    return list(sim.requests_log('rest'))


def write_log(sim: t.Any) -> list[dict[str, t.Any]]:
    return [entry for entry in rest_log(sim) if entry['method'] in WRITES]


def api(sim: t.Any, method: str, path: str, body: t.Any = None) -> t.Any:
    status, payload = sim.api(method, path, body)
    assert status in (200, 201), (method, path, status, payload)
    return payload


def outcome(run: t.Any, title: str, status: str = 'ok') -> dict[str, t.Any]:
    record = run.records(title)[-1]
    assert record['status'] == status, (title, record['result'].get('msg'), run.explain())
    return record['result']


# -- full CRUD -------------------------------------------------------------------------------------------

def test_a_full_crud_type_is_created_updated_renamed_and_deleted_idempotently(simulator):
    steps = play(
        dict(task('create', type='timeProfiles', name='Office hours', properties={'description': 'Weekdays'}), register='created'),
        task('again', type='timeprofiles', name='Office hours', properties={'description': 'Weekdays'}),
        task('update', type='timeProfiles', name='Office hours', properties={'description': 'Weekdays 08-18'}),
        task('read', 'resource_info', type='timeProfiles', name='Office*'),
        task('rename', type='timeProfiles', id='{{ created.resource.id }}', name='Office'),
        task('delete', type='timeProfiles', name='Office', state='absent'),
        task('gone', type='timeProfiles', name='Office', state='absent'),
    )
    run = run_playbook(simulator, steps, diff=True)
    created, again, updated = outcome(run, 'create'), outcome(run, 'again'), outcome(run, 'update')
    assert created['changed'] and created['action'] == 'created' and created['resource']['id']
    assert again['changed'] is False and again['action'] == 'unchanged'
    assert updated['changed'] and updated['changed_fields'] == ['description']
    assert updated['diff'] == {'before': {'name': 'Office hours', 'id': created['resource']['id'], 'description': 'Weekdays'},
                               'after': {'name': 'Office hours', 'id': created['resource']['id'], 'description': 'Weekdays 08-18'}}
    [read] = outcome(run, 'read')['resources']
    assert read['description'] == 'Weekdays 08-18'
    # create, the update (only the changed field, once), the rename, the delete; the repeated runs wrote nothing
    writes = write_log(simulator)
    assert [entry['method'] for entry in writes] == ['POST', 'PATCH', 'PATCH', 'DELETE'], writes

    ident = created['resource']['id']
    assert outcome(run, 'rename')['changed_fields'] == ['name'] and outcome(run, 'rename')['resource']['id'] == ident
    assert outcome(run, 'delete')['action'] == 'deleted' and outcome(run, 'gone')['changed'] is False


def test_check_mode_predicts_the_real_run_and_writes_nothing(simulator):
    steps = play(task('plan', type='timeProfiles', items=[{'name': 'Night', 'properties': {'description': 'Nights'}},
                                                          {'name': 'Weekend'}]))
    checked = run_playbook(simulator, steps, check=True, diff=True)
    assert write_log(simulator) == []
    planned = outcome(checked, 'plan')
    applied = outcome(run_playbook(simulator, steps, diff=True), 'plan')
    assert planned['changed'] and applied['changed']
    assert planned['totals'] == applied['totals'] == {'created': 2, 'updated': 0, 'deleted': 0, 'unchanged': 0}
    assert planned['diff']['after'].keys() == applied['diff']['after'].keys() == {'Night', 'Weekend'}


# -- discovered objects: PATCH only ------------------------------------------------------------------------

def test_bulk_camera_rename_and_description_in_one_task_with_one_list(simulator):
    cameras = api(simulator, 'GET', '/cameras')['array'][:5]
    simulator.reset(stats_only=True)  # the test's own read does not count
    items = [{'id': camera['id'], 'name': f"Parking {index:02d}", 'properties': {'description': 'Parking deck'}}
             for index, camera in enumerate(cameras)]
    run = run_playbook(simulator, play(task('rename', type='cameras', items=items), task('again', type='cameras', items=items)))
    first = outcome(run, 'rename')
    assert first['changed'] and first['totals']['updated'] == 5
    assert {item['action'] for item in first['resources']} == {'updated'}
    lists = [entry for entry in rest_log(simulator) if entry['method'] == 'GET' and entry['path'].lower().endswith('/cameras')]
    assert len(lists) == 2, 'one list per task'
    assert [entry['method'] for entry in write_log(simulator)] == ['PATCH'] * 5, 'five PATCHes by the first task, none by the second'
    names = {camera['id']: camera['name'] for camera in api(simulator, 'GET', '/cameras?disabled')['array']}
    assert [names[camera['id']] for camera in cameras] == [f'Parking {index:02d}' for index in range(5)]
    second = outcome(run, 'again')
    assert second['changed'] is False and second['totals']['unchanged'] == 5


def test_discovered_types_are_not_created_or_deleted_and_bad_input_sends_nothing(simulator):
    camera = api(simulator, 'GET', '/cameras')['array'][0]
    steps = play(
        task('create camera', ignore_errors=True, type='cameras', name='No such camera'),
        task('delete camera', ignore_errors=True, type='cameras', id=camera['id'], state='absent'),
        task('unknown type', ignore_errors=True, type='camras', name='x'),
        task('unknown field', ignore_errors=True, type='cameras', id=camera['id'], properties={'colour': 'red', 'ptzEnabled': True}),
        task('bad id', ignore_errors=True, type='timeProfiles', id='not-a-guid'),
        task('bad parent', ignore_errors=True, type='storages', name='x', parent={'type': 'cameras', 'name': 'x'}),
    )
    run = run_playbook(simulator, steps)
    create = outcome(run, 'create camera', 'failed')['msg']
    assert 'cameras cannot be created' in create and 'discovered with their hardware' in create and 'Nothing was changed' in create
    assert 'cameras cannot be deleted' in outcome(run, 'delete camera', 'failed')['msg']
    assert "did you mean cameras" in outcome(run, 'unknown type', 'failed')['msg']
    unknown = outcome(run, 'unknown field', 'failed')['msg']
    assert "'colour' is not a field of cameras" in unknown and "'ptzEnabled' is read-only" in unknown and 'description' in unknown
    assert 'must be the id of an existing time profile' in outcome(run, 'bad id', 'failed')['msg']
    assert 'storages does not live under cameras' in outcome(run, 'bad parent', 'failed')['msg']
    assert write_log(simulator) == []
    # the failures caught before any request did not even list
    assert [entry for entry in rest_log(simulator) if entry['method'] == 'GET' and 'camras' in entry['path'].lower()] == []


# -- parent-scoped singletons and child collections --------------------------------------------------------

def test_a_parent_scoped_singleton_is_read_and_patched_by_its_owner_id(simulator):
    camera = api(simulator, 'GET', '/cameras')['array'][0]
    settings = api(simulator, 'GET', f"/settings/{camera['id']}")['data']
    run = run_playbook(simulator, play(
        task('read', 'resource_info', type='settings', id=camera['id'], include=['definitions']),
        task('delete', ignore_errors=True, type='settings', id=camera['id'], state='absent'),
        # the settings as they are: nothing to write (values the server answers as strings compare equal)
        task('same', type='settings', id=camera['id'], properties={'generalSettings': settings.get('generalSettings')}),
    ))
    [read] = outcome(run, 'read')['resources']
    own_id = settings['relations']['self']['id'].lower()
    assert read.get('definitions') is not None and read['relations']['self']['id'].lower() == own_id == camera['id'].lower()
    assert 'cannot be deleted' in outcome(run, 'delete', 'failed')['msg']
    assert outcome(run, 'same')['changed'] is False and write_log(simulator) == []


def test_a_child_collection_lives_under_its_parent(simulator):
    server = api(simulator, 'GET', '/recordingServers')['array'][0]
    steps = play(
        task('storages', 'resource_info', type='storages', parent={'type': 'recordingServers', 'name': server['name']}),
        task('no parent', ignore_errors=True, type='storages', name='Archive'),
    )
    run = run_playbook(simulator, steps)
    storages = outcome(run, 'storages')['resources']
    assert storages and all(storage.get('id') for storage in storages)
    assert 'storages live under another object: give parent (one of the types recordingServers)' in outcome(run, 'no parent', 'failed')['msg']


# -- write-only fields ------------------------------------------------------------------------------------

def test_a_write_only_field_is_sent_on_create_only_and_never_shown(simulator):
    provider = {'type': 'loginProviders', 'name': 'Corporate IdP', 'properties': {'clientSecret': SECRET, 'authority': 'https://idp.example.com'}}
    run = run_playbook(simulator, play(
        task('first', **provider),
        task('second', **provider),
        task('always', type='loginProviders', name='Corporate IdP', update_secrets='always', properties={'clientSecret': SECRET}),
    ), diff=True, verbosity=4)
    assert outcome(run, 'first')['changed']
    assert outcome(run, 'second')['changed'] is False, 'a secret cannot be compared: on_create sends it only once'
    assert outcome(run, 'always')['changed'] and outcome(run, 'always')['changed_fields'] == ['clientSecret']
    assert SECRET not in run.output and SECRET not in repr(run.results), run.explain()


# -- reading -----------------------------------------------------------------------------------------------

def test_resource_info_filters_pages_and_names(simulator):
    cameras = api(simulator, 'GET', '/cameras')['array']
    first = cameras[0]['name']
    steps = play(
        task('all', 'resource_info', type='cameras', include_disabled=True),
        task('exact', 'resource_info', type='cameras', name=first),
        task('filter', 'resource_info', type='cameras', filters={'name': f'startsWith:{first[:4]}'}),
        task('bad operator', 'resource_info', ignore_errors=True, type='cameras', filters={'name': 'beginsWith:x'}),
    )
    run = run_playbook(simulator, steps)
    assert len(outcome(run, 'all')['resources']) >= len(cameras)
    assert [camera['name'] for camera in outcome(run, 'exact')['resources']] == [first]
    assert all(camera['name'].startswith(first[:4]) for camera in outcome(run, 'filter')['resources'])
    assert "'beginsWith' is not a filter operator" in outcome(run, 'bad operator', 'failed')['msg']


def test_a_server_without_a_type_says_so(simulator_factory):
    sim = simulator_factory('--missing-types', 'evidenceLockProfiles')
    run = run_playbook(sim, play(task('profiles', 'resource_info', ignore_errors=True, type='evidenceLockProfiles')))
    message = outcome(run, 'profiles', 'failed')['msg']
    assert 'the server does not offer the type evidenceLockProfiles' in message, message


@pytest.fixture(scope='module', name='built_in_run')
def built_in_run_fixture(simulator_session):
    """A rename and a delete of the built-in Administrators role, in one run: (the run, the writes the server saw)."""
    simulator_session.reset()
    roles = api(simulator_session, 'GET', '/roles')['array']
    admin = next(role for role in roles if str(role.get('roleType', '')).lower() in ('adminstrative', 'administrative', 'adminrole'))
    run = run_playbook(simulator_session, play(*(
        task(state, ignore_errors=True, type='roles', id=admin['id'], **({'name': 'Renamed admins'} if state == 'present' else {'state': 'absent'}))
        for state in ('present', 'absent'))))
    return run, write_log(simulator_session)


@pytest.mark.parametrize('state', ['present', 'absent'])
def test_built_in_objects_are_never_deleted_or_renamed(built_in_run, state):
    run, writes = built_in_run
    assert 'built-in Administrators role' in outcome(run, state, 'failed')['msg']
    assert writes == []

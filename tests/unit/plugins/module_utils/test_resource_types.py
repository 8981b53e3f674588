# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the resource-type table (``_resource_types``): in step with the OpenAPI document, and what it says."""

from __future__ import annotations

import ast
import copy
import importlib.util
import os

import pytest

from ansible_collections.milestone.xprotect.plugins.module_utils._resource_types import (
    API_DEVIATIONS,
    DOCUMENT,
    FILTER_OPERATORS,
    RESOURCE_TYPES,
)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
TABLE = os.path.join(ROOT, 'plugins', 'module_utils', '_resource_types.py')

VERBS = {'create', 'delete', 'get', 'list', 'patch', 'put'}
TYPE_KEYS = {'children', 'collection', 'create_only', 'embedded', 'fields', 'identity', 'item', 'notes', 'parents', 'query',
             'same_id_as', 'schema', 'scope', 'since', 'tasks', 'verbs'}
FIELD_KEYS = {'format', 'read_only', 'reference', 'secret', 'type'}
PARAM_KEYS = {'format', 'reference', 'secret', 'type'}
TASK_KEYS = {'display_name', 'on', 'params', 'paths', 'secret_result', 'since'}
PARENT_KEYS = {'collection', 'item', 'membership', 'type', 'verbs'}
VALUE_TYPES = {'string', 'integer', 'number', 'boolean', 'object', 'array'}
REFERENCE_FORMATS = {'object', 'bracket', 'slash', 'guid', 'text'}


def load_script(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, 'scripts', f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def generator():
    return load_script('gen_resource_types')


@pytest.fixture(scope='module')
def document(generator):
    return generator.load_document()


# --- in step with the document ---------------------------------------------------------------------------------------


def test_table_is_in_step_with_the_document(generator, document):
    with open(TABLE, encoding='utf-8', newline='') as handle:
        committed = handle.read()
    assert generator.render(document) == committed, generator.OUT_OF_STEP


def test_doc_fragment_of_the_types_is_in_step_with_the_document(generator, document):
    fragment = os.path.join(os.path.dirname(TABLE), '..', 'doc_fragments', 'resource_types.py')
    with open(fragment, encoding='utf-8', newline='') as handle:
        committed = handle.read()
    rendered = generator.render_fragment(generator.build(document, generator.load_rules())['resource_types'])
    assert rendered == committed, generator.FRAGMENT_OUT_OF_STEP
    assert 'C(timeProfiles): list, get, create, patch, put, delete' in committed
    assert all(len(line) <= 160 for line in committed.splitlines())


def test_rendering_is_deterministic(generator, document):
    assert generator.render(document) == generator.render(copy.deepcopy(document))


def test_check_reports_a_stale_table(generator, document, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(generator, 'load_document', lambda: document)
    stale = tmp_path / '_resource_types.py'
    stale.write_text('# stale\n', encoding='utf-8')
    monkeypatch.setattr(generator, 'OUTPUT', str(stale))
    monkeypatch.setattr(generator, 'FRAGMENT', str(tmp_path / 'resource_types.py'))
    (tmp_path / 'resource_types.py').write_text(generator.render_fragment(generator.build(document, generator.load_rules())['resource_types']),
                                                encoding='utf-8')
    assert generator.main(['--check']) == 1
    assert capsys.readouterr().err.strip() == (
        'plugins/module_utils/_resource_types.py is out of step with the OpenAPI document; run python3 scripts/gen_resource_types.py')
    assert stale.read_text(encoding='utf-8') == '# stale\n', '--check never writes'


def test_check_passes_and_writing_is_idempotent(generator, document, tmp_path, monkeypatch):
    monkeypatch.setattr(generator, 'load_document', lambda: document)
    target = tmp_path / '_resource_types.py'
    monkeypatch.setattr(generator, 'OUTPUT', str(target))
    monkeypatch.setattr(generator, 'FRAGMENT', str(tmp_path / 'resource_types.py'))
    assert generator.main(['--check']) == 1, 'a missing table is out of step'
    assert generator.main([]) == 0
    first = target.read_bytes()
    assert generator.main(['--check']) == 0
    assert generator.main([]) == 0
    assert target.read_bytes() == first


def test_rules_naming_what_the_document_lacks_are_refused(generator, document):
    rules = generator.load_rules()
    for broken in (
        {'types': {'noSuchType': {'notes': ['x']}}},
        {'types': {'cameras': {'fields': {'noSuchField': {'read_only': True}}}}},
        {'types': {'cameras': {'tasks': {'NoSuchTask': {'since': '2024 R2'}}}}},
        {'types': {'cameras': {'fields': {'name': {'choices': ['a']}}}}},
        {'types': {'cameras': {'verbs': ['create']}}},
        {'types': {'cameras': {'fields': {'recordingStorage': {'reference': {'format': 'url', 'types': []}}}}}},
    ):
        changed = dict(rules, **broken)
        with pytest.raises(generator.DocumentError):
            generator.build(document, changed)


def test_every_rule_names_its_source():
    """Each type rule in scripts/resource_type_rules.py sits under or carries a comment naming its source."""
    path = os.path.join(ROOT, 'scripts', 'resource_type_rules.py')
    with open(path, encoding='utf-8') as handle:
        lines = handle.read().splitlines()
    rules = load_script('resource_type_rules').RULES
    for name, rule in rules['types'].items():
        start = lines.index(f"        '{name}': {{")
        end = next(index for index in range(start + 1, len(lines)) if lines[index] == '        },')
        body = lines[start:end]
        comments = [line for line in body if line.strip().startswith('#')]
        assert comments, f'rule {name} has no source comment'
        assert rule, name


# --- the generated file ------------------------------------------------------------------------------------------------


def test_generated_file_is_small_ascii_and_imports_only_json_and_typing():
    with open(TABLE, 'rb') as handle:
        raw = handle.read()
    assert len(raw) < 1024 * 1024
    text = raw.decode('ascii')
    assert 'GENERATED FILE, DO NOT EDIT' in text and 'python3 scripts/gen_resource_types.py' in text
    assert text.startswith('# -*- coding: utf-8 -*-\n# Copyright: (c) 2026, milestone.xprotect contributors\n'
                           '# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)\n')
    assert 'from __future__ import annotations' in text
    assert max(len(line) for line in text.splitlines()) <= 160
    imports = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            imports.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imports.add(node.module)
    assert imports <= {'__future__', 'json', 'typing'}
    # the table is JSON text, which imports about ten times faster than a literal (modules compile it on every run)
    assert 'RESOURCE_TYPES: t.Dict[str, t.Dict[str, t.Any]] = json.loads(\n' in text


def test_document_summary():
    assert DOCUMENT['paths'] == 252
    assert DOCUMENT['top_level_types'] == 67
    assert DOCUMENT['openapi'] == '3.0.1'


def test_every_top_level_segment_is_a_type(document):
    segments = {path.strip('/').split('/')[0] for path in document['paths']}
    assert len(segments) == 67
    assert segments <= set(RESOURCE_TYPES)
    every = {segment for path in document['paths'] for segment in path.strip('/').split('/') if not segment.startswith('{')}
    assert set(RESOURCE_TYPES) == every


def walk(value, where=''):
    if isinstance(value, dict):
        for key, item in value.items():
            yield where, key, item
            yield from walk(item, f'{where}.{key}')
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from walk(item, f'{where}[{index}]')


def test_enum_values_are_never_exposed():
    keys = {key for _where, key, _value in walk(RESOURCE_TYPES)}
    assert not keys & {'enum', 'choices', 'options', 'example'}
    # the document's lab values do not leak in as text either
    text = repr(RESOURCE_TYPES)
    assert 'FullSupport' not in text and 'LockedOutByAdmin' not in text and 'ED804B81' not in text


def test_shape_of_every_entry():
    for name, entry in RESOURCE_TYPES.items():
        assert set(entry) == TYPE_KEYS, name
        assert entry['scope'] in ('top', 'child', 'singleton'), name
        assert entry['verbs'] == sorted(entry['verbs']) and set(entry['verbs']) <= VERBS, name
        for key in ('children', 'create_only', 'embedded', 'query', 'same_id_as'):
            assert entry[key] == sorted(set(entry[key])), (name, key)
        assert list(entry['fields']) == sorted(entry['fields']), name
        assert list(entry['tasks']) == sorted(entry['tasks']), name
        assert [parent['type'] for parent in entry['parents']] == sorted(parent['type'] for parent in entry['parents']), name
        assert all(isinstance(note, str) and note for note in entry['notes']), name
        if entry['identity'] is not None:
            assert entry['identity'] in entry['fields'], name
        for field in entry['create_only']:
            assert entry['fields'][field]['read_only'], (name, field)
        for field, spec in entry['fields'].items():
            assert set(spec) == FIELD_KEYS, (name, field)
            assert spec['type'] in VALUE_TYPES, (name, field)
            assert isinstance(spec['read_only'], bool) and isinstance(spec['secret'], bool), (name, field)
            check_reference(spec['reference'], (name, field))
        for task, spec in entry['tasks'].items():
            assert set(spec) == TASK_KEYS, (name, task)
            assert spec['on'] in ('item', 'collection'), (name, task)
            assert spec['paths'] and spec['paths'] == sorted(spec['paths']), (name, task)
            for path in spec['paths']:
                assert path.endswith('{id}') == (spec['on'] == 'item'), (name, task, path)
            for param, param_spec in spec['params'].items():
                assert set(param_spec) == PARAM_KEYS, (name, task, param)
                assert param_spec['type'] in VALUE_TYPES, (name, task, param)
                check_reference(param_spec['reference'], (name, task, param))
        for parent in entry['parents']:
            assert set(parent) == PARENT_KEYS, name
            assert parent['type'] in RESOURCE_TYPES and name in RESOURCE_TYPES[parent['type']]['children'], (name, parent)
            assert set(parent['verbs']) <= VERBS and parent['verbs'] == sorted(parent['verbs']), (name, parent)
            for key in ('collection', 'item'):
                if parent[key]:
                    assert parent[key].startswith(parent['type'] + '/{parent_id}/' + name), (name, parent)
        if entry['collection']:
            assert entry['collection'] == name
        if entry['item']:
            assert entry['item'] == name + '/{id}'
        if entry['scope'] == 'top':
            assert {'get', 'list'} & set(entry['verbs']), name
        if entry['scope'] == 'child':
            assert entry['collection'] is None and entry['parents'], name
            assert not {'get', 'list'} & set(entry['verbs']), name
        if entry['scope'] == 'singleton':
            assert entry['collection'] is None and entry['item'] and entry['same_id_as'], name
            assert entry['identity'] is None and 'list' not in entry['verbs'], name
        for child in entry['children']:
            assert name in [parent['type'] for parent in RESOURCE_TYPES[child]['parents']], (name, child)


def check_reference(reference, where):
    if reference is None:
        return
    assert reference['format'] in REFERENCE_FORMATS, where
    assert isinstance(reference['types'], list), where
    assert set(reference) == ({'format', 'types', 'prefix'} if reference['format'] == 'bracket' else {'format', 'types'}), where


def test_filter_operators_and_deviations():
    assert FILTER_OPERATORS == ('', 'notEquals', 'startsWith', 'contains', 'lt', 'gt')
    assert all(isinstance(text, str) and text.isascii() for text in API_DEVIATIONS)
    joined = ' '.join(API_DEVIATIONS)
    for fact in ('"error"', '"id"', '2022 R2', 'notEquals', 'TaskCleanup', '409', 'relations'):
        assert fact in joined, fact


# --- what the table says about particular types ----------------------------------------------------------------------


def fields_where(name, **flags):
    return {field for field, spec in RESOURCE_TYPES[name]['fields'].items() if all(spec[key] == value for key, value in flags.items())}


def test_user_defined_events():
    entry = RESOURCE_TYPES['userDefinedEvents']
    assert entry['scope'] == 'top'
    assert entry['collection'] == 'userDefinedEvents' and entry['item'] == 'userDefinedEvents/{id}'
    assert entry['verbs'] == ['create', 'delete', 'get', 'list', 'patch', 'put']
    assert entry['identity'] == 'name'
    assert fields_where('userDefinedEvents', read_only=False) == {'name'}
    assert {'id', 'displayName', 'subtype', 'createdDate', 'lastModified', 'relations'} <= fields_where('userDefinedEvents', read_only=True)
    assert list(entry['tasks']) == ['ChangeSecurityPermissions']
    task = entry['tasks']['ChangeSecurityPermissions']
    assert task['on'] == 'item' and task['paths'] == ['userDefinedEvents/{id}']
    assert task['params']['userPath']['reference'] == {'format': 'object', 'types': ['roles']}
    assert 'disabled' not in entry['query']
    assert any('85867627-b287-4439-9e55-a63701e1715b' in note for note in entry['notes'])


def test_cameras():
    entry = RESOURCE_TYPES['cameras']
    assert entry['scope'] == 'top'
    assert 'create' not in entry['verbs'] and 'delete' not in entry['verbs']
    assert entry['verbs'] == ['get', 'list', 'patch', 'put']
    assert {'ptzEnabled', 'channel', 'id', 'displayName', 'createdDate', 'lastModified'} <= fields_where('cameras', read_only=True)
    assert {'name', 'enabled', 'description', 'recordingStorage', 'failoverSetting', 'gisPoint'} <= fields_where('cameras', read_only=False)
    storage = entry['fields']['recordingStorage']
    assert storage['type'] == 'object'
    assert storage['reference'] == {'format': 'object', 'types': ['storages']}
    assert {'ptzPresets', 'settings', 'streams', 'motionDetections', 'patrollingProfiles'} <= set(entry['children'])
    assert 'ptzPresets' in entry['embedded'] and 'includeChildren' in entry['query']
    assert {'disabled', 'page', 'size', 'tasks', 'definitions', 'resources', 'noData'} <= set(entry['query'])
    assert {parent['type'] for parent in entry['parents']} == {'cameraGroups', 'hardware'}
    group = [parent for parent in entry['parents'] if parent['type'] == 'cameraGroups'][0]
    assert group['membership'] and group['collection'] == 'cameraGroups/{parent_id}/cameras'
    assert {'ChangeSecurityPermissions', 'GetPtzAbsolutePosition', 'SetPtzAbsolutePosition', 'JpegGetLive'} <= set(entry['tasks'])
    assert entry['tasks']['SetPtzAbsolutePosition']['since'] == '2024 R2'
    assert entry['tasks']['ChangeDeviceRecordingStorage']['params']['itemSelection']['reference'] == {
        'format': 'bracket', 'prefix': 'Storage', 'types': ['storages']}
    assert not fields_where('cameras', secret=True)


def test_ptz_presets():
    entry = RESOURCE_TYPES['ptzPresets']
    assert entry['scope'] == 'child'
    assert entry['collection'] is None and entry['item'] is None and entry['verbs'] == []
    assert entry['parents'] == [{
        'collection': 'cameras/{parent_id}/ptzPresets',
        'item': 'cameras/{parent_id}/ptzPresets/{id}',
        'membership': False,
        'type': 'cameras',
        'verbs': ['create', 'delete', 'get', 'list'],
    }]
    verbs = set(entry['parents'][0]['verbs'])
    assert not verbs & {'put', 'patch'}
    tasks = entry['tasks']
    assert set(tasks) == {'DefaultPtzPreset', 'GetDevicePresets', 'Goto'}
    assert tasks['DefaultPtzPreset']['on'] == 'collection' and tasks['GetDevicePresets']['on'] == 'collection'
    assert tasks['DefaultPtzPreset']['paths'] == ['cameras/{parent_id}/ptzPresets']
    assert tasks['Goto']['on'] == 'item' and tasks['Goto']['paths'] == ['cameras/{parent_id}/ptzPresets/{id}']
    assert tasks['DefaultPtzPreset']['params']['itemSelection']['reference'] == {
        'format': 'bracket', 'prefix': 'PtzPreset', 'types': ['ptzPresets']}
    assert tasks['GetDevicePresets']['params'] == {
        'sessionDataId': {'format': None, 'reference': None, 'secret': False, 'type': 'integer'}}
    assert tasks['Goto']['since'] == '2024 R2'
    assert {'defaultPreset', 'devicePreset', 'id'} <= fields_where('ptzPresets', read_only=True)
    assert {'name', 'pan', 'tilt', 'zoom', 'locked'} <= fields_where('ptzPresets', read_only=False)
    assert any('PUT' in note and 'PATCH' in note for note in entry['notes'])


@pytest.mark.parametrize('name, parents', [
    ('settings', ['cameras', 'inputEvents', 'metadata', 'microphones', 'outputs', 'speakers']),
    ('streams', ['cameras']),
])
def test_settings_and_streams_are_parent_scoped_singletons(name, parents):
    entry = RESOURCE_TYPES[name]
    assert entry['scope'] == 'singleton'
    assert entry['collection'] is None and entry['item'] == f'{name}/{{id}}'
    assert entry['same_id_as'] == parents
    assert [parent['type'] for parent in entry['parents']] == parents
    assert entry['verbs'] == ['get', 'patch', 'put']
    assert entry['identity'] is None
    for parent in parents:
        assert name in RESOURCE_TYPES[parent]['children']


def test_streams_tasks_and_settings_writable_fields():
    assert set(RESOURCE_TYPES['streams']['tasks']) == {'AddStream', 'RemoveStream'}
    assert {'ptz', 'ptzSessionTimeouts', 'generalSettings', 'stream'} <= fields_where('settings', read_only=False)


def test_storages_is_top_with_a_parent():
    entry = RESOURCE_TYPES['storages']
    assert entry['scope'] == 'top'
    assert entry['collection'] is None and entry['item'] == 'storages/{id}'
    assert entry['parents'] == [{
        'collection': 'recordingServers/{parent_id}/storages',
        'item': 'recordingServers/{parent_id}/storages/{id}',
        'membership': False,
        'type': 'recordingServers',
        'verbs': ['create', 'delete', 'list'],
    }]
    assert 'storages' in RESOURCE_TYPES['recordingServers']['children']


def test_secrets():
    assert RESOURCE_TYPES['basicUsers']['tasks']['ChangePasswordBasicUser']['params']['password']['secret']
    hardware = RESOURCE_TYPES['hardware']['tasks']
    assert hardware['ChangePasswordHardware']['params']['password']['secret']
    assert hardware['ReplaceHardware']['params']['password']['secret']
    assert hardware['ReadPasswordHardware']['secret_result']
    assert not hardware['ChangePasswordHardware']['params']['updatePasswordOnDevice']['secret']
    adding = RESOURCE_TYPES['recordingServers']['tasks']
    assert adding['AddHardware']['params']['password']['secret'] and adding['AddHardware']['secret_result']
    assert not adding['AddHardware']['params']['userName']['secret']
    assert {'primaryPassword', 'secondaryPassword', 'tertiaryPassword'} == {
        param for param, spec in adding['HardwareScanExpress']['params'].items() if spec['secret']}
    login = RESOURCE_TYPES['loginProviders']['fields']
    assert login['clientSecret']['secret'] and not login['clientSecretHasValue']['secret']
    assert RESOURCE_TYPES['matrix']['fields']['password']['secret']
    assert not RESOURCE_TYPES['basicUsers']['fields']['canChangePassword']['secret']
    assert not RESOURCE_TYPES['hardware']['fields']['passwordLastModified']['secret']
    storage = RESOURCE_TYPES['storages']['tasks']['ChangePasswordStorageEncryption']['params']
    assert storage['oldPassword']['secret'] and storage['newPassword']['secret']


def test_basic_user_name_is_set_at_creation_only():
    entry = RESOURCE_TYPES['basicUsers']
    assert entry['fields']['name']['read_only'] and entry['create_only'] == ['name']
    assert entry['fields']['sid']['reference'] is None


def test_tasks_type():
    entry = RESOURCE_TYPES['tasks']
    assert entry['scope'] == 'top' and entry['verbs'] == ['get', 'list']
    assert {'TaskStop', 'TaskCleanup'} <= set(entry['tasks'])
    for task in ('TaskStop', 'TaskCleanup'):
        assert entry['tasks'][task]['on'] == 'item'
        assert entry['tasks'][task]['paths'] == ['recordingServers/{parent_id}/tasks/{id}', 'tasks/{id}']
    assert entry['tasks']['TaskCleanup']['display_name'] == 'Finish'
    # the real task data, not the document's result wrapper
    assert {'progress', 'state', 'errorCode', 'errorText'} <= set(entry['fields'])
    assert 'result' not in entry['fields']


@pytest.mark.parametrize('name', ['eventTypes', 'eventTypeGroups', 'servers', 'accessControlSystems', 'childSites'])
def test_read_only_types_have_only_list_and_get(name):
    assert RESOURCE_TYPES[name]['verbs'] == ['get', 'list']
    assert all(parent['verbs'] == ['list'] or set(parent['verbs']) <= {'get', 'list'} for parent in RESOURCE_TYPES[name]['parents'])


def test_capability_classes():
    """29 full-CRUD top-level types; discovered objects (cameras, hardware, devices, sites) have no create or delete."""
    full = {name for name, entry in RESOURCE_TYPES.items() if entry['verbs'] == ['create', 'delete', 'get', 'list', 'patch', 'put']}
    assert len(full) == 29
    assert {'userDefinedEvents', 'roles', 'rules', 'basicUsers', 'timeProfiles', 'evidenceLockProfiles'} <= full
    for name in ('cameras', 'hardware', 'microphones', 'speakers', 'metadata', 'inputEvents', 'outputs', 'sites'):
        assert not {'create', 'delete'} & set(RESOURCE_TYPES[name]['verbs']), name
    assert 'delete' in RESOURCE_TYPES['recordingServers']['verbs']
    assert [parent['verbs'] for parent in RESOURCE_TYPES['hardware']['parents'] if parent['type'] == 'recordingServers'] == [
        ['delete', 'list']]


def test_collection_tasks_on_root_collections():
    roles = RESOURCE_TYPES['roles']['tasks']
    assert roles['CopyRole']['on'] == 'collection' and roles['CopyRole']['paths'] == ['roles']
    assert roles['CopyRole']['params']['itemSelection']['reference'] == {'format': 'bracket', 'prefix': 'Role', 'types': ['roles']}
    assert 'create' in RESOURCE_TYPES['roles']['verbs']
    assert RESOURCE_TYPES['failoverGroups']['tasks']['MoveFailoverGroup']['on'] == 'collection'


def test_reference_formats():
    move = RESOURCE_TYPES['hardware']['tasks']['MoveHardware']['params']['destinationRecordingServer']
    assert move['reference'] == {'format': 'slash', 'types': ['recordingServers']}
    alarms = RESOURCE_TYPES['alarmDefinitions']['fields']
    assert alarms['owner']['reference'] == {'format': 'text', 'types': []}
    assert alarms['eventType']['reference'] == {'format': 'guid', 'types': ['eventTypes']}
    assert alarms['timeProfile']['reference'] == {'format': 'object', 'types': ['timeProfiles']}
    assert alarms['relatedCameraList']['type'] == 'array'
    assert alarms['relatedCameraList']['reference'] == {'format': 'object', 'types': ['cameras']}
    assert RESOURCE_TYPES['genericEvents']['fields']['dataSource']['reference'] == {
        'format': 'bracket', 'prefix': 'GenericEventDataSource', 'types': ['genericEventDataSources']}
    assert RESOURCE_TYPES['hardware']['fields']['hardwareDriverPath']['reference'] == {'format': 'object', 'types': ['hardwareDrivers']}
    # an object's own id is not a reference
    assert all(entry['fields'].get('id', {}).get('reference') is None for entry in RESOURCE_TYPES.values())


def test_query_parameters():
    assert RESOURCE_TYPES['translations']['query'] == sorted(RESOURCE_TYPES['translations']['query'])
    assert 'language' in RESOURCE_TYPES['translations']['query']
    assert 'includeDisabled' in RESOURCE_TYPES['registeredServices']['query']
    assert 'tasks' not in RESOURCE_TYPES['registeredServices']['query']
    documented_disabled = {name for name, entry in RESOURCE_TYPES.items() if 'disabled' in entry['query']}
    assert documented_disabled == {
        'alarmDefinitions', 'cameras', 'failoverRecorders', 'genericEventDataSources', 'genericEvents', 'hardware', 'inputEvents',
        'loginProviders', 'metadata', 'microphones', 'outputs', 'recordingServers', 'rules', 'speakers'}


def test_child_types_with_tasks_only_at_the_root():
    for name in ('mipItems', 'videoWallPresets'):
        entry = RESOURCE_TYPES[name]
        assert entry['scope'] == 'child' and entry['item'] == f'{name}/{{id}}' and entry['verbs'] == []
        assert any(task['paths'] == [f'{name}/{{id}}'] for task in entry['tasks'].values())

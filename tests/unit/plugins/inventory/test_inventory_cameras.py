# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the milestone.xprotect.cameras inventory plugin, HTTP mocked with ``responses``.

Inventories are loaded the way ansible-playbook loads them (``InventoryManager`` -> ``auto`` -> the plugin);
errors are taken from the plugin's ``parse`` directly, because Ansible turns them into warnings.
"""

from __future__ import annotations

import json
import os
import re
import sys
import typing as t

import pytest
import yaml

from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader
from ansible.template import Templar
from ansible.utils.display import Display

from ansible_collections.milestone.xprotect.plugins.inventory import cameras as plugin_module
from ansible_collections.milestone.xprotect.plugins.inventory.cameras import (
    host_names,
    safe_group_name,
    safe_host_name,
    unique_names,
    variable_name,
)
from ansible_collections.milestone.xprotect.tests.unit.plugins.fake_gateway import (
    BASE,
    GW_TOKEN,
    PASSWORD,
    TOKEN,
    FakeGateway,
    guid,
    make_camera,
    make_preset,
)

PLUGIN = 'milestone.xprotect.cameras'
# The two cameras named 'Twin': the test GUIDs share their first 8 digits, so the second needs its whole id.
TWIN_5 = 'twin_cccccccc'
TWIN_6 = 'twin_' + guid(6).replace('-', '')


@pytest.fixture(autouse=True)
def no_connection_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plugin's options fall back to XPROTECT_* variables; the developer's own must not leak in."""
    for key in list(os.environ):
        if key.startswith('XPROTECT_'):
            monkeypatch.delenv(key)


def write_config(tmp_path: t.Any, options: dict[str, t.Any], name: str = 'site.xprotect.yml') -> str:
    config = {'plugin': PLUGIN, 'server_url': BASE, 'username': 'admin', 'password': PASSWORD, 'retries': 0}
    config.update(options)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(config), encoding='utf-8')
    return str(path)


def load(tmp_path: t.Any, options: dict[str, t.Any] | None = None, *, name: str = 'site.xprotect.yml',
         cache: bool = True) -> InventoryManager:
    """The inventory ansible-playbook would build from a config file with ``options``."""
    path = write_config(tmp_path, options or {}, name)
    return InventoryManager(loader=DataLoader(), sources=[path], cache=cache)


def parse_directly(tmp_path: t.Any, options: dict[str, t.Any], name: str = 'site.xprotect.yml') -> InventoryData:
    """Call the plugin itself, so that its errors are raised instead of becoming warnings."""
    path = write_config(tmp_path, options, name)
    inventory = InventoryData()
    inventory_loader.get(PLUGIN).parse(inventory, DataLoader(), path, cache=False)
    return inventory


def hosts_of(inventory: InventoryManager, group: str) -> list[str]:
    return sorted(host.name for host in inventory.groups[group].get_hosts())


def site(mock_rsps: t.Any) -> FakeGateway:
    """Six cameras: two PTZ, one disabled, two with the same name; groups Lobby (with subgroup Lobby North) and Gate."""
    cameras = [make_camera(1, 'Lobby North 0001'), make_camera(2, 'Gate PTZ', ptz=True), make_camera(3, 'Lobby 0003', enabled=False),
               make_camera(4, 'Lobby 0004 PTZ', ptz=True), make_camera(5, 'Twin'), make_camera(6, 'Twin')]
    gateway = FakeGateway(mock_rsps, cameras)
    gateway.presets[guid(2)] = [make_preset(guid(2), 21, 'Home', default=True)]
    lobby = gateway.add_group('Lobby', 1, members=[guid(1), guid(3), guid(4)])
    gateway.add_group('Lobby North', 2, members=[guid(1)], parent=lobby)
    gateway.add_group('Gate', 3, members=[guid(2)])
    gateway.add_group('Empty', 4)
    return gateway


def token_requests(mock_rsps: t.Any) -> int:
    return sum(1 for call in mock_rsps.calls if call.request.url == GW_TOKEN)


# -- names -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('name, expected', [
    ('Parking North 0002 PTZ', 'parking_north_0002_ptz'),
    ('Café Nord/Entrée #1', 'cafe_nord_entree_1'),
    ('Straße 5', 'stra_e_5'),
    ('Cam-01.A', 'cam-01.a'),
    ('db[1:3],web:80 !x &y ~z', 'db_1_3_web_80_x_y_z'),
    ('  --Lobby--  ', 'lobby'),
    ('大堂', ''),
])
def test_host_names_are_made_safe(name, expected):
    assert safe_host_name(name) == expected


def test_group_names_keep_only_letters_digits_and_underscores():
    assert safe_group_name('Parking North') == 'parking_north'
    assert safe_group_name('Loading-Dock.2') == 'loading_dock_2'
    assert safe_group_name('***') == ''


def test_colliding_names_all_get_a_short_id_suffix_and_plain_names_are_never_taken():
    first, second = 'aaaaaaaa-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000002'
    named_like_a_suffix, solo = 'cccccccc-0000-4000-8000-000000000003', 'dddddddd-0000-4000-8000-000000000004'
    names = unique_names({second: 'twin', first: 'twin', named_like_a_suffix: 'twin_bbbbbbbb', solo: 'solo'})
    assert names == {first: 'twin_aaaaaaaa',
                     # its short name belongs to a camera really called so: the whole id is used instead
                     second: 'twin_bbbbbbbb000040008000000000000002',
                     named_like_a_suffix: 'twin_bbbbbbbb', solo: 'solo'}


def test_names_do_not_depend_on_the_server_order():
    cameras = [make_camera(5, 'Twin'), make_camera(6, 'Twin'), make_camera(7, '大堂')]
    forward = host_names(cameras, hostnames='name', prefix='a_')
    assert forward == host_names(list(reversed(cameras)), hostnames='name', prefix='a_')
    assert forward == {guid(5): 'a_' + TWIN_5, guid(6): 'a_' + TWIN_6, guid(7): 'a_' + guid(7)}
    assert host_names(cameras, hostnames='id', prefix='') == {guid(n): guid(n) for n in (5, 6, 7)}


@pytest.mark.parametrize('field, expected', [
    ('ptzEnabled', 'xprotect_ptz_enabled'),
    ('recordKeyframesOnly', 'xprotect_record_keyframes_only'),
    ('URLPath', 'xprotect_url_path'),
    ('ptz_presets', 'xprotect_ptz_presets'),
    ('odd-key.x', 'xprotect_odd_key_x'),
])
def test_fields_become_prefixed_snake_case_variables(field, expected):
    assert variable_name(field) == expected


# -- file names --------------------------------------------------------------------------------------------

@pytest.mark.parametrize('name, accepted', [
    ('xprotect.yml', True), ('xprotect.yaml', True), ('site-a.xprotect.yml', True), ('site.xprotect.yaml', True),
    ('site.yml', False), ('myxprotect.yml', False), ('site.xprotect.json', False), ('site.xprotect.yml.bak', False),
])
def test_only_the_documented_file_names_are_read(tmp_path, name, accepted):
    path = tmp_path / name
    path.write_text(f'plugin: {PLUGIN}\n', encoding='utf-8')
    assert inventory_loader.get(PLUGIN).verify_file(str(path)) is accepted


def test_a_missing_file_is_not_read(tmp_path):
    assert inventory_loader.get(PLUGIN).verify_file(str(tmp_path / 'gone.xprotect.yml')) is False


# -- the inventory -----------------------------------------------------------------------------------------

def test_cameras_become_hosts_in_default_and_camera_groups(mock, tmp_path):
    gateway = site(mock)
    inventory = load(tmp_path)
    assert hosts_of(inventory, 'all') == ['gate_ptz', 'lobby_0004_ptz', 'lobby_north_0001', TWIN_5, TWIN_6]
    assert hosts_of(inventory, 'ptz') == ['gate_ptz', 'lobby_0004_ptz']
    assert hosts_of(inventory, 'disabled') == []
    assert len(hosts_of(inventory, 'enabled')) == 5
    # Lobby North is a child group of Lobby, so Lobby's hosts include it; Empty makes no group.
    assert [group.name for group in inventory.groups['camera_group_lobby'].child_groups] == ['camera_group_lobby_north']
    assert hosts_of(inventory, 'camera_group_lobby_north') == ['lobby_north_0001']
    assert hosts_of(inventory, 'camera_group_lobby') == ['lobby_0004_ptz', 'lobby_north_0001']
    assert hosts_of(inventory, 'camera_group_gate') == ['gate_ptz']
    assert 'camera_group_empty' not in inventory.groups
    assert gateway.writes == []
    assert token_requests(mock) == 1


def test_camera_groups_of_the_same_name_are_told_apart_whatever_the_filter(mock, tmp_path):
    gateway = site(mock)
    gateway.add_group('North', 5, members=[guid(4)], parent=guid(1, 'g'))
    gateway.add_group('North', 6, members=[guid(2)], parent=guid(3, 'g'))
    first, second = 'camera_group_north_99999999', 'camera_group_north_' + guid(6, 'g').replace('-', '')
    inventory = load(tmp_path)
    assert hosts_of(inventory, first) == ['lobby_0004_ptz'] and hosts_of(inventory, second) == ['gate_ptz']
    assert first in [group.name for group in inventory.groups['camera_group_lobby'].child_groups]
    only_gate = load(tmp_path, {'name': 'Gate*'})
    assert hosts_of(only_gate, second) == ['gate_ptz'] and first not in only_gate.groups


def test_host_variables_carry_the_camera_under_the_prefix(mock, tmp_path):
    site(mock)
    inventory = load(tmp_path)
    variables = inventory.get_host('gate_ptz').get_vars()
    assert variables['xprotect_id'] == guid(2)
    assert variables['xprotect_name'] == variables['xprotect_display_name'] == 'Gate PTZ'
    assert variables['xprotect_ptz_enabled'] is True and variables['xprotect_enabled'] is True
    assert variables['xprotect_hardware_id'] == guid(2, 'g')
    assert variables['xprotect_server_url'] == BASE
    assert variables['xprotect_camera_groups'] == ['Gate']
    assert variables['ansible_connection'] == 'local'
    assert variables['ansible_python_interpreter'] == sys.executable
    assert inventory.get_host('lobby_north_0001').get_vars()['xprotect_camera_groups'] == ['Lobby', 'Lobby/Lobby North']
    assert 'xprotect_ptz_presets' not in variables
    assert PASSWORD not in json.dumps(variables, default=str) and TOKEN not in json.dumps(variables, default=str)


def test_pages_are_read_and_no_camera_is_asked_for_on_its_own(mock, tmp_path, monkeypatch):
    settings_from_params = plugin_module.settings_from_params
    monkeypatch.setattr(plugin_module, 'settings_from_params', lambda params, **extra: settings_from_params(params, page_size=2, **extra))
    gateway = site(mock)
    load(tmp_path, {'group_by_camera_groups': False})
    paths = [path for _method, path, _query in gateway.log]
    assert paths == ['cameras'] * 3  # 5 enabled cameras in pages of 2
    assert token_requests(mock) == 1


def test_filters_disabled_cameras_and_id_host_names(mock, tmp_path):
    site(mock)
    inventory = load(tmp_path, {'include_disabled': True, 'name': 'Lobby*', 'hostnames': 'id', 'hostname_prefix': 'a.'})
    assert hosts_of(inventory, 'all') == sorted('a.' + guid(n) for n in (1, 3, 4))
    assert hosts_of(inventory, 'disabled') == ['a.' + guid(3)]
    assert hosts_of(inventory, 'camera_group_lobby') == sorted('a.' + guid(n) for n in (1, 3, 4))


def test_camera_group_and_ptz_filters(mock, tmp_path):
    site(mock)
    assert hosts_of(load(tmp_path, {'camera_group': 'Lobby'}), 'all') == ['lobby_0004_ptz', 'lobby_north_0001']
    assert hosts_of(load(tmp_path, {'ptz_only': True, 'group_by_camera_groups': False}), 'all') == ['gate_ptz', 'lobby_0004_ptz']


@pytest.mark.parametrize('options', [{'camera_group': 'Lobby'}, {'camera_group': 'Lobby', 'include_disabled': True},
                                     {'camera_group': guid(1, 'g')}, {'camera_group': 'Lobby North'}])
def test_a_camera_group_filter_with_group_by_camera_groups_reads_each_group_once(mock, tmp_path, options):
    gateway = site(mock)
    grouped = load(tmp_path, options)
    group_reads = [path for _method, path, _query in gateway.log if path.startswith('cameraGroups')]
    assert len(group_reads) == len(set(group_reads)), 'no camera group path is read twice'
    del gateway.log[:]
    ungrouped = load(tmp_path, dict(options, group_by_camera_groups=False), name='other.xprotect.yml')
    assert hosts_of(grouped, 'all') == hosts_of(ungrouped, 'all'), 'the same cameras, whether the groups were read or not'
    assert hosts_of(grouped, 'disabled') == hosts_of(ungrouped, 'disabled')


def test_an_unknown_camera_group_is_an_error_with_group_by_camera_groups_too(mock, tmp_path):
    site(mock)
    for reference, expected in (('Lobb', "no camera group is named 'Lobb'"), (guid(9, 'g'), f"no camera group has the id {guid(9, 'g')}")):
        with pytest.raises(AnsibleParserError, match=re.escape(expected)):
            parse_directly(tmp_path, {'camera_group': reference, 'group_by_camera_groups': True})


def test_ptz_details_only_when_asked(mock, tmp_path):
    gateway = site(mock)
    inventory = load(tmp_path, {'include': ['ptz_presets'], 'group_by_camera_groups': False})
    assert [preset['name'] for preset in inventory.get_host('gate_ptz').get_vars()['xprotect_ptz_presets']] == ['Home']
    assert inventory.get_host(TWIN_5).get_vars()['xprotect_ptz_presets'] == []
    # one request per PTZ camera, none for the others
    per_camera = sorted(path for _method, path, _query in gateway.log if path != 'cameras')
    assert per_camera == [f'cameras/{guid(2)}/ptzPresets', f'cameras/{guid(4)}/ptzPresets']


def test_old_servers_count_a_camera_as_ptz_when_it_offers_ptz_tasks(mock, tmp_path):
    FakeGateway(mock, [make_camera(1, 'Old', ptz_field=False)])
    inventory = load(tmp_path, {'include': ['ptz_tasks'], 'group_by_camera_groups': False})
    assert hosts_of(inventory, 'ptz') == ['old']
    assert 'xprotect_ptz_enabled' not in inventory.get_host('old').get_vars()


def test_compose_groups_and_keyed_groups(mock, tmp_path):
    site(mock)
    inventory = load(tmp_path, {
        'group_by_camera_groups': False,
        'compose': {'camera_label': "xprotect_name ~ ' (' ~ xprotect_id[:8] ~ ')'"},
        'groups': {'labelled_gate': "camera_label.startswith('Gate')"},
        'keyed_groups': [{'key': 'xprotect_ptz_enabled | string | lower', 'prefix': 'ptz_enabled'}],
    })
    assert inventory.get_host('gate_ptz').get_vars()['camera_label'] == 'Gate PTZ (cccccccc)'
    assert hosts_of(inventory, 'labelled_gate') == ['gate_ptz']
    assert hosts_of(inventory, 'ptz_enabled_true') == ['gate_ptz', 'lobby_0004_ptz']
    assert len(hosts_of(inventory, 'ptz_enabled_false')) == 3


def test_the_documented_example_file_works(mock, tmp_path):
    gateway = site(mock)
    gateway.add_group('Parking', 7, members=[guid(2), guid(4), guid(5)])

    class ExampleLoader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
        """Reads the example's !vault value as the test password."""

    ExampleLoader.add_constructor('!vault', lambda loader, node: PASSWORD)
    example = yaml.load(plugin_module.EXAMPLES, Loader=ExampleLoader)
    assert example['plugin'] == PLUGIN and example['password'] == PASSWORD
    example.update(server_url=BASE, ca_path=None, cache_connection=str(tmp_path / 'cache'))
    path = tmp_path / 'parking.xprotect.yml'
    path.write_text(yaml.safe_dump(example), encoding='utf-8')
    inventory = InventoryManager(loader=DataLoader(), sources=[str(path)])
    assert hosts_of(inventory, 'all') == ['site_a_gate_ptz', 'site_a_lobby_0004_ptz']
    assert hosts_of(inventory, 'ptz_enabled_true') == hosts_of(inventory, 'all')
    assert hosts_of(inventory, 'hardware_' + guid(2, 'g').replace('-', '_')) == ['site_a_gate_ptz']
    assert inventory.get_host('site_a_gate_ptz').get_vars()['camera_label'] == f'Gate PTZ ({guid(2)})'


def test_strict_makes_a_broken_expression_an_error(mock, tmp_path):
    site(mock)
    parse_directly(tmp_path, {'compose': {'x': 'no_such_variable.attribute'}, 'group_by_camera_groups': False})
    with pytest.raises(Exception, match='no_such_variable'):
        parse_directly(tmp_path, {'compose': {'x': 'no_such_variable.attribute'}, 'strict': True, 'group_by_camera_groups': False})


def test_server_data_is_never_evaluated_as_a_template(mock, tmp_path):
    FakeGateway(mock, [make_camera(1, "{{ lookup('ansible.builtin.env', 'HOME') }}")])
    inventory = load(tmp_path, {'group_by_camera_groups': False})
    host = inventory.get_host('lookup_ansible.builtin.env_home')
    value = host.get_vars()['xprotect_name']
    templar = Templar(loader=DataLoader(), variables={})
    assert templar.template(value) == "{{ lookup('ansible.builtin.env', 'HOME') }}"


def test_the_connection_comes_from_the_environment(mock, tmp_path, monkeypatch):
    site(mock)
    monkeypatch.setenv('XPROTECT_SERVER_URL', BASE)
    monkeypatch.setenv('XPROTECT_USERNAME', 'admin')
    monkeypatch.setenv('XPROTECT_PASSWORD', PASSWORD)
    path = tmp_path / 'env.xprotect.yml'
    path.write_text(f'plugin: {PLUGIN}\ngroup_by_camera_groups: false\n', encoding='utf-8')
    inventory = InventoryManager(loader=DataLoader(), sources=[str(path)])
    assert len(hosts_of(inventory, 'all')) == 5


def test_two_sources_with_the_same_host_name_warn(mock, tmp_path, monkeypatch):
    site(mock)
    warnings: list[str] = []
    monkeypatch.setattr(Display, 'warning', lambda self, message, *args, **kwargs: warnings.append(message))
    first = InventoryData()
    path = write_config(tmp_path, {'group_by_camera_groups': False})
    inventory_loader.get(PLUGIN).parse(first, DataLoader(), path, cache=False)
    first.set_variable('gate_ptz', 'xprotect_id', 'other-site-camera')
    inventory_loader.get(PLUGIN).parse(first, DataLoader(), path, cache=False)
    assert warnings == ['Host gate_ptz is defined twice: camera ' + guid(2) + ' replaces camera other-site-camera of another '
                        'inventory source; give each source its own hostname_prefix']


# -- cache ---------------------------------------------------------------------------------------------------

def cache_options(tmp_path: t.Any) -> dict[str, t.Any]:
    return {'cache': True, 'cache_plugin': 'ansible.builtin.jsonfile', 'cache_connection': str(tmp_path / 'cache')}


def cache_text(tmp_path: t.Any) -> str:
    folder = tmp_path / 'cache'
    return ''.join(path.read_text(encoding='utf-8') for path in folder.iterdir())


def test_the_cache_spares_the_server_and_holds_no_secret(mock, tmp_path):
    gateway = site(mock)
    first = load(tmp_path, cache_options(tmp_path))
    requests_made = len(gateway.log)
    assert requests_made > 0 and token_requests(mock) == 1
    second = load(tmp_path, cache_options(tmp_path))
    assert len(gateway.log) == requests_made and token_requests(mock) == 1
    assert hosts_of(second, 'all') == hosts_of(first, 'all') and hosts_of(second, 'camera_group_lobby') == hosts_of(first, 'camera_group_lobby')
    assert second.get_host('gate_ptz').get_vars() == first.get_host('gate_ptz').get_vars()
    text = cache_text(tmp_path)
    assert 'Gate PTZ' in text
    assert PASSWORD not in text and TOKEN not in text and 'admin' not in text


def test_changed_options_or_a_flush_read_the_server_again(mock, tmp_path):
    gateway = site(mock)
    load(tmp_path, cache_options(tmp_path))
    count = len(gateway.log)
    narrower = load(tmp_path, dict(cache_options(tmp_path), name='Gate*'))
    assert len(gateway.log) > count and hosts_of(narrower, 'all') == ['gate_ptz']
    count = len(gateway.log)
    load(tmp_path, dict(cache_options(tmp_path), name='Gate*'), cache=False)  # --flush-cache
    assert len(gateway.log) > count
    count = len(gateway.log)
    load(tmp_path, dict(cache_options(tmp_path), name='Gate*'))
    assert len(gateway.log) == count


# -- errors ----------------------------------------------------------------------------------------------------

def test_unknown_options_are_refused_with_a_suggestion(tmp_path):
    with pytest.raises(AnsibleParserError) as caught:
        parse_directly(tmp_path, {'naem': 'Lobby*', 'ptz_onyl': True})
    message = str(caught.value)
    assert "unknown options 'naem' (did you mean 'name'?), 'ptz_onyl' (did you mean 'ptz_only'?)" in message
    assert 'ansible-doc -t inventory milestone.xprotect.cameras' in message


def test_bad_credentials_are_a_sentence_without_the_password(mock, tmp_path):
    gateway = site(mock)
    refusal = {'error': 'invalid_grant', 'error_description': 'invalid_username_or_password', 'error_code': 'InvalidCredentials'}
    gateway.token_answer = (400, refusal)
    with pytest.raises(AnsibleParserError) as caught:
        parse_directly(tmp_path, {})
    message = str(caught.value)
    assert message.startswith("Could not log in: the identity provider refused user 'admin'")
    assert PASSWORD not in message
    assert caught.value.__cause__ is None


@pytest.mark.parametrize('options, expected', [
    ({'concurrency': 0}, 'concurrency must be between 1 and 64, not 0'),
    ({'hostname_prefix': 'site a'}, "hostname_prefix 'site a' may hold only letters, digits, _, . and -"),
    ({'server_url': 'vms.example.com'}, "server_url 'vms.example.com' is not an http:// or https:// URL"),
    ({'password': None}, 'password is missing'),
])
def test_bad_settings_are_refused_before_anything_is_sent(mock, tmp_path, options, expected):
    with pytest.raises(AnsibleParserError, match=re.escape(expected)):
        parse_directly(tmp_path, options)
    assert not mock.calls


def test_a_server_error_names_what_failed(mock, tmp_path):
    gateway = site(mock)
    gateway.faults.append(['GET', 'cameraGroups', 403, 1])
    with pytest.raises(AnsibleParserError, match='Could not list the camera groups: the server answered HTTP 403'):
        parse_directly(tmp_path, {})

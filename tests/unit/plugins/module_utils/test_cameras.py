# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of camera selection (``_cameras``) against the fake API Gateway (tests/unit/plugins/fake_gateway.py)."""

from __future__ import annotations

import typing as t

import pytest
import responses

from ansible_collections.milestone.xprotect.plugins.module_utils import _cameras as cameras_mod
from ansible_collections.milestone.xprotect.plugins.module_utils._cameras import (
    CameraIndex,
    CameraSelection,
    CameraSelectionError,
    add_ptz_details,
    find_camera_group,
    group_cameras,
    is_id,
    is_pattern,
    keep_ptz_cameras,
    name_matches,
    resolve_cameras,
    select_cameras,
    sort_cameras,
)
from ansible_collections.milestone.xprotect.tests.unit.plugins.fake_gateway import (
    PTZ_TASKS,
    FakeGateway,
    guid,
    make_camera,
    make_client,
    make_preset,
)


def site(count: int = 12) -> list[dict[str, t.Any]]:
    """Cameras 1..count: every third is PTZ, every fifth disabled; names in two areas."""
    cameras = []
    for number in range(1, count + 1):
        area = 'Lobby' if number % 2 else 'Parking'
        ptz = number % 3 == 0
        cameras.append(make_camera(number, f"{area} {number:04d}{' PTZ' if ptz else ''}", ptz=ptz, enabled=number % 5 != 0))
    return cameras


# -- helpers -------------------------------------------------------------------------------------------

def test_ids_and_patterns_are_told_apart():
    assert is_id(guid(3)) and is_id(guid(3).upper())
    assert not is_id('Lobby 0001') and not is_id('cccccccc-0000')
    assert is_pattern('Lobby*') and is_pattern('Gate ?') and is_pattern('[AB]*')
    assert not is_pattern('Lobby 0001')


@pytest.mark.parametrize('name, expected', [
    ('Lobby 0001', True), ('lobby 0001', False), ('Lobby*', True), ('*0001', True), ('Lobby ????', True),
    ('Lobby', False), ('Parking*', False), ('[LP]obby 0001', True),
])
def test_names_match_exactly_or_by_pattern(name, expected):
    assert name_matches({'name': 'Lobby 0001'}, name) is expected


def test_sort_is_by_name_then_id_whatever_the_server_order():
    cameras = [{'id': 'b', 'name': 'gate'}, {'id': 'a', 'name': 'Gate'}, {'id': 'c', 'name': 'Alpha'}, {'id': 'd', 'name': 'Gate'}]
    assert [camera['id'] for camera in sort_cameras(cameras)] == ['c', 'a', 'd', 'b']


# -- reading cameras -----------------------------------------------------------------------------------

def test_every_page_is_read_and_disabled_cameras_only_when_asked(mock):
    gateway = FakeGateway(mock, site(1203))
    enabled = select_cameras(make_client(), CameraSelection())
    everything = select_cameras(make_client(), CameraSelection(include_disabled=True))
    assert len(everything) == 1203
    assert len(enabled) == 1203 - 1203 // 5
    assert all(camera['enabled'] for camera in enabled)
    # 963 enabled cameras fill two pages of 500, all 1,203 three; the short page ends each list.
    assert [query for _m, _p, query in gateway.requests('GET', 'cameras?')] == [
        'page=0&size=500', 'page=1&size=500', 'disabled&page=0&size=500', 'disabled&page=1&size=500', 'disabled&page=2&size=500']


def test_an_unknown_id_is_an_error_naming_it(mock):
    FakeGateway(mock, site())
    missing = guid(999)
    with pytest.raises(CameraSelectionError) as caught:
        select_cameras(make_client(), CameraSelection(ident=missing))
    assert missing in str(caught.value)
    with pytest.raises(CameraSelectionError, match="'Lobby 0001' is not a camera id"):
        select_cameras(make_client(), CameraSelection(ident='Lobby 0001'))


def test_an_id_returns_its_camera_even_if_disabled_and_combines_with_filters(mock):
    gateway = FakeGateway(mock, site())
    disabled = guid(5)
    assert [camera['id'] for camera in select_cameras(make_client(), CameraSelection(ident=disabled.upper()))] == [disabled]
    assert select_cameras(make_client(), CameraSelection(ident=disabled, ptz_only=True)) == []
    assert select_cameras(make_client(), CameraSelection(ident=disabled, name='Parking*')) == []
    assert not gateway.requests('GET', 'cameras?'), 'an id must not cost a list of every camera'


def test_filters_combine_and_an_empty_result_is_not_an_error(mock):
    FakeGateway(mock, site(30))
    names = [camera['name'] for camera in select_cameras(make_client(), CameraSelection(name='Lobby*', ptz_only=True))]
    assert names == ['Lobby 0003 PTZ', 'Lobby 0009 PTZ', 'Lobby 0021 PTZ', 'Lobby 0027 PTZ']  # 15 is disabled
    assert select_cameras(make_client(), CameraSelection(name='Nowhere*')) == []
    assert [camera['name'] for camera in select_cameras(make_client(), CameraSelection(name='Lobby 0001'))] == ['Lobby 0001']


# -- resolving references ------------------------------------------------------------------------------

def test_a_few_ids_are_read_one_by_one_in_the_order_given(mock):
    gateway = FakeGateway(mock, site())
    found = resolve_cameras(make_client(), [guid(4), guid(2).upper(), guid(4)])
    assert [camera['id'] for camera in found] == [guid(4), guid(2)]
    assert not gateway.requests('GET', 'cameras?')


def test_names_cost_one_paged_list_including_disabled_cameras(mock, monkeypatch):
    monkeypatch.setattr(cameras_mod, 'BY_ID_LIMIT', 2)
    gateway = FakeGateway(mock, site(40))
    references = ['Lobby 0001', guid(5), 'Parking 0010'] + [guid(number) for number in range(20, 24)]
    found = resolve_cameras(make_client(), references)
    assert [camera['name'] for camera in found][:3] == ['Lobby 0001', 'Lobby 0005', 'Parking 0010']
    assert len(found) == 7
    assert [entry[2] for entry in gateway.log] == ['disabled&page=0&size=500'], 'one list, no per-camera GET'


def test_every_unknown_or_ambiguous_reference_is_reported_at_once(mock):
    cameras = site(6) + [make_camera(50, 'Lobby 0001'), make_camera(51, 'Gate East')]
    FakeGateway(mock, cameras)
    with pytest.raises(CameraSelectionError) as caught:
        resolve_cameras(make_client(), ['Lobby 0001', 'lobby 0005', 'Gate Eats', 'Parking*', 'Lobby 0003 PTZ'])
    message = str(caught.value)
    assert f"the name 'Lobby 0001' fits 2 cameras ({guid(1)}, {guid(50)})" in message
    assert "no camera is named 'lobby 0005' (did you mean 'Lobby 0005'?)" in message
    assert "no camera is named 'Gate Eats' (did you mean 'Gate East'?)" in message
    assert 'patterns are not accepted here' in message
    assert 'Lobby 0003' not in message


def test_unknown_ids_are_reported_with_their_id(mock):
    FakeGateway(mock, site())
    with pytest.raises(CameraSelectionError, match=f'no camera has the id {guid(77)}'):
        resolve_cameras(make_client(), [guid(1), guid(77)])


def test_index_resolves_ids_in_any_case():
    index = CameraIndex([make_camera(1, 'A'), make_camera(2, 'B')])
    assert index.resolve(guid(2).upper())['name'] == 'B'
    assert index.resolve(' A ')['name'] == 'A'


# -- camera groups -------------------------------------------------------------------------------------

def grouped_gateway(mock: responses.RequestsMock) -> FakeGateway:
    gateway = FakeGateway(mock, site(12))
    lobby = gateway.add_group('Lobby', 1, members=[guid(1), guid(3)])
    north = gateway.add_group('Lobby North', 2, members=[guid(5), guid(7)], parent=lobby)
    gateway.add_group('Door', 3, members=[guid(9)], parent=north)
    parking = gateway.add_group('Parking', 4, members=[guid(2), guid(4)])
    gateway.add_group('Door', 5, members=[guid(6)], parent=parking)
    gateway.add_group('Empty', 6)
    return gateway


def test_a_group_by_name_includes_its_subgroups_at_any_depth(mock):
    grouped_gateway(mock)
    names = [camera['name'] for camera in select_cameras(make_client(), CameraSelection(camera_group='Lobby', include_disabled=True))]
    assert names == ['Lobby 0001', 'Lobby 0003 PTZ', 'Lobby 0005', 'Lobby 0007', 'Lobby 0009 PTZ']
    enabled = [camera['name'] for camera in select_cameras(make_client(), CameraSelection(camera_group='Lobby North'))]
    assert enabled == ['Lobby 0007', 'Lobby 0009 PTZ']  # 5 is disabled


def test_a_group_by_id_and_an_empty_group(mock):
    grouped_gateway(mock)
    group, subtree = find_camera_group(make_client(), guid(4, 'g').upper())
    assert group['name'] == 'Parking' and subtree == [guid(4, 'g'), guid(5, 'g')]
    assert select_cameras(make_client(), CameraSelection(camera_group='Empty')) == []


def test_ambiguous_and_unknown_groups_are_errors_with_paths_and_names(mock):
    grouped_gateway(mock)
    with pytest.raises(CameraSelectionError) as caught:
        find_camera_group(make_client(), 'Door')
    assert f"'Lobby/Lobby North/Door' ({guid(3, 'g')})" in str(caught.value)
    assert f"'Parking/Door' ({guid(5, 'g')})" in str(caught.value)
    with pytest.raises(CameraSelectionError, match="no camera group is named 'lobby north' \\(did you mean 'Lobby North'\\?\\); "
                                                   "the top-level groups are: Empty, Lobby, Parking"):
        find_camera_group(make_client(), 'lobby north')
    with pytest.raises(CameraSelectionError, match=f"no camera group has the id {guid(99, 'g')}"):
        find_camera_group(make_client(), guid(99, 'g'))


def test_group_members_are_listed_once(mock):
    gateway = grouped_gateway(mock)
    gateway.group_members[guid(2, 'g')].append(guid(1))
    members = group_cameras(make_client(), [guid(1, 'g'), guid(2, 'g')], include_disabled=True)
    assert sorted(camera['id'] for camera in members) == [guid(1), guid(3), guid(5), guid(7)]


def test_a_group_that_lists_itself_does_not_loop(mock):
    gateway = grouped_gateway(mock)
    gateway.group_children[guid(2, 'g')].append(guid(1, 'g'))
    _group, subtree = find_camera_group(make_client(), 'Lobby')
    assert subtree == [guid(1, 'g'), guid(2, 'g'), guid(3, 'g')]


# -- PTZ details ---------------------------------------------------------------------------------------

def test_ptz_details_cost_requests_only_for_ptz_cameras(mock):
    gateway = FakeGateway(mock, site(12))
    for number in (3, 6, 9, 12):
        gateway.presets[guid(number)] = [make_preset(guid(number), number * 10 + index, f'P{index}') for index in range(number // 3)]
    cameras = select_cameras(make_client(), CameraSelection(include=('ptz_presets', 'ptz_tasks'), include_disabled=True))
    by_name = {camera['name']: camera for camera in cameras}
    assert [preset['name'] for preset in by_name['Lobby 0009 PTZ']['ptz_presets']] == ['P0', 'P1', 'P2']
    assert by_name['Lobby 0009 PTZ']['ptz_tasks'] == PTZ_TASKS
    assert by_name['Lobby 0001']['ptz_presets'] == [] and by_name['Lobby 0001']['ptz_tasks'] == []
    per_camera = gateway.requests('GET', 'ptzPresets')
    assert len(per_camera) == 8  # 4 PTZ cameras x (presets + tasks)
    assert {path.split('/')[1] for _m, path, _q in per_camera} == {guid(number) for number in (3, 6, 9, 12)}


def test_ptz_details_run_with_bounded_concurrency(mock):
    gateway = FakeGateway(mock, [make_camera(number, f'PTZ {number}', ptz=True) for number in range(1, 41)])
    gateway.delay = 0.02  # long enough for the workers' requests to overlap
    cameras = select_cameras(make_client(), CameraSelection(include=('ptz_presets',)), workers=5)
    assert len(cameras) == 40 and all(camera['ptz_presets'] == [] for camera in cameras)
    assert 1 < gateway.max_in_flight <= 5, f'requests must overlap, 5 at most; saw {gateway.max_in_flight} at once'


def test_a_failing_detail_request_names_the_camera(mock):
    gateway = FakeGateway(mock, site(6))
    gateway.faults.append(['GET', f'cameras/{guid(6)}/ptzPresets', 403, 1])
    with pytest.raises(Exception) as caught:
        select_cameras(make_client(), CameraSelection(include=('ptz_presets',)))
    assert f"camera 'Parking 0006 PTZ' ({guid(6)})" in str(caught.value)


def test_servers_without_ptz_enabled_are_asked_for_tasks(mock):
    cameras = [make_camera(1, 'Old 1', ptz_field=False), make_camera(2, 'Old 2', ptz_field=False), make_camera(3, 'New', ptz=True)]
    gateway = FakeGateway(mock, cameras)
    gateway.offered_tasks[guid(2)] = []
    kept = keep_ptz_cameras(make_client(), list(gateway.cameras.values()))
    assert [camera['name'] for camera in kept] == ['Old 1', 'New']
    assert len(gateway.requests('GET', '?tasks')) == 2  # only the two without ptzEnabled were asked


def test_include_nothing_adds_nothing(mock):
    FakeGateway(mock, site(3))
    cameras = select_cameras(make_client(), CameraSelection())
    assert all('ptz_presets' not in camera and 'ptz_tasks' not in camera for camera in cameras)
    add_ptz_details(make_client(), cameras, ())
    assert all('ptz_presets' not in camera for camera in cameras)

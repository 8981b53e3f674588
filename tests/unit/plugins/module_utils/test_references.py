# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""References between objects of generic types, single and in lists: resolved by name for a write, compared by the object
they point at, and written by name in a site export."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.milestone.xprotect.plugins.module_utils import _generic as generic
from ansible_collections.milestone.xprotect.plugins.module_utils import _site as site
from ansible_collections.milestone.xprotect.plugins.module_utils._errors import ConflictError

DOOR = '0a1b2c3d-0000-4000-8000-000000000001'
GATE = '0a1b2c3d-0000-4000-8000-000000000002'
TWIN = '0a1b2c3d-0000-4000-8000-000000000003'
OFFICE = '0a1b2c3d-0000-4000-8000-0000000000aa'


class StubClient:
    """Lists of a tiny site, and the paths that were listed."""

    def __init__(self) -> None:
        self.listed: list[str] = []
        self.objects = {
            'cameras': [{'id': DOOR, 'name': 'Door'}, {'id': GATE, 'name': 'Gate'}, {'id': TWIN, 'name': 'Gate'}],
            'timeProfiles': [{'id': OFFICE, 'name': 'Office hours'}],
        }

    def list(self, path: str, params: t.Any = None, action: str = '') -> list[dict[str, t.Any]]:  # pylint: disable=unused-argument
        self.listed.append(path)
        return [dict(obj) for obj in self.objects.get(path, [])]


class StubModule:
    def __init__(self) -> None:
        self.client = StubClient()
        self.warnings: list[str] = []

    def warn(self, text: str) -> None:
        self.warnings.append(text)


ALARMS = generic.ResourceType('alarmDefinitions')


def test_a_list_of_references_is_resolved_entry_by_entry_in_the_fields_format():
    reader = generic.Reader(StubClient())
    resolved = reader.references(ALARMS, {
        'sourceList': [{'type': 'cameras', 'name': 'Door'}, {'type': 'cameras', 'id': GATE}],
        'timeProfile': {'type': 'timeProfiles', 'name': 'Office hours'},
        'description': 'not a reference',
    }, 'properties')
    assert resolved['sourceList'] == [{'type': 'cameras', 'id': DOOR}, {'type': 'cameras', 'id': GATE}]
    assert resolved['timeProfile'] == {'type': 'timeProfiles', 'id': OFFICE}
    assert resolved['description'] == 'not a reference'
    assert reader.client.listed == ['cameras', 'timeProfiles'], 'each type is listed once'


def test_an_entry_that_names_no_object_or_a_shared_name_fails_with_its_place_in_the_list():
    reader = generic.Reader(StubClient())
    with pytest.raises(ConflictError) as missing:
        reader.references(ALARMS, {'sourceList': [{'type': 'cameras', 'name': 'Door'}, {'type': 'cameras', 'name': 'Dor'}]}, 'properties')
    assert 'properties.sourceList[1]: no camera is named "Dor"' in str(missing.value) and '"Door"' in str(missing.value)
    with pytest.raises(ConflictError) as shared:
        reader.references(ALARMS, {'sourceList': [{'type': 'cameras', 'name': 'Gate'}]}, 'properties')
    assert 'properties.sourceList[0]: 2 cameras are named "Gate"' in str(shared.value) and GATE in str(shared.value)


def test_entries_that_are_not_references_are_sent_as_given():
    reader = generic.Reader(StubClient())
    entries = [{'type': 'cameras', 'id': DOOR, 'extra': 1}, 'free text', {'name': 'no type'}]
    assert reader.references(ALARMS, {'sourceList': entries}, 'properties')['sourceList'] == entries
    assert reader.client.listed == []


def test_a_list_of_references_is_unchanged_when_its_entries_point_at_the_same_objects():
    current = {'id': '0a1b2c3d-0000-4000-8000-0000000000ff', 'name': 'Intrusion',
               'sourceList': [{'type': 'cameras', 'id': DOOR.upper()}, {'type': 'cameras', 'id': GATE}]}
    same = {'sourceList': [{'type': 'cameras', 'id': DOOR}, {'type': 'cameras', 'id': GATE}]}
    assert generic.reference_aware_changes(ALARMS, current, same, 'on_create') == {}
    reordered = {'sourceList': [{'type': 'cameras', 'id': GATE}, {'type': 'cameras', 'id': DOOR}]}
    assert generic.reference_aware_changes(ALARMS, current, reordered, 'on_create') == reordered
    shorter = {'sourceList': [{'type': 'cameras', 'id': DOOR}]}
    assert generic.reference_aware_changes(ALARMS, current, shorter, 'on_create') == shorter


def test_a_site_export_writes_the_entries_of_a_list_by_name_and_keeps_what_it_cannot_name():
    module = StubModule()
    exporter = site.Exporter(module)
    spec = ALARMS.fields['sourceList']
    entries = [{'type': 'cameras', 'id': DOOR}, {'type': 'cameras', 'id': GATE}, {'type': 'cameras', 'id': 'ffffffff-0000-4000-8000-000000000000'}]
    written = [exporter.reference(spec, entry) for entry in entries]
    assert written[0] == {'type': 'cameras', 'name': 'Door'}
    assert written[1] == entries[1], 'two cameras share the name: the entry keeps its id'
    assert written[2] == entries[2], 'an entry that points at no object is kept as the site has it'
    assert module.warnings == ['the camera "Gate" is referenced by id: several share the name']

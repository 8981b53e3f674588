# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the engine's shared pieces: normalised comparison, write-only fields, concurrent writes that stop at the
first failure, and the one redaction."""

from __future__ import annotations

import threading
import time
import typing as t

import pytest

from ansible_collections.milestone.xprotect.plugins.module_utils import _planner as planner
from ansible_collections.milestone.xprotect.plugins.module_utils._errors import BadRequestError
from ansible_collections.milestone.xprotect.plugins.module_utils._transport import Redactor

KIND = planner.Kind(type='timeProfiles', label='time profile', plural='time profiles', collection='timeProfiles',
                    secrets=frozenset({'password'}))


@pytest.mark.parametrize('server, given', [
    ('50', 50), (50, '50'), ('1.5', 1.5), ('True', True), ('false', False),
    ('0A1B2C3D-0000-4000-8000-00000000ABCD', '0a1b2c3d-0000-4000-8000-00000000abcd'),
    ({'type': 'storages', 'id': '0A1B2C3D-0000-4000-8000-00000000ABCD', 'displayName': 'Local'},
     {'type': 'storages', 'id': '0a1b2c3d-0000-4000-8000-00000000abcd'}),
])
def test_values_the_server_answers_in_another_form_compare_equal(server, given):
    assert planner.field_changes(KIND, {'value': server}, {'value': given}) == {}


def test_only_given_fields_are_compared_and_server_fields_never():
    obj = {'name': 'A', 'description': 'x', 'lastModified': '2026', 'displayName': 'A', 'other': 1}
    assert planner.field_changes(KIND, obj, {'description': 'y', 'lastModified': 'now', 'id': 'z'}) == {'description': 'y'}


def test_write_only_fields_are_sent_only_with_update_secrets_always():
    assert planner.field_changes(KIND, {'password': None}, {'password': 'S3cret'}) == {}
    assert planner.field_changes(KIND, {}, {'password': 'S3cret'}, update_secrets='always') == {'password': 'S3cret'}
    assert 'password' not in KIND.predicted_new('A', {'password': 'S3cret', 'description': 'd'})


class SlowWriter:
    """A writer whose creates take a while; the one named 'bad' fails."""

    def __init__(self) -> None:
        self.kind = KIND
        self.in_flight = 0
        self.max_in_flight = 0
        self.created: list[str] = []
        self.deleted: list[str] = []
        self.lock = threading.Lock()

    def create(self, name: str, properties: t.Any = None) -> dict[str, t.Any]:
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        time.sleep(0.02)
        with self.lock:
            self.in_flight -= 1
        if name == 'bad':
            raise BadRequestError('the name is refused')
        with self.lock:
            self.created.append(name)
        return {'id': name, 'name': name}

    def update(self, obj: dict[str, t.Any], changes: dict[str, t.Any]) -> dict[str, t.Any]:
        return dict(obj, **changes)

    def delete(self, obj: dict[str, t.Any]) -> None:
        self.deleted.append(obj['name'])


def plan_for(names: list[str], existing: list[dict[str, t.Any]]) -> planner.SetPlan:
    entries = planner.parse_entries(KIND, names, 'present', True)
    return planner.plan_set(KIND, existing, entries, state='present', purge=True)


def test_creates_run_concurrently_and_deletes_come_last():
    writer = SlowWriter()
    plan = plan_for([f'P{number:02d}' for number in range(40)], [{'id': 'old', 'name': 'Old'}])
    progress = planner.Progress()
    planner.apply_set(t.cast(planner.Writer, writer), plan, progress, workers=8)
    assert 1 < writer.max_in_flight <= 8
    assert [obj['name'] for obj in progress.created] == [f'P{number:02d}' for number in range(40)], 'results in plan order'
    assert writer.deleted == ['Old']


def test_a_failed_write_stops_new_writes_and_no_delete_is_sent():
    writer = SlowWriter()
    names = ['bad'] + [f'P{number:02d}' for number in range(40)]
    plan = plan_for(names, [{'id': 'old', 'name': 'Old'}])
    progress = planner.Progress()
    with pytest.raises(BadRequestError):
        planner.apply_set(t.cast(planner.Writer, writer), plan, progress, workers=4)
    assert writer.deleted == [] and progress.deleted == []
    assert len(progress.created) < 40, 'writes not started before the failure are not sent'
    assert {obj['name'] for obj in progress.created} == set(writer.created)


def test_one_redactor_masks_text_and_data_in_every_form():
    redactor = Redactor('pa"ss\nword', None, 'ab')
    redactor.add('eyJ.token.sig')
    text = 'login with pa"ss\nword, quoted \'pa"ss\\nword\', token eyJ.token.sig'
    masked = redactor.text(text)
    assert 'pa"ss' not in masked and 'eyJ.token.sig' not in masked and masked.count('********') == 3
    assert redactor.data({'a': ['eyJ.token.sig', 1], 'b': 'ab'}) == {'a': ['********', 1], 'b': 'ab'}, 'short values are not secrets'

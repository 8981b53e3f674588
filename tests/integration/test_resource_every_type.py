# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every type of the table through the generic modules: every listable type read with resource_info, every type the
API lets you create created, found again unchanged, and deleted with resource. One playbook run each, with a loop."""

from __future__ import annotations

import sys
import typing as t

from harness import collections_path, run_playbook

sys.path.insert(0, collections_path())
# pylint: disable=wrong-import-position
from ansible_collections.milestone.xprotect.plugins.module_utils._resource_types import RESOURCE_TYPES  # noqa: E402

LISTABLE = sorted(name for name, entry in RESOURCE_TYPES.items() if 'list' in entry['verbs'] and entry.get('collection'))
#: A registered service is created with the URIs and service type of a real service: nothing to probe with a name alone.
NEEDS_MORE_THAN_A_NAME = {'registeredServices'}
CREATABLE = sorted(name for name, entry in RESOURCE_TYPES.items()
                   if {'create', 'delete'} <= set(entry['verbs']) and entry.get('collection') and entry.get('identity') == 'name'
                   and name not in NEEDS_MORE_THAN_A_NAME)


def loop_task(title: str, module: str, args: dict[str, t.Any], items: list[str]) -> dict[str, t.Any]:
    return {'name': title, f'milestone.xprotect.{module}': args, 'loop': items, 'loop_control': {'label': '{{ item }}'},
            'register': title.replace(' ', '_')}


def test_every_listable_type_is_read_by_resource_info(simulator):
    run = run_playbook(simulator, [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        loop_task('read', 'resource_info', {'type': '{{ item }}', 'include_disabled': True}, LISTABLE)]}])
    results = run.result('read')['results']
    failed = {result['item']: result.get('msg') for result in results if result.get('failed')}
    assert not failed, failed
    assert len(results) == len(LISTABLE) >= 50
    empty = [result['item'] for result in results if not result['resources']]
    # the seed has objects of every type, except types that are empty on a fresh site
    assert len(empty) <= len(LISTABLE) // 4, empty


def test_every_creatable_type_is_created_found_unchanged_and_deleted(simulator):
    # one name per type: creating a role also creates a view group of its name, as on a real server
    name = 'Ansible generic probe {{ item }}'
    run = run_playbook(simulator, [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        loop_task('create', 'resource', {'type': '{{ item }}', 'name': name}, CREATABLE),
        loop_task('again', 'resource', {'type': '{{ item }}', 'name': name}, CREATABLE[::3]),
        loop_task('delete', 'resource', {'type': '{{ item }}', 'name': name, 'state': 'absent'}, CREATABLE),
    ]}])
    for title, expected in (('create', True), ('again', False), ('delete', True)):
        results = run.result(title)['results']
        failed = {result['item']: result.get('msg') for result in results if result.get('failed')}
        assert not failed, (title, failed)
        wrong = [result['item'] for result in results if result['changed'] is not expected]
        assert not wrong, (title, wrong)
    assert len(CREATABLE) >= 25, CREATABLE
    server_errors = [entry for entry in simulator.requests_log('rest') if entry['status'] >= 500]
    assert not server_errors, server_errors[:3]

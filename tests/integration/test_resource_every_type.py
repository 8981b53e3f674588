# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every type of the table through the generic modules: every listable type read with resource_info, every type the
API lets you create created, found again unchanged, and deleted with resource.

The modules' ``main()`` runs in-process for each type (as in the fault matrix, see reliability.py): the same argument
parsing, job and result as in a playbook, for milliseconds instead of a module process per type. test_resource.py runs
both modules through ansible-playbook.
"""

from __future__ import annotations

import typing as t

from reliability import ModuleRun, run_module

# pylint: disable=wrong-import-position,wrong-import-order
from ansible_collections.milestone.xprotect.plugins.module_utils._resource_types import RESOURCE_TYPES  # noqa: E402
from ansible_collections.milestone.xprotect.plugins.modules import resource, resource_info  # noqa: E402

LISTABLE = sorted(name for name, entry in RESOURCE_TYPES.items() if 'list' in entry['verbs'] and entry.get('collection'))
#: A registered service is created with the URIs and service type of a real service: nothing to probe with a name alone.
NEEDS_MORE_THAN_A_NAME = {'registeredServices'}
CREATABLE = sorted(name for name, entry in RESOURCE_TYPES.items()
                   if {'create', 'delete'} <= set(entry['verbs']) and entry.get('collection') and entry.get('identity') == 'name'
                   and name not in NEEDS_MORE_THAN_A_NAME)


def each(simulator: t.Any, main: t.Callable[[], None], items: list[str], args: t.Callable[[str], dict[str, t.Any]]) -> dict[str, ModuleRun]:
    """One run of ``main`` per item, connected to ``simulator`` as the playbooks' XPROTECT_* variables connect them."""
    connection = {'server_url': simulator.url, 'username': 'admin', 'password': 'admin', 'ca_path': simulator.ca_file}
    return {item: run_module(main, dict(args(item), **connection)) for item in items}


def failures(runs: dict[str, ModuleRun]) -> dict[str, str]:
    return {item: run.msg or run.crash for item, run in runs.items() if run.failed}


def test_every_listable_type_is_read_by_resource_info(simulator):
    results = each(simulator, resource_info.main, LISTABLE, lambda item: {'type': item, 'include_disabled': True})
    failed = failures(results)
    assert not failed, failed
    assert len(results) == len(LISTABLE) >= 50
    empty = [item for item, run in results.items() if not run.result['resources']]
    # the seed has objects of every type, except types that are empty on a fresh site
    assert len(empty) <= len(LISTABLE) // 4, empty


def test_every_creatable_type_is_created_found_unchanged_and_deleted(simulator):
    # one name per type: creating a role also creates a view group of its name, as on a real server
    def name(item: str) -> str:
        return f'Ansible generic probe {item}'

    runs = {
        'create': each(simulator, resource.main, CREATABLE, lambda item: {'type': item, 'name': name(item)}),
        'again': each(simulator, resource.main, CREATABLE[::3], lambda item: {'type': item, 'name': name(item)}),
        'delete': each(simulator, resource.main, CREATABLE, lambda item: {'type': item, 'name': name(item), 'state': 'absent'}),
    }
    for title, expected in (('create', True), ('again', False), ('delete', True)):
        results = runs[title]
        failed = failures(results)
        assert not failed, (title, failed)
        wrong = [item for item, run in results.items() if run.result['changed'] is not expected]
        assert not wrong, (title, wrong)
    assert len(CREATABLE) >= 25, CREATABLE
    server_errors = [entry for entry in simulator.requests_log('rest') if entry['status'] >= 500]
    assert not server_errors, server_errors[:3]

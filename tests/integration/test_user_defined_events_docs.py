# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The documentation of the three event modules: ansible-doc renders it, EXAMPLES run as written, RETURN matches real results."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import typing as t

import yaml

from harness import ROOT, bin_path, collections_path, run_playbook

MODULES = ('user_defined_event', 'user_defined_events', 'user_defined_event_info')
#: Keys Ansible or the shared adapter add to every result; they are not part of a module's RETURN.
COMMON_KEYS = {'changed', 'failed', 'msg', 'invocation', 'warnings', 'deprecations', 'error', 'exception', 'skipped', 'censored'}


def doc_strings(module: str) -> dict[str, str]:
    """DOCUMENTATION, EXAMPLES and RETURN of a module, read without importing it."""
    with open(os.path.join(ROOT, 'plugins', 'modules', f'{module}.py'), encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ('DOCUMENTATION', 'EXAMPLES', 'RETURN'):
                found[node.targets[0].id] = ast.literal_eval(node.value)
    return found


def documented_keys(module: str, when: str) -> tuple[set[str], set[str]]:
    """(all documented return keys, those documented as returned ``when``)."""
    returns = yaml.safe_load(doc_strings(module)['RETURN'])
    return set(returns), {key for key, spec in returns.items() if when in str(spec.get('returned', ''))}


def check_result_against_return(module: str, result: dict[str, t.Any], when: str) -> None:
    everything, promised = documented_keys(module, when)
    keys = {key for key in result if not key.startswith('_ansible')} - COMMON_KEYS
    assert keys <= everything, f'{module} returns undocumented keys {sorted(keys - everything)}'
    assert promised <= keys, f'{module} documents {sorted(promised - keys)} as returned on {when}, but did not return them'


def rendered(modules: t.Sequence[str]) -> dict[str, str]:
    """What one ansible-doc run prints for each of the modules, by module name (it renders them one after another)."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(), ANSIBLE_NOCOLOR='1')
    completed = subprocess.run([bin_path('ansible-doc'), '-t', 'module', *(f'milestone.xprotect.{module}' for module in modules)], env=env,
                               capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    assert 'WARNING' not in completed.stderr.upper(), completed.stderr
    parts = re.split(r'^> MODULE milestone\.xprotect\.(\w+)', completed.stdout, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2]))


def test_ansible_doc_renders_every_module_with_its_examples():
    pages = rendered(MODULES)
    assert sorted(pages) == sorted(MODULES), sorted(pages)
    for module in MODULES:
        assert str(yaml.safe_load(doc_strings(module)['DOCUMENTATION'])['version_added']) == '0.1.0'
        assert 'EXAMPLES' in pages[module] and 'RETURN VALUES' in pages[module], module
        first_example = yaml.safe_load(doc_strings(module)['EXAMPLES'])[0]['name']
        assert first_example in pages[module], module


def test_examples_run_as_written_and_return_what_is_documented(simulator):
    tasks = []
    for module in MODULES:
        examples = yaml.safe_load(doc_strings(module)['EXAMPLES'])
        assert examples and all('server_url' not in str(example) for example in examples)
        tasks.extend(examples)
    run = run_playbook(simulator, [{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}], diff=True)
    assert run.rc == 0, run.explain()
    assert len(run.results) == len(tasks) and all(record['status'] == 'ok' for record in run.results), run.explain()
    checked = set()
    for record in run.results:
        module = record['action'].rsplit('.', 1)[-1]
        if module in MODULES:
            check_result_against_return(module, record['result'], 'success')
            checked.add(module)
    assert checked == set(MODULES)


def test_a_failed_set_returns_what_is_documented_for_failures(simulator):
    run = run_playbook(simulator, [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'too long', 'ignore_errors': True, 'milestone.xprotect.user_defined_events': {'events': ['Fine', 'x' * 300]}}]}])
    record = run.records('too long')[-1]
    assert record['status'] == 'failed', run.explain()
    check_result_against_return('user_defined_events', record['result'], 'failure')
    assert {'created', 'renamed', 'deleted'} <= set(record['result'])

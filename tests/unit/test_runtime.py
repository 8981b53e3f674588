# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""meta/runtime.yml: the api_gateway action group lists every module, and nothing else; the README names every plugin."""

from __future__ import annotations

import os

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def modules_on_disk():
    folder = os.path.join(ROOT, 'plugins', 'modules')
    return sorted(name[:-3] for name in os.listdir(folder) if name.endswith('.py') and not name.startswith('_'))


def test_action_group_lists_every_module():
    with open(os.path.join(ROOT, 'meta', 'runtime.yml'), encoding='utf-8') as handle:
        runtime = yaml.safe_load(handle)
    group = runtime['action_groups']['api_gateway']
    assert sorted(group) == modules_on_disk(), 'meta/runtime.yml action_groups.api_gateway must list exactly the modules in plugins/modules'
    assert runtime['requires_ansible'] == '>=2.16.0'


def test_every_module_documents_the_action_group():
    for name in modules_on_disk():
        with open(os.path.join(ROOT, 'plugins', 'modules', f'{name}.py'), encoding='utf-8') as handle:
            source = handle.read()
        assert 'milestone.xprotect.connection.attributes' in source, f'{name} must extend the connection.attributes doc fragment'


def test_user_agent_version_follows_galaxy_yml():
    from ansible_collections.milestone.xprotect.plugins.module_utils._client import COLLECTION_VERSION  # pylint: disable=import-outside-toplevel
    with open(os.path.join(ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        galaxy = yaml.safe_load(handle)
    assert COLLECTION_VERSION == galaxy['version'], 'bump COLLECTION_VERSION in _client.py with galaxy.yml (docs/releasing.md)'


def test_the_readme_names_every_module_role_filter_and_playbook():
    with open(os.path.join(ROOT, 'README.md'), encoding='utf-8') as handle:
        readme = handle.read()
    names = [f'`milestone.xprotect.{name}`' for name in modules_on_disk()]
    names += [f'`milestone.xprotect.{name}`' for name in sorted(os.listdir(os.path.join(ROOT, 'roles')))]
    names += [f'`milestone.xprotect.{name[:-3]}`' for name in sorted(os.listdir(os.path.join(ROOT, 'plugins', 'filter'))) if name.endswith('.py')]
    names += [f'`{name[:-4]}`' for name in sorted(os.listdir(os.path.join(ROOT, 'playbooks'))) if name.endswith('.yml')]
    missing = [name for name in names if name not in readme]
    assert not missing, f'README.md, "Modules, roles and playbooks", must name {", ".join(missing)}'

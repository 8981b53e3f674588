# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The milestone.xprotect.cameras inventory plugin against the simulator: real ansible-inventory and
ansible-playbook runs, counted from the simulator's side (requests, logins)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import typing as t

import yaml

from harness import bin_path, collections_path, connection_env, run_playbook

PLUGIN = 'milestone.xprotect.cameras'
PAGE_SIZE = 500
INVENTORY_USER = 'inventory'
INVENTORY_PASSWORD = 'Inv-S3cret-pw!'
#: Every token of the simulator (like a real IDP's) is a JWT, whose header starts like this.
JWT_START = 'eyJ'


def write_config(folder: str, options: dict[str, t.Any] | None = None, name: str = 'site.xprotect.yml') -> str:
    path = os.path.join(folder, name)
    with open(path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump(dict({'plugin': PLUGIN}, **(options or {})), handle)
    return path


def run_inventory(sim: t.Any, source: str, *args: str, env: dict[str, str] | None = None,
                  **credentials: str) -> subprocess.CompletedProcess[str]:
    """ansible-inventory of this venv on ``source``, connected to ``sim`` through XPROTECT_* variables.

    Parse failures are made fatal (they are warnings by default), so a broken run cannot pass for an empty one.
    """
    run_env = {key: value for key, value in os.environ.items() if not key.startswith('XPROTECT_')}
    run_env.update(connection_env(sim, **credentials))
    run_env.update({'ANSIBLE_COLLECTIONS_PATH': collections_path(), 'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true',
                    'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_HOME': os.path.join(os.path.dirname(source), 'home')})
    run_env.update(env or {})
    return subprocess.run([bin_path('ansible-inventory'), '-i', source, *args], env=run_env, capture_output=True, text=True,
                          timeout=300, check=False)


def plain(value: t.Any) -> t.Any:
    """``--list`` output without the ``{"__ansible_unsafe": ...}`` markers ansible-core 2.19 puts on untrusted values."""
    if isinstance(value, dict):
        if set(value) == {'__ansible_unsafe'}:
            return value['__ansible_unsafe']
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def graph_members(graph: str, group: str) -> list[str]:
    """The hosts listed directly under ``@group:`` in ``ansible-inventory --graph`` output."""
    members: list[str] = []
    inside = None
    for line in graph.splitlines():
        stripped = line.lstrip(' |')
        depth = len(line) - len(stripped)
        if stripped.startswith('--@'):
            inside = depth if stripped == f'--@{group}:' else (None if inside is None or depth <= inside else inside)
        elif inside is not None and stripped.startswith('--') and depth > inside:
            members.append(stripped[2:])
    return members


def timed(sim: t.Any, source: str, *args: str, **credentials: str) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    completed = run_inventory(sim, source, *args, **credentials)
    return completed, time.monotonic() - start


def test_five_thousand_cameras_in_pages_with_one_login_then_from_the_cache(simulator_factory, tmp_path):
    sim = simulator_factory('--cameras', '5000', '--user', f'{INVENTORY_USER}:{INVENTORY_PASSWORD}')
    status, body = sim.api('GET', '/cameras')
    assert status == 200
    enabled = body['array']
    ptz_ids = {camera['id'] for camera in enabled if camera['ptzEnabled']}
    sim.reset(stats_only=True)
    cache_dir = str(tmp_path / 'cache')
    source = write_config(str(tmp_path), {'cache': True, 'cache_plugin': 'ansible.builtin.jsonfile', 'cache_connection': cache_dir})
    credentials = {'username': INVENTORY_USER, 'password': INVENTORY_PASSWORD}

    listed, list_seconds = timed(sim, source, '--list', **credentials)
    assert listed.returncode == 0, listed.stderr[-3000:]
    inventory = plain(json.loads(listed.stdout))
    hostvars = inventory['_meta']['hostvars']
    assert {variables['xprotect_id'] for variables in hostvars.values()} == {camera['id'] for camera in enabled}
    assert {hostvars[host]['xprotect_id'] for host in inventory['ptz']['hosts']} == ptz_ids
    stats = sim.stats()
    assert stats['token_grants'] == 1, 'one login per inventory load'
    assert stats['paths']['GET /api/rest/v1/cameras'] == len(enabled) // PAGE_SIZE + 1, 'the camera list is read in pages'
    assert set(stats['paths']) <= {'GET /api/rest/v1/cameras', 'GET /api/rest/v1/cameraGroups',
                                   'GET /api/rest/v1/cameraGroups/{id}/cameraGroups', 'GET /api/rest/v1/cameraGroups/{id}/cameras'}, \
        'no request per camera'
    first_run_requests = stats['total_requests']

    graphed, graph_seconds = timed(sim, source, '--graph', **credentials)
    assert graphed.returncode == 0, graphed.stderr[-3000:]
    assert sorted(graph_members(graphed.stdout, 'ptz')) == sorted(inventory['ptz']['hosts'])
    stats = sim.stats()
    assert stats['total_requests'] == first_run_requests and stats['token_grants'] == 1, 'the second run reads the cache only'

    cached = ''.join(open(os.path.join(cache_dir, name), encoding='utf-8').read() for name in os.listdir(cache_dir))
    for text in (cached, listed.stdout + listed.stderr, graphed.stdout + graphed.stderr):
        assert INVENTORY_PASSWORD not in text and JWT_START not in text
    # Measured, not asserted: the machine's load decides these.
    print(f'\n5,000 cameras: --list {list_seconds:.1f} s with {first_run_requests} requests and 1 login; '
          f'--graph from the cache {graph_seconds:.1f} s with none', file=sys.stderr)


def ptz_hosts(sim: t.Any, source: str) -> dict[str, str]:
    """``{host: camera id}`` of the ``ptz`` group, as the inventory makes them."""
    listed = run_inventory(sim, source, '--list')
    assert listed.returncode == 0, listed.stderr[-3000:]
    inventory = plain(json.loads(listed.stdout))
    return {host: inventory['_meta']['hostvars'][host]['xprotect_id'] for host in inventory['ptz']['hosts']}


PER_HOST_PLAY = '''
- name: One PTZ task per camera host
  hosts: ptz
  gather_facts: false
  tasks:
    - name: Import device presets
      milestone.xprotect.ptz_task:
        cameras: ["{{ xprotect_id }}"]
        task: GetDevicePresets
        wait_sleep: 0.1
'''

LOGIN_ONCE_PLAY = '''
- name: One login for the whole play
  hosts: ptz
  gather_facts: false
  tasks:
    - name: Log in once
      milestone.xprotect.login:
      run_once: true
      register: xprotect_login

    - name: Work with the shared token
      module_defaults:
        group/milestone.xprotect.api_gateway:
          access_token: "{{ xprotect_login.access_token }}"
      block:
        - name: Import device presets
          milestone.xprotect.ptz_task:
            cameras: ["{{ xprotect_id }}"]
            task: GetDevicePresets
            wait_sleep: 0.1
'''


def test_a_play_on_the_ptz_group_runs_per_host_and_the_login_once_recipe(simulator, tmp_path):
    simulator.faults(task_seconds=0.2)
    source = write_config(str(tmp_path), {'group_by_camera_groups': False, 'cache': True, 'cache_plugin': 'ansible.builtin.jsonfile',
                                          'cache_connection': str(tmp_path / 'cache')})
    hosts = ptz_hosts(simulator, source)  # fills the cache
    assert len(hosts) >= 4
    simulator.reset(stats_only=True)

    # four hosts of the group (one module run each, as on the others), in one round of forks
    per_host = sorted(hosts)[-4:]
    run = run_playbook(simulator, PER_HOST_PLAY, inventory=source, args=['--forks', '5', '--limit', ','.join(per_host)])
    assert run.rc == 0, run.explain()
    records = run.records('Import device presets')
    assert sorted(record['host'] for record in records) == per_host
    for record in records:
        assert record['status'] == 'ok', record
        assert [camera['camera_id'] for camera in record['result']['cameras']] == [hosts[record['host']]]
    assert simulator.stats()['token_grants'] == len(per_host), 'each module run logs in by itself; the inventory came from the cache'

    simulator.reset(stats_only=True)
    chosen = sorted(hosts)[:3]
    run = run_playbook(simulator, LOGIN_ONCE_PLAY, inventory=source, args=['--forks', '5', '--limit', ','.join(chosen)])
    assert run.rc == 0, run.explain()
    assert sorted(record['host'] for record in run.records('Import device presets')) == chosen
    assert len(run.records('Log in once')) == 1
    assert simulator.stats()['token_grants'] == 1, 'one login for the play'
    assert JWT_START not in run.stdout + run.stderr


def test_bad_configuration_is_one_clear_sentence(simulator, tmp_path):
    source = write_config(str(tmp_path), {'naem': 'Lobby*'})
    misspelt = run_inventory(simulator, source, '--list')
    assert misspelt.returncode != 0
    assert "unknown option 'naem' (did you mean 'name'?)" in misspelt.stderr
    assert 'Traceback' not in misspelt.stdout + misspelt.stderr

    source = write_config(str(tmp_path), {})
    refused = run_inventory(simulator, source, '--list', password='Wrong-S3cret-pw')
    assert refused.returncode != 0
    assert "Could not log in: the identity provider refused user 'admin'" in refused.stderr
    assert 'Traceback' not in refused.stdout + refused.stderr and 'Wrong-S3cret-pw' not in refused.stdout + refused.stderr

    ignored = run_inventory(simulator, write_config(str(tmp_path), {}, name='site.yml'), '--list')
    assert ignored.returncode != 0 and "could not be verified by inventory plugin 'milestone.xprotect.cameras'" in ignored.stderr


def test_ansible_doc_documents_the_plugin_and_its_environment_variables():
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(), ANSIBLE_HOME=home, ANSIBLE_NOCOLOR='1')
        completed = subprocess.run([bin_path('ansible-doc'), '-t', 'inventory', '--json', PLUGIN], env=env, capture_output=True,
                                   text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    doc = json.loads(completed.stdout)[PLUGIN]['doc']
    options = doc['options']
    assert options['server_url']['env'] == [{'name': 'XPROTECT_SERVER_URL'}]
    assert options['password']['env'] == [{'name': 'XPROTECT_PASSWORD'}]
    assert {'hostnames', 'hostname_prefix', 'include_disabled', 'name', 'camera_group', 'ptz_only', 'compose', 'keyed_groups',
            'cache', 'cache_plugin'} <= set(options)

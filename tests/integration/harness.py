# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run real ``ansible-playbook`` processes against the simulator and read their results.

    run = run_playbook(simulator, '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: create
          milestone.xprotect.user_defined_event:
            name: Door forced
    ''', check=True, diff=True)
    assert run.rc == 0
    assert run.result('create')['changed']

The connection reaches the modules through the XPROTECT_* environment variables, so playbooks only say
what they want. Each task result is recorded by the test callback ``result_collector``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import typing as t

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CALLBACKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'callback_plugins')
#: The modules' compiled code, kept between the module runs of the test playbooks (zip_code_cache/sitecustomize.py).
ZIP_CODE_SITE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'zip_code_cache')
ZIP_CODE_CACHE = '' if os.environ.get('XPROTECT_ZIP_CODE_CACHE') == 'off' else os.path.join(
    os.environ.get('XPROTECT_BUILD_DIR') or os.path.join(ROOT, '.build'), 'zip-code')


def collections_path() -> str:
    """Where Ansible finds milestone.xprotect: the staged copy from scripts/dev.py, or a symlink to this checkout."""
    configured = os.environ.get('ANSIBLE_COLLECTIONS_PATH')
    if configured:
        return configured
    link_root = os.path.join(tempfile.gettempdir(), 'milestone-xprotect-collections')
    link = os.path.join(link_root, 'ansible_collections', 'milestone', 'xprotect')
    if not os.path.islink(link) or os.path.realpath(link) != ROOT:
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(ROOT, link)
    return link_root


def bin_path(name: str) -> str:
    """An executable of the running environment (ansible-playbook of the same venv as pytest)."""
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    return candidate if os.path.exists(candidate) else name


@dataclasses.dataclass
class PlaybookRun:
    """What one ansible-playbook run printed and returned."""

    rc: int
    stdout: str
    stderr: str
    results: list[dict[str, t.Any]]
    files: dict[str, str]

    def records(self, task: str) -> list[dict[str, t.Any]]:
        return [record for record in self.results if record['task'] == task]

    def result(self, task: str, index: int = -1) -> dict[str, t.Any]:
        """The result of the task named ``task`` (the last run of it by default)."""
        records = self.records(task)
        if not records:
            raise AssertionError(f'no result for task {task!r}; tasks seen: {[r["task"] for r in self.results]}\n'
                                 f'stdout:\n{self.stdout}\nstderr:\n{self.stderr}')
        return records[index]['result']

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def explain(self) -> str:
        return f'rc={self.rc}\nstdout:\n{self.stdout[-6000:]}\nstderr:\n{self.stderr[-3000:]}'


def connection_env(simulator: t.Any, *, username: str = 'admin', password: str = 'admin') -> dict[str, str]:
    """XPROTECT_* variables that point the modules at ``simulator``."""
    env = {'XPROTECT_SERVER_URL': simulator.url, 'XPROTECT_USERNAME': username, 'XPROTECT_PASSWORD': password}
    if getattr(simulator, 'ca_file', None):
        env['XPROTECT_CA_PATH'] = simulator.ca_file
    return env


def run_playbook(simulator: t.Any, playbook: str | list | os.PathLike, *, check: bool = False, diff: bool = False,
                 verbosity: int = 0, extra_vars: dict[str, t.Any] | None = None, env: dict[str, str] | None = None,
                 args: t.Sequence[str] = (), inventory: str | None = None, connection: bool = True, timeout: float = 600,
                 cwd: str | None = None) -> PlaybookRun:
    """Run ``playbook`` (YAML text, a list of plays, or a path) and collect every task result.

    ``connection=False`` leaves the XPROTECT_* variables out (to test modules given explicit options).
    """
    with tempfile.TemporaryDirectory(prefix='xprotect-play-') as workdir:
        if isinstance(playbook, (list, dict)):
            path = os.path.join(workdir, 'playbook.yml')
            with open(path, 'w', encoding='utf-8') as handle:
                yaml.safe_dump(playbook, handle, sort_keys=False)
        elif isinstance(playbook, str) and '\n' in playbook:
            path = os.path.join(workdir, 'playbook.yml')
            with open(path, 'w', encoding='utf-8') as handle:
                handle.write(playbook)
        else:
            path = os.fspath(playbook)
        results_file = os.path.join(workdir, 'results.jsonl')
        command = [bin_path('ansible-playbook'), path]
        if inventory:
            command += ['-i', inventory]
        if check:
            command.append('--check')
        if diff:
            command.append('--diff')
        if verbosity:
            command.append('-' + 'v' * verbosity)
        if extra_vars:
            command += ['-e', json.dumps(extra_vars)]
        command += list(args)
        run_env = dict(os.environ)
        for key in list(run_env):
            if key.startswith('XPROTECT_'):
                del run_env[key]
        run_env.update({
            'ANSIBLE_COLLECTIONS_PATH': collections_path(),
            'ANSIBLE_CALLBACK_PLUGINS': CALLBACKS,
            'ANSIBLE_CALLBACKS_ENABLED': 'result_collector',
            'RESULT_COLLECTOR_FILE': results_file,
            'ANSIBLE_LOCALHOST_WARNING': 'false',
            'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
            'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_FORCE_COLOR': '0',
            'ANSIBLE_RETRY_FILES_ENABLED': 'false',
            'ANSIBLE_LOCAL_TEMP': os.path.join(workdir, 'tmp'),
            'ANSIBLE_HOME': os.path.join(workdir, 'home'),
        })
        if ZIP_CODE_CACHE:
            run_env.update({'PYTHONPATH': ZIP_CODE_SITE, 'XPROTECT_ZIP_CODE_CACHE': ZIP_CODE_CACHE})
        if connection and simulator is not None:
            run_env.update(connection_env(simulator))
        run_env.update(env or {})
        completed = subprocess.run(command, cwd=cwd or workdir, env=run_env, capture_output=True, text=True, timeout=timeout, check=False)
        results = []
        if os.path.exists(results_file):
            with open(results_file, encoding='utf-8') as handle:
                results = [json.loads(line) for line in handle if line.strip()]
        timings = os.environ.get('XPROTECT_TEST_TIMINGS')
        if timings:
            # where a test's time goes, task by task (docs/development.md, "Finding what is slow")
            test = os.environ.get('PYTEST_CURRENT_TEST', '').rsplit(' ', 1)[0]
            with open(timings, 'a', encoding='utf-8') as handle:
                for record in results:
                    handle.write(json.dumps({'test': test, 'task': record['task'], 'action': record['action'],
                                             'seconds': record.get('seconds')}) + '\n')
        files = {}
        for folder, _dirs, names in os.walk(workdir):
            for name in names:
                full = os.path.join(folder, name)
                try:
                    with open(full, encoding='utf-8', errors='replace') as handle:
                        files[os.path.relpath(full, workdir)] = handle.read()
                except OSError:
                    continue
        return PlaybookRun(completed.returncode, completed.stdout, completed.stderr, results, files)

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The demo's playbooks through ansible-runner (the engine of AWX / AAP) give the same results as ansible-playbook."""

from __future__ import annotations

import os
import sys

import ansible_runner

from harness import ROOT, collections_path, connection_env, run_playbook

sys.path.insert(0, os.path.join(ROOT, 'scripts'))

import demo  # noqa: E402  pylint: disable=wrong-import-position

STATUS = {'runner_on_ok': 'ok', 'runner_on_failed': 'failed', 'runner_on_skipped': 'skipped'}
WRITES = ('POST', 'PUT', 'PATCH', 'DELETE')


def demo_steps(report_dir):
    return [(f'milestone.xprotect.{step.playbook}', list(step.args)) for step in demo.steps(str(report_dir))]


def server_effect(sim, before):
    after = sim.stats()
    return {method: after['requests'][method] - before['requests'][method] for method in WRITES}


def through_ansible_playbook(sim, playbook, args):
    before = sim.stats()
    run = run_playbook(sim, playbook, args=args)
    assert run.rc == 0, run.explain()
    return [(record['task'], record['status'], bool(record['result'].get('changed'))) for record in run.results], server_effect(sim, before)


def task_name(event_data):
    """The task's own name (newer ansible-core prefixes tasks of roles with "<role> : ")."""
    name = event_data['task']
    role = event_data.get('role')
    return name.split(' : ', 1)[1] if role and name.startswith(f'{role} : ') else name


def through_ansible_runner(sim, playbook, args, workdir):
    before = sim.stats()
    envvars = dict(connection_env(sim), ANSIBLE_COLLECTIONS_PATH=collections_path(), ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                   ANSIBLE_LOCALHOST_WARNING='false')
    workdir.mkdir(parents=True)
    result = ansible_runner.run(private_data_dir=str(workdir), playbook=playbook, cmdline=' '.join(f"'{a}'" if ' ' in a else a for a in args),
                                envvars=envvars, quiet=True)
    assert result.status == 'successful', open(os.path.join(result.config.artifact_dir, 'stdout'), encoding='utf-8').read()[-4000:]
    tasks = [(task_name(event['event_data']), STATUS[event['event']], bool(event['event_data'].get('res', {}).get('changed')))
             for event in result.events if event['event'] in STATUS]
    return tasks, server_effect(sim, before)


def test_demo_playbooks_give_the_same_results_through_ansible_runner(simulator, tmp_path, monkeypatch):
    # ansible-runner looks for ansible-playbook on its own process's PATH
    monkeypatch.setenv('PATH', os.path.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''))
    simulator.faults(task_seconds=0.1)
    direct = [through_ansible_playbook(simulator, playbook, args) for playbook, args in demo_steps(tmp_path / 'direct')]
    simulator.reset()
    simulator.faults(task_seconds=0.1)
    runner = [through_ansible_runner(simulator, playbook, args, tmp_path / f'runner-{index}')
              for index, (playbook, args) in enumerate(demo_steps(tmp_path / 'runner'))]
    assert len(direct) == len(runner) == 7
    for (playbook, _args), (direct_tasks, direct_writes), (runner_tasks, runner_writes) in zip(demo_steps(tmp_path), direct, runner):
        assert runner_tasks == direct_tasks, f'{playbook}: tasks differ'
        assert runner_writes == direct_writes, f'{playbook}: writes differ: {runner_writes} != {direct_writes}'
    assert sum(direct[0][1].values()) == 12 and sum(direct[1][1].values()) == 0, 'first run creates the 12 events, the second writes nothing'

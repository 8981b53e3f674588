# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every fault control of the simulator at every step of every module: the fault matrix, first half.

The matrix runs the modules in-process (see reliability.py). This file has the faults of the auth, throttling,
server error and transport families; test_reliability_faults_slow.py the slower ones (slowness, outage, tasks),
so pytest-xdist runs the two halves at once; test_reliability_faults_playbook.py repeats a subset with real
``ansible-playbook`` runs. Both halves write tests/output/reliability-matrix.md (docs/guides/reliability.md explains it).
"""

from __future__ import annotations

import time
import typing as t

import pytest

from reliability import (
    SLOW_FAMILIES,
    CellResult,
    Env,
    cell_id,
    cell_params,
    cells,
    matrix_env,
    record_matrix_part,
    run_cell,
)

FAMILIES = ('auth', 'throttling', 'server error', 'transport')
CELLS = cells(FAMILIES)
RESULTS: list[CellResult] = []


@pytest.fixture(scope='module')
def env() -> t.Iterator[Env]:
    started = time.monotonic()
    with matrix_env() as matrix:
        yield matrix
    if RESULTS:
        record_matrix_part('fast', RESULTS, time.monotonic() - started)


@pytest.mark.parametrize('cell', cell_params(CELLS))
def test_fault_matrix(env: Env, cell: t.Any) -> None:
    scenario, step, fault = cell
    result = run_cell(env, scenario, step, fault)
    RESULTS.append(result)
    assert result.passed, '\n'.join(result.problems)


def test_the_matrix_covers_every_fault_and_step() -> None:
    """Each fault at each step where it can happen, for each module that has the step; the two halves together."""
    every = cells()
    assert {fault.family for _scenario, _step, fault in every} == set(FAMILIES) | set(SLOW_FAMILIES)
    assert len(every) == len(CELLS) + len(cells(SLOW_FAMILIES))
    assert len({fault.name for _scenario, _step, fault in every}) == 17
    assert {step.column for _scenario, step, _fault in every} == {'login', 'list', 'write', 'invoke', 'poll', 'cleanup'}
    modules = {scenario.key.split()[0] for scenario, _step, _fault in every}
    assert modules == {'login', 'camera_info', 'user_defined_event_info', 'user_defined_event', 'user_defined_events', 'ptz_task',
                       'resource', 'resource_info', 'task', 'device_settings', 'device_group', 'hardware', 'hardware_info', 'site_export'}
    assert len(every) == len({cell_id(cell) for cell in every})

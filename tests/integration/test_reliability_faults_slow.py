# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fault matrix, second half: the slowness, outage and tasks families (see test_reliability_faults.py).

These cells wait for real (a slow server, a server away or restarting, tasks that fail or hang), so they have a
file of their own that pytest-xdist runs beside the first half.
"""

from __future__ import annotations

import time
import typing as t

import pytest

from reliability import (
    SLOW_FAMILIES,
    CellResult,
    Env,
    cell_params,
    cells,
    matrix_env,
    record_matrix_part,
    run_cell,
)

CELLS = cells(SLOW_FAMILIES)
RESULTS: list[CellResult] = []


@pytest.fixture(scope='module')
def env() -> t.Iterator[Env]:
    started = time.monotonic()
    with matrix_env() as matrix:
        yield matrix
    if RESULTS:
        record_matrix_part('slow', RESULTS, time.monotonic() - started)


@pytest.mark.parametrize('cell', cell_params(CELLS))
def test_fault_matrix(env: Env, cell: t.Any) -> None:
    scenario, step, fault = cell
    result = run_cell(env, scenario, step, fault)
    RESULTS.append(result)
    assert result.passed, '\n'.join(result.problems)

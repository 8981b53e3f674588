# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark harness (bench/run.py), run end to end with tiny sizes so that it cannot rot.

It checks that every scenario row and every output is produced and that each run did its work; it asserts
nothing about time (timings on a shared CI machine say nothing).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from harness import ROOT

OUTPUT = os.path.join(ROOT, 'tests', 'output', 'bench-smoke')
FLEET = ('a_ptz_task', 'a_role', 'b_inventory', 'c_uri', 'd_floor')


def run_bench() -> dict:
    shutil.rmtree(OUTPUT, ignore_errors=True)
    command = [sys.executable, os.path.join(ROOT, 'bench', 'run.py'),
               '--sizes', '1,2', '--baseline-max', '1', '--inventory-max', '1', '--events', '5', '--info-cameras', '30', '--resource-cameras', '5',
               '--settings-cameras', '12', '--hardware-devices', '3', '--site-cameras', '20',
               '--task-seconds', '0.1', '--latency-ms', '0', '--poll-interval', '0.2', '--concurrency', '4', '--forks', '4',
               '--output', OUTPUT]
    # The first run in a fresh environment installs bench/requirements.txt, hence the generous timeout.
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert completed.returncode == 0, f'stdout:\n{completed.stdout[-6000:]}\nstderr:\n{completed.stderr[-4000:]}'
    with open(os.path.join(OUTPUT, 'results.json'), encoding='utf-8') as handle:
        return json.load(handle)


def test_bench_harness_writes_every_scenario_row_and_every_output():
    data = run_bench()
    rows = {(row['scenario'], row['approach'], row['size'], row['run']): row for row in data['results']}

    expected = {('reference', 'empty_play', 0, ''), ('reference', 'one_module', 0, '')}
    expected |= {('fleet', approach, size, '') for approach in FLEET for size in (1, 2)}
    expected |= {('events', approach, 5, run) for approach in ('collection', 'uri') for run in ('first', 'noop', 'check')}
    expected |= {('events', 'floor', 5, 'first')}
    expected |= {('resources', 'collection', 5, 'first'), ('resources', 'floor', 5, 'first')}
    noop = [row for key, row in rows.items() if key[0] == 'resources' and key[3] == 'noop']
    assert len(noop) == 1 and noop[0]['size'] > 5 and noop[0]['writes'] == 0
    expected |= {('camera_info', 'collection', 30, run) for run in ('plain', 'ptz_presets')}
    expected |= {('settings', approach, 12, run) for approach in ('collection', 'floor') for run in ('first', 'noop')}
    expected |= {('hardware', approach, 3, run) for approach in ('collection', 'floor') for run in ('first', 'noop')}
    expected |= {('site', 'collection', 20, 'export'), ('site', 'floor', 20, 'export'), ('site', 'collection', 20, 'noop')}
    assert sorted(expected - set(rows)) == []

    # Above --baseline-max and --inventory-max the baseline and the inventory play are extrapolated, and say so.
    for approach in ('c_uri', 'b_inventory'):
        assert rows[('fleet', approach, 2, '')]['measured'] is False
        assert rows[('fleet', approach, 2, '')]['basis']
        assert rows[('fleet', approach, 1, '')]['measured'] is True
    for key, row in rows.items():
        assert row['ok'], (key, row['problem'])
        assert row['wall'] is not None and row['http_requests'] is not None, key
        if row['measured']:
            assert row['peak_pss_tree'] > 0 and row['peak_rss_tree'] > 0 and row['max_rss_process'] > 0 and os.path.exists(os.path.join(ROOT, row['log'])), key

    # The counters the report is built on: one login for the collection's fleet run, one per camera for the baseline,
    # and no write in a no-op or check-mode run.
    assert rows[('fleet', 'a_ptz_task', 2, '')]['token_grants'] == 1
    assert rows[('fleet', 'c_uri', 1, '')]['token_grants'] == 1
    assert rows[('events', 'collection', 5, 'first')]['writes'] == 5
    assert rows[('events', 'collection', 5, 'noop')]['writes'] == 0
    assert rows[('events', 'uri', 5, 'check')]['writes'] == 0

    assert len(data['targets']) == 13 and all(target['verdict'] for target in data['targets'])
    settings_first = rows[('settings', 'collection', 12, 'first')]
    assert settings_first['writes'] == rows[('settings', 'floor', 12, 'first')]['writes'] > 0 and settings_first['token_grants'] == 1
    assert rows[('settings', 'collection', 12, 'noop')]['writes'] == rows[('settings', 'floor', 12, 'noop')]['writes'] == 0
    hardware_first = rows[('hardware', 'collection', 3, 'first')]
    assert hardware_first['writes'] == rows[('hardware', 'floor', 3, 'first')]['writes'] > 0 and hardware_first['token_grants'] == 1
    assert rows[('hardware', 'collection', 3, 'noop')]['writes'] == rows[('hardware', 'floor', 3, 'noop')]['writes'] == 0
    assert rows[('events', 'floor', 5, 'first')]['writes'] == 5 and rows[('events', 'floor', 5, 'first')]['token_grants'] == 1
    # the site's export and its no-op apply write nothing; the floor sends the export's reads again, no more and no fewer
    site_export, site_floor, site_noop = (rows[('site', approach, 20, run)] for approach, run in (('collection', 'export'), ('floor', 'export'),
                                                                                                  ('collection', 'noop')))
    assert site_export['writes'] == site_noop['writes'] == site_floor['writes'] == 0
    assert site_export['rest_requests'] == site_floor['rest_requests'] > 20
    assert site_noop['rest_requests'] == site_export['rest_requests'] - 1, 'the comparison reads all but the site (its name and version)'
    assert data['machine']['cpus'] and data['machine']['ansible_core'] and data['settings']['sizes'] == [1, 2]

    with open(os.path.join(OUTPUT, 'results.md'), encoding='utf-8') as handle:
        markdown = handle.read()
    assert rows[('resources', 'collection', 5, 'first')]['writes'] == 5 and rows[('resources', 'floor', 5, 'first')]['writes'] == 5
    for heading in ('## Targets', '## 1. Fleet PTZ reset', '## 2. Event provisioning', '## 3. camera_info', '## 4. Bulk property edit',
                    '## 5. Stream settings', '## 6. Hardware import', '## Reference'):
        assert heading in markdown
    for row in data['results']:
        assert row['label'] in markdown
    assert '(extrapolated)' in markdown
    with open(os.path.join(OUTPUT, 'benchmark.png'), 'rb') as handle:
        assert handle.read(8) == b'\x89PNG\r\n\x1a\n'

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ptz_task task=Goto against the simulator: a preset by name or id, check mode, cameras without the preset."""

from __future__ import annotations

import typing as t

from harness import run_playbook
from test_events_api import play, rest_log, task, writes


def ptz_cameras_with_presets(simulator: t.Any) -> list[tuple[dict[str, t.Any], list[dict[str, t.Any]]]]:
    status, body = simulator.api('GET', '/cameras')
    assert status == 200
    found = []
    for camera in body['array']:
        if camera['ptzEnabled']:
            found.append((camera, simulator.api('GET', f"/cameras/{camera['id']}/ptzPresets")[1]['array']))
    return found


def test_goto_moves_every_camera_that_has_the_preset_and_skips_the_others(simulator):
    cameras = ptz_cameras_with_presets(simulator)
    name = 'Preset 1'
    having = {camera['id']: next(preset['id'] for preset in presets if preset['name'] == name)
              for camera, presets in cameras if any(preset['name'] == name for preset in presets)}
    assert having and len(having) < len(cameras), 'the seed has cameras with and without the preset'
    simulator.reset(stats_only=True)
    args = dict(cameras=[camera['id'] for camera, _presets in cameras], task='goto', preset=name, missing_preset='skip')
    run = run_playbook(simulator, play(dict(task('goto (check)', 'ptz_task', **args), check_mode=True), task('goto', 'ptz_task', **args)))
    assert run.rc == 0, run.explain()
    checked, real = run.result('goto (check)'), run.result('goto')
    assert checked['changed'] and real['changed']
    assert checked['totals']['would_change'] == len(having) and real['totals']['changed'] == len(having)
    assert real['totals']['skipped'] == len(cameras) - len(having)
    moved = {entry['camera_id']: entry['preset']['id'] for entry in real['cameras'] if entry['status'] == 'changed'}
    assert moved == having
    sent = writes(rest_log(simulator))
    assert sorted(sent) == sorted(f'POST /api/rest/v1/cameras/{camera}/ptzPresets/{preset}' for camera, preset in having.items())
    assert all(entry['query'] == 'task=Goto' for entry in rest_log(simulator) if entry['method'] == 'POST')


def test_goto_without_a_preset_or_on_a_missing_preset_fails_with_the_camera_presets(simulator):
    camera, presets = ptz_cameras_with_presets(simulator)[0]
    run = run_playbook(simulator, play(
        task('no preset', 'ptz_task', ignore_errors=True, cameras=[camera['id']], task='Goto'),
        task('unknown', 'ptz_task', ignore_errors=True, cameras=[camera['id']], task='Goto', preset='Nowhere'),
    ))
    assert 'task Goto needs preset' in run.result('no preset')['msg']
    message = run.result('unknown')['msg']
    assert "no PTZ preset 'Nowhere'" in message and all(f"'{preset['name']}'" in message for preset in presets)
    assert writes(rest_log(simulator)) == []

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: ptz_task
short_description: Run a PTZ preset task (set the default preset, import presets, go to a preset) on cameras
version_added: 0.1.0
description:
  - Invokes a PTZ preset task of XProtect on one camera or a whole fleet, waits for it, and cleans it up.
  - V(DefaultPtzPreset) makes O(preset) the camera's default preset. A camera whose default preset is already
    O(preset) is left alone and reports C(changed=false).
  - V(GetDevicePresets) imports the presets stored on the device into the VMS, following the API's two-step protocol
    to its end. It reports C(changed=true) only when the camera's preset list changed.
  - V(Goto) moves the camera to O(preset) (XProtect 2024 R2 and later). A move is an action, so every camera moved
    reports C(changed=true).
  - Before invoking, the module checks that each camera offers the task, and reports what the camera offers
    if it does not.
  - Cameras are worked on O(concurrency) at a time, so a fleet takes about (cameras / O(concurrency)) times the
    task time. One failing camera does not stop the others; the module fails at the end if more cameras failed
    than O(failure_tolerance) allows, and lists them.
  - Every task the module started is cleaned up (C(TaskCleanup)) whatever its outcome, unless O(cleanup=false)
    or O(wait=false). Task ids that could not be cleaned up are returned in RV(tasks_left_behind).
author:
  - milestone.xprotect contributors (@milestone-xprotect)
extends_documentation_fragment:
  - milestone.xprotect.connection
  - milestone.xprotect.connection.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details:
      - Reads the cameras, their tasks and presets, and reports per camera what would be invoked; invokes nothing.
      - For V(GetDevicePresets) check mode cannot know what the device holds, so every camera reports that it would change.
  diff_mode:
    support: full
    details:
      - Shows, per camera that changes, the default preset (V(DefaultPtzPreset)) or the preset names (V(GetDevicePresets))
        before and after. In check mode, V(GetDevicePresets) cannot show the names after.
  platform:
    platforms: posix
options:
  cameras:
    description:
      - The cameras, each by id (GUID) or exact name (case-sensitive).
      - An unknown camera, or a name that fits several cameras, fails the module before anything is invoked;
        the error lists every such camera (and the ids behind an ambiguous name).
      - A camera given twice is worked on once.
      - Patterns are not accepted; select cameras with M(milestone.xprotect.camera_info) first.
    type: list
    elements: str
    required: true
    aliases: [camera]
    version_added: 0.1.0
  task:
    description:
      - The PTZ preset task to run, as the camera lists it (matched case-insensitively).
      - V(DefaultPtzPreset) sets the default preset to O(preset).
      - V(GetDevicePresets) imports the presets stored on the device.
      - V(Goto) moves the camera to O(preset); it is a task of the preset, offered from XProtect 2024 R2 on (added in
        milestone.xprotect 0.2.0).
    type: str
    required: true
    version_added: 0.1.0
  preset:
    description:
      - Name (exact, case-sensitive) or id of the preset to make the default, for V(DefaultPtzPreset), or to move the
        camera to, for V(Goto).
      - A camera without such a preset fails, and the error lists the camera's presets, unless O(missing_preset=skip).
    type: str
    version_added: 0.1.0
  missing_preset:
    description:
      - What to do with a camera that has no preset O(preset), for V(DefaultPtzPreset) and V(Goto).
      - V(fail) counts it as a failed camera (see O(failure_tolerance)).
      - V(skip) leaves it alone with status V(skipped); it is not a failure. Useful on fleets where only some
        cameras have the preset.
    type: str
    choices: [fail, skip]
    default: fail
    version_added: 0.1.0
  wait:
    description:
      - Wait for every task to finish, then clean it up.
      - With V(false), tasks are started and their ids returned in RV(cameras[].task_ids) and RV(tasks_left_behind);
        they are not cleaned up, because cleaning up a running task would end it. Not possible with V(GetDevicePresets),
        whose second step needs the first step's result.
    type: bool
    default: true
    version_added: 0.1.0
  wait_timeout:
    description:
      - Seconds to wait for one camera, counted from the start of its work (both steps of V(GetDevicePresets) together).
      - A task still running then is stopped (C(TaskStop)) and cleaned up, and the camera counts as failed.
    type: float
    default: 120
    version_added: 0.1.0
  wait_sleep:
    description:
      - Seconds between two reads of a running task's state.
    type: float
    default: 1
    version_added: 0.1.0
  cleanup:
    description:
      - Run C(TaskCleanup) on every task the module started, whatever its outcome (success, error or timeout).
      - With V(false), finished tasks stay on the server and are listed in RV(tasks_left_behind).
    type: bool
    default: true
    version_added: 0.1.0
  concurrency:
    description:
      - How many cameras are worked on at once. Each worked-on camera has at most one task running.
      - Between 1 and 64. Raise it for large fleets if the recording servers and devices cope.
    type: int
    default: 8
    version_added: 0.1.0
  failure_tolerance:
    description:
      - How many failed cameras (failed or timed out) the module tolerates before it fails.
      - A count such as V(3), or a percentage of the cameras such as V(10%).
      - The module fails when more cameras failed than this. Tolerated failures are reported as warnings and in
        RV(cameras).
      - The default V(0) fails the module if any camera failed.
    type: raw
    default: 0
    version_added: 0.1.0
notes:
  - Unknown cameras and ambiguous names stop the module before anything is invoked. Every other problem (no PTZ,
    task not offered, unknown preset, task ending in C(Error), timeout) is reported per camera and counts against
    O(failure_tolerance).
  - When an invocation fails in a way that leaves open whether the server started the task (a lost connection, 502
    or 504), the module looks for a task of that camera that it did not know of before repeating the request, so
    a camera never gets the task twice. If the user cannot read the server's task list, the request is not repeated.
  - Camera names are resolved against one paged list of cameras; up to 20 cameras given by id are read one by one.
seealso:
  - module: milestone.xprotect.camera_info
  - name: PTZ presets across a fleet
    description: The user guide in the collection's docs/guides/ptz-fleet.md.
    link: https://github.com/milestone-xprotect/milestone.xprotect/blob/main/docs/guides/ptz-fleet.md
'''

EXAMPLES = r'''
- name: Make "Home" the default preset of one camera
  milestone.xprotect.ptz_task:
    camera: Lobby North 0001 PTZ
    task: DefaultPtzPreset
    preset: Home

- name: Import the device presets of every PTZ camera of the parking area
  block:
    - name: Find the cameras
      milestone.xprotect.camera_info:
        camera_group: Parking
        ptz_only: true
      register: parking

    - name: Import their presets, 16 at a time, tolerating 5 % of failures
      milestone.xprotect.ptz_task:
        cameras: "{{ parking.cameras | map(attribute='id') | list }}"
        task: GetDevicePresets
        concurrency: 16
        wait_timeout: 300
        failure_tolerance: 5%
      register: imported

    - name: Report
      ansible.builtin.debug:
        msg: "{{ imported.totals }}"

- name: Turn the PTZ cameras of the entrance to their preset "Door" (cameras without it are left alone)
  block:
    - name: Find the cameras
      milestone.xprotect.camera_info:
        camera_group: Entrance
        ptz_only: true
      register: entrance

    - name: Go to the preset
      milestone.xprotect.ptz_task:
        cameras: "{{ entrance.cameras | map(attribute='id') | list }}"
        task: Goto
        preset: Door
        missing_preset: skip
      when: entrance.cameras | length > 0

- name: Start a preset change without waiting (tasks are not cleaned up)
  milestone.xprotect.ptz_task:
    cameras: [0e9a5d2f-6c1b-4f5e-9a1d-3c2b1a0f9e8d]
    task: DefaultPtzPreset
    preset: Overview
    wait: false
'''

RETURN = r'''
msg:
  description: One line about the run.
  returned: always
  type: str
  sample: 'GetDevicePresets on 500 cameras in 24.1 s: 480 changed, 20 unchanged'
cameras:
  description: What happened on each camera, in the order given.
  returned: when the cameras could be resolved
  type: list
  elements: dict
  contains:
    camera_id:
      description: Camera id.
      type: str
      returned: always
      sample: a8a8b9dc-3995-49ed-9b00-62caac2ce74a
    camera_name:
      description: Camera name.
      type: str
      returned: always
      sample: Lobby North 0001 PTZ
    task:
      description: The task, as the camera spells it.
      type: str
      returned: always
      sample: DefaultPtzPreset
    status:
      description:
        - V(changed) the task ran and changed the camera; V(unchanged) nothing needed to change (not invoked for
          V(DefaultPtzPreset)); V(would_change) check mode; V(started) invoked with O(wait=false); V(skipped) the camera has no preset O(preset) and
          O(missing_preset=skip); V(failed); V(timed_out); V(not_attempted) the camera was not tried because the server
          could not be reached for several cameras in a row before it (run the task again once the server is back).
      type: str
      returned: always
      sample: changed
    changed:
      description: Whether the camera changed (or, in check mode, would change).
      type: bool
      returned: always
      sample: true
    task_id:
      description: The id of the last server task started for the camera, or null if none was.
      type: str
      returned: always
      sample: '81'
    task_ids:
      description: Every server task started for the camera (two for V(GetDevicePresets)).
      type: list
      elements: str
      returned: always
      sample: ['80', '81']
    state:
      description: The last state the server reported (V(Idle), V(InProgress), V(Success), V(Error)), or null if nothing was invoked.
      type: str
      returned: always
      sample: Success
    progress:
      description: The last progress (0-100) the server reported, or null.
      type: int
      returned: always
      sample: 100
    duration:
      description: Seconds spent on the camera, from the first request to the end of the cleanup.
      type: float
      returned: always
      sample: 2.315
    error:
      description: Why the camera failed (the server's error text where there is one); empty otherwise.
      type: str
      returned: always
      sample: 'VMO61002: The operation failed. Communication with the device was lost.'
    error_code:
      description: The task's C(errorCode) when it ended in C(Error), else null.
      type: int
      returned: always
      sample: 61002
    tasks_left_behind:
      description: Tasks of this camera that were not cleaned up.
      type: list
      elements: str
      returned: always
      sample: []
    preset:
      description: The preset made the default, as C({id, name}).
      type: dict
      returned: for V(DefaultPtzPreset) when the preset was found
      sample: {id: a6048457-861e-42ec-b923-5bc0736a947a, name: Home}
    preset_changes:
      description: Names of the presets that V(GetDevicePresets) added, removed and updated.
      type: dict
      returned: for V(GetDevicePresets) when it ran to the end
      sample: {added: [Preset 4], removed: [], updated: [Preset 1]}
totals:
  description:
    - How many cameras ended in each status, with the number of cameras and of failures (failed plus timed out).
    - Cameras not attempted count against O(failure_tolerance) too.
  returned: when the cameras could be resolved
  type: dict
  sample: {cameras: 500, changed: 480, unchanged: 18, would_change: 0, started: 0, skipped: 0, failed: 2, timed_out: 0, not_attempted: 0,
           failures: 2}
duration:
  description: Seconds the whole run took.
  returned: when the cameras could be resolved
  type: float
  sample: 24.108
tasks_left_behind:
  description: Ids of server tasks the module started and did not clean up (O(wait=false), O(cleanup=false), or a failed cleanup).
  returned: when the cameras could be resolved
  type: list
  elements: str
  sample: []
'''

from ansible_collections.milestone.xprotect.plugins.module_utils._cameras import DEFAULT_CONCURRENCY, MAX_CONCURRENCY
from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule
from ansible_collections.milestone.xprotect.plugins.module_utils._ptz import run_ptz_task

ARGUMENT_SPEC = dict(
    cameras=dict(type='list', elements='str', required=True, aliases=['camera']),
    task=dict(type='str', required=True),
    preset=dict(type='str'),
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='float', default=120),
    wait_sleep=dict(type='float', default=1),
    cleanup=dict(type='bool', default=True),
    concurrency=dict(type='int', default=DEFAULT_CONCURRENCY),
    failure_tolerance=dict(type='raw', default=0),
    missing_preset=dict(type='str', choices=['fail', 'skip'], default='fail'),
)


def build_module() -> XProtectModule:
    return XProtectModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, pool_size=MAX_CONCURRENCY)


def main() -> None:
    build_module().run(run_ptz_task)


if __name__ == '__main__':
    main()

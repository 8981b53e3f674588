#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: task
short_description: Run any XProtect server task on an object or a fleet of objects
version_added: 0.2.0
description:
  - Runs a task of the XProtect Config API (C(POST <object>?task=<Name>)) on one object or on many, waits for the server
    task it starts, and cleans it up. Much of XProtect's configuration changes only through tasks - hardware passwords,
    moving and replacing hardware, role membership and permissions, storage moves, licence activation.
  - The object must offer the task (its C(?tasks) answer); the name is matched without regard to case, and a miss names the
    closest task the object offers.
  - When the server says parameters are missing, the module fails and lists every parameter it asks for, with the values
    it offers, and nothing is run.
  - An invocation whose answer was lost is repeated only after C(GET /tasks) shows that it started no task, so a target
    never gets two tasks by accident. A task still running at O(wait_timeout) is stopped (C(TaskStop)); every task the
    module started is cleaned up (C(TaskCleanup)) whatever its outcome, unless O(cleanup=false).
  - Two-step tasks (with a C(sessionDataId) parameter) run both steps by default; O(steps=first) stops after the first and
    returns its RV(session_data_id).
  - A task is an action, so the module reports V(changed) when a task ran.
author:
  - milestone.xprotect contributors (@milestone-xprotect)
extends_documentation_fragment:
  - milestone.xprotect.connection
  - milestone.xprotect.connection.attributes
  - milestone.xprotect.resource_types
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Check mode finds the targets, checks that each offers the task and that the parameters are the task's, and runs no task.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  type:
    description:
      - The type of the object, as the API spells it in paths (V(hardware), V(roles), V(recordingServers)). Required
        unless O(targets) is given.
    type: str
  id:
    description: The object's id.
    type: str
  name:
    description: The object's exact name.
    type: str
  parent:
    description:
      - For objects of child collections, the object they live under, as C({type, id}) or C({type, name}).
    type: dict
  targets:
    description:
      - Many objects, each C({type, id}) or C({type, name}) (and C(parent) for child objects); the task runs on each, up to
        O(concurrency) at a time.
    type: list
    elements: dict
  task:
    description: The task, as the object offers it (V(ChangePasswordHardware), V(MoveHardware), V(SetStorageAsDefault)).
    type: str
    required: true
  parameters:
    description:
      - The task's parameters. A parameter that references another object takes C({type, id}) or C({type, name}) and is sent in
        the format the task takes.
      - Parameters that are secrets (passwords) are masked in results, messages and logs, also when the server echoes them
        back in its result.
    type: dict
  steps:
    description:
      - V(all) runs a two-step task to the end; V(first) stops after the first step and returns its RV(session_data_id).
    type: str
    choices: [all, first]
    default: all
  wait:
    description: Wait for the server task to end. With V(false), the task is started and left running (and not cleaned up).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for a task; then it is stopped, cleaned up, and the target fails naming O(wait_timeout).
    type: float
    default: 120
  wait_sleep:
    description: Seconds between two reads of a running task.
    type: float
    default: 1
  cleanup:
    description: Clean up (C(TaskCleanup)) every task the module started, whatever its outcome.
    type: bool
    default: true
  concurrency:
    description: Targets worked on at once (1-64).
    type: int
    default: 8
  failure_tolerance:
    description:
      - How many targets may fail before the task fails, as a count (V(3)) or a percentage of the targets (V(10%)); failures
        within it are warnings.
    type: raw
    default: 0
seealso:
  - module: milestone.xprotect.resource
  - module: milestone.xprotect.ptz_task
'''

EXAMPLES = r'''
- name: Change a hardware password, on the device too
  milestone.xprotect.task:
    type: hardware
    name: Gate camera
    task: ChangePasswordHardware
    parameters:
      password: "{{ vault_gate_camera_password }}"
      updatePasswordOnDevice: true

- name: Read a basic user (its sid is what a role's members are made of)
  milestone.xprotect.resource_info:
    type: basicUsers
    name: operator1
  register: operator_user

- name: Add the basic user to a role (a task of the role's users collection)
  milestone.xprotect.task:
    type: users
    parent: {type: roles, name: Operators}
    task: AddRoleMember
    parameters:
      sid: "{{ operator_user.resources[0].sid }}"
  when: operator_user.resources | length > 0

- name: Move hardware to another recording server
  milestone.xprotect.task:
    type: hardware
    name: Gate camera
    task: MoveHardware
    parameters:
      destinationRecordingServer: {type: recordingServers, name: RS-02}

- name: Make a storage the default of its recording server, on every listed one (two may fail)
  milestone.xprotect.task:
    targets:
      - {type: storages, name: Fast disk, parent: {type: recordingServers, name: RS-01}}
      - {type: storages, name: Fast disk, parent: {type: recordingServers, name: RS-02}}
    task: SetStorageAsDefault
    failure_tolerance: 2
'''

RETURN = r'''
result:
  description: The invocation's answer (the last step's), secrets masked.
  returned: when O(targets) is not given and the task ran
  type: dict
  sample: {path: {type: tasks, id: "42"}, state: Idle}
task_object:
  description: The final task object (C(state), C(progress), C(errorCode), C(errorText), task-specific fields), secrets masked.
  returned: when O(targets) is not given and a task was waited for
  type: dict
  sample: {state: Success, progress: 100, displayName: Change hardware password}
object:
  description: The object the task produced, when the task names one (for example the hardware an AddHardware added).
  returned: when the task names the object it produced
  type: dict
session_data_id:
  description: The session id the first step of a two-step task reported (for the second step).
  returned: when a two-step task's first step ran
  type: int
  sample: 7
targets:
  description: Per target, its type, id, name, the task's status, task ids, state, progress, duration, error and results.
  returned: always
  type: list
  elements: dict
  sample: [{type: hardware, id: 0a1b2c3d-0000-4000-8000-00000000abcd, name: Gate camera, status: changed, task_id: "42", duration: 2.1}]
totals:
  description: How many targets ended in each status, with the number of targets and of failures.
  returned: always
  type: dict
  sample: {targets: 2, changed: 2, unchanged: 0, would_change: 0, started: 0, skipped: 0, failed: 0, timed_out: 0, not_attempted: 0,
           failures: 0}
duration:
  description: Seconds the whole run took.
  returned: always
  type: float
  sample: 2.4
tasks_left_behind:
  description: Ids of server tasks the module started but did not clean up.
  returned: always
  type: list
  elements: str
  sample: []
'''

from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule
from ansible_collections.milestone.xprotect.plugins.module_utils._server_task import MAX_CONCURRENCY, run_task

ARGUMENT_SPEC = dict(
    type=dict(type='str'),
    id=dict(type='str'),
    name=dict(type='str'),
    parent=dict(type='dict'),
    targets=dict(type='list', elements='dict'),
    task=dict(type='str', required=True),
    parameters=dict(type='dict'),
    steps=dict(type='str', choices=['all', 'first'], default='all'),
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='float', default=120),
    wait_sleep=dict(type='float', default=1),
    cleanup=dict(type='bool', default=True),
    concurrency=dict(type='int', default=8),
    failure_tolerance=dict(type='raw', default=0),
)


def main() -> None:
    XProtectModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, pool_size=MAX_CONCURRENCY).run(run_task)


if __name__ == '__main__':
    main()

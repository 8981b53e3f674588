#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: device_settings
short_description: Set the driver settings and the stream usage of cameras and other devices, on one device or a fleet
version_added: 0.2.0
description:
  - Sets general settings (brightness, rotation, ...), stream settings (resolution, frame rate, codec, ...) and, for
    cameras, the stream usage (which streams are used for live, which one is the default live stream, which are
    recorded) on one device or thousands.
  - What a device accepts depends on its driver. Every value is checked against the device's own definitions
    (C(?definitions) of C(settings/<device id>)) before anything is written; an unknown setting, one that cannot be
    set, a value outside the options, out of range or off the step is reported with what the device offers, and
    O(unsupported) decides what happens to that device.
  - Values are compared after conversion by the setting's type, so V(6), V("6") and the server's V("6.0") are equal and
    a second run changes nothing. Only the changed settings are written, in one PATCH per device.
  - When the stream usage and stream settings both change, the usage is written first and the settings after, so that
    neither is lost (writing both together loses the settings, as MilestonePSTools found).
  - Devices are read and written O(concurrency) at a time. Devices whose driver answers the same definitions share one
    check, so a fleet of one model costs one definitions read per device and one check in all.
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
      - Reads every device and its definitions, checks every value and reports per device what would change; writes nothing.
  diff_mode:
    support: full
    details:
      - Shows, per device that changes, the settings (and the stream usage) before and after.
  platform:
    platforms: posix
options:
  device:
    description:
      - One device, by id (GUID) or exact name (case-sensitive), or an object with C(id) or C(name) such as an element of
        the RV(milestone.xprotect.camera_info#module:cameras) list.
      - Mutually exclusive with O(devices), O(device_group), O(name) and O(items).
    type: raw
    version_added: 0.2.0
  devices:
    description:
      - The devices, each by id (GUID) or exact name, or objects with C(id) or C(name), such as the whole
        RV(milestone.xprotect.camera_info#module:cameras) list.
      - An unknown device, or a name that fits several, fails the module before anything is read or written; the error
        lists every such device.
      - A device given twice is worked on once.
    type: list
    elements: raw
    version_added: 0.2.0
  device_group:
    description:
      - Name or id of a device group (a camera group for cameras, a microphone group for microphones, and so on). Every
        device of the group and of its subgroups is selected.
      - A name fitting several groups is an error that lists them.
      - Combines with O(name).
    type: str
    version_added: 0.2.0
  name:
    description:
      - Exact device name, or a shell-style pattern with C(*), C(?) or C([...]), such as V(Parking*). Case-sensitive.
      - Combines with O(device_group); alone, it selects from every device of O(device_type).
    type: str
    version_added: 0.2.0
  include_disabled:
    description:
      - With O(device_group) or O(name), also select disabled devices (the API lists them only when asked).
      - Devices given by id or name in O(device) or O(devices) are found whether enabled or not.
    type: bool
    default: false
    version_added: 0.2.0
  device_type:
    description:
      - The kind of the devices.
      - O(stream_usage) is for cameras only.
    type: str
    choices: [cameras, microphones, speakers, metadata, inputs, outputs]
    default: cameras
    version_added: 0.2.0
  general:
    description:
      - 'General settings to hold, as the driver names them (C(generalSettings) of C(settings/<device id>)), for example
        C({brightness: 60, rotation: "180"}).'
      - Enumerations take their value or their display name (V(Motion JPEG) for V(MJPEG)), numbers may be given as text.
    type: dict
    version_added: 0.2.0
  streams:
    description:
      - Settings of the device's streams (C(stream) of C(settings/<device id>)).
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      stream:
        description:
          - The stream, by name as the driver lists it (V(Video stream 1)) or by its C(streamReferenceId).
        type: str
        required: true
      settings:
        description:
          - 'The settings of that stream, for example C({resolution: 1280x720, FPS: 6, codec: H.264}).'
        type: dict
        required: true
  stream_usage:
    description:
      - The streams the camera uses, all of them. A stream left out is no longer used (the API writes the usage as a
        whole). Cameras only.
      - A stream already in use keeps what its entry does not say. A choice made for one stream (O(stream_usage[].live_default),
        O(stream_usage[].default_playback), a recording track) is taken from the streams that do not say otherwise.
      - The result must have exactly one default live stream and exactly one stream recorded to the primary track;
        otherwise the camera fails before anything is written.
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      stream:
        description:
          - The stream, by name as the driver lists it (V(Video stream 2)) or by its C(streamReferenceId).
        type: str
        required: true
      name:
        description:
          - The name of the stream's use, as the Management Client shows it. A stream taken into use is named after the stream.
        type: str
      live_mode:
        description:
          - When the stream is fed to live clients.
        type: str
        choices: [Always, Never, WhenNeeded]
      live_default:
        description:
          - Whether this is the default live stream.
        type: bool
      record:
        description:
          - Which recording track the stream records to. V(secondary) needs adaptive playback (XProtect 2023 R2 and later).
        type: str
        choices: [primary, secondary, none]
      default_playback:
        description:
          - Whether this stream is played back by default. Without one, the primary recorded stream is.
        type: bool
      use_edge:
        description:
          - Whether the stream retrieves recordings from the camera's edge storage.
        type: bool
  items:
    description:
      - Settings per device, for devices that are each to have their own (as M(milestone.xprotect.site_export) writes
        them in C(settings.yml)). Each entry names one device and takes O(general), O(streams) and O(stream_usage) as the
        task would, for that device alone. All of them are read, checked and written in one run, O(concurrency) at a
        time, with the same rules as the task-wide options.
      - Mutually exclusive with O(device), O(devices), O(device_group), O(name), O(general), O(streams) and O(stream_usage).
      - A device named by two entries (by its name in one and its id in the other) fails the module before any setting is read or written.
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      device:
        description:
          - The device, by id (GUID) or exact name, or an object with C(id) or C(name), of O(device_type).
        type: raw
        required: true
      general:
        description:
          - General settings of this device, as O(general).
        type: dict
      streams:
        description:
          - Stream settings of this device, as O(streams).
        type: list
        elements: dict
        suboptions:
          stream:
            description:
              - The stream, by name or C(streamReferenceId).
            type: str
            required: true
          settings:
            description:
              - The settings of that stream.
            type: dict
            required: true
      stream_usage:
        description:
          - The streams this camera uses, all of them, as O(stream_usage).
        type: list
        elements: dict
        suboptions:
          stream:
            description:
              - The stream, by name or C(streamReferenceId).
            type: str
            required: true
          name:
            description:
              - The name of the stream's use.
            type: str
          live_mode:
            description:
              - When the stream is fed to live clients.
            type: str
            choices: [Always, Never, WhenNeeded]
          live_default:
            description:
              - Whether this is the default live stream.
            type: bool
          record:
            description:
              - Which recording track the stream records to.
            type: str
            choices: [primary, secondary, none]
          default_playback:
            description:
              - Whether this stream is played back by default.
            type: bool
          use_edge:
            description:
              - Whether the stream retrieves recordings from the camera's edge storage.
            type: bool
  unsupported:
    description:
      - What to do with a device whose driver does not offer a value (for example V(6) frames per second on a camera whose
        options stop at V(5)). Such devices are listed in RV(unsupported) with what they offer, whatever this says.
      - V(fail) counts the device as failed (see O(failure_tolerance)) and writes nothing to it. When that is more than
        tolerated, nothing is written to any device.
      - V(skip) leaves the device alone with status V(skipped).
      - V(warn) writes the values the device offers, leaves the rest, and warns.
      - A setting or stream that none of the devices has is a typo and fails the module whatever this says.
    type: str
    choices: [fail, skip, warn]
    default: fail
    version_added: 0.2.0
  concurrency:
    description:
      - How many devices are read or written at once. Between 1 and 64.
    type: int
    default: 8
    version_added: 0.2.0
  failure_tolerance:
    description:
      - How many failed devices the module tolerates before it fails, a count such as V(3) or a percentage of the devices
        such as V(10%). Devices not attempted because the server could not be reached count too.
      - Tolerated failures are reported as warnings and in RV(devices).
    type: raw
    default: 0
    version_added: 0.2.0
notes:
  - Each device costs one C(GET settings/<id>?definitions) (its values and definitions in one answer), one
    C(GET streams/<id>) when O(stream_usage) is given, and, when something differs, one C(PATCH streams/<id>) and one
    C(PATCH settings/<id>).
  - Setting names and values are those of the driver; read them with M(milestone.xprotect.resource_info) (C(type=settings),
    C(id=<device id>), C(include=[definitions])).
  - After writing, the module compares the server's answer with what it wrote, and fails the device if the server did not
    keep a value.
seealso:
  - module: milestone.xprotect.camera_info
  - module: milestone.xprotect.resource_info
  - name: Stream settings at scale
    description: The user guide in the collection's docs/guides/settings.md.
    link: https://github.com/milestone-xprotect/milestone.xprotect/blob/main/docs/guides/settings.md
'''

EXAMPLES = r'''
- name: Every camera of the Parking group to 1280x720 at 6 FPS on its first stream; cameras that cannot are reported
  milestone.xprotect.device_settings:
    device_group: Parking
    streams:
      - stream: Video stream 1
        settings:
          resolution: 1280x720
          FPS: 6
    unsupported: warn
    concurrency: 16
  register: parking

- name: Show the cameras that do not offer it, with what they offer
  ansible.builtin.debug:
    msg: "{{ parking.unsupported }}"

- name: Brighter picture and the date in the overlay, on cameras found with camera_info
  block:
    - name: Find the cameras
      milestone.xprotect.camera_info:
        name: Lobby*
      register: lobby

    - name: Set the general settings
      milestone.xprotect.device_settings:
        devices: "{{ lobby.cameras }}"
        general:
          brightness: 60
          includeDate: true
        unsupported: skip
      when: lobby.cameras | length > 0

- name: Record stream 1, show stream 2 live by default, with its resolution
  milestone.xprotect.device_settings:
    device: Lobby 0001
    stream_usage:
      - stream: Video stream 1
        name: Recording
        record: primary
        live_mode: WhenNeeded
      - stream: Video stream 2
        name: Live
        live_default: true
        live_mode: Always
    streams:
      - stream: Video stream 2
        settings:
          resolution: 640x360
          FPS: 15
  ignore_errors: true  # the camera name differs from site to site

- name: Each camera its own settings in one task, as a site file lists them (milestone.xprotect.site_config applies them so)
  milestone.xprotect.device_settings:
    items:
      - device: Lobby 0001
        general:
          brightness: 55
      - device: Lobby 0002
        general:
          brightness: 65
        streams:
          - stream: Video stream 1
            settings:
              FPS: 10
    unsupported: warn
  ignore_errors: true  # the camera names differ from site to site

- name: Longer trigger time on every output
  milestone.xprotect.device_settings:
    device_type: outputs
    name: "*"
    general:
      outputTriggerTime: 1000
'''

RETURN = r'''
msg:
  description: One line about the run.
  returned: always
  type: str
  sample: 'settings of 400 cameras in 6.2 s: 310 changed, 40 unchanged, 50 skipped; 50 with values their driver does not offer (see unsupported)'
devices:
  description: What happened on each device, in the order selected.
  returned: when the devices could be selected
  type: list
  elements: dict
  contains:
    device_id:
      description: Device id.
      type: str
      returned: always
      sample: a8a8b9dc-3995-49ed-9b00-62caac2ce74a
    device_name:
      description: Device name.
      type: str
      returned: always
      sample: Parking North 0002
    status:
      description:
        - V(changed) written; V(unchanged) nothing differed; V(would_change) check mode (or not written because the module
          failed first); V(skipped) the device does not offer a value and O(unsupported=skip); V(failed) (a read or a write
          failed, or the device does not offer a value and O(unsupported=fail)); V(not_attempted) not written because the
          server could not be reached or other devices failed before any write.
      type: str
      returned: always
      sample: changed
    changed:
      description: Whether the device changed (in check mode, would change).
      type: bool
      returned: always
      sample: true
    changes:
      description:
        - The settings that changed (or would), each with its value C(before) and C(after) as the server holds them, and
          C(stream_usage) with the streams in use before and after when the usage changed.
      type: dict
      returned: always
      sample: {'streams[Video stream 1].FPS': {before: '30', after: '6'}, 'streams[Video stream 1].resolution': {before: 1920x1080, after: 1280x720}}
    unsupported:
      description: The settings whose wanted value the device does not offer (what it offers is in RV(unsupported)).
      type: list
      elements: str
      returned: always
      sample: ['streams[Video stream 1].FPS']
    error:
      description: Why the device failed or was skipped; empty otherwise.
      type: str
      returned: always
      sample: ''
    duration:
      description: Seconds spent on the device.
      type: float
      returned: always
      sample: 0.061
totals:
  description:
    - How many devices ended in each status, the number of devices, of failures (failed plus not attempted), of devices
      with values they do not offer, and of distinct definition sets (devices of one driver and model share one).
  returned: when the devices could be selected
  type: dict
  sample: {devices: 400, changed: 310, unchanged: 40, would_change: 0, skipped: 50, failed: 0, not_attempted: 0, failures: 0,
           unsupported: 50, definition_sets: 6}
unsupported:
  description:
    - Each wanted value that some devices do not offer, once per problem (devices of one driver share it), with what they
      offer instead and the devices (see O(unsupported)).
    - C(offered) is the list of options, or C(min), C(max) and C(step) of a number, or the names of the device's streams
      for a stream it does not have.
  returned: when the devices could be selected
  type: list
  elements: dict
  contains:
    setting:
      description: The setting, as C(general.<name>), C(streams[<stream>].<name>) or C(stream_usage).
      type: str
      returned: always
      sample: 'streams[Video stream 1].FPS'
    value:
      description: The value asked for.
      type: raw
      returned: always
      sample: 6
    problem:
      description: Why the devices do not take it.
      type: str
      returned: always
      sample: '"6" is not one of the options (closest: "5" or "6.25")'
    offered:
      description: What the devices offer instead.
      type: raw
      returned: always
      sample: ['1', '2', '3.75', '5', '6.25', '7.5', '10', '12.5', '15', '25', '30']
    devices:
      description: The devices, each with C(id), C(name) and C(status).
      type: list
      elements: dict
      returned: always
      sample: [{id: 0e9a5d2f-6c1b-4f5e-9a1d-3c2b1a0f9e8d, name: Parking 0004, status: skipped}]
duration:
  description: Seconds the whole run took.
  returned: when the devices could be selected
  type: float
  sample: 6.208
'''

from ansible_collections.milestone.xprotect.plugins.module_utils._module import XProtectModule
from ansible_collections.milestone.xprotect.plugins.module_utils._settings import (
    DEFAULT_CONCURRENCY,
    DEVICE_TYPES,
    LIVE_MODES,
    MAX_CONCURRENCY,
    UNSUPPORTED_CHOICES,
    manage_device_settings,
)

STREAM_OPTIONS = dict(
    stream=dict(type='str', required=True),
    settings=dict(type='dict', required=True),
)
USAGE_OPTIONS = dict(
    stream=dict(type='str', required=True),
    name=dict(type='str'),
    live_mode=dict(type='str', choices=list(LIVE_MODES)),
    live_default=dict(type='bool'),
    record=dict(type='str', choices=['primary', 'secondary', 'none']),
    default_playback=dict(type='bool'),
    use_edge=dict(type='bool'),
)
ARGUMENT_SPEC = dict(
    device=dict(type='raw'),
    devices=dict(type='list', elements='raw'),
    device_group=dict(type='str'),
    name=dict(type='str'),
    include_disabled=dict(type='bool', default=False),
    device_type=dict(type='str', choices=list(DEVICE_TYPES), default='cameras'),
    general=dict(type='dict'),
    streams=dict(type='list', elements='dict', options=STREAM_OPTIONS),
    stream_usage=dict(type='list', elements='dict', options=USAGE_OPTIONS),
    items=dict(type='list', elements='dict', options=dict(
        device=dict(type='raw', required=True),
        general=dict(type='dict'),
        streams=dict(type='list', elements='dict', options=STREAM_OPTIONS),
        stream_usage=dict(type='list', elements='dict', options=USAGE_OPTIONS),
    )),
    unsupported=dict(type='str', choices=list(UNSUPPORTED_CHOICES), default='fail'),
    concurrency=dict(type='int', default=DEFAULT_CONCURRENCY),
    failure_tolerance=dict(type='raw', default=0),
)
MUTUALLY_EXCLUSIVE = [('device', 'devices'), ('device', 'device_group'), ('device', 'name'), ('devices', 'device_group'), ('devices', 'name'),
                      ('items', 'device'), ('items', 'devices'), ('items', 'device_group'), ('items', 'name')]
REQUIRED_ONE_OF = [('device', 'devices', 'device_group', 'name', 'items')]


def build_module() -> XProtectModule:
    return XProtectModule(argument_spec=ARGUMENT_SPEC, mutually_exclusive=MUTUALLY_EXCLUSIVE, required_one_of=REQUIRED_ONE_OF,
                          supports_check_mode=True, pool_size=MAX_CONCURRENCY)


def main() -> None:
    build_module().run(manage_device_settings)


if __name__ == '__main__':
    main()

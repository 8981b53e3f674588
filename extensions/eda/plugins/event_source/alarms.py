# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""milestone.xprotect.alarms: new and changed XProtect alarms, polled from the Alarms REST API with a high-water mark.

Each poll asks for the alarms modified since the newest ``lastModified`` seen, less an overlap (an alarm written
just before a poll may become visible just after it), and drops what it has already delivered: an alarm is
emitted once per ``lastModified``. The server's filter is an optimisation only; the answer is checked here too,
so a server that ignores the filter costs a longer answer, never a duplicate.
"""

from __future__ import annotations

import asyncio
import collections
import datetime
import logging
import os
import sys
import typing as t

DOCUMENTATION = r'''
---
short_description: Receive new and changed XProtect alarms
description:
  - Polls the Alarms REST API of the XProtect API Gateway (2023 R2 and later) and puts each new or changed alarm on the
    rulebook's queue as C({"xprotect_alarm": {..., "change": "new" | "changed"}}).
  - The alarms that exist when the source starts are the baseline and are not emitted, unless O(emit_existing).
  - An alarm is emitted once per change, never twice for the same C(lastModified).
  - The connection options are those of the collection's modules; each falls back to its C(XPROTECT_*) environment variable.
options:
  server_url:
    description: URL of the XProtect API Gateway.
    type: str
    required: true
  username:
    description: An XProtect basic user (or a Windows user with O(auth_type=windows)).
    type: str
  password:
    description: The password of O(username).
    type: str
  auth_type:
    description: C(basic) or C(windows).
    type: str
    default: basic
  access_token:
    description: A token to use when no O(username) is given.
    type: str
  validate_certs:
    description: Verify the server's TLS certificate.
    type: bool
    default: true
  ca_path:
    description: PEM file of the CA that signed the server's certificate.
    type: str
  interval:
    description: Seconds between two polls.
    type: float
    default: 5
  overlap:
    description: Seconds of C(lastModified) read again at each poll, for alarms written while the previous poll ran.
    type: float
    default: 5
  emit_existing:
    description: Emit the alarms that exist at start too (as C(new)).
    type: bool
    default: false
  include_data:
    description: Add each alarm's C(data).
    type: bool
    default: false
requirements:
  - requests
'''

EXAMPLES = r'''
- name: Alarms to tickets
  hosts: localhost
  sources:
    - milestone.xprotect.alarms:
        server_url: https://vms.example.com
        username: eda
        password: "{{ xprotect_password }}"
        interval: 10
  rules:
    - name: A new high-priority alarm
      condition: event.xprotect_alarm.change == "new" and event.xprotect_alarm.priorityName == "High"
      action:
        debug:
'''

LOG = logging.getLogger('milestone.xprotect.alarms')
KNOWN_LIMIT = 200_000


def _events_source() -> dict[str, t.Any]:
    """The shared helpers of the events source (connection settings, the client), loaded from the file beside this one."""
    import importlib.util  # pylint: disable=import-outside-toplevel

    here = os.path.dirname(os.path.abspath(globals().get('__file__') or '.'))
    spec = importlib.util.spec_from_file_location('milestone_xprotect_eda_events', os.path.join(here, 'events.py'))
    if spec is None or spec.loader is None:
        raise ImportError(f'cannot load events.py beside {here}')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return vars(module)


def shift(timestamp: str, seconds: float) -> str:
    """``timestamp`` (the server's ISO 8601 UTC form, 7 fraction digits) moved by ``seconds``, in the same form."""
    text = timestamp.rstrip('Z')
    head, _sep, fraction = text.partition('.')
    try:
        moment = datetime.datetime.strptime(head, '%Y-%m-%dT%H:%M:%S').replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return timestamp
    micro = int((fraction + '000000')[:6]) if fraction.isdigit() else 0
    moved = moment + datetime.timedelta(microseconds=micro) + datetime.timedelta(seconds=seconds)
    return moved.strftime('%Y-%m-%dT%H:%M:%S.%f') + '0Z'


class AlarmPoller:  # pylint: disable=too-many-instance-attributes
    """Polls ``alarms`` and emits what is new or changed (module docstring)."""

    def __init__(self, args: t.Mapping[str, t.Any], queue: t.Any, *, client: t.Any = None,
                 sleep: t.Callable[[float], t.Awaitable[None]] = asyncio.sleep) -> None:
        events = _events_source()
        self.as_bool = events['as_bool']
        self.client = client if client is not None else events['build_client'](args)
        self.queue = queue
        self.sleep = sleep
        self.interval = float(args.get('interval', 5))
        self.overlap = float(args.get('overlap', 5))
        self.emit_existing = self.as_bool(args.get('emit_existing', False))
        self.include_data = self.as_bool(args.get('include_data', False))
        #: alarm id -> the lastModified last emitted (or seen in the baseline)
        self.known: collections.OrderedDict[str, str] = collections.OrderedDict()
        self.high_water = ''
        self.counts = {'polls': 0, 'new': 0, 'changed': 0, 'failures': 0}

    def read(self) -> list[dict[str, t.Any]]:
        params: list[tuple[str, str]] = []
        if self.high_water:
            params.append(('lastModified', f"gt:'{shift(self.high_water, -self.overlap)}'"))
        if self.include_data:
            params.append(('include', 'data'))
        return self.client.list('alarms', params=params, action='list the alarms')

    async def poll(self, *, baseline: bool = False) -> None:
        alarms = await asyncio.to_thread(self.read)
        self.counts['polls'] += 1
        for alarm in sorted(alarms, key=lambda item: (str(item.get('lastModified', '')), str(item.get('id', '')))):
            ident, modified = str(alarm.get('id', '')), str(alarm.get('lastModified', ''))
            if not ident or self.known.get(ident) == modified:
                continue
            change = 'changed' if ident in self.known else 'new'
            self.known[ident] = modified
            self.known.move_to_end(ident)
            if len(self.known) > KNOWN_LIMIT:
                self.known.popitem(last=False)
            self.high_water = max(self.high_water, modified)
            if baseline and not self.emit_existing:
                continue
            self.counts[change] += 1
            await self.queue.put({'xprotect_alarm': {**alarm, 'change': change}})

    async def run(self) -> None:
        await self.poll(baseline=True)
        delay = self.interval
        while True:
            await self.sleep(delay)
            try:
                await self.poll()
                delay = self.interval
            except asyncio.CancelledError:
                raise
            except Exception as error:  # pylint: disable=broad-except  # a server away for a while: try again later
                self.counts['failures'] += 1
                delay = min(max(delay * 2, self.interval), 60.0)
                LOG.warning('XProtect alarms: %s; next poll in %.0f s', self.client.redact(str(error)), delay)


async def main(queue: t.Any, args: dict[str, t.Any]) -> None:
    """The entry point ansible-rulebook calls."""
    await AlarmPoller(args, queue).run()


if __name__ == '__main__':
    sys.exit('run this source from a rulebook: milestone.xprotect.alarms')

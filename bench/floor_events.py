# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The floor of a first event provisioning run: the least a program can do to create the events, at the same concurrency.

One login, one list of the existing events (a provisioning run has to know what exists), then one
``POST userDefinedEvents`` per missing event, ``--concurrency`` at a time (threads sharing one pooled session).
No checks, no retries: what is left is the time the server and the network take.

    python bench/floor_events.py --events-file names.json --concurrency 16
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import sys
import typing as t

from floorlib import FloorSession


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--events-file', required=True, help='JSON file with {"bench_events": [names]}')
    parser.add_argument('--concurrency', type=int, default=16)
    args = parser.parse_args(argv)
    with open(args.events_file, encoding='utf-8') as handle:
        names = [str(name) for name in json.load(handle)['bench_events']]
    floor = FloorSession(args.concurrency)
    existing = {event['name'] for event in floor.call('GET', '/userDefinedEvents')['array']}

    def create(name: str) -> t.Any:
        return floor.call('POST', '/userDefinedEvents', {'name': name})['result']['id']

    missing = [name for name in names if name not in existing]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        created_ids = list(pool.map(create, missing))
    print(json.dumps({'events': len(names), 'created': len(created_ids)}))
    return 0 if len(created_ids) == len(missing) else 1


if __name__ == '__main__':
    sys.exit(main())

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The floor of a fleet settings change: the least a program can do to set stream settings on many cameras, at the same concurrency.

One login, one list of the cameras (names and ids are resolved against it, as the module does for more than 20), then per
camera, ``--concurrency`` at a time (threads sharing one pooled session): one ``GET settings/{id}?definitions`` (the values
and what the driver offers), and one ``PATCH settings/{id}`` with the changed values when the stream offers every one of
them (the cameras that do not are left alone, as ``unsupported: skip`` does). No retries, no result beyond a count. On a
site that already has the values it is the reads alone.

    python bench/floor_settings.py --vars-file vars.json --concurrency 32
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import sys
import typing as t

from floorlib import FloorSession


def offers(definition: dict[str, t.Any], value: t.Any) -> str | None:
    """The value as the stream takes it, or None when its definition does not offer it (options, or range)."""
    options = definition.get('options')
    if isinstance(options, dict):
        text = str(value)
        return text if text in options else None
    number = float(value)
    low, high = definition.get('minValue'), definition.get('maxValue')
    if (low is not None and number < float(low)) or (high is not None and number > float(high)):
        return None
    return str(int(number)) if number.is_integer() else str(number)


def same(current: t.Any, wanted: str) -> bool:
    try:
        return float(current) == float(wanted)
    except (TypeError, ValueError):
        return str(current) == wanted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--vars-file', required=True, help='JSON file with bench_camera_ids, bench_stream and bench_stream_settings')
    parser.add_argument('--concurrency', type=int, default=32)
    args = parser.parse_args(argv)
    with open(args.vars_file, encoding='utf-8') as handle:
        variables = json.load(handle)
    wanted_ids = {str(ident).lower() for ident in variables['bench_camera_ids']}
    stream_name = str(variables['bench_stream'])
    wanted = dict(variables['bench_stream_settings'])
    floor = FloorSession(args.concurrency)
    cameras = floor.cameras()
    todo = [camera['id'] for camera in cameras if camera['id'].lower() in wanted_ids]

    def one(camera_id: str) -> str:
        body = floor.call('GET', f'/settings/{camera_id}?definitions')
        streams = body['data'].get('stream') or []
        index = next((number for number, entry in enumerate(streams) if entry.get('displayName') == stream_name), None)
        if index is None:
            return 'skipped'
        entry, definitions = streams[index], body['definitions']['stream'][index]
        changes = {}
        for name, value in wanted.items():
            accepted = offers(definitions.get(name) or {}, value)
            if accepted is None:
                return 'skipped'
            if not same(entry.get(name), accepted):
                changes[name] = accepted
        if not changes:
            return 'unchanged'
        body = {'stream': [dict(changes, streamReferenceId=entry['streamReferenceId'])]}
        floor.call('PATCH', f'/settings/{camera_id}', body, decode=False)
        return 'changed'

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        outcomes = list(pool.map(one, todo))
    print(json.dumps({outcome: outcomes.count(outcome) for outcome in ('changed', 'unchanged', 'skipped')}))
    return 0


if __name__ == '__main__':
    sys.exit(main())

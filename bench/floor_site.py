# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The floor of a whole-site export: the reads it needs, and nothing else, at the same concurrency.

The GET requests the export sent (the list of every type, every device's settings, every camera's stream usage; the
harness takes them from the simulator's request log of the export run), sent again by one logged-in session,
``--concurrency`` at a time (threads sharing one pooled session), each answer decoded as JSON and dropped. No ordering
between them, no paging decisions, no files: the least any program needs to read the site.

    python bench/floor_site.py --vars-file vars.json --concurrency 8
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import sys

from floorlib import FloorSession


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--vars-file', required=True, help='JSON file with bench_reads: paths below /api/rest/v1, with their query')
    parser.add_argument('--concurrency', type=int, default=8)
    args = parser.parse_args(argv)
    with open(args.vars_file, encoding='utf-8') as handle:
        reads = [str(path) for path in json.load(handle)['bench_reads']]
    floor = FloorSession(args.concurrency)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        answers = list(pool.map(lambda path: floor.call('GET', path, timeout=60), reads))
    print(json.dumps({'reads': len(answers)}))
    return 0


if __name__ == '__main__':
    sys.exit(main())

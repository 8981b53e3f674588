"""``python -m simulator``: see ``--help`` and simulator/README.md."""

from __future__ import annotations

import sys

from .config import config_from_args
from .server import run


def main() -> int:
    """Parse the command line and serve until SIGTERM/SIGINT."""
    return run(config_from_args(sys.argv[1:]))


if __name__ == "__main__":
    sys.exit(main())

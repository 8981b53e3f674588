# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-in for ansible-test's ``get-pip.py`` bootstrap script.

ansible-test creates a virtual environment per sanity test and bootstraps pip into it with
``get-pip-<version>.py`` downloaded from ci-files.testing.ansible.com. Offline or air-gapped machines
cannot reach that host. ansible-test first looks for a cached copy in
``~/.ansible/test/cache/get_pip_<version>.py``; ``scripts/dev.py`` places this file there when the
download fails. It bootstraps pip from the interpreter's bundled wheel (ensurepip) and then installs the
requested packages with that pip, from whatever index the machine's pip configuration names.

ansible-test runs this file as ``__main__`` with get-pip's command line: pip install options and package
requirements, plus ``--no-setuptools`` / ``--no-wheel``.
"""

import ensurepip
import os
import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ('--no-setuptools', '--no-wheel')


def main():
    """Bootstrap pip, then install what ansible-test asked for."""
    # ensurepip points PIP_CONFIG_FILE at /dev/null while it runs; drop it so the machine's pip.conf
    # (index mirrors, certificates) applies to the install below.
    ensurepip.bootstrap(upgrade=True)
    env = dict(os.environ)
    env.pop('PIP_CONFIG_FILE', None)
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
    command = [sys.executable, '-m', 'pip', 'install'] + args
    sys.exit(subprocess.call(command, env=env))


if __name__ == '__main__':
    main()

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-in for ansible-test's ``get-pip.py`` bootstrap script.

ansible-test creates a virtual environment per sanity test and bootstraps pip into it with
``get-pip-<version>.py`` downloaded from ci-files.testing.ansible.com. Offline or air-gapped machines
cannot reach that host. ansible-test first looks for a cached copy in
``~/.ansible/test/cache/get_pip_<version>.py``; ``scripts/dev.py`` places this file there when the
download fails. It installs the requested pip into the environment with uv where uv is on PATH
(``scripts/dev.py`` puts the one of ``.venvs/uv`` there: a fifth of a second instead of two), else it
bootstraps pip from the interpreter's bundled wheel (ensurepip) and installs the requested packages with that
pip, from whatever index the machine's pip configuration names.

ansible-test runs this file as ``__main__`` with get-pip's command line: pip install options and package
requirements, plus ``--no-setuptools`` / ``--no-wheel``.
"""

import ensurepip
import os
import shutil
import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ('--no-setuptools', '--no-wheel')


def main():
    """Bootstrap pip, then install what ansible-test asked for."""
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
    uv = shutil.which('uv')
    if uv:
        # ansible-test passes no SSL_CERT_FILE: the platform's certificate store (--system-certs) trusts what the
        # machine trusts
        packages = [arg for arg in args if not arg.startswith('-')]
        command = [uv, 'pip', 'install', '--quiet', '--system-certs', '--python', sys.executable] + packages
        if subprocess.call(command, env=dict(os.environ, UV_PYTHON_DOWNLOADS='never')) == 0:
            sys.exit(0)
        print('uv could not install %s; bootstrapping pip with ensurepip instead' % ' '.join(packages), file=sys.stderr)
    # ensurepip points PIP_CONFIG_FILE at /dev/null while it runs; drop it so the machine's pip.conf
    # (index mirrors, certificates) applies to the install below.
    ensurepip.bootstrap(upgrade=True)
    env = dict(os.environ)
    env.pop('PIP_CONFIG_FILE', None)
    command = [sys.executable, '-m', 'pip', 'install'] + args
    sys.exit(subprocess.call(command, env=env))


if __name__ == '__main__':
    main()

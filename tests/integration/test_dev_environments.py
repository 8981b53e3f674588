# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pip bootstrap of ansible-test's environments where its download host is unreachable
(scripts/ansible_test_offline_pip.py), both ways: with uv on PATH (what ``make test`` does), and without it (ensurepip).

It runs as ansible-test runs it: in an environment without pip, with get-pip's command line, and with the few
variables ansible-test passes on (no ``SSL_CERT_FILE``, no ``PIP_*``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from harness import ROOT

STAND_IN = os.path.join(ROOT, 'scripts', 'ansible_test_offline_pip.py')
PIP = '24.2'
SYSTEM_PATH = os.pathsep.join(['/usr/local/bin', '/usr/bin', '/bin'])


def empty_environment(path: str) -> str:
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', path], check=True)
    return os.path.join(path, 'bin', 'python')


def bootstrap(python: str, search_path: str) -> subprocess.CompletedProcess:
    env = {'HOME': os.environ['HOME'], 'PATH': search_path, 'LC_ALL': 'C.UTF-8'}
    return subprocess.run([python, STAND_IN, '--disable-pip-version-check', f'pip=={PIP}', '--no-setuptools', '--no-wheel'],
                          env=env, capture_output=True, text=True, timeout=300, check=False)


def pip_version(python: str) -> str:
    shown = subprocess.run([python, '-m', 'pip', '--version'], capture_output=True, text=True, check=False)
    assert shown.returncode == 0, shown.stderr
    return shown.stdout.split()[1]


def test_with_uv_on_the_path_the_requested_pip_is_installed_by_uv(tmp_path):
    uv = shutil.which('uv')
    assert uv, 'uv is not on PATH: run the tests through scripts/dev.py, whose test environment puts .venvs/uv/bin there'
    python = empty_environment(str(tmp_path / 'with-uv'))
    done = bootstrap(python, os.pathsep.join([os.path.dirname(uv), SYSTEM_PATH]))
    assert done.returncode == 0, done.stderr
    assert 'ensurepip' not in done.stderr, done.stderr
    assert pip_version(python) == PIP
    # ensurepip would have left its setuptools (bundled up to Python 3.11) and its own pip's files; uv installs what was asked
    site = subprocess.run([python, '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], capture_output=True, text=True, check=True)
    assert sorted(name.split('-')[0] for name in os.listdir(site.stdout.strip()) if name.endswith('.dist-info')) == ['pip']


def test_without_uv_pip_is_bootstrapped_with_ensurepip_and_upgraded_to_the_requested_version(tmp_path):
    system_uv = shutil.which('uv', path=SYSTEM_PATH)
    assert system_uv is None, f'uv is installed system-wide ({system_uv}): this case needs a PATH without it'
    python = empty_environment(str(tmp_path / 'without-uv'))
    done = bootstrap(python, SYSTEM_PATH)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert pip_version(python) == PIP

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Developer entry point: environments, tests and the demo.

``make test`` and ``make demo`` call this script; it needs nothing but a Python >= 3.11 with venv.

    python3 scripts/dev.py test [--profile NAME ...] [--only sanity,units,pytest-units,integration] [-- PYTEST ARGS]
    python3 scripts/dev.py demo [--profile NAME]
    python3 scripts/dev.py bench [-- --quick]
    python3 scripts/dev.py env  [--profile NAME]      # create the environment, print its path
    python3 scripts/dev.py stage [--profile NAME]     # copy the collection where ansible finds it

Every profile is one virtual environment under ``.venvs/<name>`` with pinned requirements, and one staged
copy of the collection under ``$TMPDIR/milestone-xprotect-build-<hash>/<name>/ansible_collections/milestone/xprotect``
(ansible-test needs the physical path to end that way; a symlink is not enough).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import glob
import hashlib
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import typing as t
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENVS = os.path.join(ROOT, '.venvs')
# Outside the checkout: ansible-test lists a collection's files with git when it finds a repository above
# the working directory, and would see nothing of a git-ignored build folder.
# XPROTECT_BUILD_DIR gives a run its own staging folder, so that two test runs of one checkout can go on side by side.
BUILD = os.environ.get('XPROTECT_BUILD_DIR') or os.path.join(
    tempfile.gettempdir(), 'milestone-xprotect-build-' + hashlib.sha256(ROOT.encode()).hexdigest()[:10])
NAMESPACE, NAME = 'milestone', 'xprotect'

# Paths never copied into the staged collection: version control, environments, build and test output.
STAGE_IGNORE = {'.git', '.venv', '.venvs', '.build', '.ansible', '.cache', '.pytest_cache', '.hypothesis',
                '__pycache__', 'output', 'collections', '_build'}


@dataclasses.dataclass(frozen=True)
class Profile:
    """One tested combination of Python and ansible-core."""

    name: str
    python_version: str
    core_requirement: str
    suites: tuple[str, ...]
    #: A subset of the integration tests, for profiles that run only part of them.
    integration_paths: tuple[str, ...] = ('tests/integration',)
    #: Sanity tests left to the primary profile: they check the code, not its fit with this ansible-core.
    skip_sanity: tuple[str, ...] = ()

    def python(self) -> str:
        """Find a working interpreter of this profile's Python version."""
        return find_python(self.python_version)


ALL_SUITES = ('sanity', 'units', 'pytest-units', 'integration', 'ecosystem')
#: What depends on ansible-core runs on every profile; what does not runs once, on the primary profile:
#: - the unit tests run once per ansible-core: under pytest (pytest-ansible) on the newer two, under ansible-test units on the
#:   oldest (which also proves ansible-test's own runner takes them);
#: - the simulator's own tests, the in-process client and fault-matrix tests, the reliability, benchmark and ecosystem
#:   suites run on the primary profile only;
#: - pep8, pylint, yamllint and changelog (antsibull-changelog's lint of the fragments) check the code and its files, not
#:   their fit with an ansible-core: they run on the primary profile only.
#: What differs between ansible-core versions: the roles and playbooks (Jinja templating, loops, blocks), the inventory
#: plugin, the action plugin of login and module_defaults; the modules' own logic runs through AnsibleModule, which the
#: unit tests cover on every profile (ansible-test units).
#: Of one module suite, the tests of what ansible-core does with a module's run: check mode per task and --check, the diff
#: and its rendering, warnings, no_log and verbosity; the rest of the suite (input checks, the planner, server errors) is the
#: module's own logic.
MODULE_RUN_TESTS = tuple('tests/integration/test_user_defined_events.py::' + name for name in (
    'test_create_rename_delete_and_the_same_run_again_changes_nothing', 'test_check_diff_shows_the_change_and_sends_no_write',
    'test_unicode_and_spaced_names_are_kept_exactly', 'test_a_server_with_unique_names_and_no_secret_in_any_output'))
CORE_SENSITIVE_TESTS = ('tests/integration/test_playbooks.py', 'tests/integration/test_login.py', 'tests/integration/test_inventory.py',
                        'tests/integration/test_hardware_import.py', *MODULE_RUN_TESTS)
CODE_ONLY_SANITY = ('pep8', 'pylint', 'yamllint', 'changelog')
PROFILES = {
    'core2.19': Profile('core2.19', '3.11', 'tests/requirements/ansible-core-2.19.txt', ('sanity', 'pytest-units', 'integration', 'ecosystem')),
    # the newest ansible-core: the roles, playbooks, inventory plugin and action plugin, and what it does with a module's run
    'core2.21': Profile('core2.21', '3.12', 'tests/requirements/ansible-core-2.21.txt', ('sanity', 'pytest-units', 'integration'),
                        integration_paths=CORE_SENSITIVE_TESTS, skip_sanity=CODE_ONLY_SANITY),
    # the oldest supported ansible-core: the roles and playbooks, whose Jinja templating differs most between versions (before
    # 2.19 every variable a template names is templated, also in an "if" branch not taken: the hardware_import role)
    'core2.16': Profile('core2.16', '3.11', 'tests/requirements/ansible-core-2.16.txt', ('sanity', 'units', 'integration'),
                        integration_paths=('tests/integration/test_playbooks.py', 'tests/integration/test_login.py',
                                           'tests/integration/test_hardware_import.py'),
                        skip_sanity=CODE_ONLY_SANITY),
}
DEFAULT_PROFILES = ('core2.19', 'core2.21', 'core2.16')
PRIMARY = 'core2.19'


def log(message: str) -> None:
    print(f'==> {message}', file=sys.stderr, flush=True)


def find_python(version: str) -> str:
    """Return a path to a working ``python<version>``.

    pyenv's ``python3.X`` shims can be broken (they exit 127 for versions that are not global), so
    every candidate is tried before it is trusted.
    """
    candidates = []
    if '%d.%d' % sys.version_info[:2] == version:
        candidates.append(sys.executable)
    candidates.append(shutil.which(f'python{version}') or '')
    pyenv_root = os.environ.get('PYENV_ROOT') or os.path.expanduser('~/.pyenv')
    candidates.extend(sorted(glob.glob(os.path.join(pyenv_root, 'versions', f'{version}.*', 'bin', f'python{version}')), reverse=True))
    candidates.extend([f'/usr/bin/python{version}', f'/usr/local/bin/python{version}'])
    for candidate in candidates:
        if candidate and os.path.exists(candidate):
            probe = subprocess.run([candidate, '-c', 'import sys, venv; print("%d.%d" % sys.version_info[:2])'],
                                   capture_output=True, text=True, check=False)
            if probe.returncode == 0 and probe.stdout.strip() == version:
                return candidate
    raise SystemExit(f'error: no working Python {version} found (tried {", ".join(c for c in candidates if c)}). '
                     f'Install it (pyenv install {version}, or apt install python{version}-venv).')


def run(command: list[str], *, cwd: str = ROOT, env: dict | None = None, check: bool = True) -> int:
    log(' '.join(command) if len(' '.join(command)) < 240 else ' '.join(command)[:240] + ' ...')
    result = subprocess.run(command, cwd=cwd, env=env, check=False)
    if check and result.returncode != 0:
        raise SystemExit(result.returncode)
    return result.returncode


def requirement_files(profile: Profile) -> list[str]:
    return [os.path.join(ROOT, 'tests', 'requirements', 'test.txt'), os.path.join(ROOT, profile.core_requirement)]


UV_REQUIREMENT = os.path.join(ROOT, 'tests', 'requirements', 'uv.txt')
_UV_LOCK = threading.Lock()


def requirements_digest(paths: list[str]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with open(path, 'rb') as handle:
            digest.update(handle.read())
    return digest.hexdigest()


def ensure_uv() -> str:
    """uv (pinned in tests/requirements/uv.txt, installed with the machine's pip) creates the environments; return its path.

    It resolves and installs a profile's pinned requirements in a few seconds of CPU where pip takes half a minute,
    and keeps what it downloaded in its cache (~/.cache/uv) for the next environment. It does not compile the installed
    packages to bytecode: the test processes compile what they import, once (``test_environment``).
    """
    venv = os.path.join(VENVS, 'uv')
    uv = os.path.join(venv, 'bin', 'uv')
    stamp = os.path.join(venv, '.requirements.sha256')
    digest = requirements_digest([UV_REQUIREMENT])
    with _UV_LOCK:
        if os.path.exists(uv) and os.path.exists(stamp) and open(stamp, encoding='utf-8').read() == digest:
            return uv
        log('creating environment .venvs/uv: pip installs uv, which creates the other environments')
        shutil.rmtree(venv, ignore_errors=True)
        run([PROFILES[PRIMARY].python(), '-m', 'venv', venv])
        run([os.path.join(venv, 'bin', 'python'), '-m', 'pip', 'install', '-qq', '--disable-pip-version-check', '-r', UV_REQUIREMENT])
        with open(stamp, 'w', encoding='utf-8') as handle:
            handle.write(digest)
    return uv


def ensure_environment(name: str, python: str, requirements: list[str], inputs: list[str], what: str) -> str:
    """Create (or reuse) ``.venvs/<name>`` with ``python`` and the pinned ``requirements``; return its bin directory.

    The environment is made again when any file of ``inputs`` (the requirement files and those they include) changed.
    """
    venv = os.path.join(VENVS, name)
    bindir = os.path.join(venv, 'bin')
    digest = requirements_digest(inputs)
    stamp = os.path.join(venv, '.requirements.sha256')
    if os.path.exists(stamp) and open(stamp, encoding='utf-8').read() == digest:
        return bindir
    uv = ensure_uv()
    log(f'creating environment .venvs/{name}: uv installs {what} (seconds; later runs reuse it)')
    shutil.rmtree(venv, ignore_errors=True)
    env = dict(os.environ, UV_PYTHON_DOWNLOADS='never')
    # --seed: pip in the environment, for those who install into it by hand (and bench/run.py)
    run([uv, 'venv', '--quiet', '--seed', '--python', python, venv], env=env)
    command = [uv, 'pip', 'install', '--quiet', '--system-certs', '--python', os.path.join(bindir, 'python')]
    for path in requirements:
        command += ['-r', path]
    run(command, env=env)
    with open(stamp, 'w', encoding='utf-8') as handle:
        handle.write(digest)
    return bindir


def ensure_venv(profile: Profile) -> str:
    """Create (or reuse) the profile's virtual environment; return its bin directory."""
    files = requirement_files(profile)
    inputs = files + [os.path.join(ROOT, name) for name in ('requirements.txt', 'simulator/requirements.txt', 'bench/requirements.txt')]
    return ensure_environment(profile.name, profile.python(), files, inputs, 'ansible-core and the test tools')


def ensure_tools_venv() -> str:
    """The environment of the ecosystem tools (ansible-lint, antsibull-docs, ansible-builder); return its bin dir."""
    requirements = os.path.join(ROOT, 'tests', 'requirements', 'tools.txt')
    return ensure_environment('tools', PROFILES[PRIMARY].python(), [requirements], [requirements],
                              'ansible-lint, antsibull-docs and ansible-builder')


def ensure_eda_venv() -> str:
    """The environment of ansible-rulebook (the end-to-end rulebook test, the EDA bench); return its bin dir."""
    requirements = os.path.join(ROOT, 'tests', 'requirements', 'eda.txt')
    inputs = [requirements, os.path.join(ROOT, 'extensions', 'eda', 'requirements.txt'), os.path.join(ROOT, 'simulator', 'requirements.txt')]
    return ensure_environment('eda', PROFILES[PRIMARY].python(), [requirements], inputs, 'ansible-rulebook and drools-jpy')


def ensure_java() -> None:
    """ansible-rulebook's Drools engine needs a Java 17 runtime; install Debian's where we may."""
    if shutil.which('java') or os.environ.get('JAVA_HOME'):
        return
    if os.geteuid() == 0 and shutil.which('apt-get'):
        log('installing openjdk-17-jre-headless (Debian package) for ansible-rulebook')
        env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
        run(['apt-get', 'update', '-qq'], env=env)
        run(['apt-get', 'install', '-y', '-qq', 'openjdk-17-jre-headless'], env=env)
        return
    raise SystemExit('error: the rulebook test needs a Java 17 runtime: sudo apt install openjdk-17-jre-headless')


def ensure_chromium() -> None:
    """The docs check renders a page in headless Chromium; install Debian's package where we may."""
    if shutil.which('chromium') or shutil.which('chromium-browser'):
        return
    if os.geteuid() == 0 and shutil.which('apt-get'):
        log('installing chromium (Debian package) for the docs rendering check')
        env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
        run(['apt-get', 'update', '-qq'], env=env)
        run(['apt-get', 'install', '-y', '-qq', 'chromium'], env=env)
        return
    raise SystemExit('error: the ecosystem suite needs chromium: sudo apt install chromium')


def stage(profile: Profile) -> str:
    """Copy the collection to ``<BUILD>/<profile>/ansible_collections/milestone/xprotect``; return the collections root."""
    collections_root = os.path.join(BUILD, profile.name)
    target = os.path.join(collections_root, 'ansible_collections', NAMESPACE, NAME)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(ROOT, target, ignore=lambda _dir, names: [n for n in names if n in STAGE_IGNORE or n.endswith('.pyc')])
    return collections_root


STAND_IN_MARKER = b"Stand-in for ansible-test's ``get-pip.py`` bootstrap script."


def ensure_offline_pip_bootstrap(bindir: str) -> None:
    """Make ansible-test's pip bootstrap work where its download host is unreachable.

    ansible-test downloads ``get-pip-<ver>.py`` unless ``~/.ansible/test/cache/get_pip_<ver>.py`` exists.
    Try the real download first; when it fails, install our stand-in (scripts/ansible_test_offline_pip.py).
    """
    code = ('from ansible_test._internal.python_requirements import get_venv_packages\n'
            'from ansible_test._internal.host_configs import NativePythonConfig\n'
            'import sys\n'
            'print(get_venv_packages(NativePythonConfig(version="%d.%d" % sys.version_info[:2]))["pip"])\n')
    result = subprocess.run([os.path.join(bindir, 'python'), '-c', code], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f'error: cannot read the pip version ansible-test bootstraps:\n{result.stderr}')
    pip_version = result.stdout.strip()
    cache = os.path.expanduser(f'~/.ansible/test/cache/get_pip_{pip_version.replace(".", "_")}.py')
    with open(os.path.join(ROOT, 'scripts', 'ansible_test_offline_pip.py'), 'rb') as handle:
        stand_in = handle.read()
    if os.path.exists(cache):
        with open(cache, 'rb') as handle:
            cached = handle.read()
        # the real get-pip, or our stand-in as this checkout has it: keep it; an older stand-in: replace it
        if cached == stand_in or STAND_IN_MARKER not in cached:
            return
        with open(cache, 'wb') as handle:
            handle.write(stand_in)
        return
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    url = f'https://ci-files.testing.ansible.com/ansible-test/get-pip-{pip_version}.py'
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            content = response.read()
        log(f'downloaded {url}')
    except OSError as error:
        log(f'{url} unreachable ({error.__class__.__name__}); using the offline pip bootstrap')
        content = stand_in
    with open(cache, 'wb') as handle:
        handle.write(content)


def test_environment(bindir: str, collections_root: str) -> dict:
    env = dict(os.environ)
    # .venvs/uv/bin: the offline pip bootstrap of ansible-test's environments installs pip with uv
    env['PATH'] = os.pathsep.join([bindir, os.path.join(VENVS, 'uv', 'bin'), env.get('PATH', '')])
    env['VIRTUAL_ENV'] = os.path.dirname(bindir)
    env['ANSIBLE_COLLECTIONS_PATH'] = collections_root
    # Modules run on the controller with the environment's interpreter; pyenv shims elsewhere on PATH are
    # not trusted (see docs/development.md).
    env['ANSIBLE_PYTHON_INTERPRETER'] = os.path.join(bindir, 'python')
    env['ANSIBLE_LOCALHOST_WARNING'] = 'false'
    env['ANSIBLE_INVENTORY_UNPARSED_WARNING'] = 'false'
    # hypothesis keeps a cache of constants; keep it out of the checkout (and of the built collection)
    env['HYPOTHESIS_STORAGE_DIRECTORY'] = os.path.join(BUILD, 'hypothesis')
    env.pop('PYTHONPATH', None)
    # A test run starts hundreds of short-lived Python processes (simulators, ansible-playbook, pytest-xdist workers):
    # they compile the simulator, the collection's plugins and the tests (pytest's assertion rewriting) once, into
    # __pycache__ beside the sources (ignored by git, ansible-galaxy and ansible-test), instead of every time, as
    # PYTHONDONTWRITEBYTECODE (set in some shells and CI images) would have them do. Not PYTHONPYCACHEPREFIX: it would
    # compile every installed package of every environment again, on each clean run.
    env.pop('PYTHONDONTWRITEBYTECODE', None)
    return env


def test_paths(pytest_args: list[str], *defaults: str) -> list[str]:
    """The pytest arguments, with the suite's paths unless the arguments name test files or folders themselves."""
    names_paths = any(os.path.exists(os.path.join(ROOT, arg.split('::')[0])) for arg in pytest_args if not arg.startswith('-'))
    return pytest_args if names_paths else list(defaults) + pytest_args


def run_suites(profile: Profile, suites: list[str], pytest_args: list[str]) -> dict[str, float]:
    bindir = ensure_venv(profile)
    collections_root = stage(profile)
    staged = os.path.join(collections_root, 'ansible_collections', NAMESPACE, NAME)
    env = test_environment(bindir, collections_root)
    python_version = profile.python_version
    timings: dict[str, float] = {}
    for suite in suites:
        if suite not in profile.suites:
            continue
        started = time.monotonic()
        log(f'[{profile.name}] {suite}')
        if suite == 'sanity':
            ensure_uv()
            ensure_offline_pip_bootstrap(bindir)
            skips = [arg for test in profile.skip_sanity for arg in ('--skip-test', test)]
            run([os.path.join(bindir, 'ansible-test'), 'sanity', '--python', python_version, '--color', 'no'] + skips, cwd=staged, env=env)
        elif suite == 'units':
            # Its own venv with tests/unit/requirements.txt: pytest-ansible, installed in ours for the pytest
            # run, would take over ansible-test's collection loader.
            ensure_uv()
            ensure_offline_pip_bootstrap(bindir)
            run([os.path.join(bindir, 'ansible-test'), 'units', '--venv', '--requirements', '--python', python_version, '--color', 'no'],
                cwd=staged, env=env)
        elif suite == 'pytest-units':
            run([os.path.join(bindir, 'python'), '-m', 'pytest', '-p', 'no:cacheprovider', '--ansible-unit-inject-only']
                + test_paths(pytest_args, 'tests/unit'),
                cwd=ROOT, env=env)
        elif suite == 'ecosystem':
            ensure_chromium()
            sys.path.insert(0, os.path.join(ROOT, 'scripts'))
            import ecosystem  # pylint: disable=import-outside-toplevel
            ecosystem.main(ensure_tools_venv(), bindir, collections_root, staged, env)
        elif suite == 'integration':
            if any('test_rulebook' in path or path == 'tests/integration' for path in test_paths(pytest_args, *profile.integration_paths)):
                ensure_java()
                env['XPROTECT_EDA_VENV'] = os.path.dirname(ensure_eda_venv())
            # The integration tests mostly wait (on ansible-playbook processes, the simulator's latency and task
            # times), so a few workers per core pay off; one file's tests stay on one worker (module fixtures).
            workers = os.environ.get('XPROTECT_TEST_WORKERS', '3')
            run([os.path.join(bindir, 'python'), '-m', 'pytest', '-p', 'no:pytest-ansible', '-p', 'no:cacheprovider', '-n', workers,
                 '--dist', 'loadfile']
                + test_paths(pytest_args, *profile.integration_paths), cwd=ROOT, env=env)
        timings[suite] = time.monotonic() - started
    return timings


def command_test(args: argparse.Namespace) -> None:
    suites = args.only.split(',') if args.only else list(ALL_SUITES)
    unknown = sorted(set(suites) - set(ALL_SUITES))
    if unknown:
        raise SystemExit(f'error: unknown suite(s) {", ".join(unknown)}; choose from {", ".join(ALL_SUITES)}')
    if not args.profile and not args.only and not args.pytest_args and not os.environ.get('XPROTECT_TEST_SERIAL'):
        test_in_two_lanes()
        return
    report = []
    for name in args.profile or DEFAULT_PROFILES:
        timings = run_suites(PROFILES[name], suites, args.pytest_args)
        report.extend(f'{name:10} {suite:13} {seconds:7.1f} s' for suite, seconds in timings.items())
    log('all test suites passed:\n' + '\n'.join(report))


#: The whole matrix in two lanes that run side by side: the primary profile's integration tests (which mostly wait on
#: playbook processes, the simulators' latency and task times), and the other suites one after another. The steps of
#: SHARED_STEPS (longest first) go to whichever lane is done with its own steps first, so that both lanes end at about the
#: same time however the machine's load, or a new test file, shifts the work between them.
SINGLE_PROCESS_FILES = ('tests/integration/test_bench_smoke.py', 'tests/integration/test_ansible_runner.py')
LANE_ONE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ('core2.19', 'integration', tuple('--ignore=' + path for path in SINGLE_PROCESS_FILES)),)
LANE_TWO: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ('core2.19', 'sanity,pytest-units,ecosystem', ()), ('core2.21', 'sanity,pytest-units', ()), ('core2.16', 'sanity,units', ()))
#: A file of one test runs without pytest-xdist workers (-n 0): they would only start, collect and wait.
SHARED_STEPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ('core2.21', 'integration', ()), ('core2.19', 'integration', ('-n', '0', SINGLE_PROCESS_FILES[0])),
    ('core2.16', 'integration', ()), ('core2.19', 'integration', ('-n', '0', SINGLE_PROCESS_FILES[1])))


def test_in_two_lanes() -> None:
    """``make test``: the environments first (created side by side), then the two lanes; a failure in either fails the run."""
    started = time.monotonic()

    def debian_packages() -> None:
        # one after the other (apt holds a lock), beside the environments: apt waits on downloads, uv too
        ensure_java()
        ensure_chromium()

    ensure_uv()
    jobs = [lambda profile=profile: ensure_venv(profile) for profile in (PROFILES[name] for name in DEFAULT_PROFILES)]
    jobs += [ensure_tools_venv, ensure_eda_venv, debian_packages]
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        for future in [pool.submit(job) for job in jobs]:
            future.result()
    log(f'environments ready in {time.monotonic() - started:.0f} s; running the two test lanes')
    lanes_started = time.monotonic()
    script = os.path.abspath(__file__)
    os.makedirs(os.path.join(ROOT, 'tests', 'output'), exist_ok=True)
    lane_two_log = os.path.join(ROOT, 'tests', 'output', 'test-lane-two.log')
    env = dict(os.environ, XPROTECT_TEST_SERIAL='1')
    # lane two stages its copies elsewhere: both lanes have a core2.19 copy
    env_two = dict(env, XPROTECT_BUILD_DIR=BUILD + '-lane-two')
    shared = queue.SimpleQueue()
    for step in SHARED_STEPS:
        shared.put(step)

    def next_shared() -> tuple[str, str, tuple[str, ...]] | None:
        try:
            return shared.get_nowait()
        except queue.Empty:
            return None

    def lane(name: str, steps: tuple[tuple[str, str, tuple[str, ...]], ...], lane_env: dict[str, str],
             output: t.Any) -> list[tuple[str, int, float, float]]:
        outcomes = []
        own = iter(steps)
        while (step := next(own, None) or next_shared()) is not None:
            profile, only, pytest_args = step
            begin = time.monotonic()
            command = [sys.executable, script, 'test', '--profile', profile, '--only', only] + (['--', *pytest_args] if pytest_args else [])
            code = subprocess.run(command, cwd=ROOT, env=lane_env, stdout=output, stderr=subprocess.STDOUT if output is not None else None,
                                  check=False).returncode
            what = f'{name}: {profile} {only}' + (f" ({' '.join(pytest_args)})" if pytest_args else '')
            outcomes.append((what, code, time.monotonic() - begin, time.monotonic() - lanes_started))
        return outcomes

    with open(lane_two_log, 'w', encoding='utf-8') as handle:
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            two = pool.submit(lane, 'lane two', LANE_TWO, env_two, handle)
            one = pool.submit(lane, 'lane one', LANE_ONE, env, None)
            outcomes = one.result() + two.result()
    with open(lane_two_log, encoding='utf-8') as handle:
        sys.stdout.write(handle.read())
    sys.stdout.flush()
    report = '\n'.join(f'{name:60} {"passed" if code == 0 else "FAILED":7} {seconds:7.1f} s  (ends at {ended:4.0f} s)'
                       for name, code, seconds, ended in outcomes)
    log(f'test lanes ({time.monotonic() - started:.0f} s in all, environments included):\n{report}')
    failed = [name for name, code, _seconds, _ended in outcomes if code != 0]
    if failed:
        raise SystemExit(f'error: test suites failed: {", ".join(failed)} (lane two\'s output is in {os.path.relpath(lane_two_log, ROOT)})')


def command_demo(args: argparse.Namespace) -> None:
    profile = PROFILES[args.profile[0] if args.profile else PRIMARY]
    bindir = ensure_venv(profile)
    collections_root = stage(profile)
    env = test_environment(bindir, collections_root)
    run([os.path.join(bindir, 'python'), os.path.join(ROOT, 'scripts', 'demo.py')] + args.demo_args, env=env)


def command_bench(args: argparse.Namespace) -> None:
    profile = PROFILES[args.profile[0] if args.profile else PRIMARY]
    bindir = ensure_venv(profile)
    run([os.path.join(bindir, 'python'), os.path.join(ROOT, 'bench', 'run.py')] + args.bench_args)


def command_env(args: argparse.Namespace) -> None:
    profile = PROFILES[args.profile[0] if args.profile else PRIMARY]
    print(ensure_venv(profile))


def command_stage(args: argparse.Namespace) -> None:
    profile = PROFILES[args.profile[0] if args.profile else PRIMARY]
    print(stage(profile))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command', required=True)
    for name, handler in (('test', command_test), ('demo', command_demo), ('bench', command_bench), ('env', command_env),
                          ('stage', command_stage)):
        cmd = sub.add_parser(name)
        cmd.set_defaults(handler=handler)
        cmd.add_argument('--profile', action='append', choices=sorted(PROFILES), help='profile(s) to use (repeatable)')
        if name == 'test':
            cmd.add_argument('--only', help='comma-separated suites: ' + ','.join(ALL_SUITES))
            cmd.add_argument('pytest_args', nargs=argparse.REMAINDER, help='extra pytest arguments after --')
        if name == 'demo':
            cmd.add_argument('demo_args', nargs=argparse.REMAINDER, help='extra arguments for the demo after --')
        if name == 'bench':
            cmd.add_argument('bench_args', nargs=argparse.REMAINDER, help='arguments for bench/run.py after --, e.g. -- --quick')
    args = parser.parse_args(argv)
    for attr in ('pytest_args', 'demo_args', 'bench_args'):
        if getattr(args, attr, None) and getattr(args, attr)[0] == '--':
            setattr(args, attr, getattr(args, attr)[1:])
    args.handler(args)


if __name__ == '__main__':
    main()

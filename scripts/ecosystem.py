# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks that the collection fits the Ansible ecosystem; ``scripts/dev.py test`` runs them as the ``ecosystem`` suite.

1. ``antsibull-changelog lint`` and ``ansible-lint --profile production`` (configuration in ``.ansible-lint``).
2. ``antsibull-docs lint-collection-docs --plugin-docs``, then the HTML docs site built with antsibull-docs and
   Sphinx into ``tests/output/docs/`` (open ``tests/output/docs/html/collections/milestone/xprotect/index.html``),
   loaded in headless Chromium to check that it renders the module and role lists (screenshot beside it).
3. ``ansible-builder create`` on the example execution environment (``docs/ee/execution-environment.yml``), and
   ``ansible-builder introspect`` proving that ``meta/execution-environment.yml`` yields the collection's Python
   requirements.
4. The release path: ``ansible-galaxy collection build``, install of the tarball into an empty folder, and the demo
   run from there.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = os.path.join(ROOT, 'tests', 'output')

#: Sphinx warnings that only say the docs of Ansible, Jinja and Python could not be reached for cross-references:
#: intersphinx needs docs.ansible.com and friends, which an offline build cannot fetch. antsibull-docs' pages refer
#: to labels, ansible.builtin plugins and environment variables (ANSIBLE_*) that live in ansible-core's docs.
OFFLINE_SPHINX_WARNING = re.compile(r"failed to reach any of the inventories|undefined label: '(ansible_collections\.ansible\.builtin\.)?[a-z0-9_]+'|"
                                    r"'envvar' reference target not found: ANSIBLE_[A-Z_]+")
CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                  '--disable-component-update', '--disable-sync']


def log(message: str) -> None:
    print(f'==> [ecosystem] {message}', flush=True)


def run(command: list[str], *, cwd: str, env: dict[str, str], capture: bool = False) -> str:
    log(' '.join(command))
    result = subprocess.run(command, cwd=cwd, env=env, check=False, capture_output=capture, text=True)
    if result.returncode != 0:
        if capture:
            print(result.stdout[-8000:], result.stderr[-8000:], sep='\n')
        raise SystemExit(f'error: {command[0]} failed with exit status {result.returncode}')
    return result.stdout if capture else ''


def lint(tools: str, staged: str, env: dict[str, str]) -> None:
    run([os.path.join(tools, 'antsibull-changelog'), 'lint'], cwd=staged, env=env)
    run([os.path.join(tools, 'ansible-lint'), '--offline', '--profile', 'production', '--nocolor'], cwd=staged, env=env)
    run([os.path.join(tools, 'antsibull-docs'), 'lint-collection-docs', '--plugin-docs', '.'], cwd=staged, env=env)


def build_docs(tools: str, env: dict[str, str]) -> str:
    """Build the HTML docs site; return the collection's index page."""
    site = os.path.join(OUTPUT, 'docs')
    shutil.rmtree(site, ignore_errors=True)
    os.makedirs(site)
    run([os.path.join(tools, 'antsibull-docs'), 'sphinx-init', '--use-current', '--dest-dir', site, 'milestone.xprotect'], cwd=site, env=env)
    rst = os.path.join(site, 'rst')
    os.makedirs(rst, exist_ok=True)
    os.chmod(rst, 0o755)
    run([os.path.join(tools, 'antsibull-docs'), '--config-file', 'antsibull-docs.cfg', 'collection', '--cleanup', 'everything',
         '--use-current', '--dest-dir', 'rst', 'milestone.xprotect'], cwd=site, env=env)
    warnings_file = os.path.join(site, 'sphinx-warnings.txt')
    run([os.path.join(tools, 'sphinx-build'), '-b', 'html', '-c', '.', '-w', warnings_file, '-q', 'rst', 'html'], cwd=site, env=env)
    with open(warnings_file, encoding='utf-8') as handle:
        warnings = [line for line in handle.read().splitlines() if 'WARNING' in line]
    unexpected = [line for line in warnings if not OFFLINE_SPHINX_WARNING.search(line)]
    if unexpected:
        raise SystemExit('error: the docs site has warnings beyond the offline cross-references to ansible-core:\n' + '\n'.join(unexpected))
    log(f'docs site built ({len(warnings)} offline cross-reference warning(s) ignored)')
    return os.path.join(site, 'html', 'collections', 'milestone', 'xprotect', 'index.html')


def check_docs_render(index: str, module_names: list[str], role_names: list[str]) -> None:
    """Load the collection page in headless Chromium and check the rendered DOM lists every module and role."""
    chromium = shutil.which('chromium') or shutil.which('chromium-browser')
    if not chromium:
        raise SystemExit('error: chromium is needed to check the docs site (Debian: apt install chromium)')
    with tempfile.TemporaryDirectory(prefix='xprotect-chromium-') as profile:
        flags = CHROMIUM_FLAGS + [f'--user-data-dir={profile}']
        dom = subprocess.run([chromium, *flags, '--dump-dom', 'file://' + index], capture_output=True, text=True, timeout=120, check=False).stdout
        subprocess.run([chromium, *flags, '--window-size=1280,1600', f'--screenshot={os.path.join(os.path.dirname(index), "index.png")}',
                        'file://' + index], capture_output=True, timeout=120, check=False)
    missing = [f'{name} module' for name in module_names if f'{name} module' not in dom]
    missing += [f'{name} role' for name in role_names if f'{name} role' not in dom]
    if '<title>' not in dom or missing:
        raise SystemExit(f'error: the rendered docs page {index} lacks: {", ".join(missing) or "a title"}')
    log(f'docs page rendered in Chromium with {len(module_names)} modules and {len(role_names)} roles: {index}')


def check_execution_environment(tools: str, collections_root: str, env: dict[str, str]) -> None:
    context = os.path.join(OUTPUT, 'ee-context')
    shutil.rmtree(context, ignore_errors=True)
    run([os.path.join(tools, 'ansible-builder'), 'create', '-f', os.path.join(ROOT, 'docs', 'ee', 'execution-environment.yml'),
         '--context', context, '--output-filename', 'Containerfile'], cwd=ROOT, env=env)
    containerfile = os.path.join(context, 'Containerfile')
    if not os.path.exists(containerfile):
        raise SystemExit(f'error: ansible-builder create wrote no {containerfile}')
    introspected = run([os.path.join(tools, 'ansible-builder'), 'introspect', collections_root], cwd=ROOT, env=env, capture=True)
    with open(os.path.join(ROOT, 'requirements.txt'), encoding='utf-8') as handle:
        wanted = [line.split('#')[0].strip() for line in handle if line.split('#')[0].strip()]
    missing = [requirement for requirement in wanted if requirement not in introspected]
    if missing:
        raise SystemExit(f'error: ansible-builder introspect did not find {missing} in meta/execution-environment.yml:\n{introspected}')
    log(f'execution environment: build context in {context}; introspection finds {", ".join(wanted)}')
    # the decision environment of the Event-Driven Ansible controller, beside it
    de_context = os.path.join(OUTPUT, 'de-context')
    shutil.rmtree(de_context, ignore_errors=True)
    run([os.path.join(tools, 'ansible-builder'), 'create', '-f', os.path.join(ROOT, 'docs', 'ee', 'decision-environment.yml'),
         '--context', de_context, '--output-filename', 'Containerfile'], cwd=ROOT, env=env)
    with open(os.path.join(de_context, 'Containerfile'), encoding='utf-8') as handle:
        containerfile_text = handle.read()
    with open(os.path.join(de_context, '_build', 'requirements.txt'), encoding='utf-8') as handle:
        python_requirements = handle.read()
    if 'ansible-rulebook' not in python_requirements or 'java-17' not in containerfile_text + open(
            os.path.join(de_context, '_build', 'bindep.txt'), encoding='utf-8').read():
        raise SystemExit(f'error: the decision environment in {de_context} lacks ansible-rulebook or the Java runtime')
    log(f'decision environment: build context in {de_context} (ansible-rulebook, Java 17)')


def check_release(test_bin: str, env: dict[str, str]) -> None:
    """Build the tarball as a release would, install it into an empty folder and run the demo from there."""
    with tempfile.TemporaryDirectory(prefix='xprotect-release-') as workdir:
        run([os.path.join(test_bin, 'ansible-galaxy'), 'collection', 'build', '--output-path', workdir, ROOT], cwd=workdir, env=env)
        tarballs = glob.glob(os.path.join(workdir, 'milestone-xprotect-*.tar.gz'))
        if len(tarballs) != 1:
            raise SystemExit(f'error: expected one tarball, found {tarballs}')
        listing = run(['tar', '-tzf', tarballs[0]], cwd=workdir, env=env, capture=True)
        shipped_by_mistake = [name for name in listing.splitlines() if name.startswith(('simulator/', 'tests/', 'bench/', 'scripts/', '.venvs'))]
        if shipped_by_mistake:
            raise SystemExit(f'error: the tarball ships {shipped_by_mistake[:5]}; fix build_ignore in galaxy.yml')
        clean = os.path.join(workdir, 'installed')
        # Only the empty folder is searched: the collection being tested must come from the tarball.
        demo_env = dict(env, ANSIBLE_COLLECTIONS_PATH=clean)
        run([os.path.join(test_bin, 'ansible-galaxy'), 'collection', 'install', '--force', '-p', clean, tarballs[0]], cwd=workdir, env=demo_env)
        installed = os.path.join(clean, 'ansible_collections', 'milestone', 'xprotect', 'MANIFEST.json')
        if not os.path.exists(installed):
            raise SystemExit(f'error: the tarball did not install into {clean}')
        run([os.path.join(test_bin, 'python'), os.path.join(ROOT, 'scripts', 'demo.py')], cwd=workdir, env=demo_env)
        log(f'{os.path.basename(tarballs[0])} ({os.path.getsize(tarballs[0]) // 1024} KiB) installs and runs the demo')


def plugin_names(kind: str) -> list[str]:
    folder = os.path.join(ROOT, 'plugins', kind)
    return sorted(name[:-3] for name in os.listdir(folder) if name.endswith('.py') and not name.startswith('_'))


def main(tools: str, test_bin: str, collections_root: str, staged: str, env: dict[str, str]) -> None:
    """Run every ecosystem check (tools: bin dir of the tools venv; test_bin: bin dir of the test venv)."""
    tool_env = dict(env, PATH=tools + os.pathsep + env.get('PATH', ''))
    lint(tools, staged, tool_env)
    index = build_docs(tools, tool_env)
    roles = sorted(os.listdir(os.path.join(ROOT, 'roles')))
    check_docs_render(index, plugin_names('modules'), roles)
    check_execution_environment(tools, collections_root, tool_env)
    check_release(test_bin, env)


if __name__ == '__main__':
    sys.exit('run through: python3 scripts/dev.py test --only ecosystem')

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a user meets first, from a fresh clone: the README's commands, the bundled playbooks run without
variables, the demo's printed commands, the fleet role when things go wrong, and the documents the code cites."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import threading
import time

import pytest

from harness import ROOT, run_playbook

from simulator.process import SimulatorProcess

API_DOC = os.path.join(ROOT, 'docs', 'xprotect-api.md')
# Folders that are not the project's own text: environments, build and test output, caches.
SKIPPED_DIRS = {'.git', '.venvs', '.venv', '.build', '.ansible', '.cache', '.pytest_cache', '.hypothesis', '__pycache__',
                'output', 'collections', 'node_modules'}
TEXT_SUFFIXES = ('.py', '.md', '.yml', '.yaml', '.txt', '.j2', '.rst', '.cfg', '.ini', '.toml')


def project_files():
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [name for name in dirs if name not in SKIPPED_DIRS]
        for name in names:
            if name.endswith(TEXT_SUFFIXES) or name == 'Makefile':
                yield os.path.join(folder, name)


def read(path):
    with open(path, encoding='utf-8', errors='replace') as handle:
        return handle.read()


# ----------------------------------------------------------------------------- the API facts the code cites

def api_doc_sections():
    return {int(number) for number in re.findall(r'^## §(\d+) ', read(API_DOC), re.MULTILINE)}


def test_the_api_document_has_numbered_sections_with_sources():
    text = read(API_DOC)
    assert api_doc_sections() >= set(range(0, 10)), sorted(api_doc_sections())
    for source in ('openapi.yaml', 'milestonesys/mipsdk-samples-protocol', 'milestonesys/mipsdk-samples-component',
                   'milestonesys/MilestonePSTools', '2025 R1'):
        assert source in text, source


def test_every_section_citation_names_a_section_of_the_api_document():
    sections = api_doc_sections()
    dangling = []
    cited = 0
    for path in project_files():
        for number, line in enumerate(read(path).splitlines(), start=1):
            for section in re.findall(r'§\s*(\d+)', line):
                cited += 1
                if int(section) not in sections:
                    dangling.append(f'{os.path.relpath(path, ROOT)}:{number}: §{section}')
    assert cited > 20, 'the code cites the API document'
    assert not dangling, 'citations of sections docs/xprotect-api.md does not have:\n' + '\n'.join(dangling)


def test_no_file_points_at_notes_outside_the_repository():
    outside = [f'{os.path.relpath(path, ROOT)}:{number}' for path in project_files()
               for number, line in enumerate(read(path).splitlines(), start=1) if 'API_' + 'NOTES' in line]
    assert not outside, outside


# ------------------------------------------------------------------------------ the fleet role (ptz_preset_reset)

FLEET_PLAY = '''
- hosts: localhost
  gather_facts: false
  roles:
    - role: milestone.xprotect.ptz_preset_reset
      vars:
%s
'''


#: How often the fleet tests' watchers read the simulator's counters (each read is an HTTPS request): a batch, and a
#: camera's two tasks, take a second or more (the role polls every second), so the fault still lands where it must.
WATCH_INTERVAL = 0.05


def fleet_play(**role_vars):
    return FLEET_PLAY % '\n'.join(f'        {name}: {json.dumps(value)}' for name, value in role_vars.items())


def ptz_cameras(sim):
    status, body = sim.api('GET', '/cameras')
    assert status == 200
    return sorted((camera for camera in body['array'] if camera['ptzEnabled']), key=lambda camera: camera['name'])


def recap_changed(run):
    match = re.search(r'^localhost\s*:\s*ok=\d+\s+changed=(\d+)', run.stdout, re.MULTILINE)
    assert match, run.explain()
    return int(match.group(1))


def test_fleet_reset_adds_up_the_batches_that_ran_when_the_server_goes_away(simulator_factory, tmp_path):
    sim = simulator_factory('--cameras', '120', '--task-seconds', '0.1')
    cameras = ptz_cameras(sim)
    assert len(cameras) == 28
    for camera in cameras:  # every camera's device list differs from the VMS's, so each camera that runs changes
        sim.set_device_presets(camera['id'], [{'name': 'Gate', 'pan': 0.1, 'tilt': 0.2, 'zoom': 0.3}])
    sim.reset(stats_only=True)

    # Logins: camera_info, batch 1, batch 2. Once batch 2 has its token, the server refuses every further login
    # (the connection is dropped), so batches 3 and 4 cannot run at all.
    done = threading.Event()

    def cut_off_after_the_second_batch_logged_in():
        while not done.is_set():
            if sim.stats()['token_grants'] >= 3:
                sim.faults(reset_next=1000, match={'path': 'connect/token'})
                return
            time.sleep(WATCH_INTERVAL)

    watcher = threading.Thread(target=cut_off_after_the_second_batch_logged_in, daemon=True)
    watcher.start()
    summary_file = tmp_path / 'summary.json'
    try:
        run = run_playbook(sim, fleet_play(ptz_preset_reset_job='refresh_from_devices', ptz_preset_reset_name_patterns=['*'],
                                           ptz_preset_reset_batch_size=7, ptz_preset_reset_failure_tolerance='5%',
                                           ptz_preset_reset_summary_file=str(summary_file)),
                           env={'XPROTECT_RETRIES': '0'})
    finally:
        done.set()
        watcher.join()

    assert run.rc != 0, run.explain()
    summary = run.result('Add up the batches')['ansible_facts']['ptz_preset_reset_summary']
    assert summary['selected'] == 28 and summary['cameras'] == 14 and summary['changed'] == 14, summary
    assert summary['failed'] == [] and len(summary['not_run']) == 14
    assert [line.split(':')[0] for line in summary['batch_errors']] == ['batches 3, 4 (14 cameras)']
    assert json.loads(summary_file.read_text(encoding='utf-8')) == summary

    account = run.result('Account per camera')['msg']
    assert account[0].startswith('Changed (14): ') and cameras[0]['name'] in ' '.join(account)
    assert any(line.startswith('Not run (14): ') for line in account), account
    fleet = run.result('Summarize the fleet run')
    assert fleet['changed'] is True
    assert fleet['msg'].startswith('14 of 28 PTZ cameras done in 4 batch(es)'), fleet['msg']
    assert '14 changed' in fleet['msg'] and '14 not run' in fleet['msg']
    assert run.result('Every camera was worked on')['msg'].startswith('14 of 28 cameras were not worked on: batches 3, 4 (14 cameras): Could not log in')
    assert recap_changed(run) >= 1, 'the recap says that cameras changed'
    assert sim.stats()['open_tasks'] == 0


def test_fleet_reset_accounts_for_a_batch_the_server_left_mid_way(simulator_factory):
    sim = simulator_factory('--task-seconds', '0.1')
    cameras = ptz_cameras(sim)
    for camera in cameras:
        sim.set_device_presets(camera['id'], [{'name': 'Gate', 'pan': 0.1, 'tilt': 0.2, 'zoom': 0.3}])
    sim.reset(stats_only=True)
    done = threading.Event()

    def drop_everything_after_two_cameras():
        while not done.is_set():
            if sim.stats()['paths'].get('POST /api/rest/v1/tasks/{id}', 0) >= 4:  # two cleanups per camera
                sim.faults(reset_next=100000)
                return
            time.sleep(WATCH_INTERVAL)

    watcher = threading.Thread(target=drop_everything_after_two_cameras, daemon=True)
    watcher.start()
    try:
        run = run_playbook(sim, fleet_play(ptz_preset_reset_job='refresh_from_devices', ptz_preset_reset_name_patterns=['*'],
                                           ptz_preset_reset_concurrency=1, ptz_preset_reset_failure_tolerance='100%'),
                           env={'XPROTECT_RETRIES': '0'})
    finally:
        done.set()
        watcher.join()
    assert run.rc != 0, run.explain()
    summary = run.result('Add up the batches')['ansible_facts']['ptz_preset_reset_summary']
    assert summary['changed'] >= 2 and summary['cameras'] == summary['selected'] == len(cameras), summary
    assert summary['changed'] + len(summary['failed']) + len(summary['not_run']) == len(cameras), summary
    assert run.result('Summarize the fleet run')['changed'] is False, 'the batch itself reported the change'
    assert recap_changed(run) >= 1
    if summary['not_run']:
        assert 'were not worked on (the server could not be reached)' in run.result('Every camera was worked on')['msg']


def test_fleet_reset_warnings_name_the_tolerance_the_user_set(simulator):
    simulator.faults(task_seconds=0.1)
    cameras = ptz_cameras(simulator)
    simulator.faults(task_outcomes={cameras[0]['id']: 'error'})
    run = run_playbook(simulator, fleet_play(ptz_preset_reset_job='refresh_from_devices',
                                             ptz_preset_reset_cameras=[camera['name'] for camera in cameras[:4]],
                                             ptz_preset_reset_failure_tolerance='50%'))
    assert run.rc == 0, run.explain()
    assert f"tolerated by failure_tolerance 50%): '{cameras[0]['name']}'" in run.output.replace('\n', ' '), run.explain()
    assert 'failure_tolerance 100%' not in run.output
    assert '1 failed (tolerated: 50%)' in run.result('Summarize the fleet run')['msg']

    counted = run_playbook(simulator, fleet_play(ptz_preset_reset_job='refresh_from_devices',
                                                 ptz_preset_reset_cameras=[camera['name'] for camera in cameras[:4]],
                                                 ptz_preset_reset_failure_tolerance=2))
    assert counted.rc == 0, counted.explain()
    assert 'tolerated by failure_tolerance 2)' in counted.output and 'failure_tolerance 100%' not in counted.output


def test_fleet_reset_tolerance_is_counted_over_the_fleet_not_per_batch(simulator):
    simulator.faults(task_seconds=0.1)
    cameras = ptz_cameras(simulator)[:8]
    simulator.faults(task_outcomes={cameras[0]['id']: 'error'})
    # 1 of 8 cameras is 12.5 %, within 25 %; its batch of 2 alone (50 %) is not, and must not fail the role.
    run = run_playbook(simulator, fleet_play(ptz_preset_reset_job='refresh_from_devices',
                                             ptz_preset_reset_cameras=[camera['id'] for camera in cameras],
                                             ptz_preset_reset_batch_size=2, ptz_preset_reset_failure_tolerance='25%'))
    assert run.rc == 0, run.explain()
    batches = run.records('Run the job in batches')[0]['result']['results']
    assert len(batches) == 4 and not any(batch.get('failed') for batch in batches)
    assert run.result('Stay within the failure tolerance')['msg'] == '1 failed camera(s), within the tolerance of 25%.'
    assert run.result('Add up the batches')['ansible_facts']['ptz_preset_reset_summary']['failed'][0].startswith(cameras[0]['name'])


def test_fleet_reset_fails_when_no_camera_has_the_preset(simulator):
    simulator.faults(task_seconds=0.1)
    count = len(ptz_cameras(simulator))
    simulator.reset(stats_only=True)
    # What `-e ptz_preset=Preset 1` unquoted in a shell gives: a preset name no camera has.
    run = run_playbook(simulator, fleet_play(ptz_preset_reset_preset='Preset', ptz_preset_reset_name_patterns=['*'],
                                             ptz_preset_reset_missing_preset='skip'))
    assert run.rc != 0
    message = run.result('Some camera has the preset')['msg']
    assert message.startswith(f"None of the {count} selected PTZ cameras has a preset named 'Preset'"), message
    stats = simulator.stats()
    assert sum(stats['requests'][method] for method in ('POST', 'PUT', 'PATCH', 'DELETE')) == 0


# ---------------------------------------------------------------- the bundled playbooks name what they apply

def total_requests(sim):
    stats = sim.stats()
    return sum(stats['requests'].values()) + stats['token_grants']


@pytest.mark.parametrize('playbook, args, example', [
    ('provision_events', [], 'ansible-playbook milestone.xprotect.provision_events -e @site_events.yml'),
    ('change_managed_events', [], 'ansible-playbook milestone.xprotect.change_managed_events -e @change.yml'),
    ('change_managed_events', ['-e', 'approve=true'], 'ansible-playbook milestone.xprotect.change_managed_events -e @change.yml'),
    ('ptz_fleet_reset', [], "ansible-playbook milestone.xprotect.ptz_fleet_reset -e ptz_preset=Home -e 'ptz_patterns=Parking*'"),
    ('ptz_fleet_reset', ['-e', 'ptz_preset="Preset 1"'],
     """ansible-playbook milestone.xprotect.ptz_fleet_reset -e 'ptz_preset="Preset 1"' -e 'ptz_patterns=Parking*'"""),
    ('ptz_fleet_reset', ['-e', 'ptz_patterns=Lobby*'], "ansible-playbook milestone.xprotect.ptz_fleet_reset -e ptz_preset=Home -e 'ptz_patterns=Lobby*'"),
    ('ptz_fleet_reset', ['-e', 'ptz_job=refresh_from_devices'],
     "ansible-playbook milestone.xprotect.ptz_fleet_reset -e ptz_job=refresh_from_devices -e 'ptz_patterns=Parking*'"),
])
def test_bundled_playbooks_without_their_variables_stop_before_any_request(simulator, playbook, args, example):
    simulator.reset(stats_only=True)
    run = run_playbook(simulator, f'milestone.xprotect.{playbook}', args=args)
    assert run.rc != 0, run.explain()
    failed = [record['result'] for record in run.results if record['result'].get('failed')]
    assert failed, run.explain()
    message = ' '.join(failed[0]['msg'].split())
    assert example in message, run.explain()
    assert 'Nothing was sent to the server.' in message
    assert total_requests(simulator) == 0, simulator.stats()


def test_ptz_fleet_reset_takes_patterns_as_text_or_list_and_its_summary_prints_only_what_applies(simulator):
    simulator.faults(task_seconds=0.1)
    cameras = ptz_cameras(simulator)
    names = [cameras[0]['name'], cameras[1]['name']]
    for value in (','.join(names), json.dumps(names).replace('"', "'")):
        run = run_playbook(simulator, 'milestone.xprotect.ptz_fleet_reset',
                           args=['-e', 'ptz_job=refresh_from_devices', '-e', f'ptz_patterns="{value}"'])
        assert run.rc == 0, run.explain()
        assert run.result('Add up the batches')['ansible_facts']['ptz_preset_reset_summary']['selected'] == 2
    # a run where everything went well: the summary prints only what applies
    fleet = run.result('Summarize the fleet run')['msg']
    account = run.result('Account per camera')['msg']
    assert fleet.startswith('2 of 2 PTZ cameras done in 1 batch(es)'), fleet
    assert 'skipped' not in fleet and 'not run' not in fleet
    text = '\n'.join(account)
    assert 'no preset' not in text and 'Failed' not in text and 'Not run' not in text and ': -' not in text, account
    assert 'Skipped' not in run.stdout and 'Failed: -' not in run.stdout
    assert run.result('Summarize the fleet run')['changed'] is False


# ----------------------------------------------------------------------------------------------- the demo

def demo_module():
    sys.path.insert(0, os.path.join(ROOT, 'scripts'))
    try:
        import demo  # pylint: disable=import-outside-toplevel
    finally:
        sys.path.pop(0)
    return demo


def test_the_demo_prints_commands_a_shell_runs_as_the_demo_does(tmp_path):
    demo = demo_module()
    for step in demo.steps(str(tmp_path)):
        printed = demo.shown_command(step)
        assert shlex.split(printed) == ['ansible-playbook', f'milestone.xprotect.{step.playbook}', *step.args], printed
    shown = [demo.shown_command(step) for step in demo.steps(str(tmp_path))]
    assert """ansible-playbook milestone.xprotect.ptz_fleet_reset -e 'ptz_preset="Preset 1"' -e 'ptz_patterns=*'""" in shown


def test_the_printed_preset_command_pasted_into_a_shell_selects_preset_1(simulator, tmp_path):
    simulator.faults(task_seconds=0.1)
    demo = demo_module()
    step = next(step for step in demo.steps(str(tmp_path)) if 'ptz_preset="Preset 1"' in step.args)
    # What a shell makes of the printed line is what ansible-playbook gets.
    pasted = subprocess.run(['sh', '-c', 'for arg in "$@"; do printf "%s\\0" "$arg"; done', 'sh',
                             *shlex.split(demo.shown_command(step))[1:]], capture_output=True, text=True, check=True)
    argv = pasted.stdout.split('\0')[:-1]
    run = run_playbook(simulator, argv[0], args=argv[1:])
    assert run.rc == 0, run.explain()
    assert run.result('Add up the batches')['ansible_facts']['ptz_preset_reset_summary']['preset'] == 'Preset 1'


def test_readme_and_demo_state_what_the_demo_site_has():
    demo = demo_module()
    with SimulatorProcess(*demo.simulator_args(), tls=False) as sim:
        status, body = sim.api('GET', '/cameras?disabled')
    assert status == 200
    cameras = body['array']
    ptz = [camera for camera in cameras if camera['ptzEnabled']]
    stated = f"{len(cameras)} cameras, {len(ptz)} of them PTZ ({len([c for c in ptz if c['enabled']])} enabled)"
    assert stated == '120 cameras, 29 of them PTZ (28 enabled)', stated
    assert stated in ' '.join(read(os.path.join(ROOT, 'README.md')).split())
    assert stated in ' '.join((demo.__doc__ or '').split())
    assert 'a third of them PTZ' not in read(os.path.join(ROOT, 'README.md'))


# ------------------------------------------------------------- the README: the collection from a checkout

def readme_block(name):
    """The shell block of the README that follows the marker ``<!-- tested: ... (name) -->``."""
    match = re.search(r'<!-- tested: [^(]*\(' + re.escape(name) + r'\) -->\s*```sh\n(.*?)```', read(os.path.join(ROOT, 'README.md')),
                      re.DOTALL)
    assert match, f'README.md has no tested block {name!r}'
    return match.group(1)


def this_venv(text):
    """The README names the primary profile's venv; run the commands with the venv of this test run."""
    bindir = os.path.dirname(sys.executable)
    return text.replace('$PWD/.venvs/core2.19/bin', bindir).replace('.venvs/core2.19/bin/python', sys.executable)


def clean_env(home):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(('ANSIBLE_', 'XPROTECT_')) and key not in ('PYTHONPATH', 'VIRTUAL_ENV')}
    env.update(HOME=str(home), ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
               ANSIBLE_NOCOLOR='1')
    return env


@pytest.fixture(scope='module', name='checkout_install')
def checkout_install_fixture(tmp_path_factory):
    """The README's checkout-install block, run once in a fresh home: (home, what the block printed and returned)."""
    home = tmp_path_factory.mktemp('home')
    script = this_venv(readme_block('checkout-install'))
    done = subprocess.run(['bash', '-euc', script], cwd=ROOT, env=clean_env(home), capture_output=True, text=True, timeout=300, check=False)
    return home, done


def test_readme_commands_install_the_checkout_and_ansible_doc_finds_it(tmp_path, checkout_install):
    env = clean_env(tmp_path)
    bindir = os.path.dirname(sys.executable)
    # The symptom the README describes, from a fresh clone.
    before = subprocess.run([os.path.join(bindir, 'ansible-doc'), 'milestone.xprotect.ptz_task'], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert 'milestone.xprotect.ptz_task was not found' in before.stdout + before.stderr
    # The plural spelling does not help.
    plural = subprocess.run([os.path.join(bindir, 'ansible-doc'), 'milestone.xprotect.ptz_task'], cwd=tmp_path,
                            env=dict(env, ANSIBLE_COLLECTIONS_PATHS=str(tmp_path / 'xprotect-collections')),
                            capture_output=True, text=True, timeout=120, check=False)
    assert 'was not found' in plural.stdout + plural.stderr

    home, done = checkout_install
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'MODULE milestone.xprotect.ptz_task' in ' '.join(done.stdout.split()), done.stdout[:2000]
    assert 'DefaultPtzPreset' in done.stdout
    assert (home / 'xprotect-collections' / 'ansible_collections' / 'milestone' / 'xprotect' / 'MANIFEST.json').exists()


def test_readme_commands_start_the_simulator_and_run_ones_own_playbook(tmp_path, checkout_install):
    home, install = checkout_install
    assert install.returncode == 0, install.stdout + install.stderr
    env = clean_env(home)
    with socket.socket() as probe:  # a free port instead of 8080, which may be taken here
        probe.bind(('127.0.0.1', 0))
        port = str(probe.getsockname()[1])
    command = shlex.split(this_venv(readme_block('simulator')).strip())
    assert command[1:4] == ['-m', 'simulator', '--no-tls'] and command[command.index('--port') + 1] == '8080'
    command[command.index('--port') + 1] = port
    (tmp_path / 'my_site.yml').write_text('''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: The PTZ cameras
      milestone.xprotect.camera_info:
        ptz_only: true
      register: ptz
    - name: Count them
      ansible.builtin.debug:
        msg: "{{ ptz.cameras | length }} PTZ cameras"
''', encoding='utf-8')
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == f'listening on http://127.0.0.1:{port}'
        login = this_venv(readme_block('simulator-login')).replace('127.0.0.1:8080', f'127.0.0.1:{port}')
        script = (f'export PATH="{os.path.dirname(sys.executable)}:$PATH"\n'
                  f'export ANSIBLE_COLLECTIONS_PATH="{home}/xprotect-collections"\n' + login)
        run = subprocess.run(['bash', '-euc', script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                             check=False)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert run.returncode == 0, run.stdout + run.stderr
    assert '"msg": "28 PTZ cameras"' in run.stdout, run.stdout


# ------------------------------------------------------------------ the inventory plugin's file name rule

def test_the_inventory_file_name_rule_comes_first_in_the_plugin_doc_and_the_guide(tmp_path, checkout_install):
    home, install = checkout_install
    assert install.returncode == 0, install.stdout + install.stderr
    env = clean_env(home)
    env['ANSIBLE_COLLECTIONS_PATH'] = str(home / 'xprotect-collections')
    shown = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-doc'), '-t', 'inventory', '--json',
                            'milestone.xprotect.cameras'], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=120, check=True)
    description = json.loads(shown.stdout)['milestone.xprotect.cameras']['doc']['description']
    first = description[0]
    for name in ('xprotect.yml', 'xprotect.yaml', '.xprotect.yml', '.xprotect.yaml', 'could not be verified'):
        assert name in first, first

    # What a user sees with another name, and that the guide says it before anything else.
    wrong = tmp_path / 'site-a.yml'
    wrong.write_text('plugin: milestone.xprotect.cameras\nserver_url: http://127.0.0.1:9\n', encoding='utf-8')
    seen = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-inventory'), '-i', str(wrong), '--graph'],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert "could not be verified by inventory plugin 'milestone.xprotect.cameras'" in seen.stdout + seen.stderr
    guide = read(os.path.join(ROOT, 'docs', 'guides', 'inventory.md'))
    before_first_section = guide.split('\n## ', 1)[0]
    assert '`.xprotect.yml`' in before_first_section and 'could not be verified' in before_first_section

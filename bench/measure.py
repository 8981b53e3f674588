# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one command and measure it: wall time, CPU time and memory of its whole process tree.

* Wall time: monotonic clock from ``Popen`` to the exit of the command.
* CPU time and the largest single process: ``os.wait4`` returns the rusage of the child *including every
  descendant it reaped* (Ansible reaps its forks and module processes), so ``ru_utime + ru_stime`` is the
  CPU time of the whole tree and ``ru_maxrss`` the peak RSS of its largest process, both exact.
* Peak memory of the tree, sampled with psutil while the command runs: the PSS (proportional set size: each
  shared page split among the processes sharing it) summed over the command and all its descendants, which
  is what the tree costs the machine, in every sample of a small tree and every ``PSS_EVERY`` samples of a large
  one (reading it costs far more than RSS); and the
  RSS sum every ``interval`` seconds, an upper bound that counts pages shared by Ansible's forked workers once
  per process.
* Background load: busy CPU seconds of the whole machine during the run, minus this tree's, the simulator's
  and the harness's own (the sampler), divided by the wall time. It says how much other work (other users,
  other tests) competed for the CPUs, which is the main source of noise on a small machine.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
import typing as t

import psutil

#: ru_maxrss is in kilobytes on Linux and in bytes on macOS.
MAXRSS_UNIT = 1 if sys.platform == 'darwin' else 1024
#: With more processes than this, PSS is read every PSS_EVERY samples only: for ~70 processes reading it takes
#: ~20 ms, RSS under 1 ms. Small trees (and so short runs, which start small) get it in every sample.
PSS_EVERY = 5
PSS_ALWAYS_UP_TO = 8


@dataclasses.dataclass
class ProcessStats:
    """What one measured command cost."""

    returncode: int
    wall: float
    cpu: float
    max_rss_process: int
    peak_rss_tree: int
    peak_pss_tree: int
    peak_processes: int
    simulator_cpu: float
    background_cores: float
    timed_out: bool = False


def busy_seconds(times: t.Any) -> float:
    """CPU seconds the machine spent not idle (idle and iowait are waiting, not work)."""
    return sum(value for name, value in times._asdict().items() if name not in ('idle', 'iowait'))


class TreeSampler(threading.Thread):
    """Samples the RSS sum of a process and all its descendants until stopped; kills the tree on timeout."""

    def __init__(self, pid: int, *, interval: float, timeout: float) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.timeout = timeout
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_processes = 0
        self.samples = 0
        self.timed_out = False
        self._stop_event = threading.Event()

    def sample(self, root: psutil.Process) -> None:
        try:
            processes = [root] + root.children(recursive=True)
        except psutil.Error:
            return  # the root just exited
        with_pss = len(processes) <= PSS_ALWAYS_UP_TO or self.samples % PSS_EVERY == 0
        self.samples += 1
        rss_total = pss_total = alive = 0
        for process in processes:
            try:
                if with_pss:
                    info = process.memory_full_info()
                    # PSS exists on Linux only; elsewhere USS (pages of this process alone) is the nearest.
                    pss_total += getattr(info, 'pss', getattr(info, 'uss', 0))
                else:
                    info = process.memory_info()
                rss_total += info.rss
                alive += 1
            except psutil.Error:
                continue  # a module process that ended between listing and reading
        self.peak_rss = max(self.peak_rss, rss_total)
        self.peak_pss = max(self.peak_pss, pss_total)
        self.peak_processes = max(self.peak_processes, alive)

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        deadline = time.monotonic() + self.timeout
        while not self._stop_event.is_set():
            self.sample(root)
            if time.monotonic() > deadline:
                self.timed_out = True
                # The command runs in its own session: end the whole tree, not just ansible-playbook.
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except OSError:
                    pass
                return
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)


def cpu_of(pid: int | None) -> float:
    """User + system CPU seconds of one process so far (0 if it cannot be read)."""
    if pid is None:
        return 0.0
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return 0.0
    return times.user + times.system


def run_measured(command: t.Sequence[str], *, env: t.Mapping[str, str], cwd: str, log_path: str, timeout: float,
                 interval: float = 0.1, simulator_pid: int | None = None) -> ProcessStats:
    """Run ``command`` with its output in ``log_path`` and measure it (see the module docstring)."""
    machine_before = busy_seconds(psutil.cpu_times())
    simulator_before = cpu_of(simulator_pid)
    harness_before = cpu_of(os.getpid())
    with open(log_path, 'w', encoding='utf-8') as log:
        log.write('$ ' + ' '.join(command) + '\n')
        log.flush()
        started = time.monotonic()
        process = subprocess.Popen(list(command), env=dict(env), cwd=cwd, stdin=subprocess.DEVNULL,  # pylint: disable=consider-using-with
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        sampler = TreeSampler(process.pid, interval=interval, timeout=timeout)
        sampler.start()
        try:
            # wait4 instead of Popen.wait: only wait4 returns the rusage of this child and its reaped descendants.
            _pid, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM): the command has its own session, so nothing else would stop it.
            sampler.stop()
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except OSError:
                pass
            process.wait()
            raise
        wall = time.monotonic() - started
        sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
    simulator_cpu = cpu_of(simulator_pid) - simulator_before
    harness_cpu = cpu_of(os.getpid()) - harness_before
    tree_cpu = usage.ru_utime + usage.ru_stime
    machine_busy = busy_seconds(psutil.cpu_times()) - machine_before
    background = max(0.0, machine_busy - tree_cpu - simulator_cpu - harness_cpu) / wall if wall > 0 else 0.0
    return ProcessStats(returncode=process.returncode, wall=wall, cpu=tree_cpu, max_rss_process=usage.ru_maxrss * MAXRSS_UNIT,
                        peak_rss_tree=sampler.peak_rss, peak_pss_tree=sampler.peak_pss, peak_processes=sampler.peak_processes, simulator_cpu=simulator_cpu,
                        background_cores=background, timed_out=sampler.timed_out)

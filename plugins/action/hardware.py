# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of milestone.xprotect.hardware: runs the module, then writes its report on the controller.

The report (``report``) is the account of the run, so it is written where the playbook runs, from the module's
result, which holds no password. Writing it here costs no module run: a run with nothing to do stays one module run.
"""

from __future__ import annotations

import os
import typing as t

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.milestone.xprotect.plugins.module_utils._files import write_atomically
from ansible_collections.milestone.xprotect.plugins.module_utils._report import REPORT_SPEC
from ansible_collections.milestone.xprotect.plugins.plugin_utils._hardware_report import ReportError, account, report_texts


def report_settings(value: t.Any) -> tuple[dict[str, t.Any] | None, str | None]:
    """The validated ``report`` option, or the sentence that says what is wrong with it."""
    if not isinstance(value, dict):
        return None, f'report must be a dictionary with at least path (a folder on the controller), not {type(value).__name__}.'
    validated = ArgumentSpecValidator(REPORT_SPEC).validate(value)
    if validated.error_messages:
        return None, 'report: ' + '; '.join(validated.error_messages) + '. Nothing was sent to the server.'
    settings = validated.validated_parameters
    name = settings['name']
    if not name or os.sep in name or name in ('.', '..'):
        return None, f'report.name must be a file name without a folder (such as hardware_report), not {name!r}. Nothing was sent to the server.'
    return settings, None


def write_if_different(path: str, text: str) -> bool:
    """Write ``text`` to ``path`` (atomically) unless it already holds it; return whether it was written."""
    try:
        with open(path, encoding='utf-8', newline='') as handle:
            if handle.read() == text:
                return False
    except (OSError, UnicodeDecodeError):
        pass
    write_atomically(path, text, '.' + os.path.basename(path) + '.')
    return True


class ActionModule(ActionBase):
    """Run milestone.xprotect.hardware; with ``report``, write the report files on the controller."""

    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        module_args = dict(self._task.args)
        report = module_args.pop('report', None)
        settings = None
        if report is not None:
            settings, problem = report_settings(report)
            if problem:
                result.update(failed=True, changed=False, msg=problem)
                return result
        result.update(self._execute_module(module_name='milestone.xprotect.hardware', module_args=module_args, task_vars=task_vars))
        if settings is not None:
            self._write_report(settings, result)
        return result

    def _write_report(self, settings: dict[str, t.Any], result: dict[str, t.Any]) -> None:
        """The report files, written in check mode too: there they are the review of what a run would do."""
        folder = os.path.abspath(os.path.expanduser(settings['path']))
        try:
            report = account(result, settings['sources'], settings['origins'], bool(self._task.check_mode), settings['columns'],
                             settings['ignored_columns'])
            os.makedirs(folder, exist_ok=True)
            written = []
            files = []
            for extension, text in report_texts(report).items():
                path = os.path.join(folder, f"{settings['name']}.{extension}")
                files.append(path)
                if write_if_different(path, text):
                    written.append(path)
        except (OSError, ReportError) as error:
            message = f'the report could not be written to {folder}: {error}'
            if result.get('failed'):
                result['msg'] = f"{result.get('msg', 'The hardware run failed')} Also, {message}."
            else:
                # what the module did stands (a re-run finds it); only the account is missing
                result.update(failed=True,
                              msg=f'The hardware run ended, but {message}. What the run did stands; fix the folder and run again for the report.')
            return
        result['report_files'] = files
        result['report_written'] = written

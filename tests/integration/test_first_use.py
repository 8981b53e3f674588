# -*- coding: utf-8 -*-
# Copyright: (c) 2026, milestone.xprotect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a user meets first, from a fresh clone: the README's commands, the bundled playbooks run without
variables, the demo's printed commands, the fleet role when things go wrong, and the documents the code cites."""

from __future__ import annotations

import os
import re

from harness import ROOT

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
               for number, line in enumerate(read(path).splitlines(), start=1) if 'API_NOTES' in line]
    assert not outside, outside

"""Data flows one way: ingest -> index -> qa -> app. Lower stages never import higher ones."""
import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN = {'ingest': {'index', 'qa', 'app', 'settings'}, 'index': {'qa', 'app'}, 'qa': {'app'}}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding='utf-8'))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split('.')[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split('.')[0])
    return names


@pytest.mark.parametrize('stage', sorted(FORBIDDEN))
def test_lower_stages_do_not_import_higher_ones(stage):
    for path in (REPO / stage).rglob('*.py'):
        bad = imported_packages(path) & FORBIDDEN[stage]
        assert not bad, f'{path.relative_to(REPO)} imports {sorted(bad)}'


def test_every_cli_command_has_help_and_is_in_the_readme():
    from qa.cli import build_parser
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    readme = (REPO / 'README.md').read_text(encoding='utf-8')
    for name, sub in commands.items():
        assert sub.description or sub.format_help()
        assert f'python -m qa {name}' in readme, f'README does not show `python -m qa {name}`'

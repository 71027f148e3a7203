"""Data flows one way: ingest -> index -> qa (the answering core) -> service (the shell) -> app.
Lower stages never import higher ones; every stage may import errors.py, which imports nothing of the project."""
import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN = {'ingest': {'index', 'qa', 'service', 'app', 'settings'}, 'index': {'qa', 'service', 'app'},
             'qa': {'service', 'app'}, 'service': {'app'}}
SHARED = {'errors'}                          # every stage raises the errors of errors.py
LAUNCHERS = {REPO / 'qa' / '__main__.py'}   # `python -m qa` starts the shell's CLI: the one arrow back, by design


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
    for path in set((REPO / stage).rglob('*.py')) - LAUNCHERS:
        bad = imported_packages(path) & (FORBIDDEN[stage] - SHARED)
        assert not bad, f'{path.relative_to(REPO)} imports {sorted(bad)}'


def test_the_errors_every_stage_imports_import_nothing_of_the_project():
    project = set(FORBIDDEN) | {'app', 'settings'}
    for name in SHARED:
        bad = imported_packages(REPO / f'{name}.py') & project
        assert not bad, f'{name}.py imports {sorted(bad)}: every stage imports it'


def test_every_cli_command_has_help_and_is_in_the_readme():
    from service.cli import build_parser
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    readme = (REPO / 'README.md').read_text(encoding='utf-8')
    for name, sub in commands.items():
        assert sub.description or sub.format_help()
        assert f'python -m qa {name}' in readme, f'README does not show `python -m qa {name}`'


def string_rules(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module that are not docstrings: what its rules could name."""
    tree = ast.parse(path.read_text(encoding='utf-8'))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def rule_names(facts_store) -> set[str]:
    """Organisations, places, projects and the evaluation questions: what no rule in code may name."""
    import json
    from ingest.vocabulary import vocabulary_table
    names = {d.org for d in facts_store.documents()} | {d.org_key for d in facts_store.documents()}
    names |= {n for full, short in vocabulary_table('places') for n in (full,) + short if len(n) >= 2}
    names |= {f.project for f in facts_store.facts() if len(f.project) >= 4}
    for gold in (REPO.parent / 'shared' / 'eval').glob('*.jsonl'):
        names |= {json.loads(l)['question'] for l in gold.read_text(encoding='utf-8').splitlines() if l.strip()}
    return names


def body_types() -> set[str]:
    """The words of the bodies and unit kinds tables ('财政局', '管委会', '中学'): ingest reads them as data."""
    from ingest.vocabulary import vocabulary_table
    return {n for table in ('bodies', 'unit_kinds') for full, short in vocabulary_table(table)
            for n in (full,) + short if len(n) >= 2}


def named_in_code(paths: list[Path], names: set[str]) -> list[str]:
    return [f'{path.relative_to(REPO)}:{line} names {named[:3]} in code; put it in data/vocabulary'
            for path in paths for line, text in string_rules(path)
            for named in [[n for n in names if n in text]] if named]


def test_no_rule_names_an_organisation_a_place_a_project_or_a_question(facts_store):
    """Organisations, places, projects and the evaluation questions live in the data and the store, never in code;
    ingest/ does not name a body type either."""
    names = rule_names(facts_store)
    for stage in ('qa', 'service', 'index', 'app.py'):
        paths = [REPO / stage] if stage.endswith('.py') else sorted((REPO / stage).rglob('*.py'))
        assert not named_in_code(paths, names), named_in_code(paths, names)[:5]
    ingest = sorted((REPO / 'ingest').rglob('*.py'))
    assert not named_in_code(ingest, names | body_types()), named_in_code(ingest, names | body_types())[:5]


def test_the_rule_check_finds_a_body_type_in_code(tmp_path):
    """The check above can fail: a pattern naming 中学 in a module is found."""
    module = tmp_path / 'rule.py'
    module.write_text("UNIT = r'(局|中学)$'\n", encoding='utf-8')
    found = [(line, text) for line, text in string_rules(module) if any(n in text for n in body_types())]
    assert found == [(1, '(局|中学)$')]


# Settings are read once, in settings.py, and passed down. The one exception: `qa serve --workers N` starts
# uvicorn workers that each read the settings again, so the data directory chosen on the command line is written
# into the environment they inherit (service/api.py serve).
ENVIRONMENT_WRITES = {('service/api.py', "os.environ['BUDGETQA_DATA_DIR'] = str(settings.data_dir)")}
ENVIRONMENT = re.compile(r'\benviron(b)?\b|\bgetenv\b|\bputenv\b')


def product_modules() -> list[Path]:
    return [REPO / 'app.py'] + sorted(p for stage in ('ingest', 'index', 'qa', 'service')
                                      for p in (REPO / stage).rglob('*.py'))


def environment_uses(path: Path) -> list[tuple[int, str]]:
    lines = path.read_text(encoding='utf-8').splitlines()
    code = [(n, line.split('#')[0].strip()) for n, line in enumerate(lines, 1)]
    return [(n, line) for n, line in code if ENVIRONMENT.search(line)]


def test_only_settings_reads_the_environment():
    """No product module reads os.environ or getenv: every setting (test fault points included) is a field of
    settings.Settings, read once and passed down."""
    found = [(str(path.relative_to(REPO)), n, line) for path in product_modules()
             for n, line in environment_uses(path)]
    unexpected = [f'{path}:{n}: {line}' for path, n, line in found if (path, line) not in ENVIRONMENT_WRITES]
    assert not unexpected, 'read the setting in settings.py and pass it down:\n' + '\n'.join(unexpected)
    assert {(path, line) for path, _, line in found} == ENVIRONMENT_WRITES     # the exception is still needed


def test_the_check_for_environment_reads_finds_them(tmp_path):
    module = tmp_path / 'm.py'
    module.write_text("import os\nA = os.environ.get('X')\nB = os.getenv('Y')  # a comment\n"
                      "from os import environ\n# os.environ in a comment is fine\n", encoding='utf-8')
    assert [n for n, _ in environment_uses(module)] == [2, 3, 4]


def test_the_upload_limit_is_one_number():
    """The page's upload limit (Streamlit's config) is the reader's MAX_BYTES; the API's follows from it."""
    import tomllib
    from ingest.reader import MAX_BYTES
    config = tomllib.loads((REPO / '.streamlit' / 'config.toml').read_text(encoding='utf-8'))
    assert config['server']['maxUploadSize'] * 2 ** 20 == MAX_BYTES

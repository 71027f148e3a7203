"""Every module opens with an example, and the example stays true.

Where the example is cheap (pure functions over text), it is a doctest and runs for real. Elsewhere each call
in it of a function or class the module defines, or of a method of such a class, must still accept the
arguments shown: an example written for an old signature fails here.
"""
import ast
import doctest
import importlib
import inspect
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ('ingest', 'index', 'qa', 'service')
MODULES = sorted('.'.join(p.relative_to(REPO).with_suffix('').parts).removesuffix('.__init__')
                 for package in PACKAGES for p in (REPO / package).rglob('*.py') if p.name != '__main__.py')
DOCTESTED = ('ingest.orgs', 'ingest.suspicious', 'ingest.vocabulary', 'qa.years', 'qa.disclosure', 'qa.plans.levels')


def example_calls(docstring: str) -> list[ast.Call]:
    """The calls in a docstring's indented lines ('    x = f(a, b)   # …'; '    >>> f(a)' too)."""
    calls = []
    for line in docstring.splitlines():
        if not line.startswith('    '):
            continue
        code = textwrap.dedent(line).removeprefix('>>> ').removeprefix('... ')
        try:
            tree = ast.parse(code)
        except SyntaxError:                     # a continued line, an expected output, '…' in a literal
            continue
        calls += [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    return calls


def callables_of(module) -> tuple[dict, dict]:
    """The functions and classes a module defines, and the methods of those classes."""
    own = {name: obj for name, obj in vars(module).items()
           if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module.__name__}
    methods = {}
    for cls in (obj for obj in own.values() if inspect.isclass(obj)):
        methods.update({name: fn for name, fn in vars(cls).items() if inspect.isfunction(fn)})
    return own, methods


def signature_errors(module) -> list[str]:
    own, methods = callables_of(module)
    errors = []
    for call in example_calls(module.__doc__):
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            continue
        if isinstance(call.func, ast.Name) and call.func.id in own:
            name, target, args = call.func.id, own[call.func.id], len(call.args)
        elif isinstance(call.func, ast.Attribute) and call.func.attr in methods:
            name, target, args = call.func.attr, methods[call.func.attr], len(call.args) + 1   # + self
        else:
            continue
        try:
            inspect.signature(target).bind(*range(args), **{k.arg: None for k in call.keywords})
        except TypeError as e:
            errors.append(f'{module.__name__}: the example calls {name} as it no longer accepts ({e})')
    return errors


@pytest.mark.parametrize('name', MODULES)
def test_module_opens_with_an_example_that_fits_its_signatures(name):
    module = importlib.import_module(name)
    assert module.__doc__ and module.__doc__.strip(), f'{name} has no docstring'
    assert not signature_errors(module)


@pytest.mark.parametrize('name', DOCTESTED)
def test_cheap_examples_run_for_real(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted and not result.failed


def test_a_drifted_example_is_found():
    """The check above can fail: an example calling a function with one argument too many."""
    import types
    module = types.ModuleType('drifted', '    result = gate(result, plan, ctx)\n    draft.finish(q, plan)\n')
    exec(textwrap.dedent('''
        def gate(result, plan):
            return result
        class Draft:
            def finish(self, question):
                return question
    '''), module.__dict__)
    for obj in (module.gate, module.Draft):
        obj.__module__ = 'drifted'
    errors = signature_errors(module)
    assert len(errors) == 2 and 'gate' in errors[0] and 'finish' in errors[1]

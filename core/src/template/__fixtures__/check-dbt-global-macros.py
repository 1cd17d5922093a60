"""
Renders every case of dbt-global-macros.ts with Python Jinja2 from dbt's own macro files, and reports the
cases whose expected SQL differs: a check that the hand-written expectations are what dbt renders.

    node_modules/.bin/esbuild core/src/template/__fixtures__/dbt-global-macros.ts --format=esm --outfile=/tmp/cases.mjs
    node -e "import('/tmp/cases.mjs').then(m => console.log(JSON.stringify(m.MACRO_CASES)))" > /tmp/cases.json
    python3 core/src/template/__fixtures__/check-dbt-global-macros.py /tmp/cases.json \
        <dbt-adapters>/dbt-adapters/src/dbt/include/global_project/macros \
        <dbt-adapters>/dbt-{postgres,bigquery,snowflake}/src/dbt/include/*/macros \
        <dbt-duckdb>/dbt/include/duckdb/macros

Each macro is compiled on its own, as dbt does, so calls between macros of one file go through dispatch
like any other. adapter.dispatch, api.Column (each adapter's TYPE_LABELS), return() and the behaviour flags
are stubbed as dbt defines them. Exit status 1 when a case differs.
"""
import datetime
import json
import pathlib
import re
import sys

from jinja2 import Environment

MACRO = re.compile(r'({%-?\s*macro\s+(\w+).*?{%-?\s*endmacro\s*-?%})', re.S)
LABELS = {'bigquery': {'TEXT': 'STRING', 'FLOAT': 'FLOAT64', 'INTEGER': 'INT64'}}


class MacroReturn(Exception):
    def __init__(self, value):
        self.value = value


class Runtime:
    adapter = None
    answer = None  # what the query of statement() returns, per case (`loadResult`)
    registry = {}

    @classmethod
    def macro(cls, name):
        def call(*args, **kwargs):
            try:
                return cls.registry[name](*args, **kwargs)
            except MacroReturn as r:
                return r.value
        return call


class Column:
    @staticmethod
    def translate_type(dtype):
        return LABELS.get(Runtime.adapter, {'STRING': 'TEXT'}).get(dtype.upper(), dtype)

    @staticmethod
    def numeric_type(dtype, precision, scale):
        if Runtime.adapter == 'bigquery' or precision is None or scale is None:
            return dtype
        return '{}({},{})'.format(dtype, precision, scale)


class Adapter:
    class behavior:
        class enable_truthy_nulls_equals_macro:
            no_warn = False

    def dispatch(self, name, namespace=None):
        for prefix in (Runtime.adapter, 'default'):
            if f'{prefix}__{name}' in Runtime.registry:
                return Runtime.macro(f'{prefix}__{name}')
        raise KeyError(name)


class Namespace:
    def __getattr__(self, name):
        return Runtime.macro(name)


def raise_error(msg, node=None):
    raise RuntimeError(msg)


def normalize(sql):
    parts = re.split(r"('(?:[^']|'')*')", sql)
    for i in range(0, len(parts), 2):
        p = re.sub(r'--[^\n]*', '', parts[i])
        p = re.sub(r'\s+', ' ', p)
        parts[i] = re.sub(r'\s*([(),\[\]])\s*', r'\1', p)
    return ''.join(parts).strip()


def main():
    cases = json.load(open(sys.argv[1]))
    env = Environment(extensions=['jinja2.ext.do', 'jinja2.ext.loopcontrols'])
    blocks = []
    for root in sys.argv[2:]:
        files = [pathlib.Path(root)] if root.endswith('.sql') else sorted(pathlib.Path(root).rglob('*.sql'))
        for f in files:
            blocks += MACRO.findall(f.read_text())
    env.globals.update({name: Runtime.macro(name) for _, name in blocks})
    env.globals.update({
        'return': lambda v: (_ for _ in ()).throw(MacroReturn(v)),
        'adapter': Adapter(), 'api': type('api', (), {'Column': Column}), 'dbt': Namespace(),
        'exceptions': type('exceptions', (), {'raise_compiler_error': staticmethod(raise_error), 'raise_not_implemented': staticmethod(raise_error)}),
        'modules': type('modules', (), {'datetime': datetime}), 'tojson': json.dumps, 'dbt_version': '1.9.0',
        'target': {'name': 'dev', 'schema': 'analytics', 'database': 'warehouse'},
        'statement': lambda *args, caller=None, **kwargs: '',
        'load_result': lambda name: None if Runtime.answer is None else {'data': [[Runtime.answer]]},
    })
    for block, name in blocks:
        try:
            template = env.from_string(block)
        except Exception:
            continue  # dbt-only syntax in a macro no case uses
        ctx = template.new_context()
        list(template.root_render_func(ctx))
        Runtime.registry.setdefault(name, ctx.vars[name])
    checked = differing = 0
    for case in cases:
        for adapter, expected in case['expected'].items():
            Runtime.adapter = adapter
            env.globals['target']['type'] = adapter
            Runtime.answer = case.get('loadResult')
            try:
                got = normalize(str(env.from_string('{{ ' + case['call'] + ' }}').render()))
            except Exception as err:
                got = f'error: {err!r}'
            checked += 1
            if got != normalize(expected):
                differing += 1
                print(f"{case['call']} on {adapter}\n  dbt:     {got}\n  fixture: {normalize(expected)}")
    print(f'{checked} cases checked, {differing} differ')
    sys.exit(1 if differing else 0)


if __name__ == '__main__':
    main()

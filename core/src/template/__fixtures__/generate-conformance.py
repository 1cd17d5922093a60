#!/usr/bin/env python3
"""Renders every conformance case with Python Jinja2 3.1 and writes jinja-conformance.json.

Environment: Jinja2 defaults (autoescape off, trim_blocks/lstrip_blocks off, keep_trailing_newline off)
plus the `do` and `loopcontrols` extensions -- what xform's TemplateEngine must reproduce.

Each case: name, template, optional context (JSON values), and optionally `xform`: "unsupported" when the
construct is deliberately not supported by xform (the test then expects a clear error instead of output).
Cases Jinja2 itself rejects record the error, and xform must reject them too.

Run from anywhere:  python3 core/src/template/__fixtures__/generate-conformance.py
"""
import ast
import datetime
import itertools
import json
import os
import re
import runpy
import traceback
from types import SimpleNamespace

import jinja2
import jinja2.nativetypes
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = runpy.run_path(os.path.join(HERE, "conformance-cases.py"))["CASES"]

ENV = jinja2.Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])
# dbt's text (SQL) rendering environment adds four filters that return their input unchanged
# (dbt_common.clients.jinja TEXT_FILTERS); only the native environment of YAML values converts.
DBT_ENV = jinja2.Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])
DBT_ENV.filters.update({name: (lambda x: x) for name in ("as_text", "as_bool", "as_number", "as_native")})
DBT_ENV.filters["is_list"] = lambda x: isinstance(x, list)


# dbt's native environment (YAML values): markers are str subclasses; one rendered value is kept as it is,
# or, when marked, read with ast.literal_eval and type-checked; several become one string.
class _Text(str):
    pass


class _Native(str):
    pass


class _Bool(_Native):
    pass


class _Number(_Native):
    pass


def _native_concat(nodes):
    head = list(itertools.islice(nodes, 2))
    if not head:
        return ""
    if len(head) > 1:
        return "".join(str(v) for v in itertools.chain(head, nodes))
    raw = head[0]
    if isinstance(raw, _Text):
        return str(raw)
    if not isinstance(raw, _Native):
        return raw
    try:
        result = ast.literal_eval(raw)
    except (ValueError, SyntaxError, MemoryError):
        result = raw
    if isinstance(raw, _Bool) and not isinstance(result, bool):
        raise ValueError(f"Could not convert value '{raw!s}' into type 'bool'")
    if isinstance(raw, _Number) and (isinstance(result, bool) or not isinstance(result, (int, float))):
        raise ValueError(f"Could not convert value '{raw!s}' into type 'number'")
    return result


class _NativeTemplate(jinja2.nativetypes.NativeTemplate):
    def render(self, *args, **kwargs):
        ctx = self.new_context(dict(*args, **kwargs))
        return _native_concat(self.root_render_func(ctx))


NATIVE_ENV = jinja2.nativetypes.NativeEnvironment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])
NATIVE_ENV.template_class = _NativeTemplate
NATIVE_ENV.filters.update({"as_text": _Text, "as_bool": _Bool, "as_native": _Native, "as_number": _Number})


def _with_default(fn):
    def wrapper(value, default=None, *args, **kwargs):
        try:
            return fn(value, *args, **kwargs)
        except (ValueError, TypeError):
            return default
    return wrapper


# What dbt's context adds (dbt/context/base.py) for the cases marked dbt=True.
def _zip(*args, default=None):
    try:
        return zip(*args)
    except TypeError:
        return default


def _fromyaml(value, default=None):
    try:
        return yaml.safe_load(value)
    except (ValueError, yaml.YAMLError):
        return default


def _diff_of_two_dicts(a, b):
    lowered = {k.casefold(): [x.casefold() for x in v] for k, v in b.items()}
    out = {}
    for k in a:
        if k.casefold() in lowered:
            diff = [v for v in a[k] if v.casefold() not in lowered[k.casefold()]]
            if diff:
                out[k] = diff
        else:
            out[k] = a[k]
    return out


DBT_CONTEXT = {
    "modules": SimpleNamespace(datetime=datetime, re=re, itertools=itertools),
    "tojson": _with_default(lambda value, sort_keys=False: json.dumps(value, sort_keys=sort_keys)),
    "fromjson": _with_default(lambda value: json.loads(value)),
    "zip": _zip,
    "zip_strict": zip,
    "set": _with_default(set),
    "set_strict": set,
    "diff_of_two_dicts": _diff_of_two_dicts,
    "toyaml": _with_default(lambda value, sort_keys=False: yaml.safe_dump(value, sort_keys=sort_keys)),
    "fromyaml": _fromyaml,
}


def render(case):
    try:
        env = NATIVE_ENV if case.get("native") else DBT_ENV if case.get("dbt") else ENV
        template = env.from_string(case["template"])
        context = dict(DBT_CONTEXT) if case.get("dbt") or case.get("native") else {}
        context.update(case.get("context", {}))
        if case.get("native"):
            return {"output": repr(template.render(**context))}
        return {"output": template.render(**context)}
    except jinja2.TemplateSyntaxError as err:
        return {"error": f"{type(err).__name__}: {err.message}", "errorLine": err.lineno}
    except Exception as err:  # the runtime errors a user can cause: UndefinedError, TypeError...
        result = {"error": f"{type(err).__name__}: {err}"}
        # Jinja2 rewrites tracebacks so that template frames carry template line numbers.
        lines = [f.lineno for f in traceback.extract_tb(err.__traceback__) if f.filename == "<template>"]
        if lines:
            result["errorLine"] = lines[-1]
        return result


def main():
    names = set()
    out = []
    for case in CASES:
        if case["name"] in names:
            raise SystemExit(f"duplicate case name {case['name']}")
        names.add(case["name"])
        entry = {"name": case["name"], "template": case["template"]}
        if "context" in case:
            entry["context"] = case["context"]
        if "xform" in case:
            entry["xform"] = case["xform"]
        if "line" in case:
            entry["line"] = case["line"]
        if case.get("native"):
            entry["native"] = True
        entry.update(render(case))
        out.append(entry)
    path = os.path.join(HERE, "jinja-conformance.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"jinja2": jinja2.__version__, "cases": out}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(out)} cases to {path}")


if __name__ == "__main__":
    main()

"""``sqlalchemy.util.compat``: signature formatting (the inverse of ``inspect.getfullargspec``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def inspect_formatargspec(
    args: Sequence[str],
    varargs: str | None = None,
    varkw: str | None = None,
    defaults: Sequence[Any] | None = None,
    kwonlyargs: Sequence[str] | None = (),
    kwonlydefaults: dict[str, Any] | None = None,
    annotations: dict[str, Any] | None = None,
    formatarg: Callable[[str], str] = str,
    formatvarargs: Callable[[str], str] = lambda name: "*" + name,
    formatvarkw: Callable[[str], str] = lambda name: "**" + name,
    formatvalue: Callable[[Any], str] = lambda value: "=" + repr(value),
    formatreturns: Callable[[Any], str] = lambda text: " -> " + str(text),
    formatannotation: Callable[[Any], str] = repr,
) -> str:
    """``"(a, b=1, *args, c, **kw)"`` for a getfullargspec() result (Python 2's removed formatargspec)."""
    annotations = annotations or {}
    kwonlydefaults = kwonlydefaults or {}

    def with_annotation(arg: str) -> str:
        text = formatarg(arg)
        if arg in annotations:
            text += ": " + formatannotation(annotations[arg])
        return text

    specs = []
    first_default = len(args) - len(defaults) if defaults else -1
    for i, arg in enumerate(args):
        spec = with_annotation(arg)
        if defaults and i >= first_default:
            spec += formatvalue(defaults[i - first_default])
        specs.append(spec)
    if varargs is not None:
        specs.append(formatvarargs(with_annotation(varargs)))
    elif kwonlyargs:
        specs.append("*")
    for arg in kwonlyargs or ():
        spec = with_annotation(arg)
        if arg in kwonlydefaults:
            spec += formatvalue(kwonlydefaults[arg])
        specs.append(spec)
    if varkw is not None:
        specs.append(formatvarkw(with_annotation(varkw)))
    result = "(" + ", ".join(specs) + ")"
    if "return" in annotations:
        result += formatreturns(formatannotation(annotations["return"]))
    return result

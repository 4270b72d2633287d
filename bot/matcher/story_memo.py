"""Answers about one story's text, remembered while that story is read and forgotten with it.

Reading a story asks the same pure questions of the same sentences many times: its days (the lead, each attack
mention, each follower of an attack), its toll, its weapons, its claim. Within `one_story()` a function made
with `per_story` answers each question once; outside it, it simply runs. Nothing is kept from one story to the
next, so a story costs the same whether or not a copy of it came before (the caches are per thread: stories
read in parallel never share them).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

Params = ParamSpec("Params")
Result = TypeVar("Result")


class _Memo(threading.local):
    def __init__(self) -> None:
        self.answers: dict[Callable[..., Any], dict[tuple[Any, ...], Any]] | None = None


_memo = _Memo()


def per_story(function: Callable[Params, Result]) -> Callable[Params, Result]:
    """`function`, remembering its answers (by positional arguments) within `one_story()`. Its answers must
    not be changed by callers: they are shared by every call with the same arguments."""

    @wraps(function)
    def remembered(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        answers = _memo.answers
        if answers is None or kwargs:
            return function(*args, **kwargs)
        known = answers.get(function)
        if known is None:
            known = answers[function] = {}
        try:
            return known[args]  # type: ignore[no-any-return]
        except KeyError:
            answer = known[args] = function(*args)
            return answer

    return remembered


@contextmanager
def one_story() -> Iterator[None]:
    """Remember per_story answers until the end of the block (one story), then forget them."""
    outer = _memo.answers
    _memo.answers = {}
    try:
        yield
    finally:
        _memo.answers = outer

"""One caller at a time: a store shared by the event loop and the matcher's worker thread."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")
_T = TypeVar("_T")


def _one_caller_at_a_time(method: Callable[_P, _R]) -> Callable[_P, _R]:
    @functools.wraps(method)
    def locked(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with args[0]._lock:  # type: ignore[attr-defined]
            return method(*args, **kwargs)
    return locked


def serialised(cls: type[_T]) -> type[_T]:
    """Every public method holds the store's lock: polling matches stories in a worker thread while the
    event loop answers commands and delivers alerts, over one connection whose transactions must not mix."""
    for name, member in list(vars(cls).items()):
        if callable(member) and not name.startswith("_"):
            setattr(cls, name, _one_caller_at_a_time(member))
    return cls

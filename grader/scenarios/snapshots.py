"""Starting states built once, then restored: the same state and ids for a fraction of the time.

Test cells start from a fresh mock and build a scenario (a routed three-tier VPC is ~60 moto
calls, half a second) before asking the learner's function anything; a topic's hidden tests do
that a dozen times, for every learner. A build decorated with :func:`remembered` can be saved
(a deep copy of every moto backend it touched, and moto's random state, so that later ids match
too) and restored the next time the same build is asked for on a fresh mock. Restoring is only
done when nothing has happened since :func:`grader.sandbox.fresh_state`, so the result is exactly
what building would give; in any other state the scenario is built as usual.

Who saves: only :func:`prepare`, run by trusted code (the batch grader's warm process, before it
forks a child per notebook), never a learner's process. A learner's process only notes which
builds it needed (:data:`requested`), so no learner can shape the state another learner starts from.
"""

from __future__ import annotations

import copy
import functools
import json
import signal
import time
from dataclasses import dataclass

from moto.core.base_backend import BackendDict
from moto.moto_api._internal import mock_random

from grader import sandbox

#: Saved states: build name and arguments (JSON) -> the state, or None when copying does not pay.
_saved: dict[tuple[str, str], _Saved | None] = {}
#: Builds this process made on a fresh mock, in order: what :func:`prepare` could save.
requested: list[tuple[str, str]] = []
_builds: dict[str, object] = {}  # name -> the undecorated build
_outer: list[tuple[str, str]] = []  # the builds running now, outermost first


@dataclass
class _Saved:
    backends: list  # the BackendDicts the build touched
    contents: list  # a deep copy of each one's accounts
    random_state: tuple
    result: object

    def restore(self):
        for backend, accounts in zip(self.backends, copy.deepcopy(self.contents), strict=True):
            backend.clear()
            backend.update(accounts)
            if backend not in BackendDict._instances:
                BackendDict._instances.append(backend)
        mock_random.setstate(self.random_state)
        return copy.deepcopy(self.result)


def remembered(build):
    """Decorate a scenario ``build(session, *args, **kwargs)`` whose arguments are JSON data."""
    name = f"{build.__module__}.{build.__qualname__}"
    _builds[name] = build

    @functools.wraps(build)
    def build_or_restore(session, *args, **kwargs):
        key = _key(name, args, kwargs)
        if key is None or not _fresh():
            return build(session, *args, **kwargs)
        if _saved.get(key):
            return _saved[key].restore()
        if not _outer and key not in requested:  # builds nested in this one come with it
            requested.append(key)
        _outer.append(key)
        try:
            return build(session, *args, **kwargs)
        finally:
            _outer.pop()

    return build_or_restore


def prepare(keys, *, seconds: float = 20.0) -> None:
    """Build and save each requested state not saved yet (trusted code only), then put back
    the state moto had. Stops at the first build that fails or after ``seconds`` in all."""
    todo = [key for key in dict.fromkeys(keys) if key not in _saved and key[0] in _builds]
    before = _take(result=None) if todo else None
    if before is None:
        return
    session = sandbox.new_session()
    deadline = time.monotonic() + seconds
    previous = signal.signal(signal.SIGALRM, _out_of_time)
    try:
        for name, arguments in todo:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            sandbox.fresh_state()
            signal.setitimer(signal.ITIMER_REAL, left)
            args, kwargs = json.loads(arguments)
            started = time.perf_counter()
            result = _builds[name](session, *args, **kwargs)
            signal.setitimer(signal.ITIMER_REAL, 0)
            _saved[name, arguments] = _worth_keeping(_take(result), time.perf_counter() - started)
    except Exception:  # a bad request or a build that cannot run here: the rest builds as usual
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sandbox.fresh_state()
        before.restore()
        requested.clear()  # builds nested in these ones: saved or not, nobody asked for them


class _OutOfTime(Exception):
    pass


def _out_of_time(signum, frame):
    raise _OutOfTime


def _key(name: str, args, kwargs) -> tuple[str, str] | None:
    try:
        return name, json.dumps([list(args), kwargs], sort_keys=True)
    except TypeError:  # not JSON data: cannot be requested from another process
        return None


def _fresh() -> bool:
    """Nothing in moto since the last reset: no backend in use, no id drawn."""
    return not BackendDict._instances and mock_random.getstate() == _seeded_state()


@functools.cache
def _seeded_state() -> tuple:
    probe = type(mock_random)()
    probe.seed(sandbox.SEED)
    return probe.getstate()


def _take(result) -> _Saved | None:
    """The state moto is in now, or None if something it keeps (a lock) cannot be copied."""
    try:
        backends = list(BackendDict._instances)
        contents = copy.deepcopy([dict(backend) for backend in backends])
        return _Saved(backends, contents, mock_random.getstate(), copy.deepcopy(result))
    except Exception:
        return None


def _worth_keeping(saved: _Saved | None, built_in: float) -> _Saved | None:
    """Keep a saved state only if copying it back is clearly quicker than building it."""
    if saved is None:
        return None
    started = time.perf_counter()
    copy.deepcopy(saved.contents)
    return saved if time.perf_counter() - started < built_in / 2 else None

"""moto made quicker without changing a single answer it gives.

Learners' functions and the graders' checks make hundreds of moto calls per notebook, and most
of each call is moto's own bookkeeping: listing a response class's methods, choosing which
attribute of a model holds each field of the answer, creating key pairs nobody uses. Each patch
here caches or defers work whose result depends only on things that never change in a running
process (classes, botocore's service shapes), so moto returns exactly what it returned before.
``tests/test_moto_speedups.py`` compares answers with and without them.
"""

from __future__ import annotations

import functools


def install() -> None:
    """Apply every speed-up; :func:`grader.sandbox.start` calls it once, before moto starts."""
    _remember_method_names()
    _remember_attribute_names()
    _symmetric_kms_keys_without_key_pairs()


def _remember_method_names() -> None:
    """moto lists a response class's methods by introspection on every request, a sixth of a
    simple call; the classes never change, so list each once."""
    from moto.core import responses

    introspect = responses.method_names_from_class
    responses.method_names_from_class = functools.cache(lambda cls: frozenset(introspect(cls)))


def _remember_attribute_names() -> None:
    """For every field of every answer, moto asks six alias rules which attribute of the model
    may hold it, then tries each of up to 40 response transformers against the field's path:
    a third of a ``describe_subnets``. The aliases depend only on the model's class, the field
    and botocore's shapes, the transformer only on the path, so each is worked out once."""
    from moto.core import serialize
    from moto.core.utils import MISSING, get_value

    picker = serialize.XFormedAttributePicker
    possible_keys = picker.get_possible_keys
    keys_of: dict[tuple, tuple[str, ...]] = {}
    transform_of: dict[tuple[int, str], object] = {}
    alive: dict[int, object] = {}  # what the ids in the keys name, so no id is reused

    def keys(self, context) -> tuple[str, ...]:
        shape = context.shape
        key = (id(self.alias_providers), type(context.obj), context.key, shape,
               getattr(shape, "parent", None))
        found = keys_of.get(key)
        if found is None:
            alive.setdefault(id(self.alias_providers), self.alias_providers)
            found = keys_of[key] = tuple(possible_keys(self, context))
        return found

    def transform_for(transformers: dict, path: str):
        key = (id(transformers), path)
        if key not in transform_of:
            alive.setdefault(id(transformers), transformers)
            transform_of[key] = next((transform for suffix, transform in transformers.items()
                                      if path.endswith(suffix)), None)
        return transform_of[key]

    def pick(self, context):
        obj = context.obj
        for possible_key in keys(self, context):
            value = get_value(obj, possible_key, MISSING)
            if value is not MISSING:
                break
        else:
            value = None
        if self.response_transformers:
            transform = transform_for(self.response_transformers,
                                      f"{context.key_path}.{context.key}")
            if transform is not None:
                value = transform(value)
        return value

    picker.__call__ = pick


def _symmetric_kms_keys_without_key_pairs() -> None:
    """moto makes an RSA key pair for every KMS key, symmetric ones included (0.1-0.5 s each,
    and topics make several); a symmetric key never signs, so make the pair only if asked."""
    from moto.kms import models

    make = models.generate_private_key
    models.generate_private_key = lambda spec: _KeyPairOnFirstUse(make, spec) \
        if spec == "SYMMETRIC_DEFAULT" else make(spec)


class _KeyPairOnFirstUse:
    def __init__(self, make, spec):
        self._make, self._spec, self._pair = make, spec, None

    def __getattr__(self, name):
        if name.startswith("_"):  # copying an unused key must not make its pair
            raise AttributeError(name)
        if self._pair is None:
            self._pair = self._make(self._spec)
        return getattr(self._pair, name)

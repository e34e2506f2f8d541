"""Process start-up settings shared by the CLI and the batch workers it spawns."""

from __future__ import annotations

import json
import sys
import warnings


def quiet_and_quick() -> None:
    """Call before nbformat or nbgrader is imported.

    jsonschema (via nbformat) imports rfc3987_syntax, if installed, to check "iri" formats,
    which no notebook schema uses; it compiles grammars on import, 1.3-2.3 s of every process
    (python-jsonschema/jsonschema#1428). Marking it absent makes jsonschema skip that check.
    nbgrader's own SQLAlchemy and nbformat warnings say nothing a course user can act on.
    """
    sys.modules.setdefault("rfc3987_syntax", None)
    warnings.filterwarnings("ignore", module=r"(nbgrader|nbformat|sqlalchemy)(\.|$)")


def quicker_nbgrader_checks() -> None:
    """nbgrader checks every cell's metadata with ``jsonschema.validate``, which first checks the
    schema itself: for one notebook, the same schema ~90 times, about 0.25 s per pass, twice per
    notebook graded. This gives nbgrader a ``validate`` that checks the schema once and then
    reports errors exactly as ``jsonschema.validate`` does (its best match)."""
    from types import SimpleNamespace

    import jsonschema
    from nbgrader.nbgraderformat import common

    validators: dict[str, jsonschema.protocols.Validator] = {}  # by the schema's text

    def validate(instance, schema) -> None:
        key = json.dumps(schema, sort_keys=True)
        validator = validators.get(key)
        if validator is None:
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validator = validators[key] = cls(schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    common.jsonschema = SimpleNamespace(validate=validate)


def templates_compiled_once() -> None:
    """nbconvert builds a new Jinja environment for every exporter, and nbgrader makes a new
    exporter for every notebook a worker grades, so each feedback page first compiles the same
    ~36 templates again (a fifth of the page's time). A process-wide bytecode cache compiles
    each once; Jinja checks every template's source against its checksum before reusing it."""
    from jinja2 import BytecodeCache
    from nbconvert.exporters.templateexporter import TemplateExporter

    class InMemory(BytecodeCache):
        def __init__(self):
            self.compiled: dict[str, bytes] = {}

        def load_bytecode(self, bucket) -> None:
            if bucket.key in self.compiled:
                bucket.bytecode_from_string(self.compiled[bucket.key])

        def dump_bytecode(self, bucket) -> None:
            self.compiled[bucket.key] = bucket.bytecode_to_string()

    cache, create = InMemory(), TemplateExporter._create_environment

    def create_environment(self):
        environment = create(self)
        environment.bytecode_cache = cache
        return environment

    TemplateExporter._create_environment = create_environment

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

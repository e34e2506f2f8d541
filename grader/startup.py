"""Process start-up settings shared by the CLI and the batch workers it spawns."""

from __future__ import annotations

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

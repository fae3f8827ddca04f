"""Settings every test process inherits.

Daemons load element classes only from the folders their operator allows
(--class-path, $DATABLOX_CLASS_PATH). The tests' own daemons are started by
the tests, which write their Python classes under the temporary folder or
keep them in the repository: those two are allowed. Tests of the refusal
itself start their daemons with an environment of their own."""
import os
import pathlib
import tempfile

REPO = pathlib.Path(__file__).resolve().parent.parent

os.environ.setdefault("DATABLOX_CLASS_PATH", os.pathsep.join([tempfile.gettempdir(), str(REPO)]))

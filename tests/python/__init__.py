# A package, so that this folder's conftest.py is imported as
# `python.conftest` and never replaces tests/e2e's `conftest` module, which
# the end-to-end tests import by that bare name.

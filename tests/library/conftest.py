"""Fixtures shared by the library tests."""

from tests.library.backends import fresh_backend  # noqa: F401  (a fixture)

"""TEMPORARY SHIM while the core is rewritten."""
from .rules import RulePackError, CATEGORIES  # noqa: F401

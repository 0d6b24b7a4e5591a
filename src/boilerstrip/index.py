"""TEMPORARY SHIM while the core is rewritten: compile_rules(selection) -> CompiledRules."""
from __future__ import annotations
from functools import lru_cache
from .options import RuleSelection
from .rules import load_rules, RuleSet as CompiledRules


@lru_cache(maxsize=32)
def compile_rules(selection: RuleSelection = RuleSelection()) -> CompiledRules:
    return load_rules(selection.select + selection.extend if selection.select else (), selection.ignore, selection.languages, selection.packs)

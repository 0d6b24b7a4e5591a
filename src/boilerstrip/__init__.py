"""boilerstrip: delete the boilerplate that extractors leave inside scraped article text.

>>> from boilerstrip import clean
>>> clean("Article text.\\n© Lea Dohle\\n").text
'Article text.\\n'
"""

from .engine import clean
from .index import CompiledRules, compile_rules
from .model import Removal, Result, Rule
from .options import RuleSelection
from .packs import RulePackError

__version__ = "0.1.0"

__all__ = [
    "CompiledRules",
    "Removal",
    "Result",
    "Rule",
    "RulePackError",
    "RuleSelection",
    "__version__",
    "clean",
    "compile_rules",
]

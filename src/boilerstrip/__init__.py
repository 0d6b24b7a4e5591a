"""boilerstrip: delete the boilerplate that extractors leave inside scraped article text.

>>> from boilerstrip import clean
>>> clean("Article text.\\n© Lea Dohle\\n").text
'Article text.\\n'
"""

from .engine import Removal, Result, clean
from .rules import Rule, RulePackError, RuleSet, load_rules

__version__ = "0.1.0"

__all__ = ["Removal", "Result", "Rule", "RulePackError", "RuleSet", "__version__", "clean", "load_rules"]

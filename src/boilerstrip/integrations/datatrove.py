"""boilerstrip as a datatrove step (``pip install boilerstrip[datatrove]``), so corpora beyond one
machine are cleaned on datatrove's executors rather than a home-made cluster."""

from __future__ import annotations

from collections import Counter

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.formatters.base import BaseFormatter
from datatrove.utils.typeshelper import StatHints

from ..engine import clean
from ..index import compile_rules
from ..options import RuleSelection
from ..packs import EVERY_RULE

METADATA_KEY = "boilerstrip"


class BoilerstripFormatter(BaseFormatter):
    """Cleans ``doc.text``; per-category removal counts go to ``doc.metadata["boilerstrip"]`` and the
    step's stats. Never drops a document: an emptied one is for ``DropEmptyDocuments`` to judge."""

    name = "🧹 boilerstrip"

    def __init__(self, selection: RuleSelection = EVERY_RULE):
        super().__init__()
        self.selection = selection
        self._rules = None

    @property
    def rules(self):
        """Compiled on first use in the worker: pickled steps travel without compiled regexes."""
        if self._rules is None:
            self._rules = compile_rules(self.selection)
        return self._rules

    def format(self, text: str) -> str:
        return clean(text, self.rules).text

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for doc in data:
            self.stat_update(StatHints.total)
            with self.track_time():
                result = clean(doc.text, self.rules)
                removed = Counter(removal.rule.split(".", 1)[0] for removal in result.removals)
                doc.text = result.text
                doc.metadata[METADATA_KEY] = dict(sorted(removed.items()))
            for category, count in removed.items():
                self.stat_update(f"removed_{category}", value=count)
            self.stat_update("cleaned" if removed else "unchanged")
            yield doc

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_rules"] = None
        return state


class DropEmptyDocuments(BaseFilter):
    """Drops documents that cleaning left without a word."""

    name = "🧹 drop empty"

    def filter(self, doc) -> bool:
        return bool(doc.text.strip())

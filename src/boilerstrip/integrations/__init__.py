"""Steps for other tools' pipelines; each module imports its tool, so none is needed to import boilerstrip."""

"""Keys shared by the pipeline and its components (kept apart to avoid an import cycle)."""

CONTEXT = "clausegraph.document"
RESULTS = "clausegraph.results"

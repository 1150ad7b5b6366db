"""Package data, not code: the clausegraph ontology, its alignment, SHACL shapes and named queries.

Installed as ``clausegraph.ontology`` (see pyproject.toml) so that a non-editable install finds
these files; ``clausegraph.store.ontology_dir()`` locates them.
"""

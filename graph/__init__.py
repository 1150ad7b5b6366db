"""clausegraph: contracts as a knowledge graph people can trust.

The package reads as its pipeline: ``load`` → ``clean`` → ``segment`` → ``tagging`` →
``resolve`` → ``rdf``/``store`` → query commands, ``lint``, ``render``, ``serve``.
"""

__version__ = "0.1.0"

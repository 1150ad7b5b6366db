"""One small hierarchy, so that every failure reaches the user as one clear line."""


class ClauseGraphError(Exception):
    """Base class: the message is what the user sees, after the program name."""

    exit_code = 1


class InputError(ClauseGraphError):
    """A document that cannot be read as text: empty, binary, undecodable, too large."""

    exit_code = 2


class SegmentationError(ClauseGraphError):
    """Text that was read but could not be cut into clauses."""

    exit_code = 2


class OutputError(ClauseGraphError):
    """The outputs cannot be written (a read-only or full disk, a folder without permission);
    the previous outputs are kept."""

    exit_code = 5


class StoreError(ClauseGraphError):
    """Nothing built yet, or the built outputs are unreadable."""

    exit_code = 3


class QueryError(ClauseGraphError):
    """A query that cannot run: unknown name, bad binding, malformed SPARQL, unknown document."""

    exit_code = 4

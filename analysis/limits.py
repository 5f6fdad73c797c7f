"""The limits on what the package takes from others: the size of a project file, the time of a pattern.

A file or a pattern from someone else must not be able to exhaust the machine.  Each number here is
documented in docs/safety.md and can be raised by the caller for input they trust (the command-line option
is named beside each).  This module imports nothing, so the command line can show the defaults cheaply.
"""

# ------------------------------------------------------------------------------------------------ import-qdpx
#: At most this many entries in a ``.qdpx`` (counted from the zip's end record, before its directory is
#: read; ``--max-members``).
MAX_MEMBERS = 10_000
#: At most this many bytes in the zip's central directory (a directory takes about 100 bytes per entry).
MAX_DIRECTORY_BYTES = 32 * 2**20
#: At most this many uncompressed bytes in one member that is read (``project.qde``, a text source), and in a
#: bare ``.qde`` file (``--max-member-mb``).
MAX_MEMBER_BYTES = 256 * 2**20
#: At most this many uncompressed bytes in all the members an import reads, together (``--max-total-mb``).
MAX_TOTAL_BYTES = 1024 * 2**20
#: At most this ratio of uncompressed to compressed size, for a member of more than :data:`RATIO_FLOOR` bytes
#: (``--max-ratio``).
MAX_RATIO = 100.0
#: Members up to this size are not held to :data:`MAX_RATIO` (a small file of blanks compresses very well).
RATIO_FLOOR = 2**20
#: At most this depth of nested XML elements (the code tree is the deepest part of a project).
MAX_DEPTH = 256

# ------------------------------------------------------------------------------------------------ patterns
#: CPU seconds one ``kwic`` search may take on one plan's text (``kwic --timeout``).
KWIC_TIMEOUT = 2.0
#: CPU seconds one pattern of a researcher's codebook may take on one name or clause.
CODEBOOK_TIMEOUT = 1.0

__all__ = ["MAX_MEMBERS", "MAX_DIRECTORY_BYTES", "MAX_MEMBER_BYTES", "MAX_TOTAL_BYTES", "MAX_RATIO", "RATIO_FLOOR",
           "MAX_DEPTH", "KWIC_TIMEOUT", "CODEBOOK_TIMEOUT"]

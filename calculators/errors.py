"""The dataset's one error: ``DataError``, a data file that breaks the schema.

It lives alone, at the bottom of the package, so that the command line can catch it without loading pandas
(``calculators.data`` raises it and re-exports it).
"""


class DataError(ValueError):
    """A data file breaks the schema. The message names the file, the row and the column."""

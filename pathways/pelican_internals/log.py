"""Messages Pelican logs that the build reads: the error for a source it could not read,
logged by `LOGGER` with the source's path as its one argument."""

LOGGER = "pelican.generators"
SKIPPED_FILE = "Could not process %s"

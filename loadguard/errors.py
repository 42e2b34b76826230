"""The one exception type the CLI turns into a single line on stderr."""

# Exit code 1 belongs to `check --fail-on` and 2 to click's usage errors, so any
# other failure uses its own code and cron can tell "warnings found" from "broken".
EXIT_FAILURE = 3
# A bad value the runner gave (as click's own usage errors exit).
EXIT_USAGE = 2


class LoadguardError(Exception):
    """A failure the user can act on; its message is shown as one line, no traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE):
        super().__init__(message)
        self.exit_code = exit_code
# Stopped by Ctrl-C (SIGINT), as shells report it: 128 + 2.
EXIT_INTERRUPTED = 130

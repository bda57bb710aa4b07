"""User-facing errors: one actionable line on stderr and a chosen exit code, never a traceback."""
from __future__ import annotations


class UserError(Exception):
    """Bad input or an unusable environment. ``exit_code`` 2 by default (misuse)."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


class RunFailed(UserError):
    """A run that finished but must not be trusted (e.g. too many errored samples): exit 3."""

    def __init__(self, message: str):
        super().__init__(message, exit_code=3)


class Terminated(SystemExit):
    """Raised by the SIGTERM handler: unwinds like Ctrl-C (``finally`` blocks run, a run stays resumable);
    the process exits with 128 + the signal number."""

    def __init__(self, signum: int):
        super().__init__(128 + signum)
        self.signum = signum

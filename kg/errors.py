"""Errors a user can cause and fix; the CLI prints them as one line, without a traceback."""

from __future__ import annotations


class UserError(Exception):
    """A mistake in the command, its arguments or its input files.

    `exit_code` follows the shell convention: 2 for usage, 1 for everything else.
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code

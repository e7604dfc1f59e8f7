"""Errors a user can cause and fix; the CLI prints them as one line, without a traceback."""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """A mistake in the command, its arguments or its input files.

    `exit_code` follows the shell convention: 2 for usage, 1 for everything else.
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class PaperError(Exception):
    """A file that cannot be read as a working paper; the message names file and line."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else str(self.path)
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple:
        """Pickle as built (subclasses take other arguments), so a build job can hand the error back."""
        return _restore_error, (type(self), self.args, self.__dict__)


def _restore_error(cls: type[Exception], args: tuple, state: dict) -> Exception:
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(state)
    return exc

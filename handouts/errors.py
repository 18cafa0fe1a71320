"""Errors of our own, so the command line can print one clear line instead of a traceback.

They are rooted in ``click.ClickException`` (as MkDocs does): Click prints ``format_message()``
and exits with ``exit_code``, and Python callers can catch ``HandoutsError`` without Click.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as precisely as we can."""

    path: Path | str | None
    line: int | None
    message: str

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return where + self.message


class HandoutsError(click.ClickException):
    """A problem the user can fix: bad input, unknown names, text that does not fit."""

    exit_code = 1

    def __init__(self, message: str, *, path=None, line: int | None = None, hint: str | None = None):
        self.problem = Problem(path, line, message)
        self.hint = hint
        super().__init__(self.format_message())

    def format_message(self) -> str:
        text = str(self.problem)
        return f"{text} ({self.hint})" if self.hint else text



class ContentError(HandoutsError):
    """A content module, layout or clinic profile is malformed."""


class MarkupError(ContentError):
    """Markdown in content uses something outside the whitelist (raw HTML, images, bad links)."""


class UnknownNameError(HandoutsError):
    """A module, layout, locale or paper that does not exist was asked for."""


class UsageProblem(HandoutsError):
    """A name or value typed on the command line that does not exist (a module, a paper, a
    shard): a usage error, so exit 2, in one line like the others."""

    exit_code = 2


class FontError(HandoutsError):
    """A font file is missing or cannot draw the text."""


class FitError(HandoutsError):
    """Text is too long for the space a layout gives it; we never clip silently."""


class ValidationFailed(HandoutsError):
    """Several problems found at once, reported together (``handouts check``)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        summary = f"{count} problem{'s' if count != 1 else ''} found"
        super().__init__(summary)

    def format_message(self) -> str:
        """The first problem, on one line, and how many more there are: ``handouts check`` lists
        them all, one a line (it reads ``problems``)."""
        first = str(self.problems[0])
        more = len(self.problems) - 1
        return first if not more else f"{first} (and {more} more problem{'s' if more != 1 else ''}: " \
                                      "'handouts check' lists them all)"


class InternalError(click.ClickException):
    """Something went wrong that no input should cause: a bug in handouts, said as one, with what
    to report, instead of a traceback (``HANDOUTS_DEBUG=1`` shows the traceback)."""

    exit_code = 3

    def __init__(self, error: BaseException, version: str):
        where = ""
        frames = getattr(error, "__traceback__", None)
        while frames is not None and frames.tb_next is not None:
            frames = frames.tb_next
        if frames is not None:
            where = f" at {Path(frames.tb_frame.f_code.co_filename).name}:{frames.tb_lineno}"
        super().__init__(f"internal error in handouts {version} ({type(error).__name__}{where}: "
                         f"{str(error)[:200]}). This is a bug, not a problem with your files: please report it "
                         "to the handouts maintainers with the command you ran (HANDOUTS_DEBUG=1 shows the details).")

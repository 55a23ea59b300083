"""One exception tree for the whole pipeline.

    PipelineError                 anything the CLI turns into one stderr line and exit 2
    ├── UsageError                bad arguments or options
    ├── ConfigError               a settings or lexicon file that cannot be read or is invalid
    ├── ArticleError              the article cannot be read or parsed      (carries location)
    │   └── ArticleFetchError     a published article URL could not be fetched
    ├── ArchiveError              a WARC archive is missing, unreadable or lacks a record
    ├── StoreError                the run database cannot be opened or migrated
    └── InputLineError            one line of a batch verb is malformed (the verb reports it
                                  on that line and goes on; never ends the run)

A failing *source* is not an exception: it becomes a FetchFailure record and a flag, because
one dead link must never stop the check of the other claims.
"""

from __future__ import annotations


class PipelineError(Exception):
    """Base of every error the pipeline raises on purpose.

    `str(error)` is the one line shown to the user: what went wrong and, where it helps,
    what to do next.
    """


class UsageError(PipelineError):
    """The command line asks for something that cannot be done."""


class ConfigError(PipelineError):
    """A settings or lexicon file is missing, unreadable or has a wrong value."""

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


class ArticleError(PipelineError):
    """The article cannot be read or parsed."""

    def __init__(self, message: str, *, location: str = "") -> None:
        super().__init__(f"{location}: {message}" if location else message)
        self.location = location


class ArticleFetchError(ArticleError):
    """A published article given by URL could not be fetched."""


class ArchiveError(PipelineError):
    """A WARC archive is missing, unreadable, or holds no record for a URL."""

    def __init__(self, message: str, *, path: str = "", url: str = "") -> None:
        where = " ".join(part for part in (path, url) if part)
        super().__init__(f"{where}: {message}" if where else message)
        self.path = path
        self.url = url


class StoreError(PipelineError):
    """The run database cannot be opened, migrated or written."""


class InputLineError(PipelineError):
    """One line of a batch verb's input is malformed."""

    def __init__(self, message: str, *, line_id: object = None) -> None:
        super().__init__(message)
        self.line_id = line_id

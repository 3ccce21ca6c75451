"""The project's errors: one family, so every command ends the same way, with one line for the administrator
(what went wrong, with which resource, and the fix) and the exit code the README documents.

    MyMeInError                      exit 1 unless said
    ├── ConfigurationError           exit 2: config.yaml or a file it names (ConfigError, templates)
    ├── CredentialsError             a key or token Google refused; `mymein auth` and friends (AuthError)
    ├── GoogleError                  a Google call failed, naming the resource (GoogleApiError)
    ├── LayoutError                  a sheet lacks the columns or the tab it needs (review, form, Pengaduan)
    ├── StateError                   state_dir, the ledger, locks (RebuildRefused, DaemonRunning)
    └── StopCycle                    a mistake the pipeline will not guess about (TabConflict, LedgerConflict)

Pure: no I/O here; each layer raises its own subclass.
"""

from __future__ import annotations


class MyMeInError(Exception):
    """One line for the administrator, in English: what, which resource, the fix."""

    exit_code = 1

    def text(self) -> str:
        """The line, as a `core.message.Text` when it was built from one (the CLI shows it translated); `str()`
        of it is what `str(exc)` gives."""
        first = self.args[0] if len(self.args) == 1 else None
        return first if isinstance(first, str) and first == str(self) else str(self)


class ConfigurationError(MyMeInError):
    exit_code = 2


class CredentialsError(MyMeInError):
    """A service-account key or an owner's token that Google refused or that cannot be used."""


class GoogleError(MyMeInError):
    """A Google call failed."""


class LayoutError(MyMeInError):
    """A sheet lacks a column or a tab the pipeline needs."""


class StateError(MyMeInError):
    """The pipeline's own state (state_dir, the ledger, a lock) cannot be used as it is."""


class StopCycle(MyMeInError):
    """Stop here, with one line for the administrator (English) naming the command or the fix."""

"""The `mymein` command (`pipeline.cli:main`): thin commands that load settings, build the app, call one
function, map errors to exit codes.

`base` holds the group, its global options and how every command ends; each other module holds the commands of
one theme and registers them on the group when imported, which this package does for all of them.
"""

from . import cycle, deploy, notices, outputs, records, sandbox, social
from .base import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, CliState, ConfigProblem, JsonLines, main

__all__ = [
    "EXIT_CONFIG",
    "EXIT_FAILED",
    "EXIT_OK",
    "CliState",
    "ConfigProblem",
    "JsonLines",
    "cycle",
    "deploy",
    "main",
    "notices",
    "outputs",
    "records",
    "sandbox",
    "social",
]

"""A command's start-up, as the interpreter's cyclic garbage collector sees it.

A command that judges the history imports pandas, numpy and the engine first:
hundreds of thousands of objects that live until the process ends. Left in the
collector's generations, every full collection during the work that follows walks
all of them again, for nothing (about 90M instructions of a check's 1,580M, measured
with callgrind on the benchmark's 10-year store). `settled()` moves what exists once
the imports are done out of the collector's sight (`gc.freeze`); collections go on as
before for everything made after.

Only for a process that is one command (`loadguard.cli.main`): a process that runs
many (the tests, a program calling the CLI in-process) keeps its collector as it is,
since frozen objects are never collected, garbage among them included.
"""

from __future__ import annotations

import gc

_one_command = False


def one_command() -> None:
    """This process runs one command and ends (called by the console entry point)."""
    global _one_command
    _one_command = True


def settled() -> None:
    """The command's modules are loaded: leave what exists now to the end of the process."""
    if _one_command:
        gc.freeze()

"""One cycle of the pipeline, stage by stage: read the tabs (`read`), settle what a crash cut short
(`reconcile`), survey the review tab against the ledger (`survey`), adopt what a lost ledger lacks (`recovery`),
ingest new responses (`ingest`), lay out the rows to append (`rows`), decide and act on each row (`act`), and
write back (`write_back`). `run.run_cycle` runs them in order; `outcome` holds what a cycle reports."""

from .outcome import CycleReport, Outcome
from .run import run_cycle

__all__ = ["CycleReport", "Outcome", "run_cycle"]

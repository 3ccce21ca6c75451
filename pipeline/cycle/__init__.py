"""One cycle of the pipeline, stage by stage: read the tabs, survey them against the ledger, recover what a lost
ledger lacks, ingest new responses, decide and act on each row, write back. `run_cycle` runs them in order."""

from .stages import CycleReport, Outcome, run_cycle

__all__ = ["CycleReport", "Outcome", "run_cycle"]

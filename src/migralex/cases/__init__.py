"""Cases: the case format (docs/case-format.md), columnar batches, file reading, synthetic populations."""

from migralex.cases.batch import CaseBatch, as_batch
from migralex.cases.format import Case, parse_case
from migralex.cases.io import ReadResult, Rejected, read_cases

__all__ = ["Case", "CaseBatch", "ReadResult", "Rejected", "as_batch", "parse_case", "read_cases"]

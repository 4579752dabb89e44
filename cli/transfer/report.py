"""An import report as an operator reads it: what happened in a sentence, the counts, and
the rejected rows by line and field (the first few; the rest counted)."""

from cli.columns import columns
from stepwise_client import ImportReport

#: rejected rows printed; the server's report holds up to 1,000 and counts the rest
SHOWN = 50


def outcome(report: ImportReport) -> str:
    """One sentence: was anything written?"""
    if any(e.field == "file" for e in report.errors):
        return "Nothing imported: the file itself cannot be read (see below)."
    if report.mode == "validate":
        verdict = "every row is valid" if report.clean else f"{report.rejected} row(s) rejected"
        return f"Validated {report.rows} row(s): {verdict}; nothing was written."
    if report.committed and report.clean:
        return f"Imported {report.rows} row(s)."
    if report.committed:
        return (
            f"Imported the good rows; {report.rejected} of {report.rows} row(s) rejected "
            "and not written."
        )
    return (
        f"Nothing imported: {report.rejected} of {report.rows} row(s) rejected. Fix them and "
        "send the file again, or use --no-atomic to write the good rows."
    )


def summary(report: ImportReport) -> list[str]:
    counts = report.counts
    would = "would be " if report.mode == "validate" else ""
    lines = [outcome(report)]
    lines.append(
        f"  {would}inserted {counts.inserted}, {would}updated {counts.updated}, "
        f"unchanged {counts.unchanged}, rejected {report.rejected}"
    )
    if report.replayed:
        lines.append(
            "  (a repeat: the server's answer to the first import with this Idempotency-Key; "
            "nothing was written again)"
        )
    lines.append(f"  Idempotency-Key: {report.idempotency_key}")
    return lines


def rejections(report: ImportReport) -> list[str]:
    """The rejected rows as a table, and how many more there are."""
    if not report.errors:
        return []
    shown = report.errors[:SHOWN]
    table = columns(["line", "field", "reason"], [[str(e.line), e.field, e.reason] for e in shown])
    lines = ["", "Rejected rows:", table]
    hidden = report.rejected - len(shown)
    if hidden > 0:
        lines.append(f"... and {hidden} more rejected row(s) not shown")
    return lines

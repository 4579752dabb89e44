"""The log filters of api/log_privacy.py on their own: what an access log line and an error
description keep, and what they drop."""

import logging

from api.log_privacy import AccessLogRedaction, SqlRowsDropped, described


def _access(target: str) -> logging.LogRecord:
    args = ("127.0.0.1:5000", "GET", target, "1.1", 200)
    return logging.LogRecord("uvicorn.access", 20, "h11", 1, '%s - "%s %s HTTP/%s" %d', args, None)


def test_an_access_line_keeps_route_words_and_ids_only() -> None:
    redaction = AccessLogRedaction(lambda: ["/api/v1/pupils/{pupil_id}/subject-access"])
    pupil = "01a20b1f-6121-7da2-8f87-55ba5af2d833"
    for target, shown in (
        (f"/api/v1/pupils/{pupil}/subject-access?x=1", f"/api/v1/pupils/{pupil}/subject-access"),
        ("/api/v1/pupils?upn=A123456789012&search=Xanthippe", "/api/v1/pupils"),
        ("/api/v1/pupils/Xanthippe%20Vondracekova", "/api/v1/pupils/*"),
    ):
        record = _access(target)
        assert redaction.filter(record)
        assert record.getMessage() == f'127.0.0.1:5000 - "GET {shown} HTTP/1.1" 200'


def test_sql_rows_are_dropped_and_statements_kept() -> None:
    rows = SqlRowsDropped()
    row = logging.LogRecord("sqlalchemy.engine.Engine", 10, "x", 1, "Row %r", (("Xan",),), None)
    statement = logging.LogRecord("sqlalchemy.engine.Engine", 20, "x", 1, "SELECT 1", (), None)
    assert not rows.filter(row)
    assert rows.filter(statement)


def test_an_error_is_described_by_type_and_frames_not_by_its_message() -> None:
    def parse() -> None:
        raise ValueError("invalid UPN 'A123456789012' for Xanthippe")

    try:
        try:
            parse()
        except ValueError as error:
            raise RuntimeError("while importing Xanthippe") from error
    except RuntimeError as error:
        text = described(error)
    assert text.startswith("RuntimeError <- ValueError")
    assert "in test_an_error_is_described_by_type_and_frames_not_by_its_message" in text
    assert "Xanthippe" not in text
    assert "A123456789012" not in text

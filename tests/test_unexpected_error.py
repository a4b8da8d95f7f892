"""An unexpected error shows a reference, never a traceback; the log has both."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from experiments.store import Store
from tests.apptest import app


def test_a_page_that_fails_shows_a_reference_and_logs_the_traceback(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(self: Store) -> None:
        raise RuntimeError("boom in /srv/secret/path.py")

    monkeypatch.setattr(Store, "campaigns", broken)
    with caplog.at_level(logging.ERROR, logger="launch_and_learn"):
        at = app("views/campaigns.py")
    assert not at.exception
    [error] = [e.value for e in at.error]
    found = re.fullmatch(
        r"Something went wrong, and nothing was saved\. Please try again; if it happens again, "
        r"tell your admin the reference ([0-9a-f]{8}) \(it is in the server log\)\.",
        error,
    )
    assert found is not None, error
    assert "boom" not in str(at)
    [record] = [r for r in caplog.records if found.group(1) in r.getMessage()]
    assert record.exc_info is not None and "boom" in str(record.exc_info[1])

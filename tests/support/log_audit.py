"""Issue 10, item 6; principle 7 of the architecture (no plaintext personal data in logs):
the logs of a full test run hold no national register number, IBAN, e-mail address or phone
number in clear.

A pytest plugin (tests/conftest.py loads it). It keeps every log line of each phase of each
test (setup, call, teardown) and fails that phase when `shared.masking.mask` would still
change one of them. Per phase, not once at the end of the session: under xdist a worker sees
only its own tests. The lines kept are

* structlog's: tests run services in-process (tests/support/services.py), where nothing calls
  `configure_logging`, so this plugin sets structlog up with the same processors, writing to
  stderr as a service does, and keeps each line it writes;
* the standard library's: a root handler masks each record as a service's root handler does
  (`shared.logging.MaskPersonalData`, ahead of pytest's own handlers) and keeps the line;
* those the processes a test starts write to stderr, where services log, as pytest captured
  it (e2e: tests/support/processes.py), and to the log files `mutualis run` keeps for its
  services under its data folder (e2e: tests/e2e/test_system*.py), in this session's
  temporary folders.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
import structlog

from shared.logging import MaskPersonalData, processors
from shared.masking import mask

_kept: list[str] = []
_temp_folders: list[Path] = []
_read_up_to: dict[Path, int] = {}


class _KeepingPrintLogger(structlog.PrintLogger):
    def msg(self, message: str) -> None:
        _kept.append(message)
        super().msg(message)

    log = debug = info = warn = warning = msg
    fatal = failure = err = error = critical = exception = msg


class _KeepingHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.addFilter(MaskPersonalData())
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        _kept.append(self.format(record))


def pytest_configure(config: pytest.Config) -> None:
    structlog.configure(
        processors=processors(),
        # sys.stderr looked up for each logger: a test's capsys sees the lines, as before.
        logger_factory=lambda *_args: _KeepingPrintLogger(sys.stderr),
        cache_logger_on_first_use=False,
    )
    root = logging.getLogger()
    root.addHandler(_KeepingHandler())
    # Services log at INFO unless told otherwise (shared.settings): see what they would write.
    if root.level > logging.INFO:
        root.setLevel(logging.INFO)


@pytest.fixture(scope="session", autouse=True)
def _log_audit_temp_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    _temp_folders.append(tmp_path_factory.getbasetemp())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    report = yield
    leaks = _leaks([*_kept, *_captured_stderr(report), *_new_service_log_lines()])
    _kept.clear()
    if leaks:
        _fail(report, leaks)
    return report


def _captured_stderr(report: pytest.TestReport) -> list[str]:
    title = f"Captured stderr {report.when}"
    return [line for name, text in report.sections if name == title for line in text.splitlines()]


def _new_service_log_lines() -> list[str]:
    """What `mutualis run`'s services wrote to <data folder>/logs/<service>.log since the last
    look, up to the last full line."""
    lines = []
    for folder in _temp_folders:
        for path in [*folder.glob("*/logs/*.log"), *folder.glob("*/*/logs/*.log")]:
            with path.open("rb") as log:
                log.seek(_read_up_to.get(path, 0))
                written = log.read()
            written = written[: written.rfind(b"\n") + 1]
            _read_up_to[path] = _read_up_to.get(path, 0) + len(written)
            lines += written.decode(errors="replace").splitlines()
    return lines


def _leaks(lines: list[str]) -> list[str]:
    return [line for line in dict.fromkeys(lines) if mask(line) != line]


def _fail(report: pytest.TestReport, leaks: list[str]) -> None:
    shown = "\n".join(line if len(line) <= 2000 else line[:2000] + "…" for line in leaks)
    text = f"personal data in clear in {len(leaks)} log line(s) (principle 7):\n{shown}"
    if report.failed:
        report.sections.append(("personal data in logs", text))
    else:
        report.outcome, report.longrepr = "failed", text

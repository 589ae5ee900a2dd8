"""Issue 8, finding 11: the staff tool as a person types it. Plain mistakes get a one-line
reason (what exists instead), never a traceback; time never moves backwards; `--help` says
which services, commands and fields there are; a dead session says how to log in again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


@pytest.fixture
def env(tmp_path) -> dict:
    return {
        **os.environ,
        "MUTUALIS_DATA_DIR": str(tmp_path / "data"),
        "MUTUALIS_SESSION_FILE": str(tmp_path / "session.json"),
    }


def mutualis(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BIN / "mutualis", *args], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    "args, says",
    [
        (
            ["staff", "send", "complaint", "RegisterComplaint", "{}"],
            "no service 'complaint'; one of: identity, dossier, payments, einvoicing, complaints",
        ),
        (
            ["staff", "send", "complaints", "RegisterComplain", "{}"],
            "complaints takes no 'RegisterComplain'; it takes: AcknowledgeComplaint",
        ),
        (["staff", "send", "complaints", "RegisterComplaint", "[]"], "a JSON object"),
        (["staff", "send", "complaints", "RegisterComplaint", "{nope"], "not JSON"),
        (["projections", "rebuild", "complaints", "nosuch"], "its projections: complaints"),
        (["projections", "rebuild", "complaint", "complaints"], "no service 'complaint'"),
        (["clock", "advance", "--", "-25"], "-25.0 is not in the range x>0"),
        (["staff", "whoami"], "run: mutualis staff login LOGIN"),
        (["staff", "send", "complaints", "AcknowledgeComplaint", "{}"], "run: mutualis staff"),
    ],
)
def test_issue8_11_a_plain_mistake_gets_its_reason_and_no_traceback(env, args, says):
    answered = mutualis(*args, env=env)
    assert answered.returncode != 0
    assert says in answered.stderr, answered.stderr
    assert "Traceback" not in answered.stderr


def test_issue8_11_help_lists_services_commands_and_their_fields(env):
    top = mutualis("--help", env=env)
    send = mutualis("staff", "send", "--help", env=env)

    assert "identity, dossier, payments, einvoicing, complaints" in top.stdout
    assert "RegisterComplaint {complainant_name," in send.stdout
    assert "EnrolMember {booklet_id, holder}  (admin/member_services)" in send.stdout
    assert "BlockAccess {account_id, reason}" in send.stdout


def test_issue8_11_the_clock_moves_forward_and_says_where_it_is(env):
    assert "0:00:00 ahead" in mutualis("clock", "show", env=env).stdout
    moved = mutualis("clock", "advance", "1.5", env=env)
    assert moved.returncode == 0 and "1 day, 12:00:00 ahead" in moved.stdout
    assert "1 day, 12:00:00 ahead" in mutualis("clock", "show", env=env).stdout

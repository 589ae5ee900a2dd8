"""Issue 11 through the whole system as `make run` starts it, on a system of its own (its
clock moves): the README's walk-through of the money."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.e2e.test_system import (  # noqa: F401 (system: the fixture)
    PASSWORD,
    _bearer,
    _demo_person,
    _eventually,
    _log_in,
    _register,
    mutualis,
    system,
)

# Every module that starts the whole system runs on one worker, one module after the other
# (make test: --dist loadgroup): one system at a time on the machine, started once per module.
pytestmark = pytest.mark.xdist_group("whole-system")


def test_pay1_pay2_dos6_the_readme_money_walk_through(system, tmp_path):  # noqa: F811
    """Issue 11, "done means": a newcomer seeds the demo, imports the sample certificate file,
    moves the clock past the payment run, and sees the payments, a receipt PDF and the
    household's MAF status through the API."""
    ports, env = system
    assert mutualis("demo", "seed", env=env, timeout=180).returncode in (0, 1)
    els = _demo_person(env, "demo-peeters", "Els")
    identity, payments = (f"http://127.0.0.1:{ports[s]}" for s in ("identity", "payments"))
    _eventually(lambda: _register(ports, els), lambda r: r.status_code in (201, 409))

    sample = tmp_path / "certificates.csv"
    assert mutualis("demo", "certificates", str(sample), env=env).returncode == 0
    imported = mutualis("payments", "import", str(sample), "--json", env=env, timeout=180)
    assert imported.returncode == 1, imported.stderr  # one line is for nobody the fund knows
    report = json.loads(imported.stdout)
    refused = {r["line"]: r["reason"] for r in report["refused"]}
    assert list(refused) == [10] and "no member" in refused[10], refused
    assert (report["lines"], report["reimbursed"]) == (9, 8)
    again = json.loads(mutualis("payments", "import", str(sample), "--json", env=env).stdout)
    assert (again["reimbursed"], again["already_recorded"]) == (0, 8)

    assert mutualis("clock", "advance", "1", env=env).returncode == 0
    token = _log_in(identity, els, PASSWORD).json()["access_token"]
    history = _eventually(
        lambda: httpx.get(f"{payments}/history", headers=_bearer(token), timeout=10),
        lambda r: r.status_code == 200 and any(x["status"] == "paid" for x in r.json()["lines"]),
        timeout=60,
    ).json()
    paid = [line for line in history["lines"] if line["status"] == "paid"]
    receipt = httpx.get(
        f"{payments}/payments/{paid[0]['payment_id']}/receipt", headers=_bearer(token), timeout=10
    )
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    maf = httpx.get(
        f"{payments}/persons/{paid[0]['person_id']}/maf", headers=_bearer(token), timeout=10
    )
    assert maf.status_code == 200 and maf.json()["counted"] != "0.00"

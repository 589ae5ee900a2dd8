"""Issue 10 item 2: who may read which categories of another service's personal data is data
(shared/privacy/sharing.yaml), and a shared key opens only for an entitled service, for the
owner, subject and category it was shared for."""

from __future__ import annotations

import os

import pytest

from shared.keys import CannotUnwrap
from shared.privacy.sharing import (
    SharingKeys,
    init_sharing_keys,
    readable_by,
    shared_categories,
    sharing_key_file,
)

KEY = os.urandom(32)


@pytest.fixture
def folder(tmp_path):
    init_sharing_keys(tmp_path)
    return tmp_path


def test_principle7_identity_reads_the_dossiers_identification_and_contact_data_only():
    assert readable_by("identity") == {("dossier", "identification"), ("dossier", "contact")}
    assert readable_by("monitoring") == frozenset()


def test_principle7_dos4_dos5_payments_reads_who_the_dossiers_persons_are_their_account_and_care():
    assert readable_by("payments") == {
        ("dossier", "identification"),
        ("dossier", "financial"),
        ("dossier", "health"),
    }
    assert ("dossier", "contact") not in readable_by("payments")
    assert not {("dossier", "financial"), ("dossier", "health")} & readable_by("identity")


def test_dos12_only_the_dossier_reads_the_parts_of_a_copy_the_other_services_make():
    assert readable_by("dossier") == {
        ("identity", "export"),
        ("complaints", "export"),
        ("payments", "export"),
        ("einvoicing", "export"),
    }
    assert shared_categories("identity") == shared_categories("complaints") == {"export"}
    assert shared_categories("payments") == shared_categories("einvoicing") == {"export"}
    assert ("identity", "export") not in readable_by("complaints")
    assert ("payments", "export") not in readable_by("identity")


def test_principle7_sharing_keys_are_their_owners_alone_and_never_overwritten(folder):
    path = sharing_key_file(folder, "dossier", "contact")
    before = path.read_text()

    init_sharing_keys(folder)

    assert path.read_text() == before
    assert path.stat().st_mode & 0o777 == 0o600


def test_principle7_a_shared_key_opens_for_an_entitled_reader(folder):
    shared = SharingKeys.load("dossier", folder).share("p-1", "contact", KEY)

    assert SharingKeys.load("identity", folder).unwrap(shared) == KEY
    assert KEY.hex() not in shared.model_dump_json() and shared.wrapped


@pytest.mark.parametrize("category", ["identification", "financial", "health"])
def test_dos4_dos5_payments_opens_the_dossiers_keys_it_reads_and_identity_not_the_care_ones(
    folder, category
):
    shared = SharingKeys.load("dossier", folder).share("p-1", category, KEY)

    assert SharingKeys.load("payments", folder).unwrap(shared) == KEY
    if category != "identification":
        with pytest.raises(KeyError):
            SharingKeys.load("identity", folder).unwrap(shared)


def test_principle7_a_service_not_entitled_cannot_open_a_shared_key(folder):
    shared = SharingKeys.load("dossier", folder).share("p-1", "contact", KEY)

    with pytest.raises(KeyError):
        SharingKeys.load("monitoring", folder).unwrap(shared)


def test_principle7_a_shared_key_moved_to_another_subject_does_not_open(folder):
    shared = SharingKeys.load("dossier", folder).share("p-1", "contact", KEY)
    moved = shared.model_copy(update={"subject": "p-2"})

    with pytest.raises(CannotUnwrap):
        SharingKeys.load("identity", folder).unwrap(moved)


def test_principle7_a_shredded_key_is_shared_without_its_key(folder):
    shared = SharingKeys.load("dossier", folder).share("p-1", "identification", None)

    assert shared.wrapped is None and shared.record_key == b"p-1/identification"


def test_principle7_a_missing_sharing_key_stops_the_service_with_what_to_do(tmp_path):
    with pytest.raises(ValueError, match="mutualis trust init"):
        SharingKeys.load("identity", tmp_path)

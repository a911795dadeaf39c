"""Passphrases and sealed keys in the core: what opens a setup file's key, and every way it does not."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bkdesk.catalogue import Department
from bkdesk.exchange import key_seal, signing
from bkdesk.exchange.documents import canonical_bytes, seal_document
from bkdesk.exchange.files import FileRefused
from bkdesk.exchange.setup_file import FORMAT, Setup, payload_of, read_setup, write_setup

CODE = re.compile(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}")
PASS = "K7QM-3XHP-9TRD-W2FN"


@pytest.fixture(scope="module")
def sealed() -> tuple[str, str, key_seal.SealedKey]:
    """One key sealed for KT's setup ``s-1`` (scrypt is slow on purpose: once for the module)."""
    pair = signing.new_key_pair()
    key_id = signing.new_key_id()
    return (
        pair.private_key,
        key_id,
        key_seal.seal_private_key(pair.private_key, PASS, setup_id="s-1", department="KT", key_id=key_id),
    )


def test_a_generated_passphrase_is_80_bits_a_person_can_read_out() -> None:
    made = {key_seal.new_passphrase() for _ in range(200)}
    assert len(made) == 200 and all(CODE.fullmatch(p) for p in made)
    assert len(key_seal.ALPHABET) == 32 and len(set(key_seal.ALPHABET)) == 32  # 16 symbols × 5 bits = 80
    assert not set("01OI") & set(key_seal.ALPHABET)
    # Every symbol turns up: drawn from the whole alphabet, not a few letters.
    assert set("".join(made).replace("-", "")) == set(key_seal.ALPHABET)


def test_a_generated_code_is_the_same_typed_in_lower_case_or_without_dashes() -> None:
    for typed in (
        "k7qm-3xhp-9trd-w2fn",
        "K7QM3XHP9TRDW2FN",
        "  k7qm 3xhp 9trd w2fn\n",
        "K7QM–3XHP–9TRD–W2FN",  # en dashes, as a word processor writes them
    ):
        assert key_seal.normalise_passphrase(typed) == PASS
    # The office's own passphrase keeps its case and its letters; it is only NFC and trimmed.
    decomposed = "Phòng Kinh te\u0302\u0301 giữ kín "
    assert key_seal.normalise_passphrase(decomposed) == "Phòng Kinh tế giữ kín"
    assert key_seal.normalise_passphrase("Mật Khẩu Dài Của Văn Phòng") != "MẬT KHẨU DÀI CỦA VĂN PHÒNG"


def test_the_key_opens_with_its_passphrase_however_it_is_typed(sealed: tuple[str, str, key_seal.SealedKey]) -> None:
    private, key_id, key = sealed
    opened = key_seal.open_private_key(key, "k7qm3xhp9trdw2fn", setup_id="s-1", department="KT", key_id=key_id)
    assert opened == private


def test_a_wrong_passphrase_is_told_apart_from_a_key_moved_between_files(
    sealed: tuple[str, str, key_seal.SealedKey],
) -> None:
    _private, key_id, key = sealed
    with pytest.raises(key_seal.WrongPassphrase) as wrong:
        key_seal.open_private_key(key, "K7QM-3XHP-9TRD-W2FM", setup_id="s-1", department="KT", key_id=key_id)
    assert wrong.value.message == "cụm mật khẩu không đúng"
    # The right passphrase, but the key sealed for another setup, key or phòng: it opens nowhere else.
    for other in ({"setup_id": "s-2"}, {"key_id": signing.new_key_id()}):
        arguments = {"setup_id": "s-1", "department": "KT", "key_id": key_id, **other}
        with pytest.raises(key_seal.NotThisFile) as moved:
            key_seal.open_private_key(key, PASS, **arguments)
        assert "không thuộc tệp thiết lập này" in moved.value.message
    with pytest.raises(key_seal.NotThisFile) as named:
        key_seal.open_private_key(key, PASS, setup_id="s-1", department="YT", key_id=key_id)
    assert named.value.message == "khóa ký trong tệp được mã hóa cho phòng KT, không phải phòng YT"
    relabelled = replace(key, department="YT")  # the clear label edited to match: the sealed data still says KT
    with pytest.raises(key_seal.NotThisFile):
        key_seal.open_private_key(relabelled, PASS, setup_id="s-1", department="YT", key_id=key_id)


def test_a_sealed_key_with_other_scrypt_costs_is_refused_before_any_work(
    sealed: tuple[str, str, key_seal.SealedKey],
) -> None:
    _private, key_id, key = sealed
    with pytest.raises(key_seal.SealError, match="tham số scrypt"):
        key_seal.open_private_key(replace(key, n=2**30), PASS, setup_id="s-1", department="KT", key_id=key_id)


def test_the_office_passphrase_needs_16_characters() -> None:
    with pytest.raises(key_seal.PassphraseRefused) as short:
        key_seal.office_passphrase("  mật khẩu ngắn \n")
    assert short.value.message.startswith("cụm mật khẩu chỉ có 13 ký tự; cần ít nhất 16 ký tự")
    with pytest.raises(key_seal.PassphraseRefused, match="trống"):
        key_seal.office_passphrase(" \n")
    assert key_seal.office_passphrase(" Phòng Kinh tế giữ kín\n") == "Phòng Kinh tế giữ kín"


def test_a_key_kept_on_a_pc_opens_only_with_that_pcs_key_and_installation() -> None:
    private = signing.new_key_pair().private_key
    local = key_seal.new_local_key()
    kept = key_seal.seal_local(private, local, "s-1")
    assert key_seal.open_local(kept, local, "s-1") == private
    with pytest.raises(key_seal.SealError):
        key_seal.open_local(kept, key_seal.new_local_key(), "s-1")  # another PC's key file
    with pytest.raises(key_seal.SealError):
        key_seal.open_local(kept, local, "s-2")


def _setup(sealed: tuple[str, str, key_seal.SealedKey]) -> Setup:
    _private, key_id, key = sealed
    return Setup(
        setup_id="s-1",
        department=Department("KT", "Phòng Kinh tế"),
        year=2020,
        sequence=0,
        issued_at=datetime(2020, 11, 25, tzinfo=UTC),
        issued_by="văn thư",
        app_version="0.1.0",
        key_id=key_id,
        sealed_key=key,
        departments=(Department("KT", "Phòng Kinh tế"),),
        rows=(),
    )


def _resealed(payload: dict[str, object]) -> bytes:
    """A setup file with ``payload`` and a checksum that matches it, as anyone could write with an editor."""
    import hashlib

    return seal_document(FORMAT, payload, "checksum", hashlib.sha256(canonical_bytes(payload)).hexdigest())


def test_a_setup_file_whose_key_was_sealed_for_another_phong_is_refused_saying_so(
    sealed: tuple[str, str, key_seal.SealedKey],
) -> None:
    setup = _setup(sealed)
    assert read_setup(write_setup(setup)) == setup
    payload = payload_of(setup)
    payload["department"] = {"code": "YT", "name": "Phòng Y tế"}  # KT's key put into a file for YT
    with pytest.raises(FileRefused) as caught:
        read_setup(_resealed(payload))
    assert caught.value.message.startswith(
        "tệp thiết lập ghi phòng YT nhưng khóa ký trong tệp được mã hóa cho phòng KT: tệp đã bị ghép"
    )


def test_a_setup_file_of_the_first_release_with_its_key_in_the_clear_is_refused(
    sealed: tuple[str, str, key_seal.SealedKey],
) -> None:
    payload = payload_of(_setup(sealed))
    del payload["sealed_key"], payload["key_id"]
    payload["private_key"] = sealed[0]
    with pytest.raises(FileRefused) as caught:
        read_setup(_resealed(payload))
    assert "phiên bản đầu" in caught.value.message and "cấp lại tệp thiết lập" in caught.value.message


@pytest.mark.parametrize("setup_id", ["../../.bashrc", "", "a/b", "x" * 65])
def test_a_setup_id_that_could_name_another_file_is_refused(
    sealed: tuple[str, str, key_seal.SealedKey], setup_id: str
) -> None:
    payload = payload_of(_setup(sealed))
    payload["setup_id"] = setup_id
    with pytest.raises(FileRefused, match="mã tệp thiết lập"):
        read_setup(_resealed(payload))

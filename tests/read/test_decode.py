"""Reading paper files: encodings are recognised, non-papers are refused with a clear message."""

from __future__ import annotations

import codecs
import hashlib
import os
from pathlib import Path

import pytest

from kg.errors import PaperError
from kg.read import decode
from kg.read.decode import read_text

SAMPLE = "不扩散核武器条约缔约国\n2026 年审议大会\n某国提交的工作文件\n1. 第一段，包括 2016 年的报告。\n2. 第二段。\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "encoded",
    [
        SAMPLE.encode("utf-8"),
        codecs.BOM_UTF8 + SAMPLE.encode("utf-8"),
        codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"),
        SAMPLE.encode("utf-16-le"),
        SAMPLE.encode("utf-16-be"),
        SAMPLE.encode("gbk"),
        SAMPLE.encode("gb18030"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "gbk", "gb18030"],
)
def test_every_supported_encoding_decodes_to_the_same_text(tmp_path: Path, encoded: bytes) -> None:
    path = write(tmp_path, "paper.txt", encoded)
    text, digest = read_text(path)
    assert text == SAMPLE
    assert digest == hashlib.sha256(encoded).hexdigest()


def test_windows_and_old_mac_newlines_become_line_feeds_without_changing_the_line_count(tmp_path: Path) -> None:
    path = write(tmp_path, "crlf.txt", "一\r\n二\r三\n".encode())
    text, _ = read_text(path)
    assert text.split("\n") == ["一", "二", "三", ""]


def test_form_feeds_and_zero_width_characters_vanish_without_adding_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "ff.txt", "一\n\f二\u200b三\n".encode())
    text, _ = read_text(path)
    assert text == "一\n二三\n"


def test_fullwidth_digits_and_latin_letters_become_ascii_but_chinese_punctuation_stays(tmp_path: Path) -> None:
    path = write(tmp_path, "fw.txt", "２０２４ 年，ＮＰＴ（ａ）：".encode())
    text, _ = read_text(path)
    assert text == "2024 年，NPT（a）："


def test_kangxi_radicals_from_pdf_fonts_become_ideographs(tmp_path: Path) -> None:
    path = write(tmp_path, "radicals.txt", "第\u2f00届会议".encode())  # ⼀ KANGXI RADICAL ONE
    text, _ = read_text(path)
    assert text == "第一届会议"


@pytest.mark.parametrize("data", [b"", b"   \n\n \t\n"], ids=["empty", "blank"])
def test_an_empty_file_is_refused_naming_the_file(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "empty.txt", data)
    with pytest.raises(PaperError, match="empty") as info:
        read_text(path)
    assert info.value.path == path
    assert str(path) in str(info.value)


def test_a_pdf_given_as_text_is_refused_with_advice(tmp_path: Path) -> None:
    path = write(tmp_path, "paper.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n")
    with pytest.raises(PaperError, match="PDF") as info:
        read_text(path)
    assert str(path) in str(info.value)


def test_binary_data_with_nul_bytes_is_refused(tmp_path: Path) -> None:
    data = bytes(range(256)) * 40  # NULs on both sides of the byte pairs: not UTF-16
    path = write(tmp_path, "blob.txt", data)
    with pytest.raises(PaperError, match="binary") as info:
        read_text(path)
    assert str(path) in str(info.value)


def test_control_byte_soup_without_nuls_is_refused(tmp_path: Path) -> None:
    data = bytes(b for b in range(1, 32) if b not in (9, 10, 13)) * 200
    path = write(tmp_path, "soup.txt", data)
    with pytest.raises(PaperError, match="binary"):
        read_text(path)


def test_bytes_that_are_no_known_encoding_are_refused_with_their_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.txt", "一\n二\n".encode() + b"\xff\xff\xff\n")
    with pytest.raises(PaperError, match="not UTF-8") as info:
        read_text(path)
    assert info.value.line == 3


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # sparse: costs no disk and no time
        fh.truncate(decode.MAX_BYTES + 1)

    def no_reading(self: Path) -> bytes:
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(PaperError, match="MB") as info:
        read_text(path)
    assert str(path) in str(info.value)


def test_a_missing_file_and_a_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PaperError, match="not found"):
        read_text(tmp_path / "nope.txt")
    with pytest.raises(PaperError, match="directory"):
        read_text(tmp_path)


def test_the_size_cap_is_twenty_megabytes() -> None:
    assert decode.MAX_BYTES == 20 * 1024 * 1024
    assert os.path.exists(decode.__file__)

"""The word-level diff of two versions of an article (``plugins/monre_history.py: diff_words``)."""

from __future__ import annotations

import html
import importlib.util
import re
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent


def _load_plugin():
    spec = importlib.util.spec_from_file_location("monre_history_plugin", ROOT / "plugins" / "monre_history.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


plugin = _load_plugin()
diff_words, diff_chunks, diff_paragraphs = plugin.diff_words, plugin.diff_chunks, plugin.diff_paragraphs


def marked(html_text: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", html_text, flags=re.S)


def unmark(html_text: str, keep: str) -> str:
    """The text one side of the diff shows: ``keep`` is "del" (the old text) or "ins" (the new)."""
    drop = "ins" if keep == "del" else "del"
    text = re.sub(rf"<{drop}>.*?</{drop}>", "", html_text, flags=re.S)
    return html.unescape(re.sub(r"</?(del|ins)>", "", text))


def test_a_changed_figure_and_name_are_the_only_marked_words():
    old = "Bộ Tài nguyên và Môi trường cấp 2.000 ha đất cho tỉnh Quảng Ninh."
    new = "Bộ Tài nguyên và Môi trường cấp 3.500 ha đất cho tỉnh Quảng Nam."
    out = diff_words(old, new)
    assert marked(out, "del") == ["2.000", "Ninh."]
    assert marked(out, "ins") == ["3.500", "Nam."]
    assert out.startswith("Bộ Tài nguyên và Môi trường cấp <del>2.000</del><ins>3.500</ins> ha đất")


def test_vietnamese_words_stay_whole():
    out = diff_words("Quyết định về đất đai", "Quyết định về đất rừng")
    assert marked(out, "del") == ["đai"] and marked(out, "ins") == ["rừng"]
    out = diff_words("đất", "đặt")  # one mark changed: the word is replaced whole, never split in letters
    assert out == "<del>đất</del><ins>đặt</ins>"


def test_nfc_and_nfd_inputs_give_the_same_diff():
    old = "Tổng cục Quản lý đất đai đề nghị các đơn vị tiếp tục"
    new = "Tổng cục Quản lý đất đai yêu cầu các đơn vị khẩn trương"
    expected = diff_words(old, new)
    nfd = lambda t: unicodedata.normalize("NFD", t)  # noqa: E731
    assert diff_words(nfd(old), nfd(new)) == expected
    assert diff_words(nfd(old), new) == expected
    assert diff_words(old, nfd(new)) == expected
    assert unicodedata.is_normalized("NFC", expected)
    # Text that differs only in its Unicode form is not a change at all.
    assert "<del>" not in diff_words(old, nfd(old)) and "<ins>" not in diff_words(old, nfd(old))


def test_output_is_escaped():
    old = 'Tiêu đề <script>alert("x")</script> & cũ'
    new = 'Tiêu đề <img src=x onerror=alert(1)> & mới'
    out = diff_words(old, new)
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;" in out and "&lt;img" in out and "&amp;" in out
    assert re.sub(r"</?(del|ins)>", "", out).count("<") == 0


def test_added_and_removed_paragraphs():
    old = "Đoạn một.\n\nĐoạn hai."
    new = "Đoạn một.\n\nĐoạn hai.\n\nĐoạn ba mới."
    out = diff_words(old, new)
    assert marked(out, "del") == []
    assert marked(out, "ins") == ["\n\nĐoạn ba mới."]
    assert marked(diff_words(new, old), "del") == ["\n\nĐoạn ba mới."]


def test_a_rewritten_phrase_is_one_run_not_a_mosaic():
    out = diff_words("các đơn vị tiếp tục thảo luận về", "các đơn vị khẩn trương hoàn thành về")
    assert marked(out, "del") == ["tiếp tục thảo luận"]
    assert marked(out, "ins") == ["khẩn trương hoàn thành"]


def test_identical_and_empty_texts():
    assert diff_words("Không đổi.", "Không đổi.") == "Không đổi."
    assert diff_words("", "") == ""
    assert diff_words("", "Mới") == "<ins>Mới</ins>"
    assert diff_words("Cũ", "") == "<del>Cũ</del>"
    assert diff_words(None, "Mới") == "<ins>Mới</ins>"


words = st.lists(st.sampled_from(["đất", "đai", "môi", "trường", "2.000", "<b>", "&", "Bộ", "rừng", "\n\n"]),
                 max_size=25)


@settings(max_examples=200, deadline=None)
@given(words, words)
def test_each_side_of_the_diff_is_the_text_it_came_from(a, b):
    old, new = " ".join(a), " ".join(b)
    out = diff_words(old, new)
    assert unmark(out, "del") == old
    assert unmark(out, "ins") == new
    assert all(tag in ("equal", "delete", "insert", "replace") for tag, _, _ in diff_chunks(old, new))


PARAGRAPHS = [f"Đoạn {i}: Bộ Tài nguyên và Môi trường họp về đất đai lần {i}." for i in range(1, 11)]


def test_paragraph_diff_shows_the_changed_paragraph_and_its_neighbours():
    new = list(PARAGRAPHS)
    new[4] = new[4].replace("đất đai", "đất rừng")
    out = diff_paragraphs("\n\n".join(PARAGRAPHS), "\n\n".join(new))
    assert out[0] == '<p class="monre-unchanged">… 3 unchanged paragraphs …</p>'
    assert out[1:4] == [f"<p>{PARAGRAPHS[3]}</p>", f"<p>{diff_words(PARAGRAPHS[4], new[4])}</p>",
                        f"<p>{PARAGRAPHS[5]}</p>"]
    assert out[4] == '<p class="monre-unchanged">… 4 unchanged paragraphs …</p>' and len(out) == 5
    assert marked("".join(out), "del") == ["đai"] and marked("".join(out), "ins") == ["rừng"]
    whole = diff_paragraphs("\n\n".join(PARAGRAPHS), "\n\n".join(new), context=None)
    assert len(whole) == 10 and "unchanged" not in "".join(whole)


def test_paragraph_diff_of_added_and_removed_paragraphs():
    new = PARAGRAPHS[:2] + ["Đoạn mới hoàn toàn."] + PARAGRAPHS[3:]  # paragraph 3 replaced
    out = "".join(diff_paragraphs("\n".join(PARAGRAPHS), "\n".join(new), context=0))
    assert marked(out, "del") == ["3: Bộ Tài nguyên và Môi trường họp về đất đai lần 3."]
    assert marked(out, "ins") == ["mới hoàn toàn."]
    out = "".join(diff_paragraphs("\n\n".join(PARAGRAPHS), "\n\n".join(PARAGRAPHS + ["Đoạn thêm."]), context=0))
    assert marked(out, "ins") == ["Đoạn thêm."] and marked(out, "del") == []
    out = "".join(diff_paragraphs("\n\n".join(PARAGRAPHS), "\n\n".join(PARAGRAPHS[1:]), context=0))
    assert marked(out, "del") == [PARAGRAPHS[0]] and marked(out, "ins") == []


def test_paragraph_diff_is_the_same_for_nfc_and_nfd_and_escaped():
    old = "\n\n".join(PARAGRAPHS[:3])
    new = "\n\n".join(PARAGRAPHS[:2] + ["Đoạn 3: <script>alert(1)</script> & đất"])
    expected = diff_paragraphs(old, new)
    assert diff_paragraphs(unicodedata.normalize("NFD", old), unicodedata.normalize("NFD", new)) == expected
    assert "<script" not in "".join(expected) and "&lt;script&gt;" in "".join(expected)
    assert diff_paragraphs(old, old) == ['<p class="monre-unchanged">… 3 unchanged paragraphs …</p>']

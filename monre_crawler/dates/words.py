"""The words dates are printed with: Vietnamese and English months, numbers in words, weekdays."""

from __future__ import annotations

import re

VI_MONTHS = {
    "giêng": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "bẩy": 7,
    "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "một một": 11, "mười hai": 12, "chạp": 12,
}
VI_MONTH_WORDS = "|".join(sorted((re.escape(word) for word in VI_MONTHS), key=len, reverse=True))

EN_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
EN_MONTH_WORDS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)

NUMBER_WORDS = {
    "một": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8,
    "chín": 9, "mười": 10, "a": 1, "an": 1, "one": 1,
}

WEEKDAY = (
    r"(?:thứ\s*(?:hai|ba|tư|bốn|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|cn|t[2-7]"
    r"|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?"
)


# The years of the sixty-year cycle ("Tân Sửu"), in the spellings pages print.
CAN = ("giáp", "ất", "bính", "đinh", "mậu", "kỷ", "canh", "tân", "nhâm", "quý")
CHI = ("tý", "sửu", "dần", "mão", "thìn", "tỵ", "ngọ", "mùi", "thân", "dậu", "tuất", "hợi")
CAN_SPELLINGS = {"kỉ": "kỷ", "quí": "quý"}
CHI_SPELLINGS = {"tí": "tý", "mẹo": "mão", "tị": "tỵ"}
CAN_CHI_WORDS = (
    r"(?<!\w)(?P<can>" + "|".join(CAN + tuple(CAN_SPELLINGS)) + r") (?P<chi>"
    + "|".join(CHI + tuple(CHI_SPELLINGS)) + r")(?!\w)"
)
# What opens a parenthesis giving the same day in the other calendar ("(tức ngày 12 tháng Hai ...)").
EQUIVALENT_WORDS = r"(?:tức(?: là)?|nhằm|âm lịch|al|âl)(?!\w)"
# What makes the date before it a lunar date ("15/7 âm lịch", "12 tháng 2, năm Tân Sửu").
LUNAR_AFTER_WORDS = r" ?(?:\(? ?(?:âm lịch|âl|al)(?!\w)|,? ?(?:năm )?" + CAN_CHI_WORDS + r")"
LUNAR_AFTER_UNNAMED = LUNAR_AFTER_WORDS.replace("(?P<can>", "(?:").replace("(?P<chi>", "(?:")  # (inside other patterns)


class Numbers(dict):
    """Digit strings and their numbers: ``NUMBER[digits] == int(digits)``, looked up for the one- and two-digit
    numbers and the years 1900-2099 that dates are mostly printed with (int() of a string costs more than the
    rest of reading a number), computed for any other."""

    def __missing__(self, digits: str) -> int:
        return int(digits)


NUMBER = Numbers({str(n): n for n in range(100)} | {f"{n:02d}": n for n in range(10)}
                 | {str(n): n for n in range(1900, 2100)})


def month_number(word: str) -> int:
    """A month printed in digits or in Vietnamese words ("3", "ba", "chạp")."""
    return NUMBER[word] if word.isdigit() else VI_MONTHS[word]

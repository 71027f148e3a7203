"""One way to normalise text, for ingest, the index and the answering core: full-width forms, markup, spaces, bigrams.

    halfwidth('１,２３４．５６％')                    # '1,234.56%'
    halfwidth('１，２３４', comma=True)               # '1,234'  (a cell or a figure: '，' separates thousands)
    strip_markup('<b>一、本年收入</b>')               # '一、本年收入'
    strip_markup('### **三、支出预算情况说明**', line_marks=True)   # '三、支出预算情况说明'
    squash_spaces(' 人员经费\t 1,407.47 ')            # '人员经费 1,407.47'
    squash('表 1 收支总表', drop='#*|')               # '表1收支总表'
    bigrams('三公经费')                               # {'三公', '公经', '经费'}
    bigram_overlap('接待费', '公务接待费')             # 1.0  (all the shorter text's bigrams shared)

Each function is the one place its rule lives; where callers need a variant it is a parameter, with the
reason beside it. Every mapping keeps the text's length, except the ones that say they remove characters,
so offsets found in a half-width copy hold in the text as printed.
"""
from __future__ import annotations

import re
from functools import lru_cache

# figures and Latin letters: digits, A-Z, a-z, and the marks a figure is written with
_FIGURES = {**{chr(0xFF10 + i): str(i) for i in range(10)},
            **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
            **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
            '．': '.', '％': '%', '﹪': '%', '－': '-', '＋': '+'}
_HALFWIDTH = str.maketrans(_FIGURES)
_HALFWIDTH_COMMA = str.maketrans({**_FIGURES, '，': ','})
# a question and the names it is compared with: signs, dashes and spaces folded, parentheses as documents print them
_MATCHING = str.maketrans({**_FIGURES, '＝': '=', '＜': '<', '＞': '>', '—': '-', '–': '-', '　': ' ',
                           '(': '（', ')': '）'})
TAG = re.compile(r'</?[a-zA-Z][^>]*>')
LINE_MARKS = re.compile(r'^[#\s-]+')
SPACES = re.compile(r'\s+')


def halfwidth(text: str, *, comma: bool = False, matching: bool = False) -> str:
    """Full-width digits, letters and figure marks (．％﹪－＋) as ASCII ('１９１．０６' -> '191.06').

    `comma`: '，' becomes ',' too. Only where a figure is read (a table cell, an answer scanned for its
    figures): in prose and in questions '，' is the Chinese comma and stays.
    `matching`: also ＝＜＞, dashes (— –) and the ideographic space as ASCII, and ASCII parentheses as the
    full-width ones documents print: a question is compared with stored names spelt either way. Stored text
    keeps these as printed ('＞=95%' in a 指标值 cell is quoted as the document has it).
    """
    if matching:
        return text.translate(_MATCHING)
    return text.translate(_HALFWIDTH_COMMA if comma else _HALFWIDTH)


def strip_markup(text: str, *, line_marks: bool = False, bold: bool = True) -> str:
    """HTML tags (<b>, <p>, …) and markdown bold (**) out.

    `line_marks`: a line's leading markdown marks ('#### ', '- ') and spaces out too: for prose lines, where
    they mark a heading or a list item; in a cell a leading '-' is a figure's sign.
    `bold=False` keeps '**': in a table cell it is printed content (a row numbering the columns is marked '**').
    """
    if bold:
        text = text.replace('**', '')
    if line_marks:
        text = LINE_MARKS.sub('', text)
    return TAG.sub('', text)


def squash_spaces(text: str) -> str:
    """Every run of whitespace (tabs, line breaks, ideographic spaces) as one space, none at the ends."""
    return SPACES.sub(' ', text).strip()


def squash(text: str, drop: str = '') -> str:
    """No whitespace at all, nor any character of `drop`: for comparing titles and names however spaced."""
    return SPACES.sub('', text).translate(_deletion(drop)) if drop else SPACES.sub('', text)


@lru_cache(maxsize=None)
def _deletion(chars: str) -> dict:
    return str.maketrans('', '', chars)


def bigrams(text: str) -> set[str]:
    """Every two neighbouring characters; none across '\\0', the mask put over words already matched."""
    return {text[i:i + 2] for i in range(len(text) - 1) if '\0' not in text[i:i + 2]}


def bigram_overlap(a: str, b: str, *, of_a: bool = False) -> float:
    """The share of bigrams two texts have in common, of the shorter text's bigrams (0.0 when either has none).

    `of_a`: of a's bigrams, however many b has: how much of a table title a heading repeats, where a long
    heading must not count as covering a short title (qa/plans/tables.py).
    """
    x, y = bigrams(a), bigrams(b)
    return len(x & y) / max(1, len(x) if of_a else min(len(x), len(y)))

"""The one text normaliser (ingest/text.py): full-width forms, markup, spaces and bigrams, and its callers."""
import re
from pathlib import Path

import pytest

from ingest import text
from ingest.blocks import clean_line
from ingest.numbers import clean_cell, read_number
from ingest.schemas import squash as title_squash
from ingest.text import bigram_overlap, bigrams, halfwidth, squash, squash_spaces, strip_markup
from qa.normalize import name_key, normalise
from qa.verify import numbers_in

REPO = Path(__file__).resolve().parents[1]


def test_full_width_digits_letters_and_figure_marks_become_ascii():
    assert halfwidth('１９１．０６') == '191.06'
    assert halfwidth('５％ ５﹪') == '5% 5%'
    assert halfwidth('－１２＋３') == '-12+3'
    assert halfwidth('ＰＤＦ ｐｄｆ') == 'PDF pdf'


def test_the_chinese_comma_stays_unless_a_figure_is_read():
    assert halfwidth('收入１，２３４') == '收入1，234'               # prose: '，' is the Chinese comma
    assert halfwidth('１，２３４', comma=True) == '1,234'             # a cell: it separates thousands
    assert clean_cell('１，００３．７３') == '1,003.73'
    assert read_number('１，００３．７３').value == read_number('1,003.73').value
    assert clean_line('人员经费１９１．０６万元，占５％') == '人员经费191.06万元，占5%'


def test_signs_dashes_and_parentheses_fold_only_for_matching():
    assert halfwidth('＞=95%') == '＞=95%'                            # a stored cell is quoted as printed
    assert halfwidth('＞=95%', matching=True) == '>=95%'
    assert halfwidth('2024—2026（一）(二)', matching=True) == '2024-2026（一）（二）'
    assert halfwidth('a\u3000b', matching=True) == 'a b'
    assert normalise('２０２４年“三公”经费(含)') == '2024年三公经费（含）'


def test_every_mapping_keeps_the_length_so_offsets_hold():
    printed = '共１，２３４．５万元（ＡＢ）＞—　'
    for variant in ({}, {'comma': True}, {'matching': True}):
        assert len(halfwidth(printed, **variant)) == len(printed)
    found = numbers_in('合计１，２３４．５万元')
    assert [(f[0], str(f[1]), f[2], f[3], f[4]) for f in found] == [('1,234.5万元', '1234.5', '万元', 2, 11)]


@pytest.mark.parametrize('line, cleaned', [
    ('<b>一、本年收入</b>', '一、本年收入'),                                          # 000: bold rows of 表1
    ('<p>为了坚持党要管党, 从严治党</p>', '为了坚持党要管党, 从严治党'),            # 004: 项目总体目标 cells
    ('**（一）一般公共预算当年拨款规模变化情况**', '（一）一般公共预算当年拨款规模变化情况'),
])
def test_tags_and_bold_marks_go(line, cleaned):
    assert strip_markup(line) == cleaned


def test_a_lines_leading_marks_go_only_when_asked():
    assert strip_markup('#### **第四部分 名词解释**', line_marks=True) == '第四部分 名词解释'
    assert strip_markup('- 一、主要职能', line_marks=True) == '一、主要职能'
    assert strip_markup('-5.00') == '-5.00'                            # in a cell a leading '-' is a sign
    assert strip_markup('#### **第四部分 名词解释**') == '#### 第四部分 名词解释'
    assert strip_markup('**', bold=False) == '**' and strip_markup('<b>**</b>', bold=False) == '**'   # a cell's mark
    assert clean_line('### **三、关于2024年支出预算情况说明**') == '三、关于2024年支出预算情况说明'


def test_spaces_squashed_or_removed():
    assert squash_spaces(' 人员经费\t 1,407.47 \u3000万元 ') == '人员经费 1,407.47 万元'
    assert squash(' 表 1\u3000收支 总表 ') == '表1收支总表'
    assert squash('| **表1** 收支总表 |', drop='#*|') == '表1收支总表'
    assert title_squash('<b>表 1</b> | 收支总表') == '表1收支总表'
    assert name_key('1. “一般公共预算” 拨款（万元）') == '一般公共预算拨款'


def test_bigrams_and_their_overlap():
    assert bigrams('三公经费') == {'三公', '公经', '经费'}
    assert bigrams('三公\0经费') == {'三公', '经费'}                     # none across a masked word
    assert bigrams('费') == set()
    assert bigram_overlap('接待费', '公务接待费') == 1.0                  # of the shorter text
    assert bigram_overlap('公务接待费', '接待费用') == pytest.approx(2 / 3)
    assert bigram_overlap('公务接待费', '接待费', of_a=True) == pytest.approx(2 / 4)
    assert bigram_overlap('', '接待费') == 0.0


def test_the_module_examples_hold():
    """Each example line of ingest/text.py's docstring gives what its comment says."""
    examples = [m for m in re.finditer(r'^    (\S.*?)\s+# (\S.*?)(?:\s+\(.*\))?$', text.__doc__, re.M)]
    assert len(examples) >= 8
    namespace = vars(text)
    for m in examples:
        assert eval(m.group(1), namespace) == eval(m.group(2), namespace), m.group(0)


def test_no_other_module_keeps_its_own_full_width_table():
    owners = {REPO / 'ingest' / 'text.py'}
    for package in ('ingest', 'index', 'qa', 'service'):
        for path in (REPO / package).rglob('*.py'):
            if path not in owners:
                assert 'maketrans' not in path.read_text(encoding='utf-8'), path.relative_to(REPO)

"""The number checker: every figure of an answer must be traced to a source line."""
import pytest

from qa.verify import unverified_numbers

SOURCE = ['合 计 1,598.53 1,407.47 191.06', '“三公”经费数为 0.00 万元，其中公务接待费 3.00 万元']


@pytest.mark.parametrize('answer', [
    '人员经费1,407.47万元', '人员经费1407.47万元', '人员经费1407.470万元', '人员经费14074700元',
    '人员经费0.140747亿元', '2024年三公经费0.00万元（表10，第495行）', '1、公务接待费3.00万元',
])
def test_traced(answer):
    assert unverified_numbers(answer, SOURCE) == []


@pytest.mark.parametrize('answer, missing', [
    ('人员经费1,407.48万元', ['1,407.48万元']),
    ('公务接待费30万元', ['30万元']),
    ('人均经费2.5万元', ['2.5万元']),
])
def test_untraced(answer, missing):
    assert unverified_numbers(answer, SOURCE) == missing

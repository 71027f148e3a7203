"""Cutting Chinese text into words for the keyword index (SQLite FTS5, BM25-ranked): jieba with a fixed
dictionary of budget terms, places and bodies (data/vocabulary), the same for indexing and for queries.

    tokenizer = BudgetTokenizer()
    tokenizer.words('项目支出绩效目标表 专网租赁费')     # every word, spaces kept: what a chunk is indexed as
    tokenizer.tokens('州政府办2024年三公经费是多少')    # ['州政府办', '2024', '三公经费']: what a query searches
"""
from __future__ import annotations

import logging
import re

import jieba

from ingest.vocabulary import vocabulary_table

BUDGET_TERMS = (
    '三公经费', '三公', '因公出国', '因公出国（境）费', '公务接待费', '公务用车购置费', '公务用车运行费',
    '公务用车运行维护费', '公务用车购置及运行费', '一般公共预算', '政府性基金预算', '国有资本经营预算', '财政拨款',
    '财政拨款结转', '非财政拨款', '单位资金', '事业收入', '基本支出', '项目支出', '人员经费', '公用经费',
    '机关运行经费', '政府采购', '收支总预算', '编制数', '实有人数', '行政运行', '事业运行', '工资福利支出',
    '商品和服务支出', '对个人和家庭的补助', '办公费', '印刷费', '差旅费', '劳务费', '委托业务费', '工会经费',
    '福利费', '取暖费', '物业管理费', '住房公积金', '基本工资', '津贴补贴', '奖金', '绩效工资', '退休费', '离休费',
    '生活补助', '医疗费补助', '一般公共服务支出', '社会保障和就业支出', '卫生健康支出', '住房保障支出',
    '资源勘探工业信息等支出', '城乡社区支出', '教育支出', '公共安全支出', '科学技术支出', '节能环保支出',
    '农林水支出', '商业服务业等支出', '自然资源海洋气象等支出', '灾害防治及应急管理支出', '其他支出',
    '绩效目标', '绩效指标', '预算安排规模', '资金分配情况', '项目名称', '上年结转结余', '名词解释', '主要职能',
    '房屋', '车辆', '国有资产', '比上年', '增加', '减少', '增长', '下降',
)
PUNCTUATION = re.compile(r'^[\s\W_]+$')
STOPWORDS = {'的', '了', '是', '多少', '有', '吗', '呢', '和', '与', '及', '在', '对', '为', '年', '什么', '怎么', '如何', '哪些',
             '几', '个', '多', '大', '请问', '一下', '这个', '那个', '其中', '我们', '一', '上', '中', '里'}
QUOTES = re.compile(r'[“”"‘’\'「」]')
jieba.setLogLevel(logging.WARNING)


class BudgetTokenizer:
    def __init__(self):
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word in dictionary():
            self._jieba.add_word(word, freq=200000)

    def words(self, text: str) -> list[str]:
        return self._jieba.lcut(QUOTES.sub('', text), HMM=False)

    def tokens(self, text: str) -> list[str]:
        words = self.words(text.lower())         # '“三公”经费' is 三公经费
        return [w for w in words if w.strip() and not PUNCTUATION.match(w) and w not in STOPWORDS]


def dictionary() -> list[str]:
    """Budget terms, their synonyms and scopes, places and bodies: the words the index is cut by."""
    words = set(BUDGET_TERMS)
    for table in ('synonyms', 'scopes', 'places', 'bodies'):
        for head, others in vocabulary_table(table):
            words.update(w for w in (head,) + others if len(w) >= 2)
    return sorted(words)


DICTIONARY_FILES = ('synonyms', 'scopes', 'places', 'bodies')

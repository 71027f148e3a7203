"""BM25 over jieba tokens, with a user dictionary of organisation names and budget terms.

    tokenizer = BudgetTokenizer(extra_words=['克州政府办', '州政府办'])
    tokenizer.tokens('州政府办2024年三公经费是多少')   # ['州政府办', '2024', '三公经费', …]
    index = KeywordIndex(tokenizer, [(chunk_id, text), ...])
    index.scores('三公经费', allowed_ids)               # {chunk_id: score}
"""
from __future__ import annotations

import logging
import re

import jieba
from rank_bm25 import BM25Okapi

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
    def __init__(self, extra_words: list[str] | tuple[str, ...] = ()):
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word in (*BUDGET_TERMS, *extra_words):
            if word:
                self._jieba.add_word(word, freq=200000)

    def tokens(self, text: str) -> list[str]:
        text = QUOTES.sub('', text.lower())     # '“三公”经费' is 三公经费
        words = self._jieba.lcut(text, HMM=False)
        return [w for w in words if not PUNCTUATION.match(w) and w not in STOPWORDS]


class KeywordIndex:
    def __init__(self, tokenizer: BudgetTokenizer, documents: list[tuple[str, str]]):
        self.tokenizer = tokenizer
        self.ids = [doc_id for doc_id, _ in documents]
        corpus = [tokenizer.tokens(text) for _, text in documents]
        self._bm25 = BM25Okapi(corpus or [['']])

    def scores(self, query: str, allowed: set[str] | None = None) -> dict[str, float]:
        query_tokens = self.tokenizer.tokens(query)
        if not query_tokens or not self.ids:
            return {}
        raw = self._bm25.get_scores(query_tokens)
        return {doc_id: float(score) for doc_id, score in zip(self.ids, raw)
                if score > 0 and (allowed is None or doc_id in allowed)}

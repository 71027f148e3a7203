"""What the page shows that is not layout: the words of a source, an upload, a finding, and where a follow-up starts.
Plain functions over answers, citations and reports; nothing here imports streamlit (app.py lays them out).

    citation_title(1, c, '州政府办 2024年预算')    # '[1] 州政府办 2024年预算 第495行 表10 合计/数额'
    numbered_lines(source_lines(store, c.doc, c.line_start, c.line_end))     # '▶   495 | …' around the cited lines
    previous_plan(history)                          # the plan of the last answer a follow-up takes its gaps from
    view = answer_view(answer, labels, short, store)  # badges, headline, opening, figures, failed checks of one answer
"""
from __future__ import annotations

from dataclasses import dataclass

from .present import badges, figure_rows, first_sentence, headline
from .views import changes_text, failed_checks

ALL = '（全部）'               # the choice of a filter that filters nothing
FINDING_LEVELS = {'suspicious': '可疑文字', 'contradiction': '前后不一致', 'rounding': '尾数差异',
                  'completeness': '完整性'}


# an answer's warnings the page states under it: (warning, streamlit element, words)
ANSWER_NOTES = (('document_contradiction', 'warning', '文件前后不一致：答案中给出了两处数字及各自的出处。'),
                ('template_unfilled', 'info', '文件中这一段是没有填写的模板。'),
                ('part_not_found', 'info', '问题的一部分在文件中没有，见上文。'),
                ('different_years', 'info', '比较的数字来自不同年份的文件。'))


@dataclass(frozen=True)
class AnswerView:
    removed: bool                     # a cited document was removed since: no headline, figures or sources
    checks: list[dict]                # the failed table checks of its figures (said in the answer; a badge)
    marks: list[tuple[str, str]]      # badges: (label, colour)
    head: tuple[str, str] | None      # the headline figure
    opening: str                      # the answer's first sentence, then its figures, then the rest
    rows: list[dict]
    rest: str


def answer_view(result, labels: dict[str, str], short, store) -> AnswerView:
    removed = any(c.doc not in labels for c in result.citations)
    checks = failed_checks(store, result) if 'failed_check' in result.warnings and not removed else []
    marks = badges(result, removed) + ([('⚠ 核对未通过', 'orange')] if checks else [])
    text = result.answer             # a failed check is said in it, in plain words (qa/checknotes.py), once
    opening = first_sentence(text)
    return AnswerView(removed, checks, marks, None if removed else headline(result, short), opening,
                      [] if removed else figure_rows(result, short), text[len(opening):].strip())


def citation_title(i: int, c, label: str) -> str:
    """A source's expander title: number, document as the page names it, page and lines, table and cell."""
    where = f'表{c.table} ' if c.table else ''
    lines = f'第{c.line_start}行' if c.line_start == c.line_end else f'第{c.line_start}-{c.line_end}行'
    lines = (f'第{c.page}页 ' if c.page else '') + lines
    cell = f'{c.row}{("/" + c.column) if c.column else ""}'
    return f'[{i}] {label} {lines} {where}{cell}'


def numbered_lines(lines: list[tuple[int, str, bool]]) -> str:
    """A document's lines with their numbers, the cited ones marked ▶."""
    return '\n'.join(f'{"▶" if cited else " "} {n:5d} | {line}' for n, line, cited in lines)


def previous_plan(history: list[dict]) -> dict | None:
    """The plan of the last answer that was not a question back to the reader (which organisation?)."""
    return next((h['answer'].plan for h in reversed(history)
                 if 'answer' in h and h['answer'].status != 'ambiguous'), None)


def chosen(value: str):
    """A filter's choice, or None for ALL."""
    return None if value == ALL else value


def upload_line(outcome) -> str:
    """One stored upload: organisation, year, figures, warnings, whether it was new, and what it replaced."""
    s = outcome.summary
    ingested = outcome.status == 'ingested'
    changes = f'。{changes_text(s.get("changes"))}' if ingested and s.get('changes') else ''
    return (f'{outcome.doc}：{s.get("org")} {s.get("year")}年，{s.get("facts")}个数字，'
            f'{len(s.get("warnings", []))}条警告（{"新读取" if ingested else "未变化"}）{changes}')


def shown_range(found: int, total: int, first: int, shown: int) -> str:
    """The documents list's caption: how many were found and which of them this page shows."""
    return f'找到 {found} 份文件（共 {total} 份），显示第 {first + 1 if shown else 0}–{first + shown} 份。'


def finding_where(f) -> str:
    """An audit finding for the 核对 view: its lines, as '第12行；第40-41行'."""
    return '；'.join(f'第{c.line_start}' + (f'-{c.line_end}' if c.line_end != c.line_start else '') + '行'
                    for c in f.citations)


__all__ = ['ALL', 'ANSWER_NOTES', 'AnswerView', 'FINDING_LEVELS', 'answer_view', 'chosen',
           'citation_title', 'finding_where', 'numbered_lines', 'previous_plan', 'shown_range', 'upload_line']

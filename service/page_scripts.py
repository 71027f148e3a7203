"""The page's two scripts in the browser: questions sent one at a time, and a new answer opened on its headline.

    st.html(ONE_AT_A_TIME % received, unsafe_allow_javascript=True, width='content')
    st.html(SCROLL_TO_LATEST % turn, unsafe_allow_javascript=True, width='content')
"""

# Streamlit keeps one pending submission per widget: two that reach a busy server before its run yields are merged
# into the later one. So the browser sends a question only once the page shows that the one before it arrived (the
# count of questions received, below); one typed meanwhile waits in the browser, in order. The chat box is hidden
# until this hold is installed, so a question typed the moment the page loads goes through it too.
ONE_AT_A_TIME = '''<style>body:not([data-bqa-ready]) [data-testid="stChatInput"] {visibility: hidden}</style>
<span id="bqa-received" data-n="%d" hidden></span><script>
(() => {
  if (window.bqaQueue) return;
  const waiting = [], box = '[data-testid="stChatInputTextArea"]', button = '[data-testid="stChatInputSubmitButton"]';
  const received = () => +(document.getElementById('bqa-received')?.dataset.n ?? 0);
  let sent = received(), sentAt = 0, releasing = false;
  window.bqaQueue = waiting;
  const busy = () => received() < sent && Date.now() - sentAt < 15000;
  const type = (area, text) => {
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set.call(area, text);
    area.dispatchEvent(new Event('input', {bubbles: true}));
  };
  const hold = (e, area) => {
    if (releasing || !area || !area.value.trim()) return;
    if (!busy() && !waiting.length) { sent = received() + 1; sentAt = Date.now(); return; }
    e.preventDefault(); e.stopImmediatePropagation();
    waiting.push(area.value); type(area, '');
  };
  document.addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.target.matches?.(box)) hold(e, e.target);
  }, true);
  document.addEventListener('click', e => {
    if (e.target.closest?.(button)) hold(e, document.querySelector(box));
  }, true);
  setInterval(() => {          // all in one task: nothing the reader types can come between
    const area = document.querySelector(box);
    if (!waiting.length || busy() || !area) return;
    const draft = area.value;
    type(area, waiting.shift());
    sent = received() + 1; sentAt = Date.now(); releasing = true;
    area.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', code: 'Enter', keyCode: 13, bubbles: true}));
    releasing = false;
    if (draft) type(area, draft);
  }, 100);
  document.body.dataset.bqaReady = '1';
})();
</script>'''


SCROLL_TO_LATEST = '''<script>
// answer %d: the page sticks to its bottom (the chat box), so a long answer would open on its sources; open it on
// its headline (or its first line) instead, on a phone as on a desktop, until the page settles or the reader moves
(() => {
  let tries = 0, moved = false;
  for (const e of ['wheel', 'touchstart', 'keydown'])
    document.addEventListener(e, () => { moved = true; }, {once: true});
  const show = () => {
    if (moved) return;
    const answers = [...document.querySelectorAll('[data-testid="stChatMessage"]')]
      .filter(m => m.querySelector('[data-testid="stChatMessageAvatarAssistant"]'));
    const latest = answers[answers.length - 1];
    const target = latest && (latest.querySelector('[data-testid="stMetric"]') || latest);
    if (target) { target.style.scrollMarginTop = '4.5rem'; target.scrollIntoView({block: 'start'}); }
    if (++tries < 8) setTimeout(show, 350);
  };
  setTimeout(show, 250);
})();
</script>'''


__all__ = ['ONE_AT_A_TIME', 'SCROLL_TO_LATEST']

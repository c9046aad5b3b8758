"""Waiting in the page for an answer that only comes asynchronously (IndexedDB, the service worker, the
Notifications API).

`page.wait_for_function` does not await: an async predicate hands it a promise, a promise is truthy, and the
wait returns at once with the condition still unknown. `until` polls the async function itself: each poll of
Playwright's own wait starts one call (when none is running) and reads the answer of the last one, so the wait
ends on the first truthy answer or fails at its timeout, like any Playwright wait.
"""

from __future__ import annotations

import uuid
from typing import Any

POLL = """(arg) => {{
  const key = {key!r};
  const state = window[key] || (window[key] = {{calls: 0, running: 0, since: 0, answer: undefined}});
  // One call at a time; one that has not answered within a second no longer holds the next back.
  if (!state.running || performance.now() - state.since > 1000) {{
    const call = ++state.calls;
    state.running = call;
    state.since = performance.now();
    Promise.resolve().then(() => ({fn})(arg))
      .then((answer) => {{ if (answer) state.answer = answer; }}, () => null)
      .finally(() => {{ if (state.running === call) state.running = 0; }});
  }}
  return state.answer || false;
}}"""


def until(page, fn: str, arg: Any = None, timeout: float = 10_000) -> Any:
    """Wait until the async page function `fn(arg)` answers something truthy; return that answer (as JSON)."""
    key = f"__until_{uuid.uuid4().hex}"
    predicate = POLL.format(key=key, fn=fn)
    answer = page.wait_for_function(predicate, arg=arg, timeout=timeout).json_value()
    page.evaluate("(key) => { delete window[key]; }", key)
    return answer

// Offline outbox: outcomes logged with no signal wait in IndexedDB and replay with their idempotency key.
//
// Every submission of a form[data-outbox] carries a fresh idempotency_key. When htmx cannot send it
// (htmx:sendError), the request is kept here (jewelpwa db, outbox store, keyed by that key) and the form
// says so. Replays run on page load, on a boosted navigation, on `online`, and when #outbox-status is tapped.
// The server stores each key once, so a replay from two tabs, or of a request that did arrive but whose
// answer was lost, never logs a touch twice. Loaded with `defer` after app.js; also by the offline page.
(() => {
  'use strict';

  const DB_NAME = 'jewelpwa';
  const DB_VERSION = 1;
  const STORE = 'outbox';
  const FORM = 'form[data-outbox]';
  const QUEUED_TEXT = 'Saved on this phone — will send when online';
  const NEEDS_SIGNAL = {
    sold: 'The sale needs a signal: log it with “Log a sale” on the card once you are back online.',
    booked: 'The booking needs a signal: book it with “Book appointment” on the card once you are back online.',
  };
  const SENT_LOCK = 'jewelpwa-outbox';
  // One bar at the back of the store: a POST can hang for minutes instead of failing. After this long
  // the outcome is kept here instead (if it did arrive, its key makes the replay a no-op).
  const SEND_TIMEOUT_MS = 15000;
  const tabs = 'BroadcastChannel' in window ? new BroadcastChannel('jewelpwa-outbox') : null;
  const api = { timeoutMs: SEND_TIMEOUT_MS }; // window.jewelOutbox; tests shorten the timeout
  let signInNeeded = false; // the last replay met an expired session: say so instead of "N waiting"

  // --- IndexedDB -----------------------------------------------------------------------------------------
  let opening = null;

  function openDb() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const req = indexedDB.open(DB_NAME, DB_VERSION);
        req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' });
        req.onsuccess = () => {
          const db = req.result;
          db.onversionchange = () => { db.close(); opening = null; };
          resolve(db);
        };
        req.onerror = () => { opening = null; reject(req.error); };
      });
    }
    return opening;
  }

  function withStore(mode, fn) {
    return openDb().then((db) => new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req ? req.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    }));
  }

  const putEntry = (entry) => withStore('readwrite', (s) => s.put(entry));
  const deleteEntry = (key) => withStore('readwrite', (s) => s.delete(key));
  // Only the signed-in associate's entries: on a shared phone, another associate's outcomes wait for them
  // (sent now, they would be stored under the wrong name). Entries from before this rule carry no user.
  const currentUser = () => (document.body && document.body.dataset.user) || '';
  const mine = (entry) => !entry.user || !currentUser() || entry.user === currentUser();
  const allEntries = () => withStore('readonly', (s) => s.getAll()).then((entries) => entries.filter(mine));
  const countEntries = () => allEntries().then((entries) => entries.length);

  // --- helpers ---------------------------------------------------------------------------------------------
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  const csrfToken = () => {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : '';
  };
  const onOfflinePage = () => document.body && document.body.hasAttribute('data-offline-page');
  const toast = (message, category) =>
    document.dispatchEvent(new CustomEvent('showToast', { detail: { message, category } }));
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const outboxForm = (elt) => (elt && elt.closest ? elt.closest(FORM) : null);

  function clientName(form) {
    if (!form) return '';
    if (form.dataset.clientName) return form.dataset.clientName;
    const row = form.closest('.row, .card');
    const name = row && row.querySelector('.row-name, h2, h3');
    return name ? name.textContent.trim() : '';
  }

  function describe(entry) {
    const outcome = (entry.fields.find(([name]) => name === 'outcome') || [])[1];
    const what = outcome ? outcome.replace(/_/g, ' ') : 'outcome';
    return entry.client_name ? `${what} for ${entry.client_name}` : what;
  }

  // --- status: "N waiting" in the header, the count on the offline page -------------------------------
  // Pages without the app header (sign-in) get the status at the top of <main>: that is where an
  // associate whose session ended learns that outcomes still wait for them.
  function statusElement(count) {
    let status = document.getElementById('outbox-status');
    const main = document.querySelector('main');
    if (!status && count && main) {
      status = document.createElement('p');
      status.id = 'outbox-status';
      status.className = 'outbox-status outbox-status-page';
      status.setAttribute('role', 'status');
      main.prepend(status);
    }
    return status;
  }

  function render(count) {
    const status = statusElement(count);
    if (status) {
      status.replaceChildren();
      status.hidden = count === 0;
      if (count && signInNeeded && !document.querySelector('.app-header')) {
        // The sign-in page itself: words, not a second "Sign in" button beside the form's.
        const words = document.createElement('span');
        words.className = 'outbox-signin';
        words.textContent = `Sign in to send ${count} waiting`;
        status.append(words);
      } else if (count) {
        const retry = document.createElement('button');
        retry.type = 'button';
        retry.className = 'outbox-retry';
        retry.textContent = signInNeeded ? `Sign in to send ${count} waiting` : `${count} waiting`;
        const why = document.createElement('span');
        why.className = 'visually-hidden';
        why.textContent = signInNeeded ? '' : ` ${count === 1 ? 'outcome' : 'outcomes'} to send — tap to try now`;
        retry.append(why);
        status.append(retry);
      }
    }
    const waiting = document.getElementById('offline-waiting');
    if (waiting) waiting.textContent = String(count);
  }

  // A page rendered while outcomes wait (a boosted navigation back to Today, a reload with no signal)
  // shows those clients as waiting too, so nobody logs the same call twice.
  function markPending(entries) {
    const forms = Array.from(document.querySelectorAll(FORM));
    for (const entry of entries) {
      for (const form of forms) {
        if (new URL(form.action, window.location.href).pathname === entry.url) markQueued(form, entry);
      }
    }
  }

  function refreshStatus() {
    return allEntries().then((entries) => {
      render(entries.length);
      markPending(entries);
    }, () => render(0));
  }

  // --- queueing --------------------------------------------------------------------------------------------
  // The row says what waits: the outcome panel folds away (its buttons disabled: a second tap would log a
  // second touch with a new key) and a note takes its place, where the associate's eye already is.
  function markQueued(form, entry) {
    const row = form.closest('.row');
    const panel = form.closest('details');
    form.classList.add('outbox-queued');
    if (row) row.classList.add('outbox-queued');
    form.querySelectorAll('button, input[type="submit"]').forEach((b) => { b.disabled = true; });
    const host = row || form;
    let note = host.querySelector('.outbox-note');
    if (!note) {
      note = document.createElement('p');
      note.className = 'outbox-note';
      if (row && panel && row.contains(panel)) panel.before(note);
      else form.append(note);
    }
    if (panel && row) panel.open = false;
    const outcome = (entry.fields.find(([name]) => name === 'outcome') || [])[1];
    const button = outcome && form.querySelector(`button[name="outcome"][value="${CSS.escape(outcome)}"]`);
    note.replaceChildren();
    if (button) {
      const what = document.createElement('strong');
      what.textContent = `${button.textContent.trim().replace(/…$/, '')}: `;
      note.append(what);
    }
    note.append(QUEUED_TEXT);
    const needs = NEEDS_SIGNAL[outcome];
    if (needs) {
      const line = document.createElement('span');
      line.className = 'outbox-needs';
      line.textContent = needs;
      note.append('. ', line);
    }
  }

  // One key per submission. app.js reads requestConfig.outboxKey to leave the "nothing was sent"
  // toast to us: for these requests something *was* kept.
  document.addEventListener('htmx:configRequest', (evt) => {
    const config = evt.detail;
    if (config.verb !== 'post' || !outboxForm(config.elt)) return;
    config.outboxKey = newKey();
    config.parameters.idempotency_key = config.outboxKey;
    if (!config.timeout) config.timeout = api.timeoutMs;
  });

  function keep(evt) {
    const config = evt.detail.requestConfig;
    if (!config || !config.outboxKey) return;
    const form = outboxForm(config.elt);
    // Sold and Booked post to their sheet (a button's formaction): what waits is the outcome itself, sent to
    // the form's own action with every field, the channel included. The sale or booking needs a signal.
    const url = new URL((form && form.getAttribute('action')) || config.path, window.location.href);
    const entry = {
      key: config.outboxKey,
      url: url.pathname + url.search,
      fields: Array.from(config.formData.entries()).filter(([, v]) => typeof v === 'string'),
      client_name: clientName(form),
      queued_at: new Date().toISOString(),
      user: currentUser(),
    };
    if (!entry.fields.some(([name]) => name === 'idempotency_key')) entry.fields.push(['idempotency_key', entry.key]);
    // The touch happened when it was tapped, not when the signal came back (maybe the next morning).
    entry.fields.push(['occurred_at', entry.queued_at]);
    putEntry(entry).then(() => {
      if (form) markQueued(form, entry);
      signInNeeded = false;
      if (tabs) tabs.postMessage('changed');
      return refreshStatus();
    }, () => {
      // No IndexedDB (a private window, storage full): nothing was kept, so say what app.js would have said.
      toast("No signal — nothing was sent. Try again when you're back online.", 'error');
    });
  }

  document.addEventListener('htmx:sendError', keep);
  document.addEventListener('htmx:timeout', keep);

  // --- replay ----------------------------------------------------------------------------------------------
  function send(entry, token) {
    const body = new URLSearchParams();
    for (const [name, value] of entry.fields) {
      // The form's token may belong to a session that has since ended; the page's token is current.
      if (name !== 'csrf_token') body.append(name, value);
    }
    body.append('csrf_token', token);
    return fetch(entry.url, {
      method: 'POST',
      credentials: 'same-origin',
      // As htmx would: a 200 fragment when stored, 401 (not a redirect to a login page) when signed out.
      headers: { 'X-CSRFToken': token, 'HX-Request': 'true' },
      body,
    });
  }

  const REFUSED = { 403: 'not allowed for your role', 404: 'that client is no longer in your book', 410: 'it is gone',
    422: 'the details were refused' };

  // Each entry is deleted only once the server has it. Network failure, 5xx, 429 and an expired form (400)
  // keep it; a signed-out session keeps it too. Any other 4xx is final: drop it and say what was refused.
  async function replayAll() {
    const token = csrfToken();
    signInNeeded = false;
    const entries = (await allEntries()).sort((a, b) => (a.queued_at < b.queued_at ? -1 : 1));
    let sent = 0;
    let dropped = 0;
    const refused = [];
    for (const entry of entries) {
      let res;
      try {
        res = await send(entry, token);
      } catch (err) {
        break; // still no signal: keep this and the rest
      }
      const toLogin = res.redirected && new URL(res.url).pathname === '/login';
      if (res.status === 401 || toLogin) {
        signInNeeded = true;
        break;
      }
      if (res.ok) {
        await deleteEntry(entry.key);
        sent += 1;
        continue;
      }
      if (res.status === 400 || res.status === 429 || res.status >= 500) break;
      await deleteEntry(entry.key);
      dropped += 1;
      refused.push(`Not saved: ${describe(entry)} — ${REFUSED[res.status] || `error ${res.status}`}.`);
    }
    return { sent, dropped, refused };
  }

  function refreshPage() {
    if (!window.htmx) return window.location.reload();
    // Like a boosted navigation to the same address: the list drops the clients just logged.
    return window.htmx.ajax('GET', window.location.pathname + window.location.search,
      { target: 'body', swap: 'innerHTML', headers: { 'HX-Boosted': 'true' } });
  }

  let running = null;

  function replay() {
    if (onOfflinePage()) return refreshStatus();
    if (running) return running;
    if (!csrfToken()) return refreshStatus();
    // One tab at a time (Web Locks); the idempotency key makes a race harmless anyway.
    const exclusive = (fn) => (navigator.locks ? navigator.locks.request(SENT_LOCK, fn) : fn());
    running = exclusive(() => replayAll())
      .then(async ({ sent, dropped, refused }) => {
        // One toast for the whole replay (toasts show one at a time): what was sent, then what was refused.
        const said = [sent ? `${plural(sent, 'outcome')} sent.` : '', ...refused].filter(Boolean).join(' ');
        if (said) toast(said, refused.length ? 'error' : 'success');
        if (sent || dropped) {
          if (tabs) tabs.postMessage('changed');
          await refreshPage(); // rows that were waiting show what the server now has
        }
      })
      .catch(() => null)
      .then(refreshStatus)
      .finally(() => { running = null; });
    return running;
  }

  // --- triggers --------------------------------------------------------------------------------------------
  document.addEventListener('click', (evt) => {
    const retry = evt.target.closest && evt.target.closest('.outbox-retry');
    if (!retry) return;
    if (onOfflinePage()) {
      window.location.reload();
    } else if (signInNeeded) {
      window.location.assign('/login');
    } else {
      replay();
    }
  });

  window.addEventListener('online', () => {
    // The offline page stands in for the page that could not load: load it for real now.
    if (onOfflinePage()) window.location.reload();
    else replay();
  });

  // A boosted navigation is a new page: its header came back without the status, and a signal may be back.
  document.addEventListener('htmx:afterSettle', (evt) => {
    if (evt.detail.boosted) replay();
  });

  if (tabs) tabs.onmessage = () => refreshStatus();

  // `online` is only a hint (and can fire before this script ran): the offline page also asks the server
  // now and then, and loads the real page as soon as it answers.
  const PROBE_MS = 10000;
  if (onOfflinePage()) {
    setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      fetch('/healthz', { cache: 'no-store' }).then((res) => { if (res.ok) window.location.reload(); }, () => null);
    }, PROBE_MS);
  }

  Object.assign(api, { count: countEntries, entries: allEntries, replay });
  window.jewelOutbox = api;
  if (!('indexedDB' in window)) return;
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', replay);
  else replay();
})();

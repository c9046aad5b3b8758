// JewelPWA page behaviour. Loaded with `defer` after htmx; no inline script, no eval (CSP script-src 'self').
(() => {
  'use strict';

  const TOAST_MS = 5000;
  const UNDO_TOAST_MS = 8000; // an Undo button needs time to be found and reached
  const live = new Set(); // toasts on screen, re-homed if a boosted swap replaces #toasts

  const region = () => document.getElementById('toasts');
  const csrfMeta = () => document.querySelector('meta[name="csrf-token"]');

  function dismiss(toast) {
    if (!toast.isConnected || toast.classList.contains('leaving')) return;
    toast.classList.add('leaving');
    const remove = () => { live.delete(toast); toast.remove(); };
    window.matchMedia('(prefers-reduced-motion: reduce)').matches ? remove() : setTimeout(remove, 300);
  }

  // Start the timer of a toast; hovering or focusing it pauses the timer so nobody loses an Undo mid-reach.
  function arm(toast, ms) {
    if (toast.dataset.armed) return;
    toast.dataset.armed = '1';
    live.add(toast);
    let timer = null;
    const start = () => { clearTimeout(timer); timer = setTimeout(() => dismiss(toast), ms); };
    const stop = () => clearTimeout(timer);
    toast.addEventListener('mouseenter', stop);
    toast.addEventListener('mouseleave', start);
    toast.addEventListener('focusin', stop);
    toast.addEventListener('focusout', start);
    const close = toast.querySelector('.toast-close');
    if (close) close.addEventListener('click', () => dismiss(toast));
    start();
  }

  // Flashes rendered by the server (components/_toast.html) and toasts that arrive in swapped content.
  function armAll() {
    const r = region();
    if (r) r.querySelectorAll('.toast').forEach((t) => arm(t, t.querySelector('.btn-undo') ? UNDO_TOAST_MS : TOAST_MS));
  }

  function button(label, cls) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = `btn ${cls}`;
    b.textContent = label;
    return b;
  }

  // The toast sits on the app header's title, left of any header control (the "N waiting" button, a search
  // link): over the list it would cover a row's buttons or a sheet's inputs, whatever the scroll.
  function fitRegion(r) {
    const header = document.querySelector('.app-header');
    if (!header || window.getComputedStyle(header).display === 'none') return;
    const controls = Array.from(header.querySelectorAll('a, button, input, select'))
      .filter((c) => !c.closest('.titles') && c.getClientRects().length);
    const left = Math.min(window.innerWidth, ...controls.map((c) => c.getBoundingClientRect().left));
    r.style.right = `${Math.max(window.innerWidth - left + 8, 8)}px`;
  }

  // One toast at a time: the newest replaces the last (a fast run of outcomes never stacks over the list).
  function clearToasts(r) {
    r.querySelectorAll('.toast').forEach((t) => { live.delete(t); t.remove(); });
  }

  // One undo state per outreach: the toast's Undo and the row's (or card's) Undo post the same URL, and once
  // either is used the other is disabled, so a second tap never answers "Could not save: 404".
  const usedUndo = new Set();
  const undoKey = (url) => { try { const u = new URL(url, window.location.href); return u.pathname; } catch (e) { return url; } };

  function markUndoUsed(url) {
    const key = undoKey(url);
    usedUndo.add(key);
    document.querySelectorAll('.toast .btn-undo').forEach((b) => {
      if (undoKey(b.dataset.undoUrl || '') === key) { b.disabled = true; b.setAttribute('aria-disabled', 'true'); }
    });
    document.querySelectorAll('form[action]').forEach((f) => {
      if (undoKey(f.getAttribute('action')) === key) f.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    });
  }

  document.addEventListener('htmx:beforeRequest', (evt) => {
    const config = evt.detail.requestConfig || {};
    const form = evt.detail.elt && evt.detail.elt.closest && evt.detail.elt.closest('form');
    const path = config.path || (form && form.getAttribute('action')) || '';
    if (config.verb === 'post' && /\/outreach\/\d+\/undo$/.test(undoKey(path))) markUndoUsed(path);
  });

  // Same markup as components/_toast.html; text goes in through textContent, never innerHTML.
  function showToast(detail) {
    const r = region();
    if (!r || !detail || !detail.message) return;
    clearToasts(r);
    fitRegion(r);
    const toast = document.createElement('div');
    toast.className = `toast toast-${detail.category || 'message'}`;
    const msg = document.createElement('p');
    msg.className = 'toast-msg';
    msg.textContent = detail.message;
    msg.title = detail.message; // two lines show; the whole message on a long press
    toast.append(msg);
    if (detail.undo_url) {
      const undo = button(detail.undo_label || 'Undo', 'btn-undo');
      undo.dataset.undoUrl = detail.undo_url;
      // A URL the server just handed out names a touch just logged: live again even if an id was reused
      // (SQLite gives a deleted row's id to the next one).
      usedUndo.delete(undoKey(detail.undo_url));
      undo.addEventListener('click', () => undoAction(detail, undo, toast));
      toast.append(undo);
    }
    const close = button('×', 'btn-quiet toast-close');
    close.setAttribute('aria-label', 'Dismiss');
    toast.append(close);
    r.append(toast);
    arm(toast, detail.undo_url ? UNDO_TOAST_MS : TOAST_MS);
  }

  // Undo POSTs through htmx so the CSRF header and swap rules apply. With a target (undo_target, or the
  // `target` htmx itself used to dispatch the event) the response is swapped there (undo_swap, default
  // outerHTML). Without one it behaves like a boosted form: the server answers a full page or a 303.
  function undoAction(detail, undo, toast) {
    const target = detail.undo_target || (typeof detail.target === 'string' ? detail.target : null);
    if (usedUndo.has(undoKey(detail.undo_url))) return;
    markUndoUsed(detail.undo_url);
    const ctx = target
      ? { source: undo, target, swap: detail.undo_swap || 'outerHTML' }
      : { source: undo, target: 'body', swap: 'innerHTML', headers: { 'HX-Boosted': 'true' } };
    const done = () => dismiss(toast);
    window.htmx.ajax('POST', detail.undo_url, ctx).then(done, done);
  }

  document.addEventListener('showToast', (evt) => showToast(evt.detail));

  // --- the channel used ------------------------------------------------------------------------------------
  // A tap on Call, Text or Email (a real tel:/sms:/mailto: link) checks that channel on the client's outcome
  // form and opens it; an outcome logged without a tap gets the last channel used on this phone, or asks.
  const CHANNEL_KEY = 'jewelpwa.channel'; // not client data: only which of call/text/email/visit was used last
  const lastChannel = () => { try { return localStorage.getItem(CHANNEL_KEY) || ''; } catch (e) { return ''; } };
  const rememberChannel = (value) => { try { localStorage.setItem(CHANNEL_KEY, value); } catch (e) { /* private mode */ } };

  function pickChannel(form, value, force) {
    const picks = form.querySelectorAll('input[name="channel"]');
    if (!picks.length || (!force && Array.from(picks).some((p) => p.checked))) return;
    picks.forEach((p) => { p.checked = p.value === value; });
    const ask = form.querySelector('.channel-ask');
    if (ask && value) ask.hidden = true;
  }

  function outcomeFormNear(link) {
    const host = link.closest('.today-row, .card-reach');
    return host && host.querySelector('form.outcome-form, form.sheet-form');
  }

  document.addEventListener('click', (evt) => {
    const link = evt.target.closest && evt.target.closest('a[data-channel]');
    if (!link) return;
    const form = outcomeFormNear(link);
    rememberChannel(link.dataset.channel);
    if (!form) return;
    pickChannel(form, link.dataset.channel, true);
    const panel = form.closest('details');
    if (panel) panel.open = true;
  });

  document.addEventListener('toggle', (evt) => {
    const panel = evt.target;
    if (!panel.open || !panel.classList || !panel.classList.contains('log-outcome')) return;
    const form = panel.querySelector('form.outcome-form');
    if (form) pickChannel(form, lastChannel(), false);
  }, true);

  document.addEventListener('change', (evt) => {
    const pick = evt.target;
    if (pick.name !== 'channel' || !pick.form) return;
    const ask = pick.form.querySelector('.channel-ask');
    if (ask) ask.hidden = true;
  });

  // htmx does not show the browser's own "choose one" bubble: say it in the form, where the eye is.
  document.addEventListener('htmx:validation:halted', (evt) => {
    const form = evt.detail.elt;
    const ask = form && form.querySelector && form.querySelector('.channel-ask');
    if (ask && !form.querySelector('input[name="channel"]:checked')) {
      ask.hidden = false;
      const first = form.querySelector('input[name="channel"]');
      if (first) first.focus();
    } else if (form && form.reportValidity) {
      form.reportValidity();
    }
  });

  document.addEventListener('htmx:configRequest', (evt) => {
    const channel = evt.detail.parameters && evt.detail.parameters.channel;
    if (typeof channel === 'string' && channel) rememberChannel(channel);
  });

  // Forms shown without a Today row's panel (the card, a sheet page): the last channel, unless one is checked.
  function prefillChannels() {
    document.querySelectorAll('.card-reach form.outcome-form').forEach((f) => pickChannel(f, lastChannel(), false));
  }

  document.addEventListener('htmx:responseError', (evt) => {
    const xhr = evt.detail.xhr;
    const verb = (evt.detail.requestConfig && evt.detail.requestConfig.verb) || 'post';
    const status = xhr ? xhr.status : '?';
    showToast({
      category: 'error',
      message: verb === 'get'
        ? `Could not load: ${status}. Try again.`
        : `Could not save: ${status}. Nothing was changed — try again.`,
    });
  });

  // No signal. An outcome form (form[data-outbox]) is kept by outbox.js, which marked the request with
  // requestConfig.outboxKey and says itself what happened. A boosted link becomes a real navigation, so the
  // service worker can answer with its offline page instead of a toast over a page that did not change.
  document.addEventListener('htmx:sendError', (evt) => {
    const config = evt.detail.requestConfig || {};
    if (config.outboxKey) return;
    // A sale or a booking needs the server: the sheet says so where the associate is looking.
    const sheet = config.elt && config.elt.closest && config.elt.closest('form.sheet-form');
    const offline = sheet && sheet.querySelector('.sheet-offline');
    if (offline) {
      offline.hidden = false;
      offline.setAttribute('role', 'alert');
      return;
    }
    const controlled = 'serviceWorker' in navigator && navigator.serviceWorker.controller;
    if (controlled && config.boosted && config.verb === 'get' && config.path) {
      window.location.assign(config.path);
      return;
    }
    showToast({ category: 'error', message: "No signal — nothing was sent. Try again when you're back online." });
  });

  // Body hx-headers carries the CSRF token; the meta tag is the fallback (e.g. for htmx.ajax without a source).
  document.addEventListener('htmx:configRequest', (evt) => {
    const meta = csrfMeta();
    if (meta && meta.content && !evt.detail.headers['X-CSRFToken']) {
      evt.detail.headers['X-CSRFToken'] = meta.content;
    }
  });

  // A boosted swap replaces the body's children but neither <head> nor <body>'s attributes, so a token
  // rotated by the server (login, logout) would go stale: copy it from the new page.
  document.addEventListener('htmx:afterRequest', (evt) => {
    const text = (evt.detail.xhr && evt.detail.xhr.responseText) || '';
    const m = /<meta name="csrf-token" content="([^"]+)"/.exec(text);
    if (!m) return;
    const meta = csrfMeta();
    if (meta) meta.content = m[1];
    document.body.setAttribute('hx-headers', JSON.stringify({ 'X-CSRFToken': m[1] }));
  });

  // After a swap that replaced #toasts (boosted navigation), keep the toasts still showing and
  // start the timers of any new server flashes.
  document.addEventListener('htmx:afterSettle', () => {
    const r = region();
    if (r) live.forEach((t) => { if (!t.isConnected) r.append(t); });
    armAll();
    prefillChannels();
  });

  document.addEventListener('DOMContentLoaded', () => { armAll(); prefillChannels(); });

  if ('serviceWorker' in navigator) {
    window.addEventListener('load', () => {
      // A missing /sw.js (404) or a refused registration only means no offline shell: say nothing.
      navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {});
    });
  }
})();

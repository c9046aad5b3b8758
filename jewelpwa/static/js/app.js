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

  // Same markup as components/_toast.html; text goes in through textContent, never innerHTML.
  function showToast(detail) {
    const r = region();
    if (!r || !detail || !detail.message) return;
    const toast = document.createElement('div');
    toast.className = `toast toast-${detail.category || 'message'}`;
    const msg = document.createElement('p');
    msg.className = 'toast-msg';
    msg.textContent = detail.message;
    toast.append(msg);
    if (detail.undo_url) {
      const undo = button(detail.undo_label || 'Undo', 'btn-undo');
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
    undo.disabled = true;
    const ctx = target
      ? { source: undo, target, swap: detail.undo_swap || 'outerHTML' }
      : { source: undo, target: 'body', swap: 'innerHTML', headers: { 'HX-Boosted': 'true' } };
    const done = () => dismiss(toast);
    window.htmx.ajax('POST', detail.undo_url, ctx).then(done, done);
  }

  document.addEventListener('showToast', (evt) => showToast(evt.detail));

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
  });

  document.addEventListener('DOMContentLoaded', () => armAll());

  if ('serviceWorker' in navigator) {
    window.addEventListener('load', () => {
      // A missing /sw.js (404) or a refused registration only means no offline shell: say nothing.
      navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {});
    });
  }
})();

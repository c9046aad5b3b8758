// Notifications & devices: "Enable notifications" → permission → push subscription with the server's
// VAPID key → POST it (JSON, X-CSRFToken). No inline script anywhere (CSP script-src 'self').
(() => {
  'use strict';

  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || '';

  function keyBytes(b64url) {
    const b64 = (b64url + '='.repeat((4 - (b64url.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  }

  function keyText(buffer) {
    return btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  const supported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

  async function subscription(key) {
    await navigator.serviceWorker.register('/sw.js', { scope: '/' });
    const reg = await navigator.serviceWorker.ready;
    let sub = await reg.pushManager.getSubscription();
    // After a VAPID key rotation the old subscription still works; re-subscribing moves it to the new key.
    if (sub && sub.options && sub.options.applicationServerKey && keyText(sub.options.applicationServerKey) !== key) {
      await sub.unsubscribe();
      sub = null;
    }
    return sub || reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  }

  async function enable(status, button) {
    const say = (text) => { status.textContent = text; };
    button.disabled = true;
    try {
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') {
        say('Notifications are blocked for this site. Allow them in the browser settings, then tap again.');
        return;
      }
      const keyResponse = await fetch(status.dataset.keyUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!keyResponse.ok) throw new Error(`push key: ${keyResponse.status}`);
      const { key } = await keyResponse.json();
      const sub = await subscription(key);
      const saved = await fetch(status.dataset.subscribeUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrf() },
        body: JSON.stringify({ subscription: sub.toJSON(), applicationServerKey: key }),
      });
      if (!saved.ok) throw new Error(`save: ${saved.status}`);
      say('Notifications are on for this device.');
      if (window.htmx) window.htmx.ajax('GET', status.dataset.listUrl, { target: '#devices', swap: 'outerHTML' });
    } catch (err) {
      say('Could not turn on notifications on this device. Check the connection and try again.');
    } finally {
      button.disabled = false;
    }
  }

  async function init() {
    const status = document.getElementById('push-status');
    const button = document.getElementById('push-enable');
    if (!status || !button || button.dataset.bound) return;
    button.dataset.bound = '1';
    if (!supported()) {
      status.textContent = 'This browser cannot show notifications. On iPhone, add JewelPWA to the Home Screen first.';
      return;
    }
    button.hidden = false;
    button.addEventListener('click', () => enable(status, button));
    const reg = await navigator.serviceWorker.getRegistration('/');
    const sub = reg && (await reg.pushManager.getSubscription());
    status.textContent = Notification.permission === 'granted' && sub
      ? 'Notifications are on for this device.'
      : 'Notifications are off for this device.';
  }

  document.addEventListener('DOMContentLoaded', init);
  document.addEventListener('htmx:load', init);
})();

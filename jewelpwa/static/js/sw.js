// JewelPWA service worker, served at /sw.js so its scope is the whole app.
// Sections: lifecycle · push · notification click. (Offline caching gets its own section here later.)
'use strict';

// --- lifecycle ----------------------------------------------------------------------------------------
// A new version takes over at once: the push handlers carry no state worth waiting for.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// --- push ---------------------------------------------------------------------------------------------
// Every push shows a notification (browsers penalise silent pushes). The tag makes a repeat replace the
// earlier one instead of stacking. The payload is {title, body, url, tag}: nothing a lock screen must hide.
const DEFAULT_URL = '/today';

function pushPayload(event) {
  try {
    return event.data ? event.data.json() : {};
  } catch (err) {
    return { body: event.data ? event.data.text() : '' };
  }
}

function sameOriginPath(url) {
  try {
    const parsed = new URL(url || DEFAULT_URL, self.location.origin);
    return parsed.origin === self.location.origin ? parsed.pathname + parsed.search : DEFAULT_URL;
  } catch (err) {
    return DEFAULT_URL;
  }
}

function showPush(payload) {
  const tag = payload.tag || 'jewelpwa';
  return self.registration.showNotification(payload.title || 'JewelPWA', {
    body: payload.body || '',
    tag,
    renotify: Boolean(payload.tag),
    icon: '/static/icons/icon-192.png',
    badge: '/static/icons/favicon-32.png',
    data: { url: sameOriginPath(payload.url) },
  });
}

self.addEventListener('push', (event) => event.waitUntil(showPush(pushPayload(event))));

// --- notification click -------------------------------------------------------------------------------
// Open the client card or Today: reuse an open JewelPWA window when there is one, else open a new one.
async function openTarget(data) {
  const url = new URL(sameOriginPath(data && data.url), self.location.origin).href;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const client of windows) {
    if (new URL(client.url).origin !== self.location.origin) continue;
    const target = client.url === url ? client : await client.navigate(url).catch(() => null);
    if (target) return target.focus().catch(() => target);
  }
  return self.clients.openWindow(url);
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openTarget(event.notification.data));
});

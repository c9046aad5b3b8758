// JewelPWA service worker, served at /sw.js so its scope is the whole app.
// Sections: lifecycle · offline · push · notification click.
'use strict';

// views/pwa.py fills in both when it serves /sw.js: the shell's files (every stylesheet, script, icon and
// the manifest under /static/) and a hash of them and of this script. Any change to them is a new worker
// with a new cache; the old cache is deleted when it activates.
const SHELL_VERSION = 'dev';
const SHELL_FILES = [];
const CACHE_PREFIX = 'jewelpwa-shell-';
const SHELL_CACHE = CACHE_PREFIX + SHELL_VERSION;
const OFFLINE_URL = '/offline';
// The app shell plus the offline page. Nothing here holds client data.
const SHELL = [OFFLINE_URL, ...SHELL_FILES.map((name) => `/static/${name}`)];
// How long a page may take before the offline page is shown instead (a weak signal at the back of the
// store can leave a request hanging for a minute).
const NAVIGATION_TIMEOUT_MS = 6000;

// --- lifecycle ----------------------------------------------------------------------------------------
// A new version takes over at once: no handler here carries state worth waiting for. cache: 'reload'
// skips the HTTP cache so a new worker never precaches yesterday's files.
async function precache() {
  const cache = await caches.open(SHELL_CACHE);
  await cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload', credentials: 'omit' })));
}

async function dropOldCaches() {
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith(CACHE_PREFIX) && n !== SHELL_CACHE).map((n) => caches.delete(n)));
}

self.addEventListener('install', (event) => event.waitUntil(precache().then(() => self.skipWaiting())));
self.addEventListener('activate', (event) => event.waitUntil(dropOldCaches().then(() => self.clients.claim())));

// --- offline ------------------------------------------------------------------------------------------
// Privacy first: a lost phone must not hold the client book. Pages (they all carry client data) and
// htmx fragments are never cached; neither is anything but a GET, nor /sw.js. Only /static/ files and
// the offline page live in the cache.

function timeout(ms) {
  return new Promise((resolve) => setTimeout(() => resolve(null), ms));
}

// Network first for pages; with no answer in time (or none at all), the offline page. A late answer is
// dropped: the user already sees the offline page and its "Try again".
async function page(request) {
  const network = fetch(request).catch(() => null);
  const response = await Promise.race([network, timeout(NAVIGATION_TIMEOUT_MS)]);
  if (response) return response;
  const offline = await caches.match(OFFLINE_URL);
  return offline || Response.error();
}

// Static files: from the cache at once, refreshed in the background for the next load.
async function asset(event) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(event.request);
  const network = fetch(event.request).then((response) => {
    if (response.ok && response.type === 'basic') return cache.put(event.request, response.clone()).then(() => response);
    return response;
  });
  if (cached) {
    event.waitUntil(network.catch(() => null));
    return cached;
  }
  return network;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return; // POSTs go straight to the network (the outbox handles no signal)
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith('/static/')) {
    event.respondWith(asset(event));
  }
  // Anything else (htmx fragments, /sw.js, JSON) is left to the network untouched.
});

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

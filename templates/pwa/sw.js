{% autoescape off %}// The service worker (sora_site/pwa.py): the installed app's offline page, nothing more.
//
// It keeps one cache, the app shell: the stylesheet, the scripts, the icons and the offline
// page, fetched signed out. Pages are always fetched from the network (navigation preload where
// the browser has it); only when that fails does the offline page answer instead. No response is
// ever stored at run time: videos, posters, avatars, the API, the feed's JSON actions and
// signed-in pages go to the network untouched, and websockets never pass through a worker.
// The cache's name changes with the shell's contents; activating deletes every older one.
"use strict";

const CACHE = "{{ cache_name }}";
const CACHE_PREFIX = "{{ cache_prefix }}";
const OFFLINE_URL = {{ offline_url }};
const SHELL = {{ shell_json }};
const SHELL_PATHS = new Set(SHELL);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) =>
        cache.addAll(SHELL.map((url) => new Request(url, { credentials: "omit", cache: "reload" })))
      )
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
          .map((name) => caches.delete(name))
      );
      if (self.registration.navigationPreload) {
        await self.registration.navigationPreload.enable();
      }
      await self.clients.claim();
    })()
  );
});

async function page(event) {
  try {
    const preloaded = await event.preloadResponse;
    return preloaded || (await fetch(event.request));
  } catch (error) {
    const offline = await caches.match(OFFLINE_URL, { cacheName: CACHE });
    return offline || Response.error();
  }
}

async function shellFile(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await caches.match(request, { cacheName: CACHE });
    return cached || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (SHELL_PATHS.has(url.pathname) && !url.search) {
    event.respondWith(shellFile(request));
  }
  // Anything else is not answered here: the browser fetches it as if there were no worker.
});
{% endautoescape %}

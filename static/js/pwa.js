// The installable app: registers the service worker (templates/pwa/sw.js) and keeps the
// theme-color meta (the phone's status bar) in step with the theme toggle of theme.js.
(function () {
  const script = document.currentScript;
  const workerUrl = script && script.dataset.serviceWorker;
  if (workerUrl && "serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker
        .register(workerUrl, { scope: "/", updateViaCache: "none" })
        .catch(function (error) {
          console.warn("Service worker not registered:", error);
        });
    });
  }

  // The metas follow the system scheme; an explicit choice on the toggle overrides it.
  const root = document.documentElement;
  const metas = document.querySelectorAll('meta[name="theme-color"]');
  const initial = Array.prototype.map.call(metas, function (meta) {
    return meta.content;
  });
  function syncThemeColor() {
    const explicit = root.dataset.theme === "dark" || root.dataset.theme === "light";
    const surface = getComputedStyle(root).getPropertyValue("--surface").trim();
    metas.forEach(function (meta, index) {
      meta.content = explicit && surface ? surface : initial[index];
    });
  }
  new MutationObserver(syncThemeColor).observe(root, { attributes: true, attributeFilter: ["data-theme"] });
  syncThemeColor();
})();

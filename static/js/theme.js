// Theme: "auto" follows the system; the toggle stores an explicit choice in localStorage.
(function () {
  const root = document.documentElement;
  const stored = localStorage.getItem("theme");
  if (stored === "dark" || stored === "light") root.dataset.theme = stored;
  document.addEventListener("DOMContentLoaded", function () {
    const toggle = document.getElementById("theme-toggle");
    if (!toggle) return;
    toggle.addEventListener("click", function () {
      const systemDark = window.matchMedia("(prefers-color-scheme: dark)").matches;
      const current = root.dataset.theme === "auto" ? (systemDark ? "dark" : "light") : root.dataset.theme;
      const next = current === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      localStorage.setItem("theme", next);
    });
  });
})();

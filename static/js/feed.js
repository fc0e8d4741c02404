// The feed player: snap-scrolling, the visible video plays muted (tap to unmute), the next one
// preloads, arrow keys and space work; the actions on each video are static/js/actions.js. Teens get a
// "Show more" button instead of continuous scroll; everyone gets a break prompt after a while.
(function () {
  "use strict";
  const feed = document.getElementById("feed");
  if (!feed) return;
  const continuous = feed.dataset.continuous === "1";
  const breakAfter = parseInt(feed.dataset.breakAfter || "0", 10);
  let watchedInARow = 0;
  let soundOn = false;
  let loading = false;

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
      body: JSON.stringify(body || {}),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.detail || "Something went wrong.");
    return data;
  }

  function items() { return Array.from(feed.querySelectorAll(".feed-item")); }

  function load(video) {
    if (video && !video.getAttribute("src") && video.dataset.src) {
      video.src = video.dataset.src;
      video.preload = "auto";
    }
  }

  // A video counts as watched (the break prompt here, the teen daily cap on the server) once it
  // has really played - its own clock advancing after `playing` - for data-watched-seconds, or
  // its whole length if shorter; each video counts once however often it comes back on screen.
  // How long it played is reported when it leaves the screen.
  const watchedSeconds = parseFloat(feed.dataset.watchedSeconds || "2");
  const playedFor = new WeakMap(); // video on screen -> seconds it has played there this time
  const clock = new WeakMap(); // video -> its currentTime at the last `playing` or `timeupdate`
  const counted = new Set(); // ids of the videos counted towards the break prompt

  function track(item, video) {
    if (clock.has(video)) return;
    clock.set(video, null);
    video.addEventListener("playing", () => clock.set(video, video.currentTime));
    video.addEventListener("timeupdate", () => {
      const last = clock.get(video);
      if (last === null || video.paused || !playedFor.has(video)) return;
      clock.set(video, video.currentTime);
      const step = video.currentTime - last; // a loop's jump back to 0 adds nothing
      if (step > 0 && step < 1) playedFor.set(video, playedFor.get(video) + step);
      const needed = Math.min(watchedSeconds, video.duration || Infinity);
      if (counted.has(item.dataset.video) || playedFor.get(video) < needed) return;
      counted.add(item.dataset.video);
      watchedInARow += 1;
      if (breakAfter && watchedInARow >= breakAfter) showBreak();
    });
  }

  function reportView(item) {
    const video = item.querySelector("video");
    if (!video || !playedFor.has(video)) return;
    const seconds = playedFor.get(video);
    playedFor.delete(video);
    post(`/feed/v/${item.dataset.video}/view`, { watch_seconds: seconds }).then((data) => {
      const left = document.getElementById("feed-remaining-count");
      if (left && data.remaining_today != null) left.textContent = data.remaining_today;
    }).catch(() => {});
  }

  function activate(item) {
    items().forEach((other) => {
      const v = other.querySelector("video");
      if (other !== item && v) { v.pause(); reportView(other); }
    });
    const video = item.querySelector("video");
    if (video) {
      load(video);
      track(item, video);
      video.muted = !soundOn;
      if (!playedFor.has(video)) playedFor.set(video, 0);
      video.play().catch(() => {});
    }
    const next = item.nextElementSibling;
    if (next) load(next.querySelector("video"));
    if (continuous && !item.nextElementSibling?.nextElementSibling) loadMore();
  }

  const observer = new IntersectionObserver((entries) => {
    entries.forEach((entry) => { if (entry.isIntersecting) activate(entry.target); });
  }, { root: null, threshold: 0.6 });

  function wire(root) {
    root.querySelectorAll(".feed-item").forEach((item) => {
      if (item.dataset.wired) return;
      item.dataset.wired = "1";
      observer.observe(item);
      const video = item.querySelector("video");
      const unmute = item.querySelector(".feed-unmute");
      if (video) {
        video.addEventListener("click", () => { video.paused ? video.play() : video.pause(); });
      }
      if (unmute) unmute.addEventListener("click", () => {
        soundOn = !soundOn;
        items().forEach((other) => { const v = other.querySelector("video"); if (v) v.muted = !soundOn; });
        document.querySelectorAll(".feed-unmute").forEach((b) => {
          b.textContent = soundOn ? "Sound on" : "Tap for sound";
          b.setAttribute("aria-label", soundOn ? "Mute" : "Unmute");
        });
      });
      window.FramecastActions.wire(item);
    });
    root.querySelectorAll(".feed-show-more").forEach((button) => {
      button.addEventListener("click", (event) => { event.preventDefault(); loadMore(); });
    });
  }

  async function loadMore() {
    const more = feed.querySelector(".feed-more");
    if (!more || loading) return;
    loading = true;
    try {
      const response = await fetch(more.dataset.next, { credentials: "same-origin" });
      const html = await response.text();
      const holder = document.createElement("div");
      holder.innerHTML = html;
      more.remove();
      const nodes = Array.from(holder.children);
      nodes.forEach((node) => feed.append(node));
      wire(feed);
    } finally { loading = false; }
  }

  function showBreak() {
    const dialog = document.getElementById("feed-break");
    if (!dialog || !dialog.hidden) return;
    dialog.hidden = false;
    items().forEach((other) => { const v = other.querySelector("video"); if (v) v.pause(); });
    document.getElementById("feed-break-continue").focus();
  }
  const keepWatching = document.getElementById("feed-break-continue");
  if (keepWatching) keepWatching.addEventListener("click", () => {
    document.getElementById("feed-break").hidden = true;
    watchedInARow = 0;
  });

  function current() {
    const top = feed.getBoundingClientRect().top;
    return items().reduce((best, item) => {
      const d = Math.abs(item.getBoundingClientRect().top - top);
      return !best || d < best.d ? { item, d } : best;
    }, null)?.item;
  }

  document.addEventListener("keydown", (event) => {
    if (["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName)) return;
    const item = current();
    if (!item) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const target = event.key === "ArrowDown" ? item.nextElementSibling : item.previousElementSibling;
      if (target) target.scrollIntoView({ behavior: "smooth" });
    } else if (event.key === " ") {
      const video = item.querySelector("video");
      if (video) { event.preventDefault(); video.paused ? video.play() : video.pause(); }
    }
  });

  // The player fills the screen below the header, however many lines the header and messages
  // take on this screen: a fixed calc() left the rail's lower half under the fold on phones.
  function fitToScreen() {
    const top = feed.getBoundingClientRect().top + window.scrollY;
    const height = Math.max(window.innerHeight - top - 8, 320);
    document.documentElement.style.setProperty("--feed-height", `${Math.round(height)}px`);
  }
  window.addEventListener("resize", fitToScreen);
  fitToScreen();

  wire(feed);
})();

// The feed player: snap-scrolling, the visible video plays muted (tap to unmute), the next one
// preloads, arrow keys and space work, reactions go to small JSON endpoints. Teens get a
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

  // Watch time is reported when a video leaves the screen.
  const started = new WeakMap();
  function reportView(item) {
    const video = item.querySelector("video");
    if (!video || !started.has(video)) return;
    const seconds = (performance.now() - started.get(video)) / 1000;
    started.delete(video);
    post(`/feed/v/${item.dataset.video}/view`, { watch_seconds: seconds }).catch(() => {});
  }

  function activate(item) {
    items().forEach((other) => {
      const v = other.querySelector("video");
      if (other !== item && v && !v.paused) { v.pause(); reportView(other); }
    });
    const video = item.querySelector("video");
    if (video) {
      load(video);
      video.muted = !soundOn;
      video.play().catch(() => {});
      started.set(video, performance.now());
      watchedInARow += 1;
      if (breakAfter && watchedInARow >= breakAfter) showBreak();
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
          b.textContent = soundOn ? "🔊 Sound on" : "🔇 Tap for sound";
          b.setAttribute("aria-label", soundOn ? "Mute" : "Unmute");
        });
      });
      wireActions(item);
    });
    root.querySelectorAll(".feed-show-more").forEach((button) => {
      button.addEventListener("click", (event) => { event.preventDefault(); loadMore(); });
    });
  }

  function wireActions(item) {
    const id = item.dataset.video;
    const like = item.querySelector(".feed-like");
    if (like) like.addEventListener("click", async () => {
      const liked = like.getAttribute("aria-pressed") !== "true";
      try {
        const data = await post(`/feed/v/${id}/like`, { liked });
        like.setAttribute("aria-pressed", String(data.liked));
        like.querySelector(".count").textContent = data.likes;
      } catch (error) { alert(error.message); }
    });
    const follow = item.querySelector(".feed-follow");
    if (follow) follow.addEventListener("click", async () => {
      const following = follow.getAttribute("aria-pressed") !== "true";
      try {
        await post(`/feed/u/${follow.dataset.handle}/follow`, { following });
        document.querySelectorAll(`.feed-follow[data-handle="${follow.dataset.handle}"]`).forEach((b) => {
          b.setAttribute("aria-pressed", String(following));
          b.textContent = following ? "Following" : "Follow";
        });
      } catch (error) { alert(error.message); }
    });
    const share = item.querySelector(".feed-share");
    if (share) share.addEventListener("click", async () => {
      const url = new URL(share.dataset.url, window.location.origin).href;
      try { await navigator.clipboard.writeText(url); share.textContent = "✓"; }
      catch (error) { window.prompt("Copy this link", url); }
    });
    const seeLess = item.querySelector(".feed-see-less");
    if (seeLess) seeLess.addEventListener("click", async () => {
      try { const data = await post(`/feed/v/${id}/see-less`); seeLess.textContent = data.detail; seeLess.disabled = true; }
      catch (error) { alert(error.message); }
    });
    const toggle = item.querySelector(".feed-comments-toggle");
    const panel = item.querySelector(".feed-comments");
    if (toggle && panel) toggle.addEventListener("click", async () => {
      const open = panel.hidden;
      panel.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      if (open) await loadComments(id, panel);
    });
    const form = item.querySelector(".feed-comment-form");
    if (form) form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const input = form.querySelector("input");
      try {
        await post(`/feed/v/${id}/comments`, { text: input.value });
        input.value = "";
        await loadComments(id, panel);
        const count = toggle.querySelector(".count");
        count.textContent = String(parseInt(count.textContent, 10) + 1);
      } catch (error) { alert(error.message); }
    });
  }

  async function loadComments(id, panel) {
    const list = panel.querySelector(".feed-comment-list");
    const response = await fetch(`/feed/v/${id}/comments`, { credentials: "same-origin" });
    const data = await response.json();
    list.replaceChildren();
    (data.comments || []).forEach((c) => {
      const li = document.createElement("li");
      const who = document.createElement("strong");
      who.textContent = "@" + c.author + " ";
      li.append(who, document.createTextNode(c.text));
      if (c.can_report) {
        const report = document.createElement("a");
        report.href = `/report/comment/${c.id}/`;
        report.className = "comment-report muted";
        report.textContent = "Report";
        li.append(" ", report);
      }
      list.append(li);
    });
    if (!list.children.length) {
      const li = document.createElement("li");
      li.textContent = "No comments yet.";
      list.append(li);
    }
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

  wire(feed);
})();

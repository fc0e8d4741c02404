// What one can do with a video - like, follow, comment, share, the "more" sheet, see less - the
// same on the feed's rail and on the video page (templates/feed/_actions.html). The feed calls
// FramecastActions.wire(item) for each item it adds; a video page is wired on load.
(function () {
  "use strict";

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

  function announce(root, text) {
    const status = root.querySelector(".action-status");
    if (status) status.textContent = text;
  }

  async function share(root, button) {
    const url = new URL(button.dataset.url, window.location.origin).href;
    // The phone's own share sheet where the browser has one; otherwise copy the link.
    if (navigator.share) {
      try {
        await navigator.share({ title: button.dataset.title || document.title, url });
        return;
      } catch (error) {
        if (error.name === "AbortError") return; // the person closed the sheet
      }
    }
    try {
      await navigator.clipboard.writeText(url);
      button.querySelector(".action-label").textContent = "Copied";
      announce(root, "Link copied.");
      setTimeout(() => { button.querySelector(".action-label").textContent = "Share"; }, 2000);
    } catch (error) {
      window.prompt("Copy this link", url);
    }
  }

  async function loadComments(id, panel) {
    const list = panel.querySelector(".feed-comment-list");
    const response = await fetch(`/feed/v/${id}/comments`, { credentials: "same-origin" });
    const data = await response.json().catch(() => ({}));
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
      li.className = "muted";
      li.textContent = response.ok ? "No comments yet." : (data.detail || "Comments could not be loaded.");
      list.append(li);
    }
  }

  function setSheet(sheet, toggle, open) {
    sheet.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) sheet.querySelector("a, button")?.focus();
  }

  function wire(root) {
    if (!root || root.dataset.actionsWired) return;
    root.dataset.actionsWired = "1";
    const id = root.dataset.video;

    const like = root.querySelector(".feed-like");
    if (like) like.addEventListener("click", async () => {
      const liked = like.getAttribute("aria-pressed") !== "true";
      try {
        const data = await post(`/feed/v/${id}/like`, { liked });
        like.setAttribute("aria-pressed", String(data.liked));
        like.querySelector(".count").textContent = data.likes;
      } catch (error) { alert(error.message); }
    });

    const follow = root.querySelector(".feed-follow");
    if (follow) follow.addEventListener("click", async () => {
      const following = follow.getAttribute("aria-pressed") !== "true";
      const handle = follow.dataset.handle;
      try {
        await post(`/feed/u/${handle}/follow`, { following });
        // Every button for the same creator on the page, e.g. their other videos in the feed.
        document.querySelectorAll(`.feed-follow[data-handle="${handle}"]`).forEach((b) => {
          b.setAttribute("aria-pressed", String(following));
          b.textContent = following ? "Following" : "Follow";
          b.setAttribute("aria-label", `${following ? "Following" : "Follow"} @${handle}`);
        });
      } catch (error) { alert(error.message); }
    });

    const shareButton = root.querySelector(".feed-share");
    if (shareButton) shareButton.addEventListener("click", () => share(root, shareButton));

    const more = root.querySelector(".feed-more");
    const sheet = more && document.getElementById(more.getAttribute("aria-controls"));
    if (more && sheet) {
      more.addEventListener("click", () => setSheet(sheet, more, sheet.hidden));
      sheet.querySelector(".action-sheet-close")?.addEventListener("click", () => {
        setSheet(sheet, more, false);
        more.focus();
      });
      sheet.addEventListener("keydown", (event) => {
        if (event.key === "Escape") { setSheet(sheet, more, false); more.focus(); }
      });
    }

    const seeLess = root.querySelector(".feed-see-less");
    if (seeLess) seeLess.addEventListener("click", async () => {
      try {
        const data = await post(`/feed/v/${id}/see-less`);
        seeLess.textContent = data.detail;
        seeLess.disabled = true;
      } catch (error) { alert(error.message); }
    });

    const toggle = root.querySelector(".feed-comments-toggle");
    const panel = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (toggle && panel) {
      const setOpen = async (open) => {
        panel.hidden = !open;
        toggle.setAttribute("aria-expanded", String(open));
        if (open) await loadComments(id, panel);
      };
      toggle.addEventListener("click", () => setOpen(panel.hidden));
      panel.querySelector(".feed-comments-close")?.addEventListener("click", () => {
        setOpen(false);
        toggle.focus();
      });
      const form = panel.querySelector(".feed-comment-form");
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
  }

  window.FramecastActions = { wire };
  document.querySelectorAll(".video-page[data-video]").forEach(wire);
})();

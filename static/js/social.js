// Follow and block buttons outside the feed player (profile pages).
(function () {
  "use strict";
  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.detail || "Something went wrong.");
    return data;
  }
  document.querySelectorAll(".profile-social .feed-follow").forEach((button) => {
    button.addEventListener("click", async () => {
      const following = button.getAttribute("aria-pressed") !== "true";
      try {
        await post(`/feed/u/${button.dataset.handle}/follow`, { following });
        button.setAttribute("aria-pressed", String(following));
        button.textContent = following ? "Following" : "Follow";
      } catch (error) { alert(error.message); }
    });
  });
  document.querySelectorAll(".profile-social .feed-block").forEach((button) => {
    button.addEventListener("click", async () => {
      const blocked = button.getAttribute("aria-pressed") !== "true";
      if (blocked && !window.confirm("Block this account? You won't see each other's videos or comments.")) return;
      try {
        await post(`/feed/u/${button.dataset.handle}/block`, { blocked });
        window.location.reload();
      } catch (error) { alert(error.message); }
    });
  });
})();

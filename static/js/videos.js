// Create and Drafts pages: prompt counter, wait estimate, live job progress over /ws/jobs/.
// The server renders every card from the job row; this only keeps it current without reloads.
(function () {
  "use strict";

  var STATUS_LABELS = {
    queued: "Queued", running: "Generating", succeeded: "Draft ready",
    failed: "Failed", cancelled: "Cancelled"
  };

  function formatEta(seconds) {
    if (seconds === null || seconds === undefined) { return ""; }
    if (seconds < 60) { return "about " + seconds + " s left"; }
    return "about " + Math.round(seconds / 60) + " min left";
  }

  // --- Create form: character counter and estimate ---------------------------------------
  var prompt = document.getElementById("id_prompt");
  var counter = document.getElementById("prompt-counter");
  if (prompt && counter) {
    var max = parseInt(prompt.getAttribute("maxlength") || "2000", 10);
    var updateCounter = function () {
      var n = prompt.value.length;
      counter.textContent = n + " / " + max;
      counter.classList.toggle("over", n > max);
    };
    prompt.addEventListener("input", updateCounter);
    updateCounter();
  }
  var form = document.getElementById("create-form");
  var duration = document.getElementById("id_duration");
  var estimate = document.getElementById("estimate");
  if (form && duration && estimate) {
    var perSecond = parseFloat(form.getAttribute("data-per-second") || "2");
    var updateEstimate = function () {
      var seconds = Math.max(1, Math.round(parseInt(duration.value, 10) * perSecond));
      estimate.textContent = "Estimated wait: about " + seconds + " s once a worker picks it up.";
    };
    duration.addEventListener("change", updateEstimate);
  }

  // --- Live progress ---------------------------------------------------------------------
  var liveState = document.getElementById("live-state");
  function setLiveState(text) { if (liveState) { liveState.textContent = text; } }

  function show(el, visible) { if (el) { el.hidden = !visible; } }

  // --- Drafts page: cards for jobs started elsewhere ---------------------------------------
  // A job started in another tab (or through the API) has no card here yet: fetch the card the
  // server renders for it, put it at the top, then apply the newest event that arrived meanwhile.
  var draftList = document.querySelector(".jobs-live.drafts[data-card-url]");
  var DRAFT_STATUSES = ["draft_generating", "draft_ready", "draft_failed"];
  var cardFetches = {};  // video id -> newest event while its card is being fetched
  var noCard = {};  // video ids the server has no draft card for (published, deleted)

  function fetchCard(ev) {
    if (!draftList || noCard[ev.video] || DRAFT_STATUSES.indexOf(ev.video_status) < 0) { return; }
    if (Object.prototype.hasOwnProperty.call(cardFetches, ev.video)) {
      cardFetches[ev.video] = ev;
      return;
    }
    cardFetches[ev.video] = ev;
    var url = draftList.getAttribute("data-card-url").replace("__video__", encodeURIComponent(ev.video));
    // "manual": a signed-out session gets a redirect to the login page, never a card.
    fetch(url, { credentials: "same-origin", redirect: "manual", headers: { "Accept": "text/html" } })
      .then(function (response) {
        // 404: not (or no longer) one of this person's drafts - do not ask again. Anything
        // else (a network error, a restart) may be retried by the next event.
        if (response.status === 404) { noCard[ev.video] = true; }
        if (!response.ok) { throw new Error("no card"); }
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();
        var card = holder.content.querySelector("[data-video]");
        if (!card || card.getAttribute("data-video") !== ev.video) {
          noCard[ev.video] = true;
          throw new Error("not a card");
        }
        if (!document.querySelector('[data-video="' + ev.video + '"]')) {
          var empty = draftList.querySelector('[data-role="no-drafts"]');
          if (empty) { empty.remove(); }
          draftList.insertBefore(card, draftList.firstChild);
        }
        var latest = cardFetches[ev.video];
        delete cardFetches[ev.video];
        applyEvent(latest);
      })
      .catch(function () { delete cardFetches[ev.video]; });
  }

  // The plan's notes (what the engine could not draw) exist once the draft is ready: take them
  // from the server-rendered card rather than building the markup twice.
  function refreshNotes(videoId, notes) {
    var url = draftList.getAttribute("data-card-url").replace("__video__", encodeURIComponent(videoId));
    fetch(url, { credentials: "same-origin", redirect: "manual", headers: { "Accept": "text/html" } })
      .then(function (response) { if (!response.ok) { throw new Error("no card"); } return response.text(); })
      .then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();
        var fresh = holder.content.querySelector('[data-role="plan-notes"]');
        if (fresh && !fresh.hidden) { notes.replaceWith(fresh); }
      })
      .catch(function () { notes.removeAttribute("data-fetched"); });
  }

  function applyEvent(ev) {
    var card = document.querySelector('[data-video="' + ev.video + '"]');
    if (!card) { fetchCard(ev); return; }
    var active = ev.status === "queued" || ev.status === "running";
    var ready = ev.status === "succeeded" && ev.video_status === "draft_ready";
    var percent = Math.round((ev.progress || 0) * 100);
    card.setAttribute("data-status", ev.status);
    var q = function (role) { return card.querySelector('[data-role="' + role + '"]'); };
    var status = q("status");
    if (status) {
      status.textContent = STATUS_LABELS[ev.status] || ev.status;
      status.className = "draft-status status-" + ev.status;
    }
    var bar = q("bar");
    if (bar) { bar.value = ev.status === "succeeded" ? 100 : percent; bar.textContent = percent + "%"; }
    var pct = q("percent");
    if (pct) { pct.textContent = (ev.status === "succeeded" ? 100 : percent) + "%"; }
    var stage = q("stage");
    if (stage) { stage.textContent = ev.stage || "waiting"; }
    var eta = q("eta");
    if (eta) { eta.textContent = formatEta(ev.eta_seconds); }
    var message = q("message");
    if (message) { message.textContent = ev.message || ""; }
    var error = q("error");
    if (error) { error.textContent = ev.error_message || ""; show(error, !!ev.error_message); }
    // The bar stays visible at 100% when the job finishes, so nobody misses the end.
    show(q("progress-block"), active || ev.status === "succeeded");
    if (ready && ev.video_url) {
      var video = q("video");
      if (video && !video.getAttribute("src")) {
        video.setAttribute("poster", ev.poster_url);
        video.setAttribute("src", ev.video_url);
      }
      show(q("player"), true);
      var notes = q("plan-notes");
      if (notes && notes.hidden && draftList && !notes.getAttribute("data-fetched")) {
        notes.setAttribute("data-fetched", "1");
        refreshNotes(ev.video, notes);
      }
    }
    card.querySelectorAll("[data-show-when]").forEach(function (el) {
      var when = el.getAttribute("data-show-when");
      show(el, (when === "active" && active) || (when === "ready" && ready) ||
        (when === "retryable" && (ev.status === "failed" || ev.status === "cancelled")));
    });
  }

  if (!document.querySelector("[data-job]") && !document.querySelector(".jobs-live")) { return; }
  if (!("WebSocket" in window)) { setLiveState("not available; reload to refresh."); return; }

  var delay = 1000;
  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/ws/jobs/");
    socket.addEventListener("open", function () { delay = 1000; setLiveState("on."); });
    socket.addEventListener("message", function (message) {
      var data;
      try { data = JSON.parse(message.data); } catch (e) { return; }
      if (data.type === "jobs.snapshot") { (data.jobs || []).forEach(applyEvent); }
      else if (data.type === "job.progress") { applyEvent(data); }
    });
    socket.addEventListener("close", function () {
      setLiveState("reconnecting…");
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 15000);
    });
  }
  connect();
})();

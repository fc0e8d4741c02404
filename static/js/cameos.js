// Cameo pages: the verification recorder (getUserMedia + MediaRecorder) and confirmations.
(function () {
  "use strict";

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  document.querySelectorAll("form.js-confirm").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm || "Are you sure?")) event.preventDefault();
    });
  });

  var recorder = document.getElementById("recorder");
  if (!recorder) return;
  var canRecord = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
  if (!canRecord) return; // the upload form below stays the way in
  recorder.classList.remove("hidden");

  // The script of the recording (cameos/verification.py checks the clip against it): each
  // number on screen for a while from NUMBERS_AT, then the head turn, then the recorder stops.
  var MIN_SECONDS = 7, COUNTDOWN = 3;
  var NUMBERS = (recorder.dataset.numbers || "").split(",");
  var NUMBERS_AT = parseFloat(recorder.dataset.numbersAt || "1");
  var NUMBER_SECONDS = parseFloat(recorder.dataset.numberSeconds || "1.5");
  var TURN_AT = parseFloat(recorder.dataset.turnAt || "5.5");
  var MAX_SECONDS = TURN_AT + 3.5;
  function cue(seconds) {
    if (seconds < NUMBERS_AT) return "Look at the camera";
    if (seconds < TURN_AT) {
      var i = Math.min(NUMBERS.length - 1, Math.floor((seconds - NUMBERS_AT) / NUMBER_SECONDS));
      return "Say: " + NUMBERS[i];
    }
    if (seconds < TURN_AT + 2) return "Turn your head to the side";
    return "…and back to the camera";
  }
  var preview = document.getElementById("recorder-preview");
  var playback = document.getElementById("recorded-playback");
  var statusLine = document.getElementById("recorder-status");
  var overlay = document.getElementById("recorder-countdown");
  var errorBox = document.getElementById("verify-error");
  var startCamera = document.getElementById("camera-start");
  var startRecord = document.getElementById("record-start");
  var stopRecord = document.getElementById("record-stop");
  var send = document.getElementById("record-send");
  var stream = null, mediaRecorder = null, chunks = [], blob = null, startedAt = 0, timer = null;

  function say(text) { statusLine.textContent = text; }
  function showError(text) {
    errorBox.textContent = text;
    errorBox.classList.toggle("hidden", !text);
  }
  function pickType() {
    var types = ["video/webm;codecs=vp8,opus", "video/webm;codecs=vp9,opus", "video/webm", "video/mp4"];
    for (var i = 0; i < types.length; i++) {
      if (MediaRecorder.isTypeSupported(types[i])) return types[i];
    }
    return "";
  }

  startCamera.addEventListener("click", function () {
    showError("");
    navigator.mediaDevices.getUserMedia({
      video: { facingMode: "user", width: { ideal: 720 }, height: { ideal: 1280 } },
      audio: { echoCancellation: true, noiseSuppression: true }
    }).then(function (s) {
      stream = s;
      preview.srcObject = s;
      startCamera.disabled = true;
      startRecord.disabled = false;
      say("Camera on. Press Record, then read the numbers and turn your head.");
    }).catch(function (err) {
      showError("We could not open your camera and microphone (" + err.name + "). You can upload a clip instead.");
    });
  });

  function beginRecording() {
    chunks = [];
    var type = pickType();
    mediaRecorder = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
    mediaRecorder.addEventListener("dataavailable", function (e) { if (e.data && e.data.size) chunks.push(e.data); });
    mediaRecorder.addEventListener("stop", function () {
      clearInterval(timer);
      blob = new Blob(chunks, { type: mediaRecorder.mimeType || "video/webm" });
      playback.src = URL.createObjectURL(blob);
      playback.classList.remove("hidden");
      var seconds = (Date.now() - startedAt) / 1000;
      send.disabled = seconds < MIN_SECONDS;
      startRecord.disabled = false;
      stopRecord.disabled = true;
      overlay.textContent = "";
      say(seconds < MIN_SECONDS ? "Too short: let the recorder run until it stops by itself." : "Watch it back, then send it or record again.");
    });
    startedAt = Date.now();
    mediaRecorder.start(250);
    stopRecord.disabled = false;
    timer = setInterval(function () {
      var seconds = (Date.now() - startedAt) / 1000;
      overlay.textContent = cue(seconds);
      if (seconds >= MAX_SECONDS && mediaRecorder.state === "recording") mediaRecorder.stop();
    }, 100);
    overlay.textContent = cue(0);
    say("Recording: read each number as it appears, then turn your head to the side and back.");
  }

  startRecord.addEventListener("click", function () {
    startRecord.disabled = true;
    send.disabled = true;
    playback.classList.add("hidden");
    var left = COUNTDOWN;
    overlay.textContent = String(left);
    var countdown = setInterval(function () {
      left -= 1;
      if (left > 0) { overlay.textContent = String(left); return; }
      clearInterval(countdown);
      beginRecording();
    }, 1000);
  });

  stopRecord.addEventListener("click", function () {
    if (mediaRecorder && mediaRecorder.state === "recording") mediaRecorder.stop();
  });

  send.addEventListener("click", function () {
    if (!blob) return;
    send.disabled = true;
    showError("");
    say("Checking your recording…");
    var body = new FormData();
    var ext = (blob.type.indexOf("mp4") >= 0) ? "mp4" : "webm";
    body.append("clip", blob, "recording." + ext);
    fetch(recorder.dataset.uploadUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (result.ok) {
        say(result.data.detail);
        if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
        window.location.assign(result.data.redirect);
      } else {
        showError(result.data.detail || "That recording was refused.");
        say("Record again when you're ready.");
        send.disabled = false;
      }
    }).catch(function () {
      showError("The upload failed. Check your connection and try again.");
      send.disabled = false;
    });
  });
})();

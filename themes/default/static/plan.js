/* planwiki (issue #5): small enhancements. Everything works without this script. */
(function () {
  "use strict";

  /* "Read this page aloud": only where the browser has a voice to read with. */
  function readAloud() {
    var button = document.querySelector("[data-read-aloud]");
    if (!button || !("speechSynthesis" in window) || !window.SpeechSynthesisUtterance) return;
    // Someone who chose "Read aloud" in How I read has its own button on every page (issue #16).
    if (document.body.classList.contains("read-aloud")) return;
    var synth = window.speechSynthesis;
    var label = button.textContent;
    function voices() { return synth.getVoices() || []; }
    function reveal() { if (voices().length) button.hidden = false; }
    function reset() { button.textContent = label; }
    reveal();
    if (synth.addEventListener) synth.addEventListener("voiceschanged", reveal);
    button.addEventListener("click", function () {
      if (synth.speaking) { synth.cancel(); reset(); return; }
      var title = document.querySelector("main h1");
      var content = document.querySelector("main .content");
      var text = (title ? title.innerText + ". " : "") + (content ? content.innerText : "");
      var utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = document.documentElement.lang || "en-GB";
      var british = voices().filter(function (v) { return /^en[-_]GB/i.test(v.lang); })[0];
      if (british) utterance.voice = british;
      utterance.onend = reset;
      utterance.onerror = reset;
      button.textContent = said(button, "stop", "Stop reading");
      synth.speak(utterance);
    });
  }

  /* The page's words for a message, drawn by the template with say() in the reader's own
     register (standard or easy read, issue #16); the standard words if it has none. */
  function said(element, name, standard, names) {
    var text = (element && element.getAttribute("data-say-" + name)) || standard;
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return names && Object.prototype.hasOwnProperty.call(names, key) ? names[key] : all;
    });
  }

  function megabytes(bytes) {
    if (bytes < 1048576) return Math.max(1, Math.round(bytes / 1024)) + " KB";
    return (bytes / 1048576).toFixed(1).replace(/\.0$/, "") + " MB";
  }

  /* Record a video or a voice in the browser (issues #5, #16), and put it in the form's own
     file box, so it is sent, checked and kept exactly like a chosen file. */
  function recorder() {
    var box = document.querySelector("[data-recorder]");
    if (!box || !window.MediaRecorder || !window.DataTransfer || !navigator.mediaDevices ||
        !navigator.mediaDevices.getUserMedia) return;
    var form = box.closest("form");
    var input = form && form.querySelector("input[type=file]");
    if (!input) return;
    var starts = box.querySelectorAll("[data-record]");
    var stop = box.querySelector("[data-stop]");
    var status = box.querySelector("[data-record-status]");
    var sizeNote = box.querySelector("[data-record-size]");
    var live = box.querySelector("[data-record-live]");
    var previews = { audio: box.querySelector("[data-record-preview]"),
                     video: box.querySelector("[data-record-preview-video]") };
    var formats = {
      audio: ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"],
      video: ["video/webm;codecs=vp8,opus", "video/webm;codecs=vp9,opus", "video/webm", "video/mp4"]
    };
    var limits = { audio: Number(box.getAttribute("data-max-audio")) || 0,
                   video: Number(box.getAttribute("data-max-video")) || 0 };
    var current = null;
    box.hidden = false;

    function buttons(recording) {
      Array.prototype.forEach.call(starts, function (b) { b.disabled = recording; });
      stop.disabled = !recording;
    }

    Array.prototype.forEach.call(starts, function (start) {
      start.addEventListener("click", function () {
        var kind = start.getAttribute("data-record");
        var wanted = kind === "video" ? { audio: true, video: { width: { ideal: 640 }, height: { ideal: 480 } } } : { audio: true };
        navigator.mediaDevices.getUserMedia(wanted).then(function (stream) {
          var chunks = [], size = 0, limit = limits[kind], tooBig = false;
          var type = formats[kind].filter(function (t) { return MediaRecorder.isTypeSupported(t); })[0];
          current = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
          if (kind === "video") {
            live.srcObject = stream;  // the live picture, muted so it does not echo
            live.hidden = false;
            live.play().catch(function () {});
          }
          current.ondataavailable = function (event) {
            if (!event.data || !event.data.size) return;
            chunks.push(event.data);
            size += event.data.size;
            // Not a live region: read out every second it would drown the Stop button.
            sizeNote.hidden = false;
            sizeNote.textContent = limit ? said(box, "size-limit", "Size so far: {size} of {limit}.", { size: megabytes(size), limit: megabytes(limit) })
              : said(box, "size", "Size so far: {size}.", { size: megabytes(size) });
            // Stop before the limit, so what was recorded can still be sent.
            if (limit && size > limit * 0.95 && current.state === "recording") { tooBig = true; current.stop(); }
          };
          current.onstop = function () {
            stream.getTracks().forEach(function (track) { track.stop(); });
            live.hidden = true;
            live.srcObject = null;
            sizeNote.hidden = true;
            var mime = (current.mimeType || (kind + "/webm")).split(";")[0];
            var ending = mime.indexOf("ogg") >= 0 ? ".ogg" : mime.indexOf("mp4") >= 0 ? (kind === "video" ? ".mp4" : ".m4a") : ".webm";
            var file = new File(chunks, (kind === "video" ? "my-video" : "my-recording") + ending, { type: mime });
            var transfer = new DataTransfer();
            transfer.items.add(file);
            input.files = transfer.files;
            var other = previews[kind === "video" ? "audio" : "video"];
            other.hidden = true;
            previews[kind].src = URL.createObjectURL(file);
            previews[kind].hidden = false;
            status.textContent = (tooBig ? said(box, "too-big", "The recording stopped because it reached the size limit. ") : "") +
              (kind === "video" ? said(box, "video-ready", "Your video is ready ({size}). Play it back, then press “Add to this page” to keep it.", { size: megabytes(file.size) })
                : said(box, "voice-ready", "Your recording is ready ({size}). Play it back, then press “Add to this page” to keep it.", { size: megabytes(file.size) }));
            start.textContent = kind === "video" ? said(box, "video-again", "Record the video again") : said(box, "voice-again", "Record my voice again");
            buttons(false);
            start.focus();
          };
          current.start(1000);  // a piece every second, so the size can be watched
          status.textContent = kind === "video"
            ? said(box, "recording-video", "Recording a video (up to {limit}). Press Stop when you have finished.", { limit: megabytes(limit) })
            : said(box, "recording-voice", "Recording your voice (up to {limit}). Press Stop when you have finished.", { limit: megabytes(limit) });
          buttons(true);
          stop.focus();
        }).catch(function () {
          status.textContent = kind === "video"
            ? said(box, "no-camera", "We could not use the camera. Check that this browser may use it, or choose a file instead.")
            : said(box, "no-microphone", "We could not use the microphone. Check that this browser may use it, or choose a file instead.");
        });
      });
    });
    stop.addEventListener("click", function () {
      if (current && current.state !== "inactive") current.stop();
    });
  }

  /* Sending a file: a progress bar with words while it goes (issue #16). Without this script
     the form is sent the ordinary way. */
  function uploads() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-upload]"), function (form) {
      var box = form.querySelector("[data-progress]");
      if (!box || !window.XMLHttpRequest || !window.FormData) return;
      var bar = box.querySelector("progress");
      var words = box.querySelector("[data-progress-words]");
      form.addEventListener("submit", function (event) {
        var input = form.querySelector("input[type=file]");
        if (!input || !input.files || !input.files.length) return;  // the server says "Choose a file first"
        event.preventDefault();
        var sending = form.querySelector("button[type=submit]");
        var request = new XMLHttpRequest();
        request.open("POST", form.action);
        request.upload.addEventListener("progress", function (e) {
          if (!e.lengthComputable) return;
          var part = Math.round((100 * e.loaded) / e.total);
          bar.value = part;
          bar.textContent = part + "%";
          words.textContent = said(box, "sent-part", "Sent {part}% ({done} of {total}).", { part: part, done: megabytes(e.loaded), total: megabytes(e.total) });
        });
        request.addEventListener("load", function () {
          if (request.status < 400) {
            words.textContent = said(box, "sent", "Sent. Opening the page again…");
            window.location.assign(request.responseURL || window.location.href);
            return;
          }
          // Show the server's own message (read as text: nothing in it runs).
          var page = new DOMParser().parseFromString(request.responseText, "text/html");
          var error = page.querySelector(".field-error, .error-summary p, main p");
          var why = error ? error.textContent.replace(/^(Error|Problem):\s*/, "") : said(box, "try-again", "please try again.");
          words.textContent = said(box, "not-added", "It was not added: {why}", { why: why });
          sending.disabled = false;
        });
        request.addEventListener("error", function () {
          words.textContent = said(box, "no-connection", "It could not be sent. Check the connection and press “Add to this page” again.");
          sending.disabled = false;
        });
        bar.value = 0;
        box.hidden = false;
        words.textContent = said(box, "sending", "Sending…");
        sending.disabled = true;
        request.send(new FormData(form));
      });
    });
  }

  /* A "Print" button where there is a script to press it with. */
  function printing() {
    var buttons = document.querySelectorAll("[data-print]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function ready() { readAloud(); recorder(); uploads(); printing(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();

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
      button.textContent = "Stop reading";
      synth.speak(utterance);
    });
  }

  /* Record a voice in the browser, and send it through the ordinary upload form. */
  function recorder() {
    var box = document.querySelector("[data-recorder]");
    if (!box || !window.MediaRecorder || !window.DataTransfer || !navigator.mediaDevices ||
        !navigator.mediaDevices.getUserMedia) return;
    var form = box.closest("form");
    var input = form && form.querySelector("input[type=file]");
    if (!input) return;
    var start = box.querySelector("[data-record]");
    var stop = box.querySelector("[data-stop]");
    var status = box.querySelector("[data-record-status]");
    var preview = box.querySelector("[data-record-preview]");
    var types = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];
    var current = null;
    box.hidden = false;
    start.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        var chunks = [];
        var type = types.filter(function (t) { return MediaRecorder.isTypeSupported(t); })[0];
        current = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
        current.ondataavailable = function (event) { if (event.data && event.data.size) chunks.push(event.data); };
        current.onstop = function () {
          stream.getTracks().forEach(function (track) { track.stop(); });
          var kind = (current.mimeType || "audio/webm").split(";")[0];
          var ending = kind.indexOf("ogg") >= 0 ? ".ogg" : kind.indexOf("mp4") >= 0 ? ".m4a" : ".webm";
          var file = new File(chunks, "my-recording" + ending, { type: kind });
          var transfer = new DataTransfer();
          transfer.items.add(file);
          input.files = transfer.files;
          preview.src = URL.createObjectURL(file);
          preview.hidden = false;
          status.textContent = "Your recording is ready. Listen to it, then press “Add to this page” to keep it.";
          start.textContent = "Record again";
          start.disabled = false;
          stop.disabled = true;
          start.focus();
        };
        current.start();
        status.textContent = "Recording. Press Stop when you have finished.";
        start.disabled = true;
        stop.disabled = false;
        stop.focus();
      }).catch(function () {
        status.textContent = "We could not use the microphone. Check that this browser may use it, or choose a file instead.";
      });
    });
    stop.addEventListener("click", function () {
      if (current && current.state !== "inactive") current.stop();
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

  function ready() { readAloud(); recorder(); printing(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();

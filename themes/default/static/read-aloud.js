/* Read this page aloud (issue #16), for people who chose "Read aloud" in How I read.
   Progressive enhancement under the strict CSP: without JavaScript there is no button at all.
   The browser's own speech (speechSynthesis) reads the main part of the page. When the
   browser cannot speak, or has no voices to speak with, the button stays and says why in
   plain words, instead of doing nothing. */
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main || !document.body.classList.contains("read-aloud")) { return; }

  var START = "Read this page aloud";
  var NO_SPEECH = "This browser cannot read pages aloud. Try another browser, such as Chrome, Edge, Safari or Firefox.";
  var NO_VOICES = "This browser has no voices to read with, so it cannot read aloud. " +
    "You can add a voice in your phone or computer settings (look for \u201ctext to speech\u201d), or try another browser.";
  var synth = window.speechSynthesis;
  var canSpeak = !!synth && typeof window.SpeechSynthesisUtterance === "function";
  var state = canSpeak ? "checking" : "none"; // checking | ready | none | speaking | paused
  var waiting = false; // pressed while we were still finding out about voices

  var bar = document.createElement("div");
  bar.className = "read-aloud-bar";
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button secondary";
  button.textContent = START;
  var stop = document.createElement("button");
  stop.type = "button";
  stop.className = "button secondary";
  stop.textContent = "Stop reading";
  stop.hidden = true;
  var note = document.createElement("p");
  note.className = "read-aloud-note";
  note.setAttribute("role", "status");
  bar.appendChild(button);
  bar.appendChild(stop);
  bar.appendChild(note);
  var heading = main.querySelector("h1");
  if (heading) { heading.insertAdjacentElement("afterend", bar); } else { main.insertBefore(bar, main.firstChild); }

  function voices() {
    try { return synth.getVoices() || []; } catch (e) { return []; }
  }

  function cannot(message) {
    state = "none";
    button.setAttribute("aria-disabled", "true");
    button.setAttribute("aria-describedby", "read-aloud-why");
    note.id = "read-aloud-why";
    note.textContent = message;
  }

  function ready() {
    state = "ready";
    button.removeAttribute("aria-disabled");
    button.removeAttribute("aria-describedby");
    note.textContent = "";
    if (waiting) { waiting = false; speak(); }
  }

  function decide() {
    if (state !== "checking" && state !== "none") { return; }
    if (voices().length) { ready(); } else if (state === "checking") {
      waiting = false;
      cannot(NO_VOICES);
    }
  }

  function chosenVoice() {
    var lang = (document.documentElement.lang || "en-GB").toLowerCase();
    var all = voices();
    var exact = all.filter(function (v) { return (v.lang || "").toLowerCase().replace("_", "-") === lang; });
    var same = all.filter(function (v) { return (v.lang || "").toLowerCase().indexOf(lang.split("-")[0]) === 0; });
    return exact[0] || same[0] || null;
  }

  /* The main part of the page as it is shown, without this bar, the "you are here" trail and
     the page's buttons, in pieces of a few sentences (some browsers stop reading one long piece part way). */
  function pieces() {
    var skip = [bar].concat(Array.prototype.slice.call(main.querySelectorAll(".breadcrumbs, .actions")));
    var was = skip.map(function (el) { return el.hidden; });
    skip.forEach(function (el) { el.hidden = true; });
    var text = main.innerText || main.textContent || "";
    skip.forEach(function (el, i) { el.hidden = was[i]; });
    var out = [];
    text.split(/\n+/).forEach(function (line) {
      line = line.replace(/\s+/g, " ").trim();
      if (!line) { return; }
      var last = out.length ? out[out.length - 1] : null;
      if (last !== null && last.length + line.length < 240) {
        out[out.length - 1] = last + (/[.!?:;]$/.test(last) ? " " : ". ") + line;
      } else { out.push(line); }
    });
    return out;
  }

  function reset() {
    state = "ready";
    button.textContent = START;
    stop.hidden = true;
  }

  function speak() {
    var parts = pieces();
    if (!parts.length) { note.textContent = "There are no words on this page to read."; return; }
    synth.cancel();
    var voice = chosenVoice();
    parts.forEach(function (part, i) {
      var u = new window.SpeechSynthesisUtterance(part);
      u.lang = document.documentElement.lang || "en-GB";
      try { if (voice) { u.voice = voice; } } catch (e) { /* the browser's default voice, then */ }
      u.rate = 0.95;
      if (i === parts.length - 1) { u.onend = function () { if (state === "speaking") { reset(); } }; }
      u.onerror = function (event) {
        if (event && (event.error === "interrupted" || event.error === "canceled")) { return; }
        reset();
        note.textContent = "The reading stopped because of a problem in the browser. Try again.";
      };
      synth.speak(u);
    });
    state = "speaking";
    note.textContent = "";
    button.textContent = "Pause";
    stop.hidden = false;
  }

  button.addEventListener("click", function () {
    if (state === "none") {
      note.textContent = "";
      window.setTimeout(function () { note.textContent = canSpeak ? NO_VOICES : NO_SPEECH; }, 50);
    } else if (state === "checking") {
      waiting = true;
      note.textContent = "Getting a voice ready\u2026";
    } else if (state === "ready") {
      speak();
    } else if (state === "speaking") {
      synth.pause();
      state = "paused";
      button.textContent = "Carry on reading";
    } else if (state === "paused") {
      synth.resume();
      state = "speaking";
      button.textContent = "Pause";
    }
  });
  stop.addEventListener("click", function () {
    synth.cancel();
    reset();
    button.focus();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && (state === "speaking" || state === "paused")) {
      synth.cancel();
      reset();
    }
  });
  window.addEventListener("pagehide", function () { if (canSpeak) { synth.cancel(); } });

  if (!canSpeak) { cannot(NO_SPEECH); return; }
  if (voices().length) { ready(); return; }
  // Chromium fills the list of voices a moment after the page loads, then says so.
  if (typeof synth.addEventListener === "function") {
    synth.addEventListener("voiceschanged", function () { if (voices().length) { ready(); } });
  } else {
    synth.onvoiceschanged = function () { if (voices().length) { ready(); } };
  }
  window.setTimeout(decide, 1500);
}());

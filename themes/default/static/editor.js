/* planwiki (issue #16): a small toolbar and a preview over the plain page-text box.

   Why not an editor component: we looked for a well-kept, accessible one to vendor from
   npm. EasyMDE, ink-mde and Toast UI are built on CodeMirror or contenteditable (a box
   screen readers handle worse than a textarea) and set inline styles, which this site's
   Content-Security-Policy (style-src 'self') forbids. GitHub's
   @github/markdown-toolbar-element keeps the textarea, but its buttons are custom
   elements with role="button" and it says nothing after a change. So: the textarea stays
   the editor (it works without this script, with every screen reader and phone keyboard),
   and this file adds real <button>s with words on them, each of which says what it did
   in a status message, and a Write / Preview tab pair that works with the arrow keys.
   The preview is drawn by the server, exactly as a save would draw it. */
(function () {
  "use strict";

  function setup(box) {
    var area = box.querySelector("textarea");
    var tabs = box.querySelector("[data-editor-tabs]");
    var toolbar = box.querySelector("[data-editor-toolbar]");
    var said = box.querySelector("[data-editor-said]");
    var write = box.querySelector("[data-panel=write]");
    var preview = box.querySelector("[data-panel=preview]");
    var choice = box.querySelector("[data-photo-choice]");
    var photoButton = box.querySelector("[data-tool=photo]");
    var form = box.closest("form");
    if (!area || !tabs || !toolbar || !write || !preview || !form) return;

    // The page's words for a message, drawn by the template with say() in the reader's own
    // register (standard or easy read, issue #16); the standard words if it has none.
    function told(name, standard, names) {
      var text = box.getAttribute("data-say-" + name) || standard;
      return text.replace(/\{(\w+)\}/g, function (all, key) {
        return names && Object.prototype.hasOwnProperty.call(names, key) ? names[key] : all;
      });
    }

    function say(words) {
      // Cleared first, so the same words twice are still read out.
      said.textContent = "";
      window.setTimeout(function () { said.textContent = words; }, 50);
    }

    /* ---- changing the text -------------------------------------------------------- */
    function replaceRange(start, end, text, selectFrom, selectTo) {
      area.focus();
      area.setSelectionRange(start, end);
      // execCommand keeps the browser's undo (Ctrl+Z) working; setRangeText where it is gone.
      var done = false;
      try { done = document.execCommand("insertText", false, text); } catch (e) { done = false; }
      if (!done || area.value.slice(start, start + text.length) !== text) {
        area.setRangeText(text, start, end, "end");
      }
      area.setSelectionRange(start + selectFrom, start + selectTo);
    }

    function lineBounds() {
      var v = area.value;
      var from = v.lastIndexOf("\n", area.selectionStart - 1) + 1;
      var to = v.indexOf("\n", area.selectionEnd);
      if (to < 0) to = v.length;
      return [from, to];
    }

    var tools = {
      heading: function () {
        var b = lineBounds();
        var line = area.value.slice(b[0], b[1]);
        if (/^#{1,6} /.test(line)) {
          var plain = line.replace(/^#{1,6} /, "");
          replaceRange(b[0], b[1], plain, 0, plain.length);
          return told("heading-off", "The line is ordinary text again.");
        }
        var words = line.replace(/^[-*] (\[[ xX]\] )?/, "") || "Heading";
        replaceRange(b[0], b[1], "## " + words, 3, 3 + words.length);
        return told("heading-on", "The line is now a heading: {words}.", { words: words });
      },
      bold: function () {
        var s = area.selectionStart, e = area.selectionEnd;
        var chosen = area.value.slice(s, e);
        if (/^\*\*[\s\S]+\*\*$/.test(chosen)) {
          var inner = chosen.slice(2, -2);
          replaceRange(s, e, inner, 0, inner.length);
          return told("bold-off", "The words are not bold any more.");
        }
        var words = chosen || "bold words";
        replaceRange(s, e, "**" + words + "**", 2, 2 + words.length);
        return chosen ? told("bold-on", "The words you chose are now bold.") : told("bold-added", "Added bold words. Type over them.");
      },
      list: function () {
        var b = lineBounds();
        var lines = area.value.slice(b[0], b[1]).split("\n");
        var listed = lines.every(function (l) { return /^[-*] /.test(l); });
        var changed = lines.map(function (l) {
          return listed ? l.replace(/^[-*] /, "") : (l ? "- " + l : "- ");
        }).join("\n");
        replaceRange(b[0], b[1], changed, changed.length, changed.length);
        if (listed) return told("list-off", "The list is ordinary text again.");
        return lines.length > 1 ? told("list-made", "Made a list of {n} lines.", { n: lines.length }) : told("list-started", "Started a list. Each new line that starts with a dash is one more thing.");
      },
      link: function () {
        var s = area.selectionStart, e = area.selectionEnd;
        var words = area.value.slice(s, e) || "words to show";
        var text = "[" + words + "](https://)";
        var at = words.length + 3;
        replaceRange(s, e, text, at, at + 8);
        return told("link", "Added a link. Type the address where https:// is chosen.");
      },
      photo: function () {
        if (!choice) return "";
        var open = choice.hidden;
        choice.hidden = !open;
        photoButton.setAttribute("aria-expanded", open ? "true" : "false");
        if (open) {
          var first = choice.querySelector("button") || choice;
          if (first === choice) choice.setAttribute("tabindex", "-1");
          first.focus();
          return "";
        }
        return told("photo-closed", "Closed the photo choice.");
      }
    };

    Array.prototype.forEach.call(toolbar.querySelectorAll("[data-tool]"), function (button) {
      button.addEventListener("click", function () {
        var words = tools[button.getAttribute("data-tool")]();
        if (words) say(words);
      });
    });

    if (choice) {
      Array.prototype.forEach.call(choice.querySelectorAll("[data-photo-src]"), function (button) {
        button.addEventListener("click", function () {
          var alt = button.getAttribute("data-photo-alt").replace(/[\[\]]/g, "");
          var text = "![" + alt + "](" + button.getAttribute("data-photo-src") + ")";
          var s = area.selectionStart;
          var before = s > 0 && area.value.charAt(s - 1) !== "\n" ? "\n" : "";
          choice.hidden = true;
          photoButton.setAttribute("aria-expanded", "false");
          replaceRange(s, area.selectionEnd, before + text + "\n", before.length + 2, before.length + 2 + alt.length);
          say(told("photo-added", "Added the photo “{alt}” to the text. The words chosen describe it; change them if you like.", { alt: alt }));
        });
      });
      choice.addEventListener("keydown", function (event) {
        if (event.key === "Escape") {
          choice.hidden = true;
          photoButton.setAttribute("aria-expanded", "false");
          photoButton.focus();
        }
      });
    }

    /* ---- Write and Preview tabs --------------------------------------------------- */
    var tabButtons = Array.prototype.slice.call(tabs.querySelectorAll("[role=tab]"));
    write.setAttribute("role", "tabpanel");
    write.setAttribute("aria-labelledby", "tab-write");
    var asked = 0;

    function show(which, focusTab) {
      tabButtons.forEach(function (tab) {
        var on = tab.getAttribute("data-tab") === which;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        if (on && focusTab) tab.focus();
      });
      write.hidden = which !== "write";
      preview.hidden = which !== "preview";
      if (which === "preview") fetchPreview();
    }

    function fetchPreview() {
      var mine = ++asked;
      preview.textContent = told("getting", "Getting the preview…");
      var data = new FormData(form);
      data.delete("action");
      fetch(box.getAttribute("data-preview-url"), { method: "POST", body: data, credentials: "same-origin" })
        .then(function (answer) { return answer.text().then(function (html) { return [answer.ok, html]; }); })
        .then(function (got) {
          if (mine !== asked) return;
          // The server draws it as a save would: markdown without raw HTML, links checked.
          preview.innerHTML = got[1];
          say(got[0] ? told("showing", "Showing the preview. Nothing is saved yet.") : told("failed", "The preview could not be made: {why}", { why: preview.textContent }));
        })
        .catch(function () {
          if (mine !== asked) return;
          preview.textContent = told("no-fetch", "The preview could not be fetched. Your words are still in the Write tab.");
          say(preview.textContent);
        });
    }

    tabButtons.forEach(function (tab, i) {
      tab.addEventListener("click", function () { show(tab.getAttribute("data-tab"), false); });
      tab.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowRight" || event.key === "ArrowDown") next = tabButtons[(i + 1) % tabButtons.length];
        if (event.key === "ArrowLeft" || event.key === "ArrowUp") next = tabButtons[(i + tabButtons.length - 1) % tabButtons.length];
        if (event.key === "Home") next = tabButtons[0];
        if (event.key === "End") next = tabButtons[tabButtons.length - 1];
        if (next) {
          event.preventDefault();
          show(next.getAttribute("data-tab"), true);
        }
      });
    });

    // The tabs replace the no-script Preview button (which reloads the whole page).
    var nojs = form.querySelector("[data-nojs-preview]");
    if (nojs) nojs.hidden = true;
    tabs.hidden = false;
    toolbar.hidden = false;
  }

  function ready() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-editor]"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();

/* planwiki (issue #26): the words of an open form are kept while the person types.

   A form with data-draft="…/draft" sends its fields there a moment after the typing
   stops (and when the page is hidden), with the form's own security token, so the words
   survive a lost connection, a closed tab or a session that times out. Without this
   script the words are kept on every submit instead. Nothing is shown while it works:
   keeping words must never get in the way of writing them. */
(function () {
  "use strict";
  var WAIT = 1500;

  function watch(form) {
    var url = form.getAttribute("data-draft");
    var action = new URL(form.action, window.location.href);
    var timer = null;
    var changed = false;

    function send() {
      timer = null;
      if (!changed) return;
      changed = false;
      var data = new FormData(form);
      data.set("form", action.pathname + action.search);
      try {
        fetch(url, { method: "POST", body: data, credentials: "same-origin", keepalive: true })
          .catch(function () { changed = true; });
      } catch (e) { changed = true; }
    }

    function typed() {
      changed = true;
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(send, WAIT);
    }

    form.addEventListener("input", typed);
    form.addEventListener("change", typed);
    form.addEventListener("submit", function () {
      if (timer) window.clearTimeout(timer);
      changed = false; // the submit itself keeps them
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && changed) send();
    });
  }

  if (!window.fetch || !window.FormData || !window.URL) return;
  var forms = document.querySelectorAll("form[data-draft]");
  for (var i = 0; i < forms.length; i++) watch(forms[i]);
})();

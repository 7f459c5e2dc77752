// statusbook: the Subscribe form, inline. Progressive enhancement only: without this script
// the form posts to the subscription service, which answers with a page of its own.
// With it, the form asks the service's /health first and says so at once when subscribing
// is unavailable (the status page itself never depends on the service), and submits
// without leaving the page.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;

  function withTimeout(ms) {
    if (!window.AbortController) return {};
    var controller = new AbortController();
    setTimeout(function () { controller.abort(); }, ms);
    return { signal: controller.signal };
  }

  function setUp(form) {
    if (form.dataset.sbReady) return;
    form.dataset.sbReady = "1";
    var base = form.dataset.sbSubscribe;
    var status = form.querySelector(".sb-subscribe__status");
    var unavailable = form.querySelector(".sb-subscribe__unavailable");
    var button = form.querySelector("button[type=submit]");

    function down() {
      unavailable.hidden = false;
      status.hidden = true;
      button.disabled = true;
      form.dataset.sbUnavailable = "1";
    }
    function say(text) {
      status.textContent = text;
      status.hidden = false;
    }

    var probe = withTimeout(5000);
    fetch(base + "health", { mode: "cors", credentials: "omit", cache: "no-store", signal: probe.signal })
      .then(function (answer) { if (!answer.ok) down(); }, down);

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.dataset.sbUnavailable) return;
      button.disabled = true;
      say(form.dataset.sbSending || "");
      var sending = withTimeout(15000);
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        mode: "cors",
        credentials: "omit",
        signal: sending.signal
      }).then(function (answer) {
        return answer.json().then(function (body) { return { ok: answer.ok, body: body }; });
      }).then(function (reply) {
        say((reply.body && reply.body.message) || "");
        form.dataset.sbResult = reply.ok ? "accepted" : "refused";
        button.disabled = false;
        if (reply.ok) form.querySelector("input[type=email]").value = "";
      }, down);
    });
  }

  function enhance() {
    var forms = document.querySelectorAll("form[data-sb-subscribe]");
    for (var i = 0; i < forms.length; i++) setUp(forms[i]);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();

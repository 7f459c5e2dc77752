// statusbook: progressive enhancement only. The page is complete without this script: the
// status, banner, bars and every day's details are in the HTML (each day in the component
// page's list). With it, a reader gets the colour-scheme toggle, each day's details in place
// (tap, click or keyboard), and a page that notices new data. Times in the reader's zone
// with "N minutes ago" come from partials/times.html, written into each page.
(function () {
  "use strict";
  var doc = document;
  // The site writes dates day first ("21 Nov 2026"); so does the script, in English too.
  var lang = doc.documentElement.lang === "en" ? "en-GB" : doc.documentElement.lang || undefined;

  // --- the colour-scheme toggle (Material's script is not loaded) -----------------------
  function palette() {
    var button = doc.querySelector("button[data-sb-palette]");
    var choices = window.__sb_palette;
    if (!button || !choices) return;
    var labels = JSON.parse(button.getAttribute("data-sb-palette"));
    function show(index) {
      var icons = button.querySelectorAll("[data-sb-option]");
      for (var i = 0; i < icons.length; i++) icons[i].hidden = +icons[i].dataset.sbOption !== index;
      button.setAttribute("aria-label", labels[index] || "");
      button.title = labels[index] || "";
    }
    function apply(index) {
      var choice = choices[index];
      for (var key in choice) {
        if (key !== "media") doc.body.setAttribute("data-md-color-" + key, choice[key]);
      }
      doc.body.setAttribute("data-sb-scheme", index);
      show(index);
    }
    button.addEventListener("click", function () {
      var index = (+doc.body.getAttribute("data-sb-scheme") + 1) % choices.length;
      apply(index);
      if (window.__md_set) window.__md_set("__palette", { index: index, color: choices[index] });
    });
    show(+doc.body.getAttribute("data-sb-scheme") || 0);
    button.hidden = false;
  }

  // --- the daily bars: one control per strip -------------------------------------------
  // A strip is a picture of 90 days (a run of quiet days is one element drawn as --n bars;
  // a day with something to tell carries its words in data-t). Here it becomes one control,
  // a slider over the days it shows: the day under the mouse is told below it, a tap or
  // click picks the day under it, the arrow keys move day by day (Page keys a week, Home
  // and End to the ends), and Enter, or a second tap on the same day, opens the day's
  // entry in the component page's list. Without script the row links to that list.
  var STEPS = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 7, PageDown: -7 };

  function bars(strip) {
    var parts = [], total = 0;
    for (var i = 0; i < strip.children.length; i++) {
      var node = strip.children[i], n = +node.style.getPropertyValue("--n") || 1;
      parts.push({ node: node, start: total, n: n });
      total += n;
    }
    if (!total) return;
    var first = strip.dataset.first.split("-"), months = strip.dataset.months.split(" ");
    var tip = doc.createElement("p");
    tip.className = "sb-daytip";
    tip.hidden = true;
    strip.parentNode.insertBefore(tip, strip.nextSibling);
    var shown = null, picked = total - 1, pinned = false, pointing = false;

    function partOf(day) {
      for (var k = parts.length - 1; k > 0; k--) if (parts[k].start <= day) return parts[k];
      return parts[0];
    }
    function date(day) { return new Date(Date.UTC(+first[0], +first[1] - 1, +first[2] + day)); }
    function iso(day) { return date(day).toISOString().slice(0, 10); }
    function earliest() { // phones hide the earlier bars
      for (var k = 0; k < parts.length; k++) if (parts[k].node.getClientRects().length) return parts[k].start;
      return 0;
    }
    function words(day) {
      var part = partOf(day);
      if (part.node.dataset.t) return part.node.dataset.t;
      var template = part.node.classList.contains("sb-day--none") ? strip.dataset.none : strip.dataset.clean;
      var when = date(day); // written as the site writes dates: "21 Nov 2026"
      return template.replace("{date}", when.getUTCDate() + " " + months[when.getUTCMonth()] + " " + when.getUTCFullYear());
    }
    function entry(day) { return strip.dataset.href + "#day-" + iso(partOf(day).start); }

    // how: "hover" only shows; "pick" (pointer) and "key" also set the slider's value.
    function show(day, how) {
      day = Math.max(earliest(), Math.min(total - 1, day));
      var part = partOf(day), text = words(day);
      if (shown && shown !== part) shown.node.classList.remove("sb-picked");
      shown = part;
      part.node.classList.add("sb-picked");
      part.node.style.setProperty("--sb-pick", day - part.start);
      // A screen reader speaks the slider's new value itself; the words below are for the
      // eyes then, and spoken only when the day was picked by pointer.
      tip.setAttribute("aria-live", how === "key" ? "off" : "polite");
      tip.textContent = text + " ";
      var more = doc.createElement("a");
      more.href = entry(day);
      more.textContent = strip.dataset.more;
      tip.appendChild(more);
      tip.hidden = false;
      if (how !== "hover") {
        picked = day;
        strip.setAttribute("aria-valuemin", earliest());
        strip.setAttribute("aria-valuenow", day);
        strip.setAttribute("aria-valuetext", text);
      }
    }
    function rest() { // the mouse left: back to the picked day, or nothing
      if (pinned) return show(picked, "hover");
      if (shown) shown.node.classList.remove("sb-picked");
      shown = null;
      tip.hidden = true;
    }
    function under(event) { // the day under the pointer
      var box = strip.getBoundingClientRect(), from = earliest();
      var share = (event.clientX - box.left) / box.width;
      return from + Math.floor(Math.max(0, Math.min(0.9999, share)) * (total - from));
    }

    strip.tabIndex = 0;
    strip.setAttribute("role", "slider");
    strip.setAttribute("aria-valuemax", total - 1);
    strip.setAttribute("aria-valuemin", earliest());
    strip.setAttribute("aria-valuenow", picked);
    strip.setAttribute("aria-valuetext", words(picked));
    strip.addEventListener("pointermove", function (event) {
      if (event.pointerType === "mouse") show(under(event), "hover");
    });
    strip.addEventListener("mouseleave", rest);
    strip.addEventListener("pointerdown", function () { pointing = true; });
    strip.addEventListener("click", function (event) {
      pointing = false;
      var day = under(event);
      if (pinned && day === picked) { location.href = entry(day); return; }
      pinned = true;
      show(day, "pick");
    });
    strip.addEventListener("focus", function () {
      if (!pointing) { pinned = true; show(picked, "key"); }
    });
    strip.addEventListener("keydown", function (event) {
      var key = event.key, day = picked;
      if (key === "Enter") { location.href = entry(picked); return; }
      if (key === "Escape") { pinned = false; rest(); return; }
      if (STEPS[key]) day += STEPS[key];
      else if (key === "Home") day = earliest();
      else if (key === "End") day = total - 1;
      else return;
      event.preventDefault();
      pinned = true;
      show(day, "key");
    });
  }

  // --- live: the page notices new data ----------------------------------------------------
  // While the page is visible it asks for api/v2/status.json (a few hundred bytes) every
  // minute, backing off to 16 minutes while that fails. When the data is newer than the
  // page, it says so (aria-live) with a reload link; the home page also updates the banner
  // and every component's status in place from summary.json. Nothing outside the site.
  function live() {
    var box = doc.querySelector("[data-sb-live]");
    if (!box || !window.fetch) return;
    var url = box.getAttribute("data-sb-live");
    var built = Date.parse(box.getAttribute("data-sb-built"));
    var labels = box.hasAttribute("data-sb-labels") ? JSON.parse(box.getAttribute("data-sb-labels")) : null;
    var every = 60000, delay = every, timer = null, last = Date.now();

    function wait(ms) { clearTimeout(timer); timer = setTimeout(check, ms); }
    function json(response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }
    function check() {
      if (doc.visibilityState === "hidden") return; // resumed when the page is seen again
      last = Date.now();
      fetch(url, { cache: "no-store" }).then(json).then(function (data) {
        delay = every;
        var changed = Date.parse(data.page && data.page.updated_at);
        if (changed > built) {
          built = changed;
          announce();
          if (labels) return fetch(url.replace(/status\.json$/, "summary.json"), { cache: "no-store" }).then(json).then(update);
        }
      }).catch(function () {
        delay = Math.min(delay * 2, 16 * every);
      }).then(function () { wait(delay); });
    }
    function announce() {
      box.textContent = box.dataset.sbText + " ";
      var reload = doc.createElement("a");
      reload.href = location.href;
      reload.textContent = box.dataset.sbReload;
      reload.addEventListener("click", function (event) { event.preventDefault(); location.reload(); });
      box.appendChild(reload);
    }
    function badge(node, prefix, label, value) {
      node.className = node.className.replace(new RegExp(prefix + "--\\S+"), prefix + "--" + value);
      var icon = node.querySelector(".sb-icon");
      if (icon) {
        icon.textContent = label[1];
        node.lastChild.textContent = " " + label[0];
      } else {
        node.textContent = label[0];
      }
    }
    function update(summary) {
      var banner = doc.querySelector(".sb-banner");
      var state = labels.banner[summary.status.indicator];
      if (banner && state) {
        banner.className = banner.className.replace(/sb-banner--\S+/, "sb-banner--" + summary.status.indicator);
        banner.querySelector(".sb-banner__icon").textContent = state[1];
        banner.querySelector(".sb-banner__text").textContent = state[0];
      }
      (summary.components || []).forEach(function (component) {
        var node = doc.querySelector("#component-" + CSS.escape(component.id) + " .sb-status");
        var label = labels.status[component.status];
        if (node && label) badge(node, "sb-status", label, component.status);
      });
    }
    doc.addEventListener("visibilitychange", function () {
      if (doc.visibilityState !== "visible") return clearTimeout(timer);
      var since = Date.now() - last;
      wait(since >= delay ? 0 : delay - since);
    });
    wait(delay);
  }

  function enhance() {
    palette();
    var strips = doc.querySelectorAll(".sb-bars");
    for (var i = 0; i < strips.length; i++) bars(strips[i]);
    live();
  }
  if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();

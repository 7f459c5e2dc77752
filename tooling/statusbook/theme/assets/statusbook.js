// statusbook: progressive enhancement only. The page is complete without this script: the
// status, banner, bars and every day's details are in the HTML. With it, a reader gets
// times in their own zone with "N minutes ago", the colour-scheme toggle, each day's
// details in place (tap, click or keyboard), and a page that notices new data.
(function () {
  "use strict";
  var doc = document;
  var lang = doc.documentElement.lang || undefined;

  // --- times: the reader's zone, and how long ago ---------------------------------------
  var format, relative;
  try {
    format = new Intl.DateTimeFormat(lang, {
      year: "numeric", month: "short", day: "numeric",
      hour: "2-digit", minute: "2-digit", timeZoneName: "short"
    });
    relative = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
  } catch (error) {
    format = relative = null;
  }
  var UNITS = [["year", 31536e6], ["month", 2592e6], ["day", 864e5], ["hour", 36e5], ["minute", 6e4]];
  // The instants people measure "how long ago" by: last updated, updates, starts.
  var AGO = ".sb-updated time, .sb-update__head time, .sb-incident__meta time:first-of-type, .sb-facts time:first-of-type";

  function ago(when) {
    var delta = when.getTime() - Date.now();
    for (var i = 0; i < UNITS.length; i++) {
      if (Math.abs(delta) >= UNITS[i][1] || i === UNITS.length - 1) {
        return relative.format(Math.round(delta / UNITS[i][1]), UNITS[i][0]);
      }
    }
  }

  function localTimes(root) {
    if (!format) return;
    var times = root.querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) {
      var node = times[i];
      if (node.dataset.sbLocal) continue;
      var when = new Date(node.getAttribute("datetime"));
      if (isNaN(when.getTime())) continue;
      var local = format.format(when);
      node.dataset.sbLocal = "1";
      node.title = node.textContent;
      if (local !== node.textContent) node.textContent = local;
    }
    var marked = root.querySelectorAll(AGO);
    for (var j = 0; j < marked.length; j++) {
      var time = marked[j];
      var moment = new Date(time.getAttribute("datetime"));
      if (isNaN(moment.getTime())) continue;
      var note = time.nextElementSibling;
      if (!note || !note.classList.contains("sb-ago")) {
        note = doc.createElement("span");
        note.className = "sb-ago";
        time.parentNode.insertBefore(note, time.nextSibling);
      }
      note.textContent = " (" + ago(moment) + ")";
    }
  }

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

  // Trouble-free days carry no tooltip in the HTML (it keeps the page small); add one.
  function labelBars() {
    var dayFormat = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
    var lists = doc.querySelectorAll("ol.sb-bars[data-first]");
    for (var i = 0; i < lists.length; i++) {
      var first = lists[i].dataset.first.split("-");
      var clean = lists[i].dataset.clean || "{date}";
      var days = lists[i].children;
      for (var d = 0; d < days.length; d++) {
        if (days[d].title) continue;
        var day = new Date(Date.UTC(+first[0], +first[1] - 1, +first[2] + d));
        days[d].title = clean.replace("{date}", dayFormat.format(day));
      }
    }
  }

  function enhance() {
    labelBars();
    localTimes(doc);
    palette();
  }
  if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
  setInterval(function () { localTimes(doc); }, 60000);
})();

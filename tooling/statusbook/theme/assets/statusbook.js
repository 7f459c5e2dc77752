// statusbook: progressive enhancement only. The page is complete without this script;
// it adds each reader's local time next to times shown in the site's time zone.
(function () {
  "use strict";
  var lang = document.documentElement.lang || undefined;
  var format;
  try {
    format = new Intl.DateTimeFormat(lang, {
      year: "numeric", month: "short", day: "numeric",
      hour: "2-digit", minute: "2-digit", timeZoneName: "short"
    });
  } catch (error) {
    return;
  }
  var dayFormat = new Intl.DateTimeFormat(lang, {
    day: "numeric", month: "short", year: "numeric", timeZone: "UTC"
  });

  // Trouble-free days carry no tooltip in the HTML (it keeps the page small); add one.
  function labelBars() {
    var lists = document.querySelectorAll("ol.sb-bars[data-first]");
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
    var times = document.querySelectorAll("time[datetime]");
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
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
  // Material's instant navigation swaps pages without a load event.
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(enhance);
})();

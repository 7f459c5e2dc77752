// statusbook: progressive enhancement only. The page is complete without this script: the
// status, banner, bars and every day's details are in the HTML. With it, a reader gets
// times in their own zone with "N minutes ago", the colour-scheme toggle, each day's
// details in place (tap, click or keyboard), and a page that notices new data.
(function () {
  "use strict";
  var doc = document;
  // The site writes dates day first ("21 Nov 2026"); so does the script, in English too.
  var lang = doc.documentElement.lang === "en" ? "en-GB" : doc.documentElement.lang || undefined;

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

  // --- the daily bars: a day's details in place ----------------------------------------
  // A bar is a link to its day's entry in the component page's list, and a run of quiet
  // days is one link drawn as --n bars. Here the day under the pointer, or picked with
  // the arrow keys, is told below the strip; a tap or Enter pins it (a second one follows
  // the link). The words come from the HTML: the link's own, or the strip's template.
  var dayFormat = null;
  try {
    dayFormat = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  } catch (error) { /* the links still work */ }

  function span(li) { return +li.style.getPropertyValue("--n") || 1; }

  function dayText(strip, li, offset) {
    if (span(li) === 1 || !dayFormat) return li.textContent;
    var first = li.firstElementChild.hash.slice(5).split("-");
    var day = new Date(Date.UTC(+first[0], +first[1] - 1, +first[2] + offset));
    var template = li.classList.contains("sb-day--none") ? strip.dataset.none : strip.dataset.clean;
    return template.replace("{date}", dayFormat.format(day));
  }

  function bars(strip) {
    var tip = doc.createElement("p");
    tip.className = "sb-daytip";
    tip.setAttribute("aria-live", "polite");
    tip.hidden = true;
    strip.parentNode.insertBefore(tip, strip.nextSibling);
    var picked = null, pinned = null;

    function show(li, offset, pin) {
      if (picked && picked.li !== li) picked.li.classList.remove("sb-picked");
      picked = { li: li, offset: offset };
      li.classList.add("sb-picked");
      li.style.setProperty("--sb-pick", offset);
      tip.textContent = dayText(strip, li, offset) + " ";
      var more = doc.createElement("a");
      more.href = li.firstElementChild.href;
      more.textContent = strip.dataset.more;
      tip.appendChild(more);
      tip.hidden = false;
      if (pin) pinned = picked;
    }
    function hide() {
      if (pinned) return show(pinned.li, pinned.offset, false);
      if (picked) picked.li.classList.remove("sb-picked");
      picked = null;
      tip.hidden = true;
    }
    function at(event) {
      var li = event.target.closest("li");
      if (!li || li.parentNode !== strip) return null;
      var box = li.getBoundingClientRect();
      var offset = Math.floor(((event.clientX - box.left) / box.width) * span(li));
      return { li: li, offset: Math.max(0, Math.min(span(li) - 1, offset)) };
    }
    strip.addEventListener("mousemove", function (event) {
      var spot = at(event);
      if (spot) show(spot.li, spot.offset, false);
    });
    strip.addEventListener("mouseleave", hide);
    strip.addEventListener("click", function (event) {
      var spot = at(event) || (picked && { li: picked.li, offset: picked.offset });
      if (!spot) return;
      var same = pinned && pinned.li === spot.li && pinned.offset === spot.offset;
      if (same) return; // the second tap follows the link to the day's entry
      event.preventDefault();
      // A click from the keyboard has no position: it pins the day the arrows picked.
      if (event.detail === 0 && picked) spot = picked;
      show(spot.li, spot.offset, true);
    });
    strip.addEventListener("focusin", function (event) {
      var li = event.target.closest("li");
      if (li && (!picked || picked.li !== li)) show(li, 0, false);
    });
    strip.addEventListener("keydown", function (event) {
      if (!picked) return;
      var li = picked.li, offset = picked.offset, key = event.key;
      if (key === "Escape") { pinned = null; hide(); return; }
      var items = strip.children, index = Array.prototype.indexOf.call(items, li);
      if (key === "ArrowRight") offset += 1;
      else if (key === "ArrowLeft") offset -= 1;
      else if (key === "Home") { index = 0; offset = 0; }
      else if (key === "End") { index = items.length - 1; offset = span(items[index]) - 1; }
      else return;
      event.preventDefault();
      var target = items[index];
      if (offset >= span(target)) {
        if (index === items.length - 1) return;
        target = items[index + 1]; offset = 0;
      } else if (offset < 0) {
        if (index === 0) return;
        target = items[index - 1]; offset = span(target) - 1;
      }
      while (target.offsetParent === null && target.nextElementSibling) target = target.nextElementSibling; // hidden on phones
      pinned = null;
      show(target, offset, false);
      if (target !== li) target.firstElementChild.focus();
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
    localTimes(doc);
    palette();
    var strips = doc.querySelectorAll("ol.sb-bars");
    for (var i = 0; i < strips.length; i++) bars(strips[i]);
    live();
  }
  if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
  setInterval(function () { localTimes(doc); }, 60000);
})();

// FunAudio report pages: sortable tables, the log-scale toggle and chart tooltips.
// Errors are recorded on <html data-js-errors> so a headless browser test can see them.
(function () {
  "use strict";
  var root = document.documentElement;
  window.addEventListener("error", function (event) {
    var target = event.target;
    if (target && (target.tagName === "IMG" || target.tagName === "AUDIO")) {
      // A media file that does not load: say so next to it instead of a broken icon.
      var figure = target.closest("figure");
      if (figure) figure.classList.add("broken");
      root.setAttribute("data-broken-media", String(Number(root.getAttribute("data-broken-media") || "0") + 1));
      return;
    }
    var count = Number(root.getAttribute("data-js-errors") || "0") + 1;
    root.setAttribute("data-js-errors", String(count));
    root.setAttribute("data-js-error-message", String(event.message || event.type));
  }, true);

  function sortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, column) {
      th.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[column]), y = key(b.cells[column]);
          // Missing values last in either direction.
          if (x === null || y === null) return x === y ? 0 : (x === null ? 1 : -1);
          var order = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function key(cell) {
    if (!cell) return null;
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    if (raw === "" || raw === "—") return null;
    var number = Number(raw);
    return isNaN(number) ? raw : number;
  }

  function chart(figure) {
    var toggle = figure.querySelector(".log-toggle");
    if (toggle) {
      toggle.addEventListener("change", function () { figure.classList.toggle("log", toggle.checked); });
    }
    var svg = figure.querySelector("svg");
    var tip = figure.querySelector(".tooltip");
    var cursor = figure.querySelector(".cursor");
    if (!svg || !tip) return;
    var x0 = Number(figure.dataset.x0), x1 = Number(figure.dataset.x1);
    var left = Number(figure.dataset.left), right = Number(figure.dataset.right);
    var width = Number(figure.dataset.width);
    var series = Array.prototype.map.call(figure.querySelectorAll("data.series"), function (d) {
      return {
        label: d.getAttribute("value"), colour: d.dataset.colour,
        steps: d.dataset.steps.split(" ").map(Number), values: d.dataset.values.split(" ")
      };
    });
    svg.addEventListener("mousemove", function (event) {
      var box = svg.getBoundingClientRect();
      var px = (event.clientX - box.left) / box.width * width;
      if (px < left || px > right || x1 <= x0) { hide(); return; }
      var step = x0 + (px - left) / (right - left) * (x1 - x0);
      tip.textContent = "";
      var heading = document.createElement("div");
      heading.textContent = "step ≈ " + Math.round(step);
      tip.appendChild(heading);
      series.forEach(function (s) {
        var i = nearest(s.steps, step);
        if (i < 0) return;
        var line = document.createElement("div");
        var swatch = document.createElement("span");
        swatch.className = "swatch bg" + s.colour;
        line.appendChild(swatch);
        line.appendChild(document.createTextNode(s.label + ": " + s.values[i] + " @ " + s.steps[i]));
        tip.appendChild(line);
      });
      tip.hidden = false;
      var half = box.width / 2;
      tip.style.left = (event.clientX - box.left < half) ? (event.clientX - box.left + 12) + "px" : "auto";
      tip.style.right = (event.clientX - box.left < half) ? "auto" : (box.right - event.clientX + 12) + "px";
      cursor.setAttribute("x1", px); cursor.setAttribute("x2", px);
      cursor.setAttribute("visibility", "visible");
    });
    svg.addEventListener("mouseleave", hide);
    function hide() { tip.hidden = true; cursor.setAttribute("visibility", "hidden"); }
  }

  function nearest(steps, step) {
    if (steps.length === 0) return -1;
    var lo = 0, hi = steps.length - 1;
    while (hi - lo > 1) {
      var mid = (lo + hi) >> 1;
      if (steps[mid] < step) lo = mid; else hi = mid;
    }
    return Math.abs(steps[lo] - step) <= Math.abs(steps[hi] - step) ? lo : hi;
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), sortable);
    Array.prototype.forEach.call(document.querySelectorAll("figure.chart"), chart);
    root.setAttribute("data-js-ready", "1");
  });
})();

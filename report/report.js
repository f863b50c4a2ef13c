// rbench report page script. It is static: chart data arrives as JSON in
// #rbench-charts and is never evaluated, and every string it puts into
// tooltip HTML is escaped.
(function () {
  "use strict";
  var specs = JSON.parse(document.getElementById("rbench-charts").textContent);

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function trim(v) { return String(Math.round(v * 1000) / 1000); }
  function fmtUs(v) {
    if (v >= 1e6) return trim(v / 1e6) + " s";
    if (v >= 1e3) return trim(v / 1e3) + " ms";
    return trim(v) + " \u00b5s";
  }
  function fmtBytes(v) {
    if (v >= 1073741824) return trim(v / 1073741824) + " GiB";
    if (v >= 1048576) return trim(v / 1048576) + " MiB";
    if (v >= 1024) return trim(v / 1024) + " KiB";
    return trim(v) + " B";
  }
  function fmtUnit(unit, v) {
    switch (unit) {
      case "us": return fmtUs(v);
      case "bytes": return fmtBytes(v);
      case "ns": return trim(v) + " ns";
      case "s": return trim(v) + " s";
      case "ops/s": return trim(v) + " ops/s";
      default: return trim(v);
    }
  }
  // Nines axis: x = -log10(1 - q). Labels at whole nines: 0%, 90%, 99%, 99.9% ...
  function ninesLabel(x) {
    if (x <= 0) return "0%";
    return (100 - 100 * Math.pow(10, -x)).toFixed(Math.max(0, Math.ceil(x) - 2)) + "%";
  }
  function ninesTip(x) {
    if (x <= 0) return "0%";
    return (100 - 100 * Math.pow(10, -x)).toFixed(Math.max(1, Math.ceil(x))) + "%";
  }
  function axisLabel(unit) {
    return function (v) { return fmtUnit(unit, v); };
  }
  function tooltip(spec) {
    return function (params) {
      if (!Array.isArray(params)) params = [params];
      if (!params.length) return "";
      var p0 = params[0], head;
      if (spec.x === "nines") head = "percentile " + ninesTip(p0.value[0]);
      else if (spec.x === "seconds") head = "second " + esc(p0.value[0]);
      else head = esc(p0.name);
      var lines = [head];
      params.forEach(function (p) {
        var v = Array.isArray(p.value) ? p.value[1] : p.value;
        if (v === null || v === undefined || v === "-") return;
        lines.push(p.marker + esc(p.seriesName) + ": <b>" + esc(fmtUnit(spec.y, v)) + "</b>");
      });
      return lines.join("<br>");
    };
  }
  function first(axis) { return Array.isArray(axis) ? axis[0] : axis; }

  function prepare(spec) {
    var o = spec.option;
    var x = first(o.xAxis), y = first(o.yAxis);
    x.axisLabel = x.axisLabel || {};
    y.axisLabel = y.axisLabel || {};
    if (spec.x === "nines") {
      x.axisLabel.formatter = ninesLabel;
      x.interval = 1;
      x.splitLine = { show: true };
    }
    y.axisLabel.formatter = axisLabel(spec.y);
    // Series that start before 0 (warm-up samples) must not pull the y axis
    // into the middle of the plot.
    y.axisLine = Object.assign({}, y.axisLine, { onZero: false });
    if (spec.target_us) {
      var t = spec.target_us;
      // Keep the target line in view; on a log axis end at a power of ten.
      y.max = function (v) {
        var m = Math.max(v.max, t * 1.25);
        return spec.ylog ? Math.pow(10, Math.ceil(Math.log10(m))) : m;
      };
      if (!spec.ylog) y.min = 0;
    }
    // A report is read, not watched: draw at once (and screenshot the same).
    o.animation = false;
    o.tooltip = o.tooltip || {};
    o.tooltip.formatter = tooltip(spec);
    o.tooltip.confine = true;
    return o;
  }

  var charts = [], ready = 0;
  function markReady() {
    ready++;
    if (ready === specs.length) document.body.setAttribute("data-charts-ready", "true");
  }
  if (specs.length === 0) document.body.setAttribute("data-charts-ready", "true");
  specs.forEach(function (spec) {
    var el = document.getElementById(spec.id);
    try {
      var chart = echarts.init(el, null, { renderer: "canvas" });
      var done = false;
      chart.on("finished", function () { if (!done) { done = true; markReady(); } });
      chart.setOption(prepare(spec));
      charts.push(chart);
    } catch (e) {
      if (el) el.textContent = "This chart could not be drawn: " + e;
      console.error("rbench: chart " + spec.id + ": " + e);
    }
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();

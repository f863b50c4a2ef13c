// rbench report page script. It is static: chart data arrives as JSON in
// #rbench-charts and is never evaluated, and every string it puts into
// tooltip HTML is escaped. Figures read as in the tables: latencies in
// µs, ms or s, counts with thousands separators, bytes in binary units.
(function () {
  "use strict";
  var specs = JSON.parse(document.getElementById("rbench-charts").textContent);

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  // Up to three decimals, no trailing zeros, thousands separated.
  function trim(v) {
    var r = Math.round(v * 1000) / 1000;
    return r.toLocaleString("en-US", { maximumFractionDigits: 3 });
  }
  function fmtUs(v) {
    if (v >= 3.6e9) return trim(v / 3.6e9) + " h";
    if (v >= 1e6) return trim(v / 1e6) + " s";
    if (v >= 1e3) return trim(v / 1e3) + " ms";
    return trim(v) + " \u00b5s";
  }
  function fmtBytes(v) {
    var units = ["B", "KiB", "MiB", "GiB", "TiB"], i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return trim(v) + " " + units[i];
  }
  function fmtUnit(unit, v) {
    switch (unit) {
      case "us": return fmtUs(v);
      case "bytes": return fmtBytes(v);
      case "ns": return v >= 1000 ? fmtUs(v / 1000) : trim(v) + " ns";
      case "s": return fmtUs(v * 1e6);
      case "ops/s": return trim(v) + "/s";
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
      if (spec.heatmap) {
        var d = p0.data.value || p0.data;
        return "second " + esc(p0.name || d[0]) + "<br>" + p0.marker + esc(spec.option.yAxis[0].data[d[1]]) +
          " and up: <b>" + esc(trim(d[3])) + "</b> operations";
      }
      if (spec.x === "nines") head = "percentile " + ninesTip(p0.value[0]);
      else if (spec.x === "seconds") head = "second " + esc(trim(Math.round(p0.value[0] * 10) / 10));
      else if (spec.x === "keys") head = esc(trim(p0.value[0])) + " keys";
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
    // The axis that carries the values: y, or x for horizontal bars.
    var value = spec.horizontal ? x : y;
    if (spec.x === "nines") {
      x.axisLabel.formatter = ninesLabel;
      x.interval = 1;
      x.splitLine = { show: true };
    }
    if (spec.x === "seconds" && !spec.heatmap) {
      x.axisLabel.formatter = function (v) { return trim(v); };
    }
    if (spec.x === "keys") {
      x.axisLabel.formatter = function (v) { return trim(v); };
    }
    if (!spec.heatmap) {
      value.axisLabel.formatter = axisLabel(spec.y);
    }
    // Series that start before 0 must not pull the value axis into the
    // middle of the plot.
    value.axisLine = Object.assign({}, value.axisLine, { onZero: false });
    if (spec.target_us) {
      var t = spec.target_us;
      // Keep the target line in view; on a log axis end at a power of ten.
      value.max = function (v) {
        var m = Math.max(v.max, t * 1.25);
        return spec.ylog ? Math.pow(10, Math.ceil(Math.log10(m))) : m;
      };
      if (!spec.ylog) value.min = 0;
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
  function resize() { charts.forEach(function (c) { c.resize(); }); }
  window.addEventListener("resize", resize);
  // Print lays charts out at the page's width: redraw them for it, and back.
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
  if (window.matchMedia) {
    var mq = window.matchMedia("print");
    if (mq.addEventListener) mq.addEventListener("change", resize);
  }
})();

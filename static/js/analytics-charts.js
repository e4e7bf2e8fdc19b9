// The analytics dashboards' charts: each <figure data-chart="ID"> holds the chart's data in
// the <script type="application/json" id="ID"> that json_script wrote, drawn with the vendored
// uPlot (static/vendor/uplot/). Lines for figures per day, bars for steps and lessons. The
// table beside each chart has the same figures (charts are aria-hidden decoration for them).
(function () {
  "use strict";

  function dayTimestamps(days) {
    return days.map(function (d) { return Date.parse(d + "T00:00:00Z") / 1000; });
  }

  function options(chart, width) {
    var bars = chart.kind === "bars";
    var series = [{ label: bars ? "" : "Day" }];
    chart.series.forEach(function (s) {
      var one = { label: s.label, stroke: s.color, width: 2, points: { show: false } };
      if (bars) {
        one.fill = s.color;
        one.paths = uPlot.paths.bars({ size: [0.6, 64] });
      }
      series.push(one);
    });
    var opts = {
      width: width,
      height: 260,
      series: series,
      legend: { live: !bars },
      scales: { x: { time: !bars }, y: { range: function (u, min, max) { return [0, Math.max(1, max)]; } } },
      axes: [{}, { size: 56 }],
    };
    if (bars) {
      opts.axes[0] = {
        values: function (u, splits) {
          return splits.map(function (i) { return chart.x[i] === undefined ? "" : chart.x[i]; });
        },
        splits: function () { return chart.x.map(function (_, i) { return i; }); },
      };
      opts.scales.x.range = function () { return [-0.5, chart.x.length - 0.5]; };
    }
    return opts;
  }

  function draw(figure) {
    var source = document.getElementById(figure.getAttribute("data-chart"));
    var target = figure.querySelector(".chart__canvas");
    if (!source || !target || typeof uPlot === "undefined") { return; }
    var chart = JSON.parse(source.textContent);
    if (!chart.series.length) { return; }
    var x = chart.kind === "bars" ? chart.x.map(function (_, i) { return i; }) : dayTimestamps(chart.x);
    var data = [x].concat(chart.series.map(function (s) {
      return s.values.map(function (v) { return v === null || v === undefined ? null : Number(v); });
    }));
    var plot = new uPlot(options(chart, target.clientWidth || 600), data, target);
    window.addEventListener("resize", function () {
      plot.setSize({ width: target.clientWidth || 600, height: 260 });
    });
  }

  function start() {
    document.querySelectorAll("figure[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

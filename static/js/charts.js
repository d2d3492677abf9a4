// Charts of the index pages (Chart.js, vendored). Each <figure class="chart">
// names its data table (data-table="id"): the table is the accessible source
// of the figures; the chart draws the columns whose header has data-series
// (or those listed in data-columns), one point per body row, labelled by the
// row's first cell, valued by each cell's data-value.
"use strict";

(function () {
  const COLOURS = ["#0d6efd", "#6c757d", "#198754", "#fd7e14", "#6f42c1", "#d63384"];

  function readTable(table, columns) {
    const headers = Array.from(table.tHead.rows[0].cells);
    const wanted = columns
      ? columns.split(",").map(Number)
      : headers.map((cell, index) => (cell.dataset.series ? index : -1)).filter((index) => index >= 0);
    const rows = Array.from(table.tBodies[0].rows);
    const labels = rows.map((row) => row.cells[0].dataset.label || row.cells[0].textContent.trim());
    const series = wanted.map((column) => ({
      label: headers[column].dataset.series || headers[column].textContent.trim(),
      data: rows.map((row) => {
        const value = row.cells[column] ? row.cells[column].dataset.value : "";
        return value === "" || value === undefined ? null : Number(value);
      }),
    }));
    return { labels, series };
  }

  function draw(figure) {
    const table = document.getElementById(figure.dataset.table);
    const canvas = figure.querySelector("canvas");
    if (!table || !canvas || !window.Chart) return;
    const { labels, series } = readTable(table, figure.dataset.columns);
    const kind = figure.dataset.chart;
    const datasets = series.map((serie, index) => ({
      label: serie.label,
      data: serie.data,
      backgroundColor: COLOURS[index % COLOURS.length],
      borderColor: COLOURS[index % COLOURS.length],
      spanGaps: true,
      tension: 0,
    }));
    const valueAxis = { reverse: figure.dataset.reverse === "1", beginAtZero: kind !== "line" };
    new window.Chart(canvas, {
      type: kind === "line" ? "line" : "bar",
      data: { labels, datasets },
      options: {
        indexAxis: kind === "hbar" ? "y" : "x",
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: kind === "hbar" ? { x: valueAxis } : { y: valueAxis },
        plugins: { legend: { display: datasets.length > 1 || kind === "line" } },
      },
    });
    figure.dataset.drawn = "1";
  }

  document.querySelectorAll("figure.chart").forEach(draw);
})();

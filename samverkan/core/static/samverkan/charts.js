// Indicator charts: the district's series with its 95 % interval as a band,
// and the whole municipality for rates. The same numbers are in the table.
(function () {
  if (!window.Chart) {
    return;
  }
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    const data = JSON.parse(source.textContent);
    const preliminary = data.preliminary || [];
    const datasets = [
      // The band is drawn between low and high; the legend names it once (the upper edge).
      { label: "", data: data.low, borderWidth: 0, pointRadius: 0, fill: false, backgroundColor: "rgba(11,79,138,0.2)" },
      { label: data.band || "95 %", data: data.high, borderWidth: 0, pointRadius: 0, fill: "-1", backgroundColor: "rgba(11,79,138,0.2)" },
      {
        label: canvas.dataset.area,
        data: data.area,
        borderColor: "#0b4f8a",
        backgroundColor: "#0b4f8a",
        borderWidth: 2,
        spanGaps: false,
        // A preliminary figure is a larger, open triangle (its label also says "prel.").
        pointStyle: (ctx) => (preliminary[ctx.dataIndex] ? "triangle" : "circle"),
        pointRadius: (ctx) => (preliminary[ctx.dataIndex] ? 7 : 3),
        pointBackgroundColor: (ctx) => (preliminary[ctx.dataIndex] ? "#ffffff" : "#0b4f8a"),
      },
    ];
    if (canvas.dataset.rate === "1" && data.municipality.some((v) => v !== null)) {
      datasets.push({ label: canvas.dataset.municipality, data: data.municipality, borderColor: "#6b3d00", backgroundColor: "#6b3d00", borderDash: [6, 4], borderWidth: 2 });
    }
    // A measure's baseline and target, as level lines across the chart.
    [["baseline", "#4d4d4d", [2, 3]], ["target", "#1a7f37", [10, 4]]].forEach(([name, colour, dash]) => {
      if (data[name] !== undefined && data[name] !== null) {
        datasets.push({
          label: data[name + "_label"] || name,
          data: data.labels.map(() => data[name]),
          borderColor: colour,
          backgroundColor: colour,
          borderDash: dash,
          borderWidth: 2,
          pointRadius: 0,
        });
      }
    });
    new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { labels: { filter: (item) => item.text !== "" } } },
        scales: { y: { beginAtZero: true, title: { display: Boolean(data.unit), text: data.unit || "" } } },
      },
    });
    canvas.dataset.drawn = String(data.labels.length);
    canvas.dataset.preliminary = String(preliminary.filter(Boolean).length);
  });
})();

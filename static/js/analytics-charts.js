// Draws the back-office analytics charts from the JSON the page embeds
// (#analytics-data); the tables under each chart carry the same numbers
// without JavaScript.
(function () {
  "use strict";
  var source = document.getElementById("analytics-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  // The words on the charts come from the page, in its language (analytics/admin_views.py).
  var labelSource = document.getElementById("analytics-labels");
  var words = labelSource ? JSON.parse(labelSource.textContent) : {};
  function word(name) { return words[name] || name; }
  var locale = document.documentElement.lang || undefined;

  function column(rows, name) { return rows.map(function (row) { return Number(row[name]); }); }
  function labels(rows, name) { return rows.map(function (row) { return row[name]; }); }
  function draw(key, config) {
    var canvas = document.getElementById("chart-" + key);
    if (canvas && data[key] && data[key].length) { new Chart(canvas, config); }
  }
  var money = { type: "linear", position: "left", beginAtZero: true,
    title: { display: true, text: word("revenue") },
    ticks: { callback: function (value) { return value.toLocaleString(locale); } } };

  var sales = data.sales_over_time || [];
  draw("sales_over_time", {
    type: "line",
    data: {
      labels: labels(sales, "period"),
      datasets: [
        { label: word("revenue"), data: column(sales, "revenue"), yAxisID: "revenue", tension: 0.2 },
        { label: word("orders"), data: column(sales, "orders"), yAxisID: "orders", tension: 0.2 },
        { label: word("average_order_value"), data: column(sales, "average_order_value"), yAxisID: "revenue", borderDash: [4, 4] }
      ]
    },
    options: { scales: { revenue: money, orders: { type: "linear", position: "right", beginAtZero: true,
      title: { display: true, text: word("orders") }, ticks: { precision: 0 }, grid: { drawOnChartArea: false } } } }
  });

  function bars(key, labelName, valueName, title, horizontal) {
    var rows = data[key] || [];
    draw(key, {
      type: "bar",
      data: { labels: labels(rows, labelName), datasets: [{ label: word(title), data: column(rows, valueName) }] },
      options: { indexAxis: horizontal ? "y" : "x", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } }
    });
  }
  bars("sales_by_category", "category", "revenue", "revenue", false);
  bars("top_products", "product", "revenue", "revenue", true);
  bars("top_sellers", "seller", "revenue", "revenue", true);
  bars("funnel", "step", "count", "count", false);

  var active = data.active_users || [];
  draw("active_users", {
    type: "line",
    data: {
      labels: labels(active, "period"),
      datasets: [
        { label: word("active_users"), data: column(active, "active_users") },
        { label: word("purchases"), data: column(active, "purchases") }
      ]
    },
    options: { scales: { y: { beginAtZero: true } } }
  });
}());

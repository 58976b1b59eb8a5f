/* zhibiao web app: hover cards, side-list scrolling, place autocomplete, the explorer chart, uploads.
   Data reaches this script only through JSON blocks and the API, and is put into the page with
   textContent, never as HTML. */
(function () {
  "use strict";

  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  /* ---- the document: hover cards and the side list */
  function setupDocument() {
    var text = document.getElementById("doc-text");
    if (!text) return;
    var cards = readJSON("fact-cards") || {};
    var labels = readJSON("card-labels") || {};
    var card = document.getElementById("card");

    function show(el) {
      var data = cards[el.getAttribute("data-fact")];
      if (!data || !card) return;
      card.textContent = "";
      var head = document.createElement("div");
      head.className = "card-value";
      head.textContent = data.value || data.what;
      card.appendChild(head);
      var what = document.createElement("div");
      what.textContent = data.what;
      card.appendChild(what);
      var dl = document.createElement("dl");
      ["type", "indicator", "region", "period", "kind", "measure"].forEach(function (k) {
        if (!data[k]) return;
        var dt = document.createElement("dt"); dt.textContent = labels[k] || k;
        var dd = document.createElement("dd"); dd.textContent = data[k];
        dl.appendChild(dt); dl.appendChild(dd);
      });
      card.appendChild(dl);
      var id = document.createElement("small");
      id.textContent = "#" + data.id;
      card.appendChild(id);
      var r = el.getBoundingClientRect();
      card.hidden = false;
      var top = window.scrollY + r.bottom + 6;
      var left = Math.max(8, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - card.offsetWidth - 8));
      card.style.top = top + "px";
      card.style.left = left + "px";
      markSide(el.getAttribute("data-fact"));
    }
    function hide() { if (card) card.hidden = true; }
    function markSide(id) {
      var list = document.getElementById("fact-list");
      if (!list) return;
      var old = list.querySelector("a.on");
      if (old) old.classList.remove("on");
      var link = list.querySelector('a[data-target="f' + id + '"]');
      if (link) link.classList.add("on");
    }
    text.addEventListener("mouseover", function (ev) {
      var el = ev.target.closest(".hl");
      if (el && text.contains(el)) show(el);
    });
    text.addEventListener("mouseout", function (ev) {
      var el = ev.target.closest(".hl");
      if (el && !(ev.relatedTarget && el.contains(ev.relatedTarget))) hide();
    });
    text.addEventListener("focusin", function (ev) { var el = ev.target.closest(".hl"); if (el) show(el); });
    text.addEventListener("focusout", hide);
    text.addEventListener("scroll", hide);

    function goTo(id, smooth) {
      var el = document.getElementById(id);
      if (!el || !text.contains(el)) return false;
      el.scrollIntoView({ block: "center", behavior: smooth ? "smooth" : "auto" });
      el.classList.add("flash");
      setTimeout(function () { el.classList.remove("flash"); }, 1600);
      return true;
    }
    var side = document.getElementById("fact-list");
    if (side) {
      side.addEventListener("click", function (ev) {
        var a = ev.target.closest("a[data-target]");
        if (!a || a.getAttribute("href").charAt(0) !== "#") return;
        if (goTo(a.getAttribute("data-target"), true)) {
          ev.preventDefault();
          history.replaceState(null, "", "#" + a.getAttribute("data-target"));
          markSide(a.getAttribute("data-target").slice(1));
        }
      });
    }
    if (location.hash.length > 1) goTo(location.hash.slice(1), false);
  }

  /* ---- place autocomplete (name, alias, pinyin initials, code) */
  function setupPlaces() {
    var list = document.getElementById("place-options");
    if (!list) return;
    var timer = null, last = "";
    document.querySelectorAll("input.place-input").forEach(function (input) {
      input.addEventListener("input", function () {
        var q = input.value.trim();
        clearTimeout(timer);
        if (!q || q === last) return;
        timer = setTimeout(function () {
          last = q;
          fetch("/api/places?limit=12&q=" + encodeURIComponent(q)).then(function (r) { return r.ok ? r.json() : null; })
            .then(function (body) {
              if (!body) return;
              list.textContent = "";
              body.rows.forEach(function (p) {
                var o = document.createElement("option");
                o.value = p.full_name;
                o.label = p.full_name + " · " + p.code;
                list.appendChild(o);
              });
            }).catch(function () {});
        }, 150);
      });
    });
  }

  /* ---- the explorer's chart (ECharts, SVG renderer): periods on a time axis (2007 → 2019 twelve
     times as far as 2019 → 2020), values beyond the robust scale drawn at its edge as ▲ */
  function setupChart() {
    var el = document.getElementById("chart");
    var data = readJSON("chart-data");
    if (!el || !data || typeof echarts === "undefined") return;
    var chart = echarts.init(el, null, { renderer: "svg" });
    function year(x) { return Number.isInteger(x) ? String(x) : x.toFixed(2); }
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var d = p.data.value || p.data;
          return echarts.format.encodeHTML(p.seriesName + " · " + d[3] + ": " + d[2] + " " + (data.unit || "") +
            (d[1] !== d[2] ? " ▲" : ""));
        }
      },
      legend: { type: "scroll", top: 0 },
      grid: { left: 70, right: 30, top: 56, bottom: 40 },
      xAxis: { type: "value", min: "dataMin", max: "dataMax", minInterval: 1,
               axisLabel: { formatter: year } },
      yAxis: Object.assign({ name: data.unit }, data.y_axis),
      series: data.series.map(function (s) {
        return {
          name: s.name, type: data.type, connectNulls: true, symbolSize: 7, barMaxWidth: 18,
          data: s.data.map(function (d) {
            return d[1] === d[2] ? { value: d } : { value: d, symbol: "triangle", symbolSize: 13 };
          })
        };
      })
    });
    el.setAttribute("data-rendered", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  /* ---- upload (needs the server's token) */
  function setupUpload() {
    var form = document.getElementById("upload-form");
    if (!form) return;
    var out = document.getElementById("upload-result");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = new FormData();
      body.append("file", form.file.files[0]);
      if (form.date.value) body.append("date", form.date.value);
      out.textContent = "…";
      fetch("/api/documents", { method: "POST", body: body, headers: { "Authorization": "Bearer " + form.token.value } })
        .then(function (r) { return r.json(); })
        .then(function (res) {
          out.textContent = "";
          if (!res.ok) { out.textContent = res.error; return; }
          var a = document.createElement("a");
          a.href = res.url;
          a.textContent = res.document.name + " (" + res.status + ", " + res.facts_added + ")";
          out.appendChild(a);
        }).catch(function (e) { out.textContent = String(e); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupDocument(); setupPlaces(); setupChart(); setupUpload();
  });
})();

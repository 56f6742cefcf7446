// The hall's calling screen: follows the floor's event stream and redraws the screen,
// announcing each new call (its text on screen, its voice when the server has one).
// Without this script the page reloads itself every few seconds (<noscript> refresh).
(function () {
  "use strict";
  var root = document.getElementById("display");
  if (!root || !window.EventSource) return;
  var lastCall = root.getAttribute("data-last-call") || "";
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function fill(id, nodes) {
    var box = document.getElementById(id);
    if (!box) return;
    while (box.firstChild) box.removeChild(box.firstChild);
    nodes.forEach(function (n) { box.appendChild(n); });
  }
  function render(d) {
    var rows = d.calling.map(function (c) {
      var tr = el("tr");
      tr.appendChild(el("td", c.number, "num"));
      tr.appendChild(el("td", String(c.desk)));
      return tr;
    });
    if (!rows.length) {
      var tr = el("tr", undefined, "empty"), td = el("td", "—");
      td.colSpan = 2; tr.appendChild(td); rows = [tr];
    }
    fill("calling", rows);
    fill("next", d.next.map(function (n) { return el("li", n); }));
    var w = document.getElementById("waiting");
    if (w) w.textContent = String(d.waiting);
    fill("groups", d.groups.map(function (g) {
      var li = el("li");
      li.setAttribute("data-group", g.code);
      li.appendChild(el("span", g.letter, "letter"));
      li.appendChild(document.createTextNode(" " + g.name + ": "));
      li.appendChild(el("strong", String(g.waiting)));
      return li;
    }));
    root.setAttribute("data-revision", String(d.revision));
    root.setAttribute("data-shown-at", String(Date.now()));
    var c = d.last_call;
    if (c && String(c.id) !== lastCall) {
      lastCall = String(c.id);
      root.setAttribute("data-last-call", lastCall);
      var a = document.getElementById("announce");
      if (a) {
        while (a.firstChild) a.removeChild(a.firstChild);
        a.appendChild(document.createTextNode("Mời số "));
        a.appendChild(el("strong", c.number));
        a.appendChild(document.createTextNode(" đến quầy số "));
        a.appendChild(el("strong", String(c.desk)));
        a.className = "announce fresh";
        setTimeout(function () { a.className = "announce"; }, 4000);
      }
      if (c.audio && window.Audio) {
        try { var p = new Audio(c.audio).play(); if (p && p.catch) p.catch(function () {}); } catch (e) {}
      }
    }
  }
  var src = new EventSource(root.getAttribute("data-events"));
  src.addEventListener("open", function () { root.setAttribute("data-live", "1"); });
  src.addEventListener("error", function () { root.setAttribute("data-live", "0"); });
  src.addEventListener("display", function (e) { render(JSON.parse(e.data)); });
})();

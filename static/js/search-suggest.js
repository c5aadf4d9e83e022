/* Title suggestions as you type on the search page (also from pinyin: "dengling", "dlqy").
   Fills the search box's <datalist>; without JavaScript the box is an ordinary search box. */
(function () {
  "use strict";
  var input = document.getElementById("search-q");
  if (!input || !window.fetch) { return; }
  var list = document.getElementById(input.getAttribute("list"));
  var url = input.getAttribute("data-suggest-url");
  var timer = null;
  var last = "";

  function show(items) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.title;
      if (item.label && item.label !== item.title) { option.label = item.label; }
      list.appendChild(option);
    });
  }

  input.addEventListener("input", function () {
    var q = input.value.trim();
    window.clearTimeout(timer);
    if (q.length < 1 || q === last) { return; }
    timer = window.setTimeout(function () {
      last = q;
      window.fetch(url + "?q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (items) { if (input.value.trim() === q) { show(items); } })
        .catch(function () { /* suggestions are a convenience: stay quiet */ });
    }, 150);
  });
}());

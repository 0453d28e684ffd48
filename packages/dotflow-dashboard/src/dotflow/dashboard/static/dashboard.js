// Live updates: listen to the dashboard's Server-Sent Events and swap in the server-rendered
// fragment of what changed. No framework, no build step.
(function () {
  "use strict";
  var root = document.getElementById("live");
  var state = document.getElementById("live-state");
  if (!root || !window.EventSource) { return; }
  var workflow = root.getAttribute("data-workflow");
  var busy = false, again = false;

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    // Keep what the person opened (contexts, tracebacks) open across the swap.
    var open = Array.prototype.map.call(root.querySelectorAll("details[open][id]"), function (d) { return d.id; });
    fetch(root.getAttribute("data-fragment"), { credentials: "same-origin" })
      .then(function (reply) { return reply.ok ? reply.text() : null; })
      .then(function (html) {
        if (html !== null) {
          root.innerHTML = html;
          open.forEach(function (id) { var d = document.getElementById(id); if (d) { d.open = true; } });
          document.body.setAttribute("data-updated", String(Date.now()));
        }
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) { again = false; setTimeout(refresh, 100); }
      });
  }

  var url = "/api/stream" + (workflow ? "?workflow=" + encodeURIComponent(workflow) : "");
  var source = new EventSource(url);
  source.addEventListener("hello", function () {
    if (state) { state.className = "live-state connected"; }
    // Changes may have happened since the page was rendered (or while disconnected).
    refresh();
  });
  source.addEventListener("change", refresh);
  source.addEventListener("resync", refresh);
  source.onerror = function () { if (state) { state.className = "live-state"; } };
})();

// cloudbook loader: a classic script that mdBook adds to every page (`additional-js`).
// It loads the playground only on pages that have widgets: the small `widgets` module for
// quizzes and the progress page, and the `lab` module (with the handler script engine) only
// where there is a lab. File names come from playground/manifest.json, fetched without cache,
// so a redeployed book never runs a stale wasm. The `selftest` module (the determinism self-test
// and the load benchmark) loads only when the URL asks for it with `?cloudbook-selftest` or
// `?cloudbook-bench`, after the page's own modules.
(function () {
  "use strict";
  var root = typeof path_to_root === "string" ? path_to_root : "";
  var widgets = document.querySelectorAll(".cloudbook-quiz, .cloudbook-progress");
  var labs = document.querySelectorAll(".cloudbook-lab");
  var diagnostics = /[?&]cloudbook-(selftest|bench)(&|$)/.test(location.search);
  if (!widgets.length && !labs.length && !diagnostics) return;

  function fail(nodes, why) {
    Array.prototype.forEach.call(nodes, function (el) {
      var box = document.createElement("div");
      box.className = "cloudbook-error";
      box.setAttribute("role", "alert");
      box.textContent = "This widget could not start: " + why +
        ". The rest of the page works; reloading may help.";
      el.replaceChildren(box);
    });
  }

  function start(mod, name, nodes) {
    // import() in a classic script resolves against the script's URL, not the page's: make it absolute.
    return import(new URL(root + "playground/" + mod, document.baseURI).href)
      .then(function (m) { return m.default(); })
      .catch(function (e) { fail(nodes, "the " + name + " module failed to load (" + e + ")"); });
  }

  fetch(root + "playground/manifest.json", { cache: "no-cache" })
    .then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status + " for playground/manifest.json");
      return r.json();
    })
    .then(function (manifest) {
      // The widgets module first: lab-graded questions listen for the lab module's events.
      var ready = widgets.length ? start(manifest.widgets, "quiz", widgets) : Promise.resolve();
      if (labs.length) ready = ready.then(function () { return start(manifest.lab, "lab", labs); });
      if (diagnostics) ready.then(function () { start(manifest.selftest, "selftest", []); });
    })
    .catch(function (e) {
      fail(widgets, String(e.message || e));
      fail(labs, String(e.message || e));
    });
})();

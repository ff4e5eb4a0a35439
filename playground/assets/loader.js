// cloudbook loader: a classic script that mdBook adds to every page (`additional-js`).
// It loads the playground only on pages that have widgets: the small `widgets` module for
// quizzes and the progress page, the `lab` module (with the handler script engine) only where
// there is a Lambda lab, and the `sched` module (the container simulators) only where there is a
// container lab; on those pages it also adds the labs' stylesheets, which no other page needs.
// File names come from playground/manifest.json, fetched without cache, so a redeployed book
// never runs a stale wasm. The `selftest` module (the determinism self-test and the load
// benchmark) loads only when the URL asks for it with `?cloudbook-selftest` or `?cloudbook-bench`,
// after the page's own modules.
(function () {
  "use strict";
  var root = typeof path_to_root === "string" ? path_to_root : "";
  var widgets = document.querySelectorAll(".cloudbook-quiz, .cloudbook-progress");
  var labs = document.querySelectorAll(".cloudbook-lab");
  var scheds = document.querySelectorAll(".cloudbook-sched");
  var diagnostics = /[?&]cloudbook-(selftest|bench)(&|$)/.test(location.search);
  if (!widgets.length && !labs.length && !scheds.length && !diagnostics) return;

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

  function style(file) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = root + "playground/" + file;
    document.head.appendChild(link);
  }

  fetch(root + "playground/manifest.json", { cache: "no-cache" })
    .then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status + " for playground/manifest.json");
      return r.json();
    })
    .then(function (manifest) {
      if (labs.length || scheds.length) style(manifest.lab_css);
      if (scheds.length) style(manifest.sched_css);
      // The widgets module first: lab-graded questions listen for the lab modules' events.
      var ready = widgets.length ? start(manifest.widgets, "quiz", widgets) : Promise.resolve();
      if (labs.length) ready = ready.then(function () { return start(manifest.lab, "lab", labs); });
      if (scheds.length) ready = ready.then(function () { return start(manifest.sched, "container lab", scheds); });
      if (diagnostics) ready.then(function () { start(manifest.selftest, "selftest", []); });
    })
    .catch(function (e) {
      [widgets, labs, scheds].forEach(function (nodes) { fail(nodes, String(e.message || e)); });
    });
})();

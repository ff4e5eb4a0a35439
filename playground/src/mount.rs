//! Finding placeholders in the page, mounting a component on each, and keeping a panic from
//! leaving a dead page.
//!
//! A panic in wasm aborts the whole module, so the hook cannot save the widget that panicked;
//! what it does is replace every widget of this module with an error box that says what
//! happened and that saved answers are kept. The rest of the page (mdBook's own scripts, widgets
//! of the other module) keeps working.

use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::BaseComponent;

use crate::i18n::{Msg, fill, t};

/// Attribute set on each widget root once it is interactive; tests and size checks wait for it.
pub const READY_ATTR: &str = "data-cloudbook-ready";
/// Attribute naming which module mounted a widget, so the panic hook finds its own widgets.
const MODULE_ATTR: &str = "data-cloudbook-module";

/// What a panic says: its message and, when known, where it happened.
fn panic_text(info: &std::panic::PanicHookInfo<'_>) -> (String, String) {
    let message = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| t(Msg::UnknownError).into());
    let place = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    (message, place)
}

/// Logs a panic and replaces every widget of `module` with an error box.
fn on_panic(module: &str, info: &std::panic::PanicHookInfo<'_>) {
    let (message, place) = panic_text(info);
    web_sys::console::error_1(&format!("cloudbook {module}: panic: {message}{place}").into());
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(nodes) = doc.query_selector_all(&format!("[{MODULE_ATTR}=\"{module}\"]")) else {
        return;
    };
    for i in 0..nodes.length() {
        let Some(el) = nodes.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let _ = el.set_attribute(READY_ATTR, "false");
        el.set_inner_html("");
        if let Ok(box_) = doc.create_element("div") {
            box_.set_class_name("cloudbook-error");
            let _ = box_.set_attribute("role", "alert");
            box_.set_text_content(Some(&fill(Msg::WidgetStopped, &[("message", &message)])));
            let _ = el.append_child(&box_);
        }
    }
}

/// Installs the panic hook of the `widgets` module, which has no framework of its own.
pub fn install_panic_hook(module: &'static str) {
    std::panic::set_hook(Box::new(move |info| on_panic(module, info)));
}

/// Installs the panic hook of a yew module (`lab`): through yew, because its renderer installs
/// its own hook unless a custom one is set.
pub fn install_yew_panic_hook(module: &'static str) {
    yew::set_custom_panic_hook(Box::new(move |info| on_panic(module, info)));
}

/// The elements matching `selector` that no module has mounted yet, now claimed by `module` (so
/// its panic hook finds them, and a second mount pass leaves them alone).
fn claim(module: &'static str, selector: &str) -> Vec<Element> {
    let mut claimed = Vec::new();
    let Ok(nodes) = crate::dom::document().query_selector_all(selector) else {
        return claimed;
    };
    for i in 0..nodes.length() {
        let Some(el) = nodes.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        if !el.has_attribute(MODULE_ATTR) {
            let _ = el.set_attribute(MODULE_ATTR, module);
            claimed.push(el);
        }
    }
    claimed
}

/// Mounts a widget on every element matching `selector` that is not mounted yet, with `mount`
/// (no framework: the `widgets` module). When `mount` fails, the element shows an error box.
pub fn mount_each(module: &'static str, selector: &str, mount: fn(&Element) -> Result<(), &'static str>) {
    for el in claim(module, selector) {
        if let Err(why) = mount(&el) {
            crate::dom::error_box(&el, &fill(Msg::WidgetCouldNotStart, &[("why", why)]));
        }
    }
}

/// Mounts `C` on every element matching `selector` that is not mounted yet. `props` turns the
/// element's data into properties; when it fails, the element shows an error box instead.
pub fn mount_all<C>(
    module: &'static str,
    selector: &str,
    props: impl Fn(&Element) -> Result<C::Properties, String>,
) where
    C: BaseComponent,
{
    for el in claim(module, selector) {
        match props(&el) {
            Ok(p) => {
                el.set_inner_html("");
                yew::Renderer::<C>::with_root_and_props(el, p).render();
            }
            Err(why) => crate::dom::error_box(&el, &fill(Msg::WidgetCouldNotStart, &[("why", &why)])),
        }
    }
}

/// Reads and parses the JSON in attribute `attr` of `el`.
pub fn data<T: serde::de::DeserializeOwned>(el: &Element, attr: &str) -> Result<T, String> {
    let raw = el
        .get_attribute(attr)
        .ok_or_else(|| fill(Msg::AttributeMissing, &[("attr", attr)]))?;
    serde_json::from_str(&raw).map_err(|e| fill(Msg::DataInvalidBecause, &[("error", &e.to_string())]))
}

/// Marks the widget root (the placeholder element) as interactive.
pub fn mark_ready(root: &Element) {
    let _ = root.set_attribute(READY_ATTR, "true");
}

/// [`mark_ready`] for a lab, which also marks the moment in the browser's performance timeline
/// (`cloudbook-ready`), so scripts can read the time to ready. Only the lab module calls it, so
/// the quiz-only `widgets` module stays as small as it was.
pub fn mark_lab_ready(root: &Element) {
    mark_ready(root);
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark("cloudbook-ready");
    }
}

/// Whether the page's query string holds `switch` (`?a&cloudbook-bench` holds `cloudbook-bench`).
fn switch_on(switch: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| q.split(['?', '&']).any(|kv| kv == switch))
}

/// Shows `text` in a `<pre id="{id}">` at the end of the page, for a test or script to read.
fn show_result(id: &str, text: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let (Ok(pre), Some(body)) = (doc.create_element("pre"), doc.body()) {
        pre.set_id(id);
        pre.set_text_content(Some(text));
        let _ = body.append_child(&pre);
    }
}

/// A diagnostics switch: a page opened with `?cloudbook-panic=<module>` makes that module panic
/// in a callback right after mounting, as a real bug would. The test suite uses it to prove that
/// a panic shows an error box and leaves the rest of the page working.
pub fn panic_if_asked(module: &'static str) {
    if switch_on(&(String::from("cloudbook-panic=") + module)) {
        let cb = wasm_bindgen::closure::Closure::once_into_js(move || -> () {
            panic!("test panic requested for the {module} module")
        });
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), 0);
        }
    }
}

/// A diagnostics switch: with `?cloudbook-selftest` the `selftest` module runs the core's determinism
/// self-test in wasm and shows the trace hashes in `<pre id="cloudbook-selftest">` as JSON, and
/// the hashes of the arithmetic wasm32 does its own way in `<pre id="cloudbook-selftest-arithmetic">`,
/// for comparison with the same self-test run natively.
pub fn selftest_if_asked() {
    if switch_on("cloudbook-selftest") {
        let json = serde_json::to_string(&cloudbook::selftest::determinism_hashes()).unwrap_or_default();
        show_result("cloudbook-selftest", &json);
        let json = serde_json::to_string(&cloudbook::selftest::arithmetic_hashes()).unwrap_or_default();
        show_result("cloudbook-selftest-arithmetic", &json);
    }
}

/// A benchmark switch: with `?cloudbook-bench` the `selftest` module runs the Lambda load model of
/// `scripts/bench-lambda.sh` (1,000 requests per second for ten simulated minutes) in wasm and
/// shows the best of three samples as `{"invocations": …, "ms": …, "runs": …, "samples_ms": […]}`
/// in `<pre id="cloudbook-bench">`: the invocations and milliseconds of one run in the best
/// sample, its number of runs, and every sample's milliseconds a run. A sample repeats the run for
/// two seconds of the browser's clock, as `sim lambda-bench --sample-s 2` does natively: the
/// machine's speed swings within seconds, and a run of a tenth of a second can fall in a fast or
/// a slow moment that the native samples never see.
pub fn bench_if_asked() {
    if !switch_on("cloudbook-bench") {
        return;
    }
    let samples: Result<Vec<BenchSample>, String> = (0..3).map(|_| bench_sample()).collect();
    let text = match samples {
        Ok(samples) => {
            let best = samples
                .iter()
                .max_by(|a, b| a.rate().total_cmp(&b.rate()))
                .unwrap_or(&BenchSample::NONE);
            let each: Vec<String> = samples.iter().map(|s| format!("{:.1}", s.ms)).collect();
            format!(
                "{{\"invocations\": {}, \"ms\": {}, \"runs\": {}, \"samples_ms\": [{}]}}",
                best.invocations,
                best.ms,
                best.runs,
                each.join(", ")
            )
        }
        Err(e) => format!("{{\"error\": {e:?}}}"),
    };
    show_result("cloudbook-bench", &text);
}

/// One benchmark sample: the load run repeated for two seconds; `ms` is the time of one run.
struct BenchSample {
    invocations: u64,
    ms: f64,
    runs: u32,
}

impl BenchSample {
    const NONE: BenchSample = BenchSample {
        invocations: 0,
        ms: 0.0,
        runs: 0,
    };
    fn rate(&self) -> f64 {
        self.invocations as f64 / self.ms
    }
}

fn bench_sample() -> Result<BenchSample, String> {
    let start = js_sys::Date::now();
    let mut runs = 0u32;
    loop {
        let r = cloudbook::lambda::bench_load(1000.0, cloudbook::sim::SimDuration::from_secs(600))
            .map_err(|e| e.to_string())?;
        runs += 1;
        let elapsed = js_sys::Date::now() - start;
        if elapsed >= 2000.0 {
            return Ok(BenchSample {
                invocations: r.invocations,
                ms: elapsed / f64::from(runs),
                runs,
            });
        }
    }
}

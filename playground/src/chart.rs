//! The geometry of the lab's SVG charts, as pure functions tested on the host: "nice" axis ticks,
//! scales from data to the plot box, and the points of each series.
//!
//! It decides no colours (CSS does, from mdBook's theme variables) and draws nothing itself:
//! `components::chart` turns a [`Plot`] into SVG and a table.

use crate::i18n::inline::{tx, txf};

/// The drawing box of every chart, in SVG user units (the SVG scales to its container).
pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 240.0;
/// Room for the axis labels: left, right, top, bottom.
pub const MARGIN: (f64, f64, f64, f64) = (56.0, 16.0, 12.0, 40.0);

/// One line of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    pub values: Vec<f64>,
}

/// A chart of several series against one x axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub xs: Vec<f64>,
    pub series: Vec<Series>,
    /// The x range to show (a load run draws its whole duration while it is still running).
    pub x_max: Option<f64>,
    /// Vertical marks with a label (power tuning marks the cheapest and the fastest size).
    pub marks: Vec<(f64, String)>,
    /// Draw a dot at each point (few points: power tuning).
    pub dots: bool,
}

/// Up to about `count` round tick values (1, 2 or 5 times a power of ten) covering `[0, max]`.
pub fn ticks(max: f64, count: u32) -> Vec<f64> {
    let max = if max.is_finite() && max > 0.0 { max } else { 1.0 };
    let raw = max / f64::from(count.max(1));
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let n = (max / step).ceil() as u32;
    (0..=n).map(|i| f64::from(i) * step).collect()
}

/// A tick label: integers without decimals, thousands grouped, small values with up to 3 digits.
pub fn tick_label(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let digits = crate::num::fmt_u64(v.abs() as u64);
        let mut out = String::from(if v < 0.0 { "-" } else { "" });
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A linear scale from `[0, max]` onto `[from, to]` in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub max: f64,
    pub from: f64,
    pub to: f64,
}

impl Scale {
    pub fn at(&self, v: f64) -> f64 {
        if self.max <= 0.0 {
            return self.from;
        }
        self.from + (v / self.max).clamp(0.0, 1.0) * (self.to - self.from)
    }
}

/// The laid-out chart: the scales, the ticks and each series' points.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub x: Scale,
    pub y: Scale,
    pub x_ticks: Vec<f64>,
    pub y_ticks: Vec<f64>,
    /// `x,y x,y …` for a `<polyline points>`, one per series.
    pub lines: Vec<String>,
}

pub fn layout(plot: &Plot) -> Layout {
    let (left, right, top, bottom) = MARGIN;
    let x_data = plot.xs.iter().copied().fold(0.0, f64::max);
    let y_data = plot
        .series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let x_ticks = ticks(plot.x_max.unwrap_or(x_data).max(x_data), 6);
    let y_ticks = ticks(y_data, 4);
    let x = Scale {
        max: *x_ticks.last().expect("ticks are never empty"),
        from: left,
        to: WIDTH - right,
    };
    let y = Scale {
        max: *y_ticks.last().expect("ticks are never empty"),
        from: HEIGHT - bottom,
        to: top,
    };
    let lines = plot
        .series
        .iter()
        .map(|s| {
            let mut pts = String::new();
            for (xv, yv) in plot.xs.iter().zip(&s.values) {
                if !yv.is_finite() {
                    continue;
                }
                if !pts.is_empty() {
                    pts.push(' ');
                }
                pts.push_str(&format!("{:.1},{:.1}", x.at(*xv), y.at(*yv)));
            }
            pts
        })
        .collect();
    Layout {
        x,
        y,
        x_ticks,
        y_ticks,
        lines,
    }
}

/// A one-sentence summary of a chart for its `aria-label`: each series' peak.
pub fn summary(plot: &Plot) -> String {
    let mut parts = Vec::new();
    for s in &plot.series {
        let peak = s
            .values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(f64::NAN, f64::max);
        if peak.is_nan() {
            parts.push(format!("{}: no data", s.label));
        } else {
            let at = s
                .values
                .iter()
                .position(|v| *v == peak)
                .and_then(|i| plot.xs.get(i))
                .copied()
                .unwrap_or(0.0);
            parts.push(txf(
                "{} peaks at {} ({} {})",
                &[
                    &s.label,
                    &tick_label(round3(peak)),
                    &plot.x_label,
                    &tick_label(at),
                ],
            ));
        }
    }
    format!("{}. {}.", plot.title, parts.join("; "))
}

/// Rounds to three decimals, for labels and table cells.
pub fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The load cell's charts: invocations with errors and throttles, p50/p99 duration, concurrent
/// executions, cold starts; each over the run's whole duration.
pub fn load_plots(out: &cloudbook::lab::LoadOutput) -> Vec<Plot> {
    let xs: Vec<f64> = out.points.iter().map(|p| p.t_s).collect();
    let col = |f: &dyn Fn(&cloudbook::lab::LoadPoint) -> f64| out.points.iter().map(f).collect::<Vec<f64>>();
    let per = txf("per {} s", &[&tick_label(out.period_s)]);
    let plot = |title: &str, y_label: &str, series: Vec<Series>| Plot {
        title: title.to_string(),
        x_label: tx("simulated seconds").to_string(),
        y_label: y_label.to_string(),
        xs: xs.clone(),
        series,
        x_max: Some(out.duration_s),
        marks: Vec::new(),
        dots: false,
    };
    let s = |label: &str, values: Vec<f64>| Series {
        label: label.to_string(),
        values,
    };
    vec![
        plot(
            tx("Invocations, errors and throttles"),
            &per,
            vec![
                s(tx("invocations"), col(&|p| p.invocations as f64)),
                s(tx("errors"), col(&|p| p.errors as f64)),
                s(tx("throttles"), col(&|p| p.throttles as f64)),
            ],
        ),
        plot(
            tx("Duration"),
            "ms",
            vec![
                s("p50", col(&|p| nan_if_idle(p.invocations, p.p50_ms))),
                s("p99", col(&|p| nan_if_idle(p.invocations, p.p99_ms))),
            ],
        ),
        plot(
            tx("Concurrent executions"),
            tx("most at once"),
            vec![s(tx("concurrency"), col(&|p| f64::from(p.concurrency)))],
        ),
        plot(
            tx("Cold starts"),
            &per,
            vec![s(tx("cold starts"), col(&|p| p.cold_starts as f64))],
        ),
    ]
}

/// A duration of a bucket without invocations is no data, not zero.
fn nan_if_idle(invocations: u64, ms: f64) -> f64 {
    if invocations == 0 { f64::NAN } else { ms }
}

/// Power tuning's charts: average duration and cost per million invocations against memory,
/// with the cheapest and the fastest size marked.
pub fn tuning_plots(out: &cloudbook::lab::TuningOutput) -> Vec<Plot> {
    let xs: Vec<f64> = out.points.iter().map(|p| f64::from(p.memory_mb)).collect();
    let marks = vec![
        (f64::from(out.cheapest), txf("cheapest {} MB", &[&out.cheapest])),
        (f64::from(out.fastest), txf("fastest {} MB", &[&out.fastest])),
    ];
    let plot = |title: &str, y_label: &str, label: &str, values: Vec<f64>| Plot {
        title: title.to_string(),
        x_label: tx("memory (MB)").to_string(),
        y_label: y_label.to_string(),
        xs: xs.clone(),
        series: vec![Series {
            label: label.to_string(),
            values,
        }],
        x_max: None,
        marks: marks.clone(),
        dots: true,
    };
    vec![
        plot(
            tx("Duration against memory"),
            "ms",
            tx("average duration"),
            out.points.iter().map(|p| p.avg_ms).collect(),
        ),
        plot(
            tx("Cost against memory"),
            tx("USD per million"),
            tx("cost per million invocations"),
            out.points.iter().map(|p| p.cost_per_million_usd).collect(),
        ),
    ]
}

/// A chart over simulated seconds with one series per `(label, values)`.
fn over_time(title: &str, y_label: &str, xs: Vec<f64>, series: Vec<(String, Vec<f64>)>) -> Plot {
    Plot {
        title: title.to_string(),
        x_label: tx("simulated seconds").to_string(),
        y_label: y_label.to_string(),
        xs,
        series: series
            .into_iter()
            .map(|(label, values)| Series { label, values })
            .collect(),
        x_max: None,
        marks: Vec::new(),
        dots: false,
    }
}

/// A deployment cell's chart: RUNNING tasks per revision over time, the total, and the floor and
/// ceiling the deployment configuration allows (minimum healthy and maximum percent of desired).
pub fn deployment_plot(out: &cloudbook::lab::DeploymentOutput) -> Plot {
    let xs: Vec<f64> = out.points.iter().map(|p| p.t_s).collect();
    let mut revisions: Vec<String> = Vec::new();
    for (rev, _) in out.points.iter().flat_map(|p| &p.running) {
        if !revisions.contains(rev) {
            revisions.push(rev.clone());
        }
    }
    let mut series: Vec<(String, Vec<f64>)> = revisions
        .iter()
        .map(|rev| {
            let values = out
                .points
                .iter()
                .map(|p| {
                    p.running
                        .iter()
                        .find(|(r, _)| r == rev)
                        .map_or(0.0, |(_, n)| f64::from(*n))
                })
                .collect();
            (txf("{} running", &[rev]), values)
        })
        .collect();
    let desired = |p: &cloudbook::lab::DeployPoint, pct: u32| f64::from(p.desired) * f64::from(pct) / 100.0;
    series.push((
        tx("all revisions").to_string(),
        out.points.iter().map(|p| f64::from(p.total)).collect(),
    ));
    series.push((
        txf("minimum healthy ({}%)", &[&out.minimum_healthy_percent]),
        out.points
            .iter()
            .map(|p| desired(p, out.minimum_healthy_percent).ceil())
            .collect(),
    ));
    series.push((
        txf("maximum ({}%)", &[&out.maximum_percent]),
        out.points
            .iter()
            .map(|p| desired(p, out.maximum_percent).floor())
            .collect(),
    ));
    over_time(tx("Tasks running during the deployment"), tx("tasks"), xs, series)
}

/// A Beanstalk cell's charts: instances by version, and capacity, errors and new traffic in %.
pub fn beanstalk_plots(out: &cloudbook::lab::BeanstalkOutput) -> Vec<Plot> {
    let xs: Vec<f64> = out.phases.iter().map(|p| p.t_s as f64).collect();
    let col = |f: &dyn Fn(&cloudbook::lab::EbPhase) -> u32| -> Vec<f64> {
        out.phases.iter().map(|p| f64::from(f(p))).collect()
    };
    vec![
        over_time(
            tx("Instances by version"),
            tx("instances"),
            xs.clone(),
            vec![
                (tx("old version").into(), col(&|p| p.old)),
                (tx("new version").into(), col(&|p| p.new)),
                (tx("out of service").into(), col(&|p| p.out)),
            ],
        ),
        over_time(
            tx("Capacity, errors and new-version traffic"),
            "%",
            xs,
            vec![
                (tx("capacity").into(), col(&|p| p.capacity_pct)),
                (tx("errors").into(), col(&|p| p.error_pct)),
                (
                    tx("traffic to the new version").into(),
                    col(&|p| p.new_traffic_pct),
                ),
            ],
        ),
    ]
}

/// An App Runner cell's charts: requests in flight and instances (active and provisioned).
pub fn apprunner_plots(out: &cloudbook::lab::AppRunnerOutput) -> Vec<Plot> {
    let xs: Vec<f64> = out.points.iter().map(|p| p.t_s as f64).collect();
    let col = |f: &dyn Fn(&cloudbook::lab::ArPoint) -> u32| -> Vec<f64> {
        out.points.iter().map(|p| f64::from(f(p))).collect()
    };
    vec![
        over_time(
            tx("Requests in"),
            tx("requests in flight"),
            xs.clone(),
            vec![
                (tx("concurrency").into(), col(&|p| p.concurrency)),
                (tx("rejected").into(), col(&|p| p.rejected)),
            ],
        ),
        over_time(
            tx("Instances out"),
            tx("instances"),
            xs,
            vec![
                (tx("instances").into(), col(&|p| p.instances)),
                (tx("active").into(), col(&|p| p.active)),
                (tx("provisioned").into(), col(&|p| p.provisioned)),
            ],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_data() {
        let t = ticks(1000.0, 4);
        assert_eq!(t, vec![0.0, 500.0, 1000.0]);
        assert_eq!(ticks(7.0, 4), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(ticks(0.0, 4), vec![0.0, 0.5, 1.0]);
        assert_eq!(ticks(f64::NAN, 4), vec![0.0, 0.5, 1.0]);
        let t = ticks(0.037, 4);
        assert!(t.last().copied().unwrap() >= 0.037 && t.len() <= 6, "{t:?}");
        assert_eq!(tick_label(12_000.0), "12,000");
        assert_eq!(tick_label(0.25), "0.25");
    }

    #[test]
    fn layout_maps_data_into_the_plot_box_and_skips_gaps() {
        let plot = Plot {
            title: "Invocations".into(),
            x_label: "s".into(),
            y_label: "per period".into(),
            xs: vec![0.0, 10.0, 20.0],
            series: vec![Series {
                label: "invocations".into(),
                values: vec![0.0, 100.0, f64::NAN],
            }],
            x_max: Some(60.0),
            marks: Vec::new(),
            dots: false,
        };
        let l = layout(&plot);
        assert_eq!(l.x.max, 60.0);
        assert_eq!(l.y.max, 100.0);
        let (left, _, top, bottom) = MARGIN;
        assert_eq!(
            l.lines[0],
            format!("{left:.1},{:.1} {:.1},{top:.1}", HEIGHT - bottom, l.x.at(10.0))
        );
        assert_eq!(summary(&plot), "Invocations. invocations peaks at 100 (s 10).");
    }

    #[test]
    fn tuning_marks_the_cheapest_and_the_fastest_size() {
        use cloudbook::lab::{TuningOutput, TuningPoint};
        let point = |memory_mb, avg_ms, cost| TuningPoint {
            memory_mb,
            avg_ms,
            billed_ms: avg_ms.ceil(),
            cost_per_million_usd: cost,
            errors: 0,
        };
        let out = TuningOutput {
            points: vec![
                point(128, 400.0, 1.0),
                point(512, 100.0, 0.9),
                point(1024, 60.0, 1.2),
            ],
            cheapest: 512,
            fastest: 1024,
        };
        let plots = tuning_plots(&out);
        assert_eq!(plots.len(), 2);
        assert_eq!(plots[0].xs, vec![128.0, 512.0, 1024.0]);
        assert_eq!(
            plots[0].marks,
            vec![
                (512.0, "cheapest 512 MB".into()),
                (1024.0, "fastest 1024 MB".into())
            ]
        );
        assert_eq!(plots[1].series[0].values, vec![1.0, 0.9, 1.2]);
        assert!(
            summary(&plots[0]).contains("peaks at 400"),
            "{}",
            summary(&plots[0])
        );
    }
}

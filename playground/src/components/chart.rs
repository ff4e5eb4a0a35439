//! An SVG line chart of a [`Plot`], with a legend and a table of the same numbers for screen
//! readers (in a `<details>`, so sighted readers can open it too).
//!
//! Colours and dash patterns come from CSS classes (`cb-series-<n>`) bound to mdBook's theme
//! variables, so the chart follows all five themes; the dashes keep series apart without colour.

use std::rc::Rc;

use yew::prelude::*;

use crate::chart::{self, HEIGHT, MARGIN, Plot, WIDTH, round3, tick_label};
use crate::i18n::{Msg, t};

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub plot: Rc<Plot>,
}

#[function_component(LineChart)]
pub fn line_chart(props: &ChartProps) -> Html {
    let plot = &*props.plot;
    let l = chart::layout(plot);
    let (left, right, top, bottom) = MARGIN;
    let base = HEIGHT - bottom;
    let fmt = |v: f64| format!("{v:.1}");
    html! {
        <figure class="cb-chart">
            <figcaption class="cb-chart-title">{ plot.title.clone() }</figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" aria-label={chart::summary(plot)}
                preserveAspectRatio="xMinYMin meet">
                { for l.y_ticks.iter().map(|v| { let y = fmt(l.y.at(*v)); html! {
                    <g class="cb-grid">
                        <line x1={fmt(left)} x2={fmt(WIDTH - right)} y1={y.clone()} y2={y.clone()} />
                        <text x={fmt(left - 6.0)} y={y} class="cb-tick cb-tick-y">{ tick_label(*v) }</text>
                    </g>
                } }) }
                { for l.x_ticks.iter().map(|v| { let x = fmt(l.x.at(*v)); html! {
                    <text x={x} y={fmt(base + 16.0)} class="cb-tick cb-tick-x">{ tick_label(*v) }</text>
                } }) }
                <line class="cb-axis" x1={fmt(left)} x2={fmt(WIDTH - right)} y1={fmt(base)} y2={fmt(base)} />
                <line class="cb-axis" x1={fmt(left)} x2={fmt(left)} y1={fmt(top)} y2={fmt(base)} />
                <text class="cb-axis-label" x={fmt((left + WIDTH - right) / 2.0)} y={fmt(HEIGHT - 4.0)}>{ plot.x_label.clone() }</text>
                <text class="cb-axis-label" transform={format!("translate(12 {}) rotate(-90)", fmt((top + base) / 2.0))}>{ plot.y_label.clone() }</text>
                // Each mark's label on its own row, so two marks at one size stay readable.
                { for plot.marks.iter().enumerate().map(|(k, (x, label))| { let xp = fmt(l.x.at(*x)); html! {
                    <g class="cb-mark">
                        <line x1={xp.clone()} x2={xp.clone()} y1={fmt(top)} y2={fmt(base)} />
                        // Past the middle the label goes left of its line, so it stays inside.
                        if l.x.at(*x) > WIDTH / 2.0 {
                            <text class="cb-mark-left" x={fmt(l.x.at(*x) - 4.0)} y={fmt(top + 10.0 + 13.0 * k as f64)}>{ label.clone() }</text>
                        } else {
                            <text x={fmt(l.x.at(*x) + 4.0)} y={fmt(top + 10.0 + 13.0 * k as f64)}>{ label.clone() }</text>
                        }
                    </g>
                } }) }
                { for l.lines.iter().enumerate().map(|(i, pts)| html! {
                    <polyline class={format!("cb-line-s cb-series-{}", i % 6)} points={pts.clone()} />
                }) }
                if plot.dots {
                    { for plot.series.iter().enumerate().map(|(i, s)| html! {
                        <g class={format!("cb-dots cb-series-{}", i % 6)}>
                            { for plot.xs.iter().zip(&s.values).filter(|(_, v)| v.is_finite()).map(|(x, v)| html! {
                                <circle cx={fmt(l.x.at(*x))} cy={fmt(l.y.at(*v))} r="3.5" />
                            }) }
                        </g>
                    }) }
                }
            </svg>
            <ul class="cb-legend" aria-hidden="true">
                { for plot.series.iter().enumerate().map(|(i, s)| html! {
                    <li><svg class="cb-swatch" viewBox="0 0 24 8" width="24" height="8">
                        <line class={format!("cb-line-s cb-series-{}", i % 6)} x1="0" x2="24" y1="4" y2="4" />
                    </svg>{ s.label.clone() }</li>
                }) }
            </ul>
            <details class="cb-chart-table">
                <summary>{ t(Msg::ChartTable) }{ " " }{ plot.title.clone() }</summary>
                <table>
                    <thead><tr>
                        <th scope="col">{ plot.x_label.clone() }</th>
                        { for plot.series.iter().map(|s| html! { <th scope="col">{ s.label.clone() }</th> }) }
                    </tr></thead>
                    <tbody>
                        { for plot.xs.iter().enumerate().map(|(i, x)| html! {
                            <tr>
                                <th scope="row">{ tick_label(round3(*x)) }</th>
                                { for plot.series.iter().map(|s| html! {
                                    <td>{ s.values.get(i).filter(|v| v.is_finite()).map(|v| tick_label(round3(*v))).unwrap_or_default() }</td>
                                }) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </details>
        </figure>
    }
}

//! Bar charts drawn on the server as inline SVG, for the transparency
//! dashboards: no script, no image request, nothing to load.
//!
//! A chart is a set of groups (a month, a category, a project) with one bar
//! per series (received, resolved, rejected…). Bars are horizontal so that a
//! group's label reads on its own line of the chart, even on a phone; every
//! bar carries its value as text at its end, and each series has a pattern as
//! well as a colour (solid, hatched, dotted, crossed), named in the legend:
//! nothing is said by colour alone. The SVG is `role="img"` with an accessible
//! name; the same figures go in a real table beside it ([`DataTable`]), which
//! is what screen readers read.
//!
//! Colours and patterns are presentation attributes, not `style`: the site's
//! CSP forbids inline styles.

use std::fmt::Write as _;

/// How a series is drawn: a pattern and its colour, both in the legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// Filled, dark blue.
    Solid,
    /// Diagonal lines, dark green.
    Hatched,
    /// Dots, dark red.
    Dotted,
    /// Crossed lines, dark brown.
    Crossed,
}

impl Fill {
    /// The series' colour: dark enough for 3:1 against white (WCAG 1.4.11).
    fn colour(self) -> &'static str {
        match self {
            Fill::Solid => "#003f8a",
            Fill::Hatched => "#1f5f2e",
            Fill::Dotted => "#a3001b",
            Fill::Crossed => "#6b4300",
        }
    }

    /// The pattern's definition (`id` unique on the page), or none for a solid fill.
    fn pattern(self, id: &str) -> Option<String> {
        let c = self.colour();
        let body = match self {
            Fill::Solid => return None,
            Fill::Hatched => format!(
                "<pattern id=\"{id}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
                 patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>\
                 <rect width=\"3\" height=\"6\" fill=\"{c}\"/></pattern>"
            ),
            Fill::Dotted => format!(
                "<pattern id=\"{id}\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\">\
                 <rect width=\"5\" height=\"5\" fill=\"#ffffff\"/><circle cx=\"2.5\" cy=\"2.5\" r=\"1.6\" \
                 fill=\"{c}\"/></pattern>"
            ),
            Fill::Crossed => format!(
                "<pattern id=\"{id}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">\
                 <rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><path d=\"M0 3H6M3 0V6\" stroke=\"{c}\" \
                 stroke-width=\"1.5\"/></pattern>"
            ),
        };
        Some(body)
    }

    /// The `fill` attribute's value for this series in chart `chart`.
    fn paint(self, chart: &str, series: usize) -> String {
        match self {
            Fill::Solid => self.colour().to_owned(),
            _ => format!("url(#{chart}-s{series})"),
        }
    }
}

/// One series of bars: its name (legend and table header) and its look.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub fill: Fill,
}

impl Series {
    pub fn new(name: String, fill: Fill) -> Self {
        Series { name, fill }
    }
}

/// One group of bars: its label and one value per series, with the value as
/// the page writes it ("1 234", "12 500 €").
#[derive(Debug, Clone)]
pub struct Group {
    pub label: String,
    pub values: Vec<f64>,
    pub texts: Vec<String>,
}

/// A horizontal bar chart.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// Unique on the page: prefixes the ids of the chart's patterns.
    pub id: String,
    /// The chart's accessible name (its caption says the same).
    pub name: String,
    pub series: Vec<Series>,
    pub groups: Vec<Group>,
}

/// Width of the drawing, in SVG units; the page scales it to its column.
pub const WIDTH: f64 = 400.0;
const FONT: f64 = 14.0;
const SMALL_FONT: f64 = 13.0;
const BAR: f64 = 16.0;
const BAR_GAP: f64 = 3.0;
const GROUP_GAP: f64 = 12.0;
const LEGEND_ROW: f64 = 24.0;
const SWATCH: f64 = 14.0;
/// Labels longer than this are shortened in the drawing (the table has them whole).
pub const MAX_LABEL_CHARS: usize = 20;
/// Rough advance of one character, as a share of the font size.
const CHAR_EM: f64 = 0.62;

/// `text` escaped for XML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// `label` shortened to [`MAX_LABEL_CHARS`] characters, with an ellipsis.
pub fn shorten(label: &str) -> String {
    let label = label.trim();
    if label.chars().count() <= MAX_LABEL_CHARS {
        return label.to_owned();
    }
    let mut short: String = label.chars().take(MAX_LABEL_CHARS - 1).collect();
    short = short.trim_end().to_owned();
    short.push('…');
    short
}

fn text_width(text: &str, font: f64) -> f64 {
    text.chars().count() as f64 * font * CHAR_EM
}

/// A number for SVG attributes: at most one decimal, no trailing zero.
fn n(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 { format!("{}", rounded as i64) } else { format!("{rounded:.1}") }
}

impl BarChart {
    /// The width of each bar of `group`, for a bar area of `area` units: proportional to the largest value of the
    /// chart (zero, negative or not-a-number values draw nothing).
    pub fn bar_widths(&self, area: f64) -> Vec<Vec<f64>> {
        let max =
            self.groups.iter().flat_map(|g| g.values.iter().copied()).filter(|v| v.is_finite()).fold(0.0_f64, f64::max);
        self.groups
            .iter()
            .map(|g| {
                g.values
                    .iter()
                    .map(|v| if max > 0.0 && v.is_finite() && *v > 0.0 { area * v / max } else { 0.0 })
                    .collect()
            })
            .collect()
    }

    /// The legend's rows: (x, y of the row, series index), flowing over the width.
    fn legend(&self) -> (Vec<(f64, f64, usize)>, f64) {
        if self.series.len() < 2 {
            return (Vec::new(), 0.0);
        }
        let (mut x, mut y, mut items) = (0.0, 0.0, Vec::new());
        for (i, series) in self.series.iter().enumerate() {
            let width = SWATCH + 6.0 + text_width(&series.name, SMALL_FONT) + 18.0;
            if x > 0.0 && x + width > WIDTH {
                x = 0.0;
                y += LEGEND_ROW;
            }
            items.push((x, y, i));
            x += width;
        }
        (items, y + LEGEND_ROW + 6.0)
    }

    /// The chart as an inline `<svg>` element (already escaped: insert it as is).
    pub fn svg(&self) -> String {
        let id = escape(&self.id);
        let labels: Vec<String> = self.groups.iter().map(|g| shorten(&g.label)).collect();
        let label_width = labels.iter().map(|l| text_width(l, FONT)).fold(0.0, f64::max).clamp(24.0, 180.0) + 12.0;
        let value_width =
            self.groups.iter().flat_map(|g| g.texts.iter()).map(|t| text_width(t, SMALL_FONT)).fold(0.0, f64::max)
                + 10.0;
        let area = (WIDTH - label_width - value_width).max(40.0);
        let widths = self.bar_widths(area);
        let (legend, legend_height) = self.legend();
        let group_height = |g: &Group| g.values.len().max(1) as f64 * (BAR + BAR_GAP) - BAR_GAP;
        let body: f64 = self.groups.iter().map(|g| group_height(g) + GROUP_GAP).sum();
        let height = (legend_height + body + 4.0).ceil();
        let name = escape(&self.name);

        let mut svg = String::new();
        let _ = write!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bar-chart\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" \
             height=\"{h}\" role=\"img\" aria-label=\"{name}\" focusable=\"false\" font-family=\"system-ui, \
             -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\"><title>{name}</title>",
            w = n(WIDTH),
            h = n(height),
        );
        let patterns: Vec<String> =
            self.series.iter().enumerate().filter_map(|(i, s)| s.fill.pattern(&format!("{id}-s{i}"))).collect();
        if !patterns.is_empty() {
            let _ = write!(svg, "<defs>{}</defs>", patterns.concat());
        }
        for (x, y, i) in legend {
            let series = &self.series[i];
            let _ = write!(
                svg,
                "<g class=\"legend\"><rect x=\"{x}\" y=\"{y}\" width=\"{s}\" height=\"{s}\" fill=\"{fill}\" \
                 stroke=\"{stroke}\" stroke-width=\"1.5\"/><text x=\"{tx}\" y=\"{ty}\" font-size=\"{f}\" \
                 fill=\"#161616\">{label}</text></g>",
                x = n(x + 1.0),
                y = n(y + 1.0),
                s = n(SWATCH),
                fill = series.fill.paint(&id, i),
                stroke = series.fill.colour(),
                tx = n(x + SWATCH + 6.0),
                ty = n(y + SWATCH - 1.0),
                f = n(SMALL_FONT),
                label = escape(&series.name),
            );
        }
        let mut y = legend_height;
        let top = y;
        for ((group, label), widths) in self.groups.iter().zip(&labels).zip(&widths) {
            let h = group_height(group);
            let _ = write!(
                svg,
                "<g class=\"group\"><text x=\"{x}\" y=\"{ty}\" font-size=\"{f}\" text-anchor=\"end\" \
                 fill=\"#161616\">{label}</text>",
                x = n(label_width - 8.0),
                ty = n(y + h / 2.0 + FONT * 0.35),
                f = n(FONT),
                label = escape(label),
            );
            for (i, (width, text)) in widths.iter().zip(&group.texts).enumerate() {
                let fill = self.series.get(i).map_or(Fill::Solid, |s| s.fill);
                let bar_y = y + i as f64 * (BAR + BAR_GAP);
                let _ = write!(
                    svg,
                    "<rect class=\"bar\" x=\"{x}\" y=\"{by}\" width=\"{w}\" height=\"{bh}\" fill=\"{paint}\" \
                     stroke=\"{stroke}\" stroke-width=\"{sw}\"/><text x=\"{tx}\" y=\"{ty}\" font-size=\"{f}\" \
                     fill=\"#161616\">{text}</text>",
                    x = n(label_width),
                    by = n(bar_y),
                    w = n(*width),
                    bh = n(BAR),
                    paint = fill.paint(&id, i),
                    stroke = fill.colour(),
                    sw = if *width > 0.0 { "1.5" } else { "0" },
                    tx = n(label_width + width + 5.0),
                    ty = n(bar_y + BAR / 2.0 + SMALL_FONT * 0.35),
                    f = n(SMALL_FONT),
                    text = escape(text),
                );
            }
            svg.push_str("</g>");
            y += h + GROUP_GAP;
        }
        // The axis the bars start from.
        let _ = write!(
            svg,
            "<line x1=\"{x}\" y1=\"{y1}\" x2=\"{x}\" y2=\"{y2}\" stroke=\"#161616\" stroke-width=\"1.5\"/></svg>",
            x = n(label_width),
            y1 = n(top - 4.0),
            y2 = n((y - GROUP_GAP + 4.0).max(top)),
        );
        svg
    }
}

/// A chart's figures as a real table: a caption, column headers, one row per
/// group with its label as the row header.
#[derive(Debug, Clone, Default)]
pub struct DataTable {
    pub caption: String,
    /// Column headers; the first is the row headers' column.
    pub head: Vec<String>,
    pub rows: Vec<TableRow>,
}

#[derive(Debug, Clone)]
pub struct TableRow {
    pub head: String,
    pub cells: Vec<String>,
}

impl DataTable {
    /// The table of `chart`'s figures: one column per series.
    pub fn of(chart: &BarChart, caption: String, first_column: String) -> Self {
        let mut head = vec![first_column];
        head.extend(chart.series.iter().map(|s| s.name.clone()));
        let rows = chart.groups.iter().map(|g| TableRow { head: g.label.clone(), cells: g.texts.clone() }).collect();
        DataTable { caption, head, rows }
    }

    /// Adds a column (its header and one cell per row, in order).
    pub fn with_column(mut self, header: String, cells: Vec<String>) -> Self {
        self.head.push(header);
        for (row, cell) in self.rows.iter_mut().zip(cells) {
            row.cells.push(cell);
        }
        self
    }
}

/// A chart ready for a page: its caption, the SVG, the table that says the same.
#[derive(Debug, Clone)]
pub struct Figure {
    pub id: String,
    pub caption: String,
    /// What the chart shows, in plain words (under the caption).
    pub note: String,
    pub svg: String,
    pub table: DataTable,
}

impl Figure {
    pub fn new(chart: &BarChart, note: String, table: DataTable) -> Self {
        Figure { id: chart.id.clone(), caption: chart.name.clone(), note, svg: chart.svg(), table }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(values: &[&[f64]]) -> BarChart {
        BarChart {
            id: "c1".into(),
            name: "Signalements par mois".into(),
            series: vec![
                Series::new("Reçus".into(), Fill::Solid),
                Series::new("Résolus".into(), Fill::Hatched),
                Series::new("Refusés".into(), Fill::Dotted),
            ]
            .into_iter()
            .take(values.first().map_or(0, |v| v.len()))
            .collect(),
            groups: values
                .iter()
                .enumerate()
                .map(|(i, v)| Group {
                    label: format!("mois {i}"),
                    values: v.to_vec(),
                    texts: v.iter().map(|x| format!("{x}")).collect(),
                })
                .collect(),
        }
    }

    /// The values of attribute `name` of every `<rect class="bar"` element, in order.
    fn bar_attribute(svg: &str, name: &str) -> Vec<f64> {
        svg.split("<rect class=\"bar\"")
            .skip(1)
            .map(|rest| {
                let start = rest.find(&format!(" {name}=\"")).expect("attribute") + name.len() + 3;
                rest[start..].split('"').next().unwrap_or_default().parse().expect("a number")
            })
            .collect()
    }

    #[test]
    fn bars_are_proportional_to_the_largest_value() {
        let c = chart(&[&[10.0, 5.0, 0.0], &[4.0, 2.5, 1.0]]);
        let widths = c.bar_widths(200.0);
        assert_eq!(widths, vec![vec![200.0, 100.0, 0.0], vec![80.0, 50.0, 20.0]]);
        let svg = c.svg();
        let drawn = bar_attribute(&svg, "width");
        assert_eq!(drawn.len(), 6, "one bar per group and series");
        // The same proportions in the drawing (rounded to a tenth).
        assert!((drawn[1] * 2.0 - drawn[0]).abs() < 0.2, "{drawn:?}");
        assert!((drawn[3] / drawn[0] - 0.4).abs() < 0.01, "{drawn:?}");
        assert_eq!(drawn[2], 0.0);
        // Bars of a group are one below the other, groups one after the other.
        let ys = bar_attribute(&svg, "y");
        assert!(ys.windows(2).all(|w| w[1] > w[0]), "{ys:?}");
    }

    #[test]
    fn nothing_to_draw_draws_no_bar_and_no_nan() {
        for values in [&[&[0.0, 0.0][..]][..], &[&[f64::NAN, -3.0][..]][..], &[][..]] {
            let c = chart(values);
            let svg = c.svg();
            // No attribute gets a number that is not one (the texts are the caller's).
            assert!(!svg.contains("\"NaN") && !svg.contains("inf\""), "{svg}");
            assert!(bar_attribute(&svg, "width").iter().all(|w| *w == 0.0), "{svg}");
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        }
    }

    #[test]
    fn the_svg_is_an_image_with_its_name_and_a_legend_of_patterns() {
        let svg = chart(&[&[3.0, 2.0, 1.0]]).svg();
        assert!(svg.contains("role=\"img\" aria-label=\"Signalements par mois\""), "{svg}");
        assert!(svg.contains("<title>Signalements par mois</title>"));
        // Each series but the solid one has its pattern, with ids of this chart only.
        assert!(svg.contains("<pattern id=\"c1-s1\"") && svg.contains("<pattern id=\"c1-s2\""), "{svg}");
        assert!(svg.contains("fill=\"url(#c1-s1)\"") && svg.contains("fill=\"url(#c1-s2)\""));
        // A legend names every series; values are written at the end of their bars.
        assert_eq!(svg.matches("<g class=\"legend\">").count(), 3);
        for word in ["Reçus", "Résolus", "Refusés", ">3<", ">2<", ">1<"] {
            assert!(svg.contains(word), "{word}");
        }
        // One series: no legend (the caption says what is counted).
        let one = BarChart { series: vec![Series::new("Ouverts".into(), Fill::Solid)], ..chart(&[&[1.0]]) };
        assert!(!one.svg().contains("class=\"legend\""));
        // Presentation attributes only: the site's CSP allows no inline style.
        assert!(!svg.contains("style="));
    }

    #[test]
    fn labels_are_escaped_and_long_ones_shortened() {
        let mut c = chart(&[&[1.0]]);
        c.name = "Budgets \"prévus\" & <dépensés>".into();
        c.groups[0].label = "<script>alert('x')</script> et une très longue suite".into();
        c.groups[0].texts = vec!["1 < 2".into()];
        let svg = c.svg();
        assert!(!svg.contains("<script>") && !svg.contains("1 < 2"), "{svg}");
        assert!(svg.contains("aria-label=\"Budgets &quot;prévus&quot; &amp; &lt;dépensés&gt;\""), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;…"), "{svg}");
        assert_eq!(shorten("Espaces verts"), "Espaces verts");
        assert_eq!(shorten("Rénovation de l'école Jules-Ferry").chars().count(), MAX_LABEL_CHARS);
    }

    #[test]
    fn tables_say_what_the_chart_draws() {
        let c = chart(&[&[3.0, 2.0, 1.0], &[0.0, 0.0, 0.0]]);
        let table = DataTable::of(&c, "Les chiffres".into(), "Mois".into())
            .with_column("Ouverts".into(), vec!["7".into(), "0".into()]);
        assert_eq!(table.head, ["Mois", "Reçus", "Résolus", "Refusés", "Ouverts"]);
        assert_eq!(table.rows[0].head, "mois 0");
        assert_eq!(table.rows[0].cells, ["3", "2", "1", "7"]);
        assert_eq!(table.rows[1].cells, ["0", "0", "0", "0"]);
    }
}

//! A line diff of two texts, for the public revision history: the longest
//! common subsequence of lines, after trimming the common head and tail.

use miroir_proto::publications::v1::{DiffLine, DiffOp};

/// Above this many line pairs (after trimming), the middle is shown as
/// removed then added instead of searching for common lines.
const MAX_CELLS: usize = 4_000_000;

/// The lines of `new` against `old`: kept, added or removed, in reading order
/// (removals before additions where both happen).
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();
    let head = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let tail = old[head..].iter().rev().zip(new[head..].iter().rev()).take_while(|(a, b)| a == b).count();
    let (a, b) = (&old[head..old.len() - tail], &new[head..new.len() - tail]);

    let mut out: Vec<DiffLine> = old[..head].iter().map(|l| line(DiffOp::Kept, l)).collect();
    if a.len().saturating_mul(b.len()) > MAX_CELLS {
        out.extend(a.iter().map(|l| line(DiffOp::Removed, l)));
        out.extend(b.iter().map(|l| line(DiffOp::Added, l)));
    } else {
        middle(a, b, &mut out);
    }
    out.extend(old[old.len() - tail..].iter().map(|l| line(DiffOp::Kept, l)));
    out
}

fn line(op: DiffOp, text: &str) -> DiffLine {
    DiffLine { op: op as i32, text: text.to_owned() }
}

/// The LCS table from the end: `lcs[i][j]` = common lines of `a[i..]` and `b[j..]`.
fn middle(a: &[&str], b: &[&str], out: &mut Vec<DiffLine>) {
    let width = b.len() + 1;
    let mut lcs = vec![0u32; (a.len() + 1) * width];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i * width + j] = if a[i] == b[j] {
                lcs[(i + 1) * width + j + 1] + 1
            } else {
                lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push(line(DiffOp::Kept, a[i]));
            i += 1;
            j += 1;
        } else if lcs[(i + 1) * width + j] >= lcs[i * width + j + 1] {
            out.push(line(DiffOp::Removed, a[i]));
            i += 1;
        } else {
            out.push(line(DiffOp::Added, b[j]));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|l| line(DiffOp::Removed, l)));
    out.extend(b[j..].iter().map(|l| line(DiffOp::Added, l)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(diff: &[DiffLine]) -> Vec<String> {
        diff.iter()
            .map(|l| {
                let sign = match DiffOp::try_from(l.op) {
                    Ok(DiffOp::Added) => '+',
                    Ok(DiffOp::Removed) => '-',
                    _ => ' ',
                };
                format!("{sign}{}", l.text)
            })
            .collect()
    }

    #[test]
    fn identical_texts_are_all_kept() {
        assert_eq!(render(&diff_lines("a\nb", "a\nb")), vec![" a", " b"]);
        assert!(diff_lines("", "").is_empty());
    }

    #[test]
    fn a_changed_line_is_removed_then_added_between_kept_lines() {
        let diff = diff_lines(
            "Budget : 10 000 €\nTravaux en mai\nFin en juin",
            "Budget : 12 000 €\nTravaux en mai\nFin en juillet",
        );
        assert_eq!(
            render(&diff),
            vec!["-Budget : 10 000 €", "+Budget : 12 000 €", " Travaux en mai", "-Fin en juin", "+Fin en juillet"]
        );
    }

    #[test]
    fn insertions_and_deletions_keep_the_common_lines() {
        assert_eq!(render(&diff_lines("a\nb\nc", "a\nx\nb\nc\nd")), vec![" a", "+x", " b", " c", "+d"]);
        assert_eq!(render(&diff_lines("a\nb\nc", "c")), vec!["-a", "-b", " c"]);
        assert_eq!(render(&diff_lines("", "nouveau")), vec!["+nouveau"]);
        assert_eq!(render(&diff_lines("ancien", "")), vec!["-ancien"]);
    }

    #[test]
    fn the_diff_rebuilds_both_texts() {
        let (old, new) = ("1\n2\n3\n4\n5\n6", "0\n2\n3\n5\n6\n7\n2");
        let diff = diff_lines(old, new);
        let side = |skip: DiffOp| {
            diff.iter().filter(|l| l.op != skip as i32).map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n")
        };
        assert_eq!(side(DiffOp::Added), old);
        assert_eq!(side(DiffOp::Removed), new);
    }
}

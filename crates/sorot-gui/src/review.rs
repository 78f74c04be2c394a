//! Review mode: two sides of a document at once, their differences by kind,
//! and one key per decision into the gold set.
//!
//! Terms (see [`sorot_core::analysis::review`] for the core ones):
//! - **sides**: A and B, two annotators, or an annotator and the gold set.
//! - **current difference**: the one the decision keys act on; N and P move
//!   through the disagreements, on into the next or previous document.

use egui::{RichText, Ui};

use sorot_core::analysis::adjudicate::{self, Strategy};
use sorot_core::analysis::review::{self, Difference, GOLD, Kind};
use sorot_core::model::{Annotations, Span};
use sorot_core::project::Project;
use sorot_core::project::document::{Command, OpenDocument};
use sorot_core::project::workspace::{Workspace, WorkspaceError};

use super::text_view::{Mark, Underline};
use crate::ellipsize;

/// A decision on the current difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    AcceptA,
    AcceptB,
    AcceptBoth,
    RejectBoth,
}

/// How a kind of difference is underlined, in the span's label color: an
/// agreement plainly, each kind of disagreement with a stroke of its own.
pub fn kind_underline(kind: Kind) -> Underline {
    match kind {
        Kind::Agreement => Underline::Solid,
        Kind::OnlyA => Underline::Dashed,
        Kind::OnlyB => Underline::Dotted,
        Kind::LabelDiffers => Underline::Double,
        Kind::BoundariesDiffer => Underline::Wavy,
    }
}

/// Review mode's state.
pub struct ReviewMode {
    pub a: String,
    pub b: String,
    pub hide_names: bool,
    /// The gold set, edited through its own workspace (autosave, undo).
    gold: Workspace,
    /// The current document's A and B sides (B unused when B is the gold set).
    sides: Option<(String, Annotations, Annotations)>,
    differences: Vec<Difference>,
    /// Whether each difference is decided in the gold set.
    decided: Vec<bool>,
    /// Per difference, whether its side A and side B were decided against
    /// (decided, and not held by the gold set).
    struck: Vec<[bool; 2]>,
    /// (document, gold revision) the differences and decisions were computed for.
    computed_for: Option<(String, u64)>,
    current: Option<usize>,
    /// Offset to scroll the text to, once.
    pub scroll_to: Option<usize>,
    /// The tooltip titles of the marks, by mark id (see [`Self::marks`]).
    titles: Vec<String>,
    /// Undecided disagreements per document, for the document list: counted
    /// for every document on a background thread when review starts, and
    /// kept up to date for the document under review.
    left: std::collections::BTreeMap<String, usize>,
    counting: Option<std::thread::JoinHandle<std::collections::BTreeMap<String, usize>>>,
    /// The direction N (true) or P (false) last found no further
    /// disagreement in: pressed again that way, it moves on to another
    /// document.
    at_edge: Option<bool>,
}

impl ReviewMode {
    pub fn new(gold: Workspace, a: &str, b: &str, hide_names: bool) -> Self {
        ReviewMode {
            a: a.to_owned(),
            b: b.to_owned(),
            hide_names,
            gold,
            sides: None,
            differences: Vec::new(),
            decided: Vec::new(),
            struck: Vec::new(),
            computed_for: None,
            current: None,
            scroll_to: None,
            at_edge: None,
            titles: Vec::new(),
            left: std::collections::BTreeMap::new(),
            counting: None,
        }
    }

    pub fn gold(&self) -> &Workspace {
        &self.gold
    }

    pub fn gold_mut(&mut self) -> &mut Workspace {
        &mut self.gold
    }

    /// How a side is shown: its name, or "A" and "B" when names are hidden.
    pub fn side_name(&self, side_b: bool) -> String {
        match (self.hide_names, side_b) {
            (true, false) => "A".into(),
            (true, true) => "B".into(),
            (false, false) => self.a.clone(),
            (false, true) if self.b == GOLD => "gold set".into(),
            (false, true) => self.b.clone(),
        }
    }

    /// Opens `doc_id` on both sides and in the gold set.
    pub fn select(&mut self, project: &Project, doc_id: &str) -> Result<(), WorkspaceError> {
        self.gold.select(doc_id)?;
        let entry = project
            .doc(doc_id)
            .ok_or_else(|| WorkspaceError::UnknownDocument(doc_id.to_owned()))?;
        let side = |annotator: &str| -> Result<Annotations, WorkspaceError> {
            if annotator == GOLD || !project.annotation_path(annotator, doc_id).is_file() {
                return Ok(Annotations::default());
            }
            Ok(OpenDocument::open_to_read(project, entry, annotator)?
                .annotations()
                .clone())
        };
        self.sides = Some((doc_id.to_owned(), side(&self.a)?, side(&self.b)?));
        self.computed_for = None;
        self.current = None;
        self.at_edge = None;
        self.refresh();
        self.current = self
            .next_undecided(None)
            .or_else(|| self.next_disagreement(None));
        self.scroll_to = self.current.map(|i| self.differences[i].range().start);
        Ok(())
    }

    /// Recomputes the differences when the document or the gold set changed.
    pub fn refresh(&mut self) {
        let Some((doc_id, a, b)) = &self.sides else {
            return;
        };
        let Some(gold) = self.gold.current() else {
            return;
        };
        let key = (doc_id.clone(), gold.revision());
        if self.computed_for.as_ref() == Some(&key) {
            return;
        }
        // The sides only change with the document, unless B is the gold set.
        let same_document = self
            .computed_for
            .as_ref()
            .is_some_and(|(id, _)| id == doc_id);
        if !same_document || self.b == GOLD {
            let b = if self.b == GOLD {
                gold.spans()
            } else {
                b.spans()
            };
            self.differences = review::differences(a.spans(), b);
        }
        let decided = review::Decided::new(gold.spans(), gold.annotations().rejected());
        self.decided = self
            .differences
            .iter()
            .map(|d| decided.is_decided(d))
            .collect();
        // Of each decided disagreement, the sides the gold set does not hold.
        let held: std::collections::HashSet<(usize, usize, &str)> = gold
            .spans()
            .iter()
            .map(|s| (s.start, s.end, s.label.as_str()))
            .collect();
        self.struck = self
            .differences
            .iter()
            .zip(&self.decided)
            .map(|(d, decided)| {
                [&d.a, &d.b].map(|side| {
                    d.kind.is_disagreement()
                        && *decided
                        && side
                            .as_ref()
                            .is_some_and(|s| !held.contains(&(s.start, s.end, s.label.as_str())))
                })
            })
            .collect();
        self.computed_for = Some(key);
        if self.current.is_some_and(|i| i >= self.differences.len()) {
            self.current = None;
        }
        self.make_titles();
        let open = self.open_disagreements();
        if let Some((doc_id, _, _)) = &self.sides {
            self.left.insert(doc_id.clone(), open);
        }
    }

    pub fn differences(&self) -> &[Difference] {
        &self.differences
    }

    pub fn current(&self) -> Option<usize> {
        self.current
    }

    /// Whether a difference is decided in the gold set (as of the last refresh).
    pub fn is_decided(&self, difference: &Difference) -> bool {
        self.differences
            .iter()
            .position(|d| d == difference)
            .is_some_and(|i| self.decided[i])
    }

    fn next_disagreement(&self, after: Option<usize>) -> Option<usize> {
        let start = after.map_or(0, |i| i + 1);
        (start..self.differences.len()).find(|&i| self.differences[i].kind.is_disagreement())
    }

    fn previous_disagreement(&self, before: Option<usize>) -> Option<usize> {
        let end = before.unwrap_or(self.differences.len());
        (0..end)
            .rev()
            .find(|&i| self.differences[i].kind.is_disagreement())
    }

    fn next_undecided(&self, after: Option<usize>) -> Option<usize> {
        let start = after.map_or(0, |i| i + 1);
        (start..self.differences.len())
            .chain(0..start.min(self.differences.len()))
            .find(|&i| self.differences[i].kind.is_disagreement() && !self.decided[i])
    }

    /// Moves to the next (or previous) disagreement of this document; false
    /// at the end, when the caller moves on to another document.
    pub fn step(&mut self, forward: bool) -> bool {
        let at_edge = self.at_edge.take();
        let target = if forward {
            self.next_disagreement(self.current)
        } else {
            self.previous_disagreement(self.current)
        };
        match target {
            Some(i) => {
                self.current = Some(i);
                self.scroll_to = Some(self.differences[i].range().start);
                true
            }
            None => {
                // The first time at the edge, stay and say so; the next
                // time, move on.
                if at_edge != Some(forward) && self.has_disagreements() {
                    self.at_edge = Some(forward);
                    return true;
                }
                false
            }
        }
    }

    /// Whether the last step found no further disagreement this way, and
    /// stayed: the next step moves to another document.
    pub fn at_edge(&self) -> Option<bool> {
        self.at_edge
    }

    /// After moving into another document backwards: its last disagreement.
    pub fn go_to_last(&mut self) {
        self.current = self.previous_disagreement(None);
        self.scroll_to = self.current.map(|i| self.differences[i].range().start);
    }

    /// Counts the undecided disagreements of every document on a background
    /// thread (the document list shows them).
    pub fn count_left(&mut self) {
        let (project, a, b) = (self.gold.project().clone(), self.a.clone(), self.b.clone());
        self.counting = Some(std::thread::spawn(move || {
            review::open_disagreements(&project, &a, &b)
        }));
    }

    /// Takes the count of every document once it is made; true when it was.
    pub fn poll_counts(&mut self) -> bool {
        if self.counting.as_ref().is_some_and(|c| c.is_finished()) {
            self.wait_for_counts();
            return true;
        }
        false
    }

    /// Whether the documents are still being counted.
    pub fn is_counting(&self) -> bool {
        self.counting.is_some()
    }

    /// Waits for the count of every document (tests).
    pub fn wait_for_counts(&mut self) {
        if let Some(counting) = self.counting.take()
            && let Ok(counted) = counting.join()
        {
            // What was counted since it started is newer.
            for (id, n) in counted {
                self.left.entry(id).or_insert(n);
            }
        }
    }

    /// Undecided disagreements of `doc_id`, once counted.
    pub fn left(&self, doc_id: &str) -> Option<usize> {
        self.left.get(doc_id).copied()
    }

    /// How many disagreements of this document are not decided.
    pub fn open_disagreements(&self) -> usize {
        (0..self.differences.len())
            .filter(|&i| self.differences[i].kind.is_disagreement() && !self.decided[i])
            .count()
    }

    /// The command that takes what A and B agree on into the gold set
    /// (spans with the details both give, and relations between spans in
    /// the gold set), as marking a document reviewed does; `None` when B
    /// is the gold set itself or there is nothing to take.
    pub fn agreements(&self) -> Option<Command> {
        let (_, a, b) = self.sides.as_ref()?;
        let gold = self.gold.current()?;
        if self.b == GOLD {
            return None;
        }
        let proposal = adjudicate::propose(&[a, b], gold.annotations(), Strategy::Agreements);
        (!proposal.spans.is_empty() || !proposal.relations.is_empty())
            .then_some(Command::TakeIntoGold(proposal))
    }

    /// Whether this document has any disagreement.
    pub fn has_disagreements(&self) -> bool {
        self.next_disagreement(None).is_some()
    }

    /// Selects the difference under `offset`, if any.
    pub fn select_at(&mut self, offset: usize) {
        let hit = self
            .differences
            .iter()
            .enumerate()
            .filter(|(_, d)| d.range().contains(&offset))
            .min_by_key(|(_, d)| d.range().end - d.range().start)
            .map(|(i, _)| i);
        if hit.is_some() {
            self.current = hit;
        }
    }

    /// The command that writes `decision` on the current difference into
    /// the gold set as one undo step, with that difference; `None` when no
    /// difference is current. The workbench carries it out in the gold set's
    /// workspace, then calls [`Self::move_on`].
    pub fn decision(&self, decision: Decision) -> Option<(Difference, Command)> {
        let difference = self
            .current
            .and_then(|i| self.differences.get(i))
            .cloned()?;
        // Accepted with its details (note, value, attributes); rejected by
        // its range and label.
        let taken =
            |span: &Option<Span>| span.iter().map(adjudicate::Taken::of).collect::<Vec<_>>();
        let side = |span: &Option<Span>| {
            span.iter()
                .map(|s| (s.range(), s.label.clone()))
                .collect::<Vec<_>>()
        };
        let (accept, reject) = match decision {
            Decision::AcceptA => (taken(&difference.a), side(&difference.b)),
            Decision::AcceptB => (taken(&difference.b), side(&difference.a)),
            Decision::AcceptBoth => (
                [taken(&difference.a), taken(&difference.b)].concat(),
                Vec::new(),
            ),
            Decision::RejectBoth => (
                Vec::new(),
                [side(&difference.a), side(&difference.b)].concat(),
            ),
        };
        // With the gold set as side B, accepting A also takes B's span away.
        Some((difference, Command::Decide { accept, reject }))
    }

    /// After a decision on `difference` was written: on to the next
    /// undecided disagreement.
    pub fn move_on(&mut self, difference: &Difference) {
        self.refresh();
        let at = self
            .differences
            .iter()
            .position(|d| d.a == difference.a && d.b == difference.b);
        self.current = self
            .next_undecided(at.or(self.current))
            .or(at)
            .or(self.current);
        self.scroll_to = self.current.map(|i| self.differences[i].range().start);
    }

    /// The marks to paint: one per side of each difference (one for an
    /// agreement), in its label's color, underlined by its kind of
    /// difference (see [`kind_underline`]); once
    /// decided, a side the gold set does not hold is faded and struck
    /// through.
    pub fn marks(&self) -> Vec<Mark<'_>> {
        let schema = self.gold.project().schema();
        let mut marks = Vec::new();
        for (i, difference) in self.differences.iter().enumerate() {
            let underline = kind_underline(difference.kind);
            let sides: [Option<&Span>; 2] = match difference.kind {
                Kind::Agreement => [difference.a.as_ref(), None],
                _ => [difference.a.as_ref(), difference.b.as_ref()],
            };
            for (n, span) in sides.into_iter().enumerate() {
                let Some(span) = span else {
                    continue;
                };
                let struck = self.struck[i][n];
                let title = self.titles.get(2 * i + n).map_or("", String::as_str);
                marks.push(Mark {
                    id: 2 * i as u32 + n as u32,
                    start: span.start,
                    end: span.end,
                    color: schema.color(&span.label),
                    title,
                    text: &span.text,
                    note: "",
                    ghost: false,
                    underline,
                    struck,
                });
            }
        }
        marks.sort_by_key(|m| (m.start, m.end, m.id));
        marks
    }

    /// The tooltip title of each side of each difference: the kind, the
    /// side's name and label, the other side's, and whether it is decided.
    fn make_titles(&mut self) {
        let mut titles = Vec::with_capacity(2 * self.differences.len());
        for (i, difference) in self.differences.iter().enumerate() {
            for side_b in [false, true] {
                let (this, other) = if side_b {
                    (&difference.b, &difference.a)
                } else {
                    (&difference.a, &difference.b)
                };
                let Some(this) = this else {
                    titles.push(String::new());
                    continue;
                };
                let mut title = if difference.kind == Kind::Agreement {
                    format!(
                        "{} ({} and {})",
                        this.label,
                        self.side_name(false),
                        self.side_name(true)
                    )
                } else {
                    let other = match other {
                        Some(other) => format!("{} “{}”", other.label, ellipsize(&other.text, 40)),
                        None => "nothing".to_owned(),
                    };
                    format!(
                        "{}: {} {}, {} {other}",
                        difference.kind.describe(),
                        self.side_name(side_b),
                        this.label,
                        self.side_name(!side_b),
                    )
                };
                if difference.kind.is_disagreement() && self.decided[i] {
                    let accepted = !self.struck[i][usize::from(side_b)];
                    title.push_str(if accepted {
                        " — accepted into the gold set"
                    } else {
                        " — rejected"
                    });
                }
                titles.push(title);
            }
        }
        self.titles = titles;
    }

    /// The sentence around `difference`, a row per side and one for the gold
    /// set, each with its spans there in their labels' colors, as curation
    /// shows them side by side.
    fn side_by_side_ui(&self, ui: &mut Ui, difference: &Difference) {
        let Some(gold) = self.gold.current() else {
            return;
        };
        let Some((_, a, b)) = &self.sides else {
            return;
        };
        let text = &gold.text;
        let range = difference.range();
        // Only the characters the window can reach, not the whole text.
        let lo = range.start.saturating_sub(161);
        let hi = (range.end + 161).min(text.len_chars());
        let near: Vec<char> = text.slice(lo..hi).chars().collect();
        let chars = |at: usize| near[at - lo];
        let len = hi;
        // From the line or sentence start before the difference to the end
        // after it, at most about 160 characters each way.
        let is_break = |c: char| matches!(c, '\n' | '.' | '!' | '?');
        let mut start = range.start;
        while start > 0 && !is_break(chars(start - 1)) && range.start - start < 160 {
            start -= 1;
        }
        let mut end = range.end.min(len);
        while end < len && !is_break(chars(end)) && end - range.end < 160 {
            end += 1;
        }
        end = (end + 1).min(len);
        let schema = self.gold.project().schema();
        let row = |ui: &mut Ui, name: String, spans: &[Span]| {
            let mut job = egui::text::LayoutJob::default();
            let style = egui::TextStyle::Body.resolve(ui.style());
            let plain = egui::TextFormat::simple(style.clone(), ui.visuals().text_color());
            job.append(
                &format!("{name}: "),
                0.0,
                egui::TextFormat::simple(style.clone(), ui.visuals().weak_text_color()),
            );
            // Each character's innermost span of this side, if any.
            let mut at = start;
            while at < end {
                let covering = spans
                    .iter()
                    .filter(|s| s.start <= at && at < s.end)
                    .min_by_key(|s| s.end - s.start);
                let next = spans
                    .iter()
                    .flat_map(|s| [s.start, s.end])
                    .filter(|&edge| edge > at)
                    .min()
                    .unwrap_or(end)
                    .min(end);
                let piece: String = near[at - lo..next - lo]
                    .iter()
                    .map(|c| if *c == '\r' || *c == '\n' { ' ' } else { *c })
                    .collect();
                let format = match covering {
                    Some(span) => {
                        let [r, g, b] = schema.color(&span.label);
                        egui::TextFormat {
                            background: egui::Color32::from_rgba_unmultiplied(r, g, b, 90),
                            ..plain.clone()
                        }
                    }
                    None => plain.clone(),
                };
                job.append(&piece, 0.0, format);
                at = next;
            }
            job.wrap.max_width = ui.available_width();
            ui.label(job);
        };
        ui.label(RichText::new("Side by side").weak());
        let in_view = |spans: &[Span]| -> Vec<Span> {
            spans
                .iter()
                .filter(|s| s.start < end && s.end > start)
                .cloned()
                .collect()
        };
        row(ui, self.side_name(false), &in_view(a.spans()));
        if self.b != GOLD {
            row(ui, self.side_name(true), &in_view(b.spans()));
        }
        row(ui, "gold".into(), &in_view(gold.spans()));
    }

    /// The mark id to outline: the current difference's first side.
    pub fn highlighted_mark(&self) -> Option<u32> {
        let i = self.current?;
        let difference = &self.differences[i];
        Some(2 * i as u32 + u32::from(difference.a.is_none()))
    }

    /// The right panel in review mode; returns a decision or a command.
    pub fn side_panel_ui(&mut self, ui: &mut Ui) -> Option<PanelAction> {
        let mut action = None;
        ui.add_space(4.0);
        ui.heading("Review");
        ui.label(format!(
            "A: {}   B: {}",
            self.side_name(false),
            self.side_name(true)
        ));
        ui.horizontal(|ui| {
            if ui
                .checkbox(&mut self.hide_names, "Hide annotator names")
                .changed()
            {
                self.make_titles();
            }
            if ui.button("Leave review").clicked() {
                action = Some(PanelAction::Leave);
            }
        });
        ui.separator();
        // The legend: each kind's underline; spans keep their label's color.
        ui.label(
            RichText::new("Spans keep their label's color; the underline tells the kind:").weak(),
        );
        for kind in Kind::ALL {
            let count = self.differences.iter().filter(|d| d.kind == kind).count();
            ui.horizontal(|ui| {
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(22.0, 14.0), egui::Sense::hover());
                let y = rect.bottom() - 4.0;
                ui.painter().extend(kind_underline(kind).shapes(
                    egui::pos2(rect.left(), y),
                    egui::pos2(rect.right(), y),
                    ui.visuals().text_color(),
                ));
                ui.label(format!("{}  ({count})", kind.describe()));
            });
        }
        ui.label(
            RichText::new("Decided: the side taken stays; the other is faded and struck through.")
                .weak(),
        );
        let disagreements = self
            .differences
            .iter()
            .filter(|d| d.kind.is_disagreement())
            .count();
        let decided = (0..self.differences.len())
            .filter(|&i| self.differences[i].kind.is_disagreement() && self.decided[i])
            .count();
        ui.label(format!(
            "Decided {decided} of {disagreements} disagreements in this document"
        ));
        ui.separator();
        if let Some(difference) = self.current.and_then(|i| self.differences.get(i)).cloned() {
            ui.label(RichText::new(difference.kind.describe()).strong());
            for (side_b, span) in [(false, &difference.a), (true, &difference.b)] {
                let text = match span {
                    Some(span) => format!(
                        "{}: {} “{}”",
                        self.side_name(side_b),
                        span.label,
                        ellipsize(&span.text, 120)
                    ),
                    None => format!("{}: nothing here", self.side_name(side_b)),
                };
                ui.label(text);
            }
            if self.current.is_some_and(|i| self.decided[i]) {
                ui.label(RichText::new("Decided; a new decision replaces it.").weak());
            }
            self.side_by_side_ui(ui, &difference);
            if difference.kind.is_disagreement() {
                let mut button = |ui: &mut Ui, text: String, key: &str, decision: Decision| {
                    if ui.add(egui::Button::new(text).shortcut_text(key)).clicked() {
                        action = Some(PanelAction::Decide(decision));
                    }
                };
                if difference.a.is_some() {
                    button(
                        ui,
                        format!("Accept {}", self.side_name(false)),
                        "A",
                        Decision::AcceptA,
                    );
                }
                if difference.b.is_some() {
                    button(
                        ui,
                        format!("Accept {}", self.side_name(true)),
                        "B",
                        Decision::AcceptB,
                    );
                }
                if let (Some(a), Some(b)) = (&difference.a, &difference.b) {
                    button(ui, "Accept both".into(), "C", Decision::AcceptBoth);
                    // Two overlapping spans of one label are rarely meant.
                    if a.label == b.label && a.range() != b.range() {
                        ui.colored_label(
                            ui.visuals().warn_fg_color,
                            format!(
                                "Accept both puts two overlapping {} spans in the gold set.",
                                a.label
                            ),
                        );
                    }
                }
                button(ui, "Reject both".into(), "X", Decision::RejectBoth);
            }
        } else {
            ui.label("No disagreement here. N goes on to the next document that has one.");
        }
        ui.horizontal(|ui| {
            if ui
                .add(egui::Button::new("Previous").shortcut_text("P"))
                .clicked()
            {
                action = Some(PanelAction::Step(false));
            }
            if ui
                .add(egui::Button::new("Next").shortcut_text("N"))
                .clicked()
            {
                action = Some(PanelAction::Step(true));
            }
        });
        if ui
            .button("Edit the gold set by hand")
            .on_hover_text("Leave review and annotate the gold set itself")
            .clicked()
        {
            action = Some(PanelAction::EditGold);
        }
        action
    }
}

/// What the review panel asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelAction {
    Decide(Decision),
    Step(bool),
    Leave,
    EditGold,
}

//! The document view: wrapped text with spans painted underneath.
//!
//! Terms:
//! - **paragraph**: one line of the source text (without its line end).
//! - **block**: a paragraph, or a stretch of a long one: a paragraph longer
//!   than [`BLOCK_CHARS`] characters is cut into blocks of about that many,
//!   after a sentence's end where there is one, else after a space. Each block
//!   is laid out on its own into a galley, cached until the width or text
//!   size changes, and only blocks in view are laid out and painted, so a
//!   frame costs the same for a 1 KB and a 50 MB document, however long its
//!   paragraphs. A long paragraph's text starts a new row at each block.
//! - **window**: the characters of the blocks in view. Only the marks that
//!   overlap it are asked for and painted, so a frame costs the same for ten
//!   spans and a million.
//! - **lane**: the level of a span's underline below the text. Spans that
//!   overlap get different lanes (outer spans lowest), so a claim that holds an
//!   actor and a date shows three underlines as well as three tinted fills.
//! - **piece**: the part of a span on one row of a wrapped paragraph.
//!
//! The view reports what the pointer did as a [`ViewEvent`]; the app decides
//! what it means. Offsets in events are code points into the source text.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use egui::text::{LayoutJob, TextFormat, TextWrapping};
use egui::{
    Align, Color32, CornerRadius, FontId, Galley, Pos2, Rect, Sense, Stroke, StrokeKind, Ui, Vec2,
};

use sorot_core::model::text::SourceText;

/// Pixels between an underline lane and the next.
const LANE_STEP: f32 = 3.5;
/// Lanes drawn; deeper nesting shares the last one.
const MAX_LANES: usize = 4;
/// Vertical gap after each paragraph, as a share of the line height.
const PARAGRAPH_GAP: f32 = 0.45;
/// The most characters a block holds.
pub const BLOCK_CHARS: usize = 2_000;
/// A block is cut no earlier than this many characters into it.
const BLOCK_MIN: usize = 1_500;

/// A block: its characters, and whether it ends its paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Block {
    range: Range<usize>,
    last: bool,
}

impl Block {
    /// The gap after the block: only a paragraph's last has one.
    fn gap(&self, line_height: f32) -> f32 {
        if self.last {
            line_height * PARAGRAPH_GAP
        } else {
            0.0
        }
    }
}

/// The blocks of a text: each paragraph, cut where it is long.
fn blocks_of(text: &SourceText) -> Vec<Block> {
    let mut blocks = Vec::new();
    for line in text.lines() {
        if line.end - line.start <= BLOCK_CHARS {
            blocks.push(Block {
                range: line,
                last: true,
            });
            continue;
        }
        let mut start = line.start;
        // The best cuts found since BLOCK_MIN: after a sentence's end, after
        // any space.
        let (mut after_sentence, mut after_space) = (None, None);
        // The three characters before the current one.
        let mut before = [' ', ' ', ' '];
        let ends_sentence = |c: char| matches!(c, '.' | '!' | '?' | '…');
        for (i, c) in text.slice(line.clone()).chars().enumerate() {
            let at = line.start + i;
            if at - start >= BLOCK_MIN && before[2].is_whitespace() && !c.is_whitespace() {
                after_space = Some(at);
                // A full stop, or a closing quote after one.
                let closing = matches!(before[1], '”' | '"' | '’' | '\'' | ')');
                if ends_sentence(before[1]) || (closing && ends_sentence(before[0])) {
                    after_sentence = Some(at);
                }
            }
            if at - start >= BLOCK_CHARS {
                let cut = after_sentence.or(after_space).unwrap_or(at);
                blocks.push(Block {
                    range: start..cut,
                    last: false,
                });
                start = cut;
                (after_sentence, after_space) = (None, None);
            }
            before = [before[1], before[2], c];
        }
        blocks.push(Block {
            range: start..line.end,
            last: true,
        });
    }
    blocks
}

/// What the pointer did in the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewEvent {
    /// A drag ended over `range` (not yet snapped). `exact` when Alt was held.
    Dragged { range: Range<usize>, exact: bool },
    /// A click at `offset`; `extend` when Shift was held.
    Clicked { offset: usize, extend: bool },
    /// A drag with Ctrl held, from the span at `from` to the span at `to`:
    /// a relation; `second` when Shift was held too.
    Linked {
        from: usize,
        to: usize,
        second: bool,
    },
}

/// Something painted under the text: a span, or one side of a review
/// difference. Marks are given sorted by start.
#[derive(Debug, Clone, Copy)]
pub struct Mark<'a> {
    pub id: u32,
    pub start: usize,
    pub end: usize,
    pub color: [u8; 3],
    /// What the mark is, shown on hover (a label, a kind of difference).
    pub title: &'a str,
    pub text: &'a str,
    pub note: &'a str,
    /// A suggestion: drawn as a dashed outline, not a span.
    pub ghost: bool,
    /// How the underline is drawn (in review, the kind of difference).
    pub underline: Underline,
    /// Decided against: drawn faded and struck through.
    pub struck: bool,
}

/// The stroke of a mark's underline, in the mark's color.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Underline {
    #[default]
    Solid,
    Dashed,
    Dotted,
    Double,
    Wavy,
}

impl Underline {
    /// The underline from `from` to `to` (at one height).
    pub fn shapes(self, from: Pos2, to: Pos2, color: Color32) -> Vec<egui::Shape> {
        let stroke = |width| Stroke::new(width, color);
        match self {
            Underline::Solid => vec![egui::Shape::line_segment([from, to], stroke(2.5))],
            Underline::Dashed => egui::Shape::dashed_line(&[from, to], stroke(2.5), 6.0, 3.0),
            Underline::Dotted => egui::Shape::dotted_line(&[from, to], color, 4.0, 1.4),
            Underline::Double => vec![
                egui::Shape::line_segment(
                    [from - Vec2::new(0.0, 1.5), to - Vec2::new(0.0, 1.5)],
                    stroke(1.2),
                ),
                egui::Shape::line_segment(
                    [from + Vec2::new(0.0, 1.5), to + Vec2::new(0.0, 1.5)],
                    stroke(1.2),
                ),
            ],
            Underline::Wavy => {
                let mut points = Vec::new();
                let mut x = from.x;
                let mut up = true;
                while x < to.x {
                    points.push(Pos2::new(x, from.y + if up { -1.5 } else { 1.5 }));
                    up = !up;
                    x += 3.0;
                }
                points.push(Pos2::new(to.x, from.y));
                vec![egui::Shape::line(points, stroke(1.5))]
            }
        }
    }
}

/// What to highlight besides the marks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlight {
    /// Text selected but not yet labeled.
    pub selection: Option<Range<usize>>,
    /// The selected mark.
    pub span: Option<u32>,
    /// Marks linked to the selected one: outlined too, lighter.
    pub related: Vec<u32>,
}

/// Layout cache and pointer state of the view for one document.
#[derive(Default)]
pub struct TextView {
    key: Option<(String, u64)>,
    blocks: Vec<Block>,
    galleys: Vec<Option<Arc<Galley>>>,
    /// `tops[i]` is block i's top, relative to the content; one more
    /// entry than blocks, the last being the content height.
    tops: Vec<f32>,
    wrap_width: f32,
    text_size: f32,
    line_height: f32,
    /// Screen position of the content's top-left corner in the last frame.
    origin: Pos2,
    drag_anchor: Option<usize>,
    drag_head: Option<usize>,
    /// Whether Alt was held at any time during the drag.
    drag_exact: bool,
    /// Whether Ctrl (and Shift) were held during the drag: a relation.
    drag_link: Option<bool>,
    lanes: BTreeMap<u32, usize>,
    lanes_revision: Option<u64>,
}

impl TextView {
    /// Shows the text of document `doc_id` with marks under it; returns what
    /// the pointer did. `marks_in` gives the marks that overlap a window of
    /// characters, sorted by start; `lanes` gives every mark as `(id, start,
    /// end)`, asked for only when `marks_revision` changed. `scroll_to`
    /// brings an offset into view.
    #[allow(clippy::too_many_arguments)]
    pub fn show<'m>(
        &mut self,
        ui: &mut Ui,
        doc_id: &str,
        text: &SourceText,
        marks_revision: u64,
        lanes: impl FnOnce() -> Vec<(u32, usize, usize)>,
        marks_in: impl FnOnce(Range<usize>) -> Vec<Mark<'m>>,
        highlight: &Highlight,
        text_size: f32,
        scroll_to: Option<usize>,
    ) -> Option<ViewEvent> {
        let key = (doc_id.to_owned(), text.len_chars() as u64);
        if self.key.as_ref() != Some(&key) {
            *self = TextView {
                key: Some(key),
                blocks: blocks_of(text),
                ..TextView::default()
            };
        }
        if self.lanes_revision != Some(marks_revision) {
            self.lanes = assign_lanes(lanes().into_iter());
            self.lanes_revision = Some(marks_revision);
        }
        let mut event = None;
        egui::ScrollArea::vertical()
            .id_salt("document text")
            .auto_shrink(false)
            .show_viewport(ui, |ui, viewport| {
                let width = (ui.available_width() - 16.0).max(120.0);
                let font = FontId::proportional(text_size);
                let row_height = ui.fonts_mut(|f| f.row_height(&font));
                let line_height = (row_height + 2.0 * (2.0 + LANE_STEP * MAX_LANES as f32)).round();
                if width != self.wrap_width
                    || text_size != self.text_size
                    || line_height != self.line_height
                {
                    self.wrap_width = width;
                    self.text_size = text_size;
                    self.line_height = line_height;
                    self.galleys = vec![None; self.blocks.len()];
                    self.estimate_tops(text_size);
                }
                let total = *self.tops.last().unwrap_or(&0.0);
                let (rect, response) = ui.allocate_exact_size(
                    Vec2::new(width + 8.0, total.max(viewport.height())),
                    Sense::click_and_drag(),
                );
                self.origin = rect.min + Vec2::new(4.0, 0.0);

                // Lay out what is in view (heights may change, so repeat until stable).
                // What is in view is asked of egui's galley cache every frame,
                // so that it follows what egui lays text out with: a galley kept
                // across frames points into a font atlas that a change of
                // theme or of text options (or a full atlas) starts over.
                let visible = self.visible_blocks(viewport.min.y, viewport.max.y);
                let mut changed = false;
                for i in visible {
                    self.galleys[i] = None;
                    changed |= self.ensure_galley(ui, text, i, &font);
                }
                if changed {
                    self.recompute_tops();
                    for i in self.visible_blocks(viewport.min.y, viewport.max.y) {
                        self.ensure_galley(ui, text, i, &font);
                    }
                    self.recompute_tops();
                }
                if let Some(offset) = scroll_to {
                    let i = self.block_of(offset);
                    self.ensure_galley(ui, text, i, &font);
                    self.recompute_tops();
                    if let Some(target) = self.screen_rect(offset..offset + 1) {
                        ui.scroll_to_rect(
                            target.expand(2.0 * self.line_height),
                            Some(Align::Center),
                        );
                    }
                }
                let window = self.window(viewport.min.y, viewport.max.y);
                let marks = marks_in(window);
                self.paint(ui, &marks, highlight, row_height, viewport);
                event = self.handle_pointer(ui, &response, text);
                if let Some(tip) = self.hover_text(ui, &response, &marks) {
                    response.on_hover_text_at_pointer(tip);
                }
            });
        event
    }

    /// Screen rectangle covering `range` on its first row, from the last frame's
    /// layout. `None` when that part of the text has not been laid out.
    pub fn screen_rect(&self, range: Range<usize>) -> Option<Rect> {
        let i = self.block_of(range.start);
        let galley = self.galleys.get(i)?.as_ref()?;
        let para = &self.blocks[i].range;
        let local = range.start.saturating_sub(para.start)
            ..range.end.min(para.end).saturating_sub(para.start);
        let origin = self.origin + Vec2::new(0.0, self.tops[i]);
        piece_rects(galley, local)
            .into_iter()
            .next()
            .map(|r| r.translate(origin.to_vec2()))
    }

    /// The offset under a screen position.
    pub fn offset_at(&self, pos: Pos2) -> Option<usize> {
        let y = pos.y - self.origin.y;
        if self.blocks.is_empty() {
            return None;
        }
        if y < 0.0 {
            return Some(0);
        }
        let i = self
            .tops
            .partition_point(|top| *top <= y)
            .saturating_sub(1)
            .min(self.blocks.len() - 1);
        let para = &self.blocks[i].range;
        let galley = self.galleys.get(i)?.as_ref()?;
        let local = pos - (self.origin + Vec2::new(0.0, self.tops[i]));
        if local.y > galley.size().y {
            return Some(para.end);
        }
        let cursor = galley.cursor_from_pos(local);
        Some(para.start + cursor.index.0.min(para.end - para.start))
    }

    fn estimate_tops(&mut self, text_size: f32) {
        let chars_per_row = (self.wrap_width / (text_size * 0.5)).max(10.0);
        self.tops = Vec::with_capacity(self.blocks.len() + 1);
        let mut y = 0.0;
        for block in &self.blocks {
            self.tops.push(y);
            let rows = ((block.range.end - block.range.start) as f32 / chars_per_row)
                .ceil()
                .max(1.0);
            y += rows * self.line_height + block.gap(self.line_height);
        }
        self.tops.push(y);
    }

    fn recompute_tops(&mut self) {
        let mut y = 0.0;
        for i in 0..self.blocks.len() {
            let gap = self.blocks[i].gap(self.line_height);
            let height = match &self.galleys[i] {
                Some(galley) => galley.size().y,
                None => self.tops[i + 1] - self.tops[i] - gap,
            };
            self.tops[i] = y;
            y += height + gap;
        }
        if let Some(last) = self.tops.last_mut() {
            *last = y;
        }
    }

    fn visible_blocks(&self, top: f32, bottom: f32) -> Range<usize> {
        let n = self.blocks.len();
        let first = self.tops[..n]
            .partition_point(|t| *t <= top)
            .saturating_sub(1);
        let last = self.tops[..n].partition_point(|t| *t < bottom);
        first..last.max(first).min(n)
    }

    /// The characters of the blocks between `top` and `bottom`, with the
    /// line end after the last: what marks are asked for.
    fn window(&self, top: f32, bottom: f32) -> Range<usize> {
        let visible = self.visible_blocks(top, bottom);
        if visible.is_empty() {
            return 0..0;
        }
        self.blocks[visible.start].range.start..self.blocks[visible.end - 1].range.end + 1
    }

    /// The block that holds the character at `offset`; a paragraph's end
    /// (where a caret may stand) belongs to its last block.
    fn block_of(&self, offset: usize) -> usize {
        self.blocks
            .partition_point(|b| {
                if b.last {
                    b.range.end < offset
                } else {
                    b.range.end <= offset
                }
            })
            .min(self.blocks.len().saturating_sub(1))
    }

    /// Lays out block `i` if needed; true when its height changed.
    fn ensure_galley(&mut self, ui: &Ui, text: &SourceText, i: usize, font: &FontId) -> bool {
        if self.galleys[i].is_some() {
            return false;
        }
        let para = self.blocks[i].range.clone();
        let mut job = LayoutJob::single_section(
            text.slice(para).to_owned(),
            TextFormat {
                font_id: font.clone(),
                line_height: Some(self.line_height),
                color: Color32::PLACEHOLDER,
                ..Default::default()
            },
        );
        job.wrap = TextWrapping {
            max_width: self.wrap_width,
            ..Default::default()
        };
        let galley = ui.painter().layout_job(job);
        let estimated = self.tops[i + 1] - self.tops[i] - self.blocks[i].gap(self.line_height);
        let changed = (galley.size().y - estimated).abs() > 0.5;
        self.galleys[i] = Some(galley);
        changed
    }

    fn paint(
        &self,
        ui: &Ui,
        marks: &[Mark<'_>],
        highlight: &Highlight,
        row_height: f32,
        viewport: Rect,
    ) {
        let painter = ui.painter();
        let dark = ui.visuals().dark_mode;
        let text_color = ui.visuals().text_color();
        let fill_alpha = if dark { 70 } else { 52 };
        let selection_fill = ui.visuals().selection.bg_fill.gamma_multiply(0.8);
        let selected_stroke = Stroke::new(2.0, ui.visuals().strong_text_color());
        let visible = self.visible_blocks(viewport.min.y, viewport.max.y);
        if visible.is_empty() {
            return;
        }
        // The marks are those of the window; each block filters this short list.
        let visible_spans: Vec<&Mark<'_>> = marks.iter().collect();
        for i in visible {
            let Some(galley) = &self.galleys[i] else {
                continue;
            };
            let para = self.blocks[i].range.clone();
            let origin = self.origin + Vec2::new(0.0, self.tops[i]);
            let spans: Vec<&Mark<'_>> = visible_spans
                .iter()
                .copied()
                .filter(|s| s.start < para.end.max(para.start + 1) && s.end > para.start)
                .collect();
            let local = |s: &Range<usize>| {
                s.start.max(para.start) - para.start
                    ..s.end.min(para.end).max(para.start) - para.start
            };
            for span in &spans {
                let [r, g, b] = span.color;
                let alpha = if span.struck {
                    fill_alpha / 3
                } else {
                    fill_alpha
                };
                let fill = Color32::from_rgba_unmultiplied(r, g, b, alpha);
                for rect in piece_rects(galley, local(&(span.start..span.end))) {
                    let band = text_band(rect, row_height).translate(origin.to_vec2());
                    if span.ghost {
                        // A suggestion: a dashed frame in the label's color,
                        // thicker for the one the keys act on.
                        let width = if highlight.span == Some(span.id) {
                            3.0
                        } else {
                            1.5
                        };
                        let stroke = Stroke::new(width, Color32::from_rgb(r, g, b));
                        let corners = [
                            band.left_top(),
                            band.right_top(),
                            band.right_bottom(),
                            band.left_bottom(),
                            band.left_top(),
                        ];
                        painter.extend(egui::Shape::dashed_line(&corners, stroke, 4.0, 3.0));
                    } else {
                        painter.rect_filled(band, CornerRadius::same(2), fill);
                    }
                }
            }
            if let Some(selection) = &highlight.selection
                && selection.start < para.end.max(para.start + 1)
                && selection.end > para.start
            {
                for rect in piece_rects(galley, local(selection)) {
                    painter.rect_filled(
                        text_band(rect, row_height).translate(origin.to_vec2()),
                        0.0,
                        selection_fill,
                    );
                }
            }
            painter.galley(origin, galley.clone(), text_color);
            for span in spans.iter().filter(|s| !s.ghost) {
                let [r, g, b] = span.color;
                let lane = self
                    .lanes
                    .get(&span.id)
                    .copied()
                    .unwrap_or(0)
                    .min(MAX_LANES - 1);
                for rect in piece_rects(galley, local(&(span.start..span.end))) {
                    let band = text_band(rect, row_height).translate(origin.to_vec2());
                    let y = band.max.y + 2.0 + LANE_STEP * (MAX_LANES - 1 - lane) as f32;
                    painter.extend(span.underline.shapes(
                        Pos2::new(band.min.x + 1.0, y),
                        Pos2::new(band.max.x - 1.0, y),
                        Color32::from_rgb(r, g, b),
                    ));
                    if span.struck {
                        let middle = band.center().y;
                        painter.line_segment(
                            [Pos2::new(band.min.x, middle), Pos2::new(band.max.x, middle)],
                            Stroke::new(1.5, text_color.gamma_multiply(0.8)),
                        );
                    }
                    if highlight.span == Some(span.id) || highlight.related.contains(&span.id) {
                        let stroke = if highlight.span == Some(span.id) {
                            selected_stroke
                        } else {
                            Stroke::new(1.5, Color32::from_rgb(r, g, b))
                        };
                        painter.rect_stroke(
                            band.expand(1.5),
                            CornerRadius::same(3),
                            stroke,
                            StrokeKind::Outside,
                        );
                    }
                }
            }
        }
        self.paint_arcs(ui, marks, highlight);
    }

    /// An arc from the selected mark to each related one, over the text
    /// (under it where there is no room above).
    fn paint_arcs(&self, ui: &Ui, marks: &[Mark<'_>], highlight: &Highlight) {
        let Some(selected) = highlight.span else {
            return;
        };
        let rect_of = |id: u32| {
            let mark = marks.iter().find(|m| m.id == id)?;
            self.screen_rect(mark.start..mark.end)
        };
        let Some(from) = rect_of(selected) else {
            return;
        };
        let stroke = Stroke::new(1.5, ui.visuals().strong_text_color().gamma_multiply(0.8));
        for &id in &highlight.related {
            let Some(to) = rect_of(id) else { continue };
            let lift = 18.0 + (from.center().x - to.center().x).abs().min(400.0) * 0.08;
            // Over the text, unless that would leave the view (spans on the
            // first visible line): then under it.
            let (a, b, bend) = if from.top().min(to.top()) - lift >= ui.clip_rect().top() {
                let (a, b) = (from.center_top(), to.center_top());
                (a, b, a.y.min(b.y) - lift)
            } else {
                let (a, b) = (from.center_bottom(), to.center_bottom());
                (a, b, a.y.max(b.y) + lift)
            };
            let curve = egui::epaint::CubicBezierShape::from_points_stroke(
                [a, Pos2::new(a.x, bend), Pos2::new(b.x, bend), b],
                false,
                Color32::TRANSPARENT,
                stroke,
            );
            ui.painter().add(curve);
            ui.painter().circle_filled(b, 2.5, stroke.color);
        }
    }

    fn handle_pointer(
        &mut self,
        ui: &Ui,
        response: &egui::Response,
        text: &SourceText,
    ) -> Option<ViewEvent> {
        let modifiers = ui.input(|i| i.modifiers);
        if response.drag_started() {
            let origin = ui.input(|i| i.pointer.press_origin());
            self.drag_anchor = origin.and_then(|p| self.offset_at(p));
            self.drag_head = self.drag_anchor;
            self.drag_exact = false;
            self.drag_link = None;
        }
        if self.drag_anchor.is_some() {
            self.drag_exact |= modifiers.alt;
            if modifiers.command {
                self.drag_link = Some(self.drag_link.unwrap_or(false) | modifiers.shift);
            }
        }
        if response.dragged()
            && let Some(pos) = response.interact_pointer_pos()
        {
            self.drag_head = self.offset_at(pos).or(self.drag_head);
        }
        if response.drag_stopped() {
            let (anchor, head) = (self.drag_anchor.take(), self.drag_head.take());
            if let (Some(a), Some(h), Some(second)) = (anchor, head, self.drag_link.take()) {
                return Some(ViewEvent::Linked {
                    from: a,
                    to: h,
                    second,
                });
            }
            if let (Some(a), Some(h)) = (anchor, head)
                && a != h
            {
                return Some(ViewEvent::Dragged {
                    range: a.min(h)..a.max(h),
                    exact: self.drag_exact,
                });
            }
        }
        if response.clicked() {
            response.request_focus();
            let offset = response
                .interact_pointer_pos()
                .and_then(|p| self.offset_at(p))?;
            return Some(ViewEvent::Clicked {
                offset: offset.min(text.len_chars()),
                extend: modifiers.shift,
            });
        }
        None
    }

    /// The live selection while a drag is under way.
    pub fn dragging(&self) -> Option<Range<usize>> {
        match (self.drag_anchor, self.drag_head) {
            (Some(a), Some(h)) if a != h => Some(a.min(h)..a.max(h)),
            _ => None,
        }
    }

    fn hover_text(&self, ui: &Ui, response: &egui::Response, marks: &[Mark<'_>]) -> Option<String> {
        if !response.hovered() || self.drag_anchor.is_some() {
            return None;
        }
        let pos = ui.input(|i| i.pointer.hover_pos())?;
        let offset = self.offset_at(pos)?;
        let mut spans: Vec<&Mark<'_>> = marks
            .iter()
            .take_while(|m| m.start <= offset)
            .filter(|m| offset < m.end)
            .collect();
        if spans.is_empty() {
            return None;
        }
        spans.sort_by_key(|m| (m.end - m.start, m.start, m.id));
        let lines: Vec<String> = spans
            .iter()
            .map(|s| {
                let text: String = s.text.chars().take(60).collect();
                let more = if s.text.chars().count() > 60 {
                    "…"
                } else {
                    ""
                };
                let note = if s.note.is_empty() {
                    String::new()
                } else {
                    format!("\n    note: {}", s.note)
                };
                if s.ghost {
                    let value = if s.note.is_empty() {
                        String::new()
                    } else {
                        format!(" = {}", s.note)
                    };
                    return format!("{}: {text}{value}", s.title);
                }
                format!("{}: {text}{more}{note}", s.title)
            })
            .collect();
        Some(lines.join("\n"))
    }
}

/// Rectangles (relative to the galley) of the characters `local` of a galley,
/// one per row.
fn piece_rects(galley: &Galley, local: Range<usize>) -> Vec<Rect> {
    let mut rects = Vec::new();
    if local.is_empty() {
        return rects;
    }
    let mut row_start = 0;
    for row in &galley.rows {
        let count = row.char_count_excluding_newline().0;
        let row_end = row_start + count;
        let a = local.start.max(row_start);
        let b = local.end.min(row_end);
        if a < b {
            let first = &row.glyphs[a - row_start];
            let last = &row.glyphs[b - 1 - row_start];
            let x0 = row.pos.x + first.pos.x;
            let x1 = row.pos.x + last.pos.x + last.advance_width;
            rects.push(Rect::from_min_max(
                Pos2::new(x0, row.pos.y),
                Pos2::new(x1, row.pos.y + row.size.y),
            ));
        }
        row_start = row_end + usize::from(row.ends_with_newline);
    }
    rects
}

/// The band of a row where the glyphs are: the row's middle, one text row high.
fn text_band(row_rect: Rect, row_height: f32) -> Rect {
    let center = row_rect.center().y;
    Rect::from_min_max(
        Pos2::new(row_rect.min.x, center - row_height / 2.0),
        Pos2::new(row_rect.max.x, center + row_height / 2.0),
    )
}

/// Gives each mark `(id, start, end)` a lane: outer marks lane 0, marks
/// inside or overlapping them the next free lane.
pub fn assign_lanes(marks: impl Iterator<Item = (u32, usize, usize)>) -> BTreeMap<u32, usize> {
    let mut order: Vec<(u32, usize, usize)> = marks.collect();
    order.sort_by_key(|&(id, start, end)| (start, std::cmp::Reverse(end), id));
    let mut lane_ends: Vec<usize> = Vec::new();
    let mut lanes = BTreeMap::new();
    for (id, start, end) in order {
        let lane = match lane_ends.iter().position(|e| *e <= start) {
            Some(lane) => lane,
            None => {
                lane_ends.push(0);
                lane_ends.len() - 1
            }
        };
        lane_ends[lane] = end;
        lanes.insert(id, lane);
    }
    lanes
}

#[cfg(test)]
mod tests {
    use super::*;
    use sorot_core::model::markup;

    #[test]
    fn nested_spans_get_distinct_lanes_and_siblings_share() {
        let (_, spans) =
            markup::parse("[[Kim|actor] tiba [Rabu|date]|claim] lalu [Putin|actor]").unwrap();
        let lanes = assign_lanes(spans.iter().map(|s| (s.id, s.start, s.end)));
        let lane_of = |text: &str| lanes[&spans.iter().find(|s| s.text == text).unwrap().id];
        assert_eq!(lane_of("Kim tiba Rabu"), 0);
        assert_eq!(lane_of("Kim"), 1);
        assert_eq!(lane_of("Rabu"), 1);
        assert_eq!(lane_of("Putin"), 0);
    }

    /// A long paragraph is cut into blocks that cover it exactly, each at
    /// most `BLOCK_CHARS` long, after a sentence's end where there is one;
    /// short paragraphs stay whole, and offsets stay code points across a
    /// curly quote, an emoji and CRLF.
    #[test]
    fn long_paragraphs_are_cut_into_blocks_after_sentences() {
        let sentence = "“Kim” 😊 bertemu Putin di Vostochny pada Rabu (13/9/2023). ";
        let long = sentence.repeat(200);
        let text = SourceText::new(format!("Judul\r\n{long}\r\nAkhir.")).unwrap();
        let blocks = blocks_of(&text);
        let lines = text.lines();
        assert_eq!(blocks.first().unwrap().range, lines[0]);
        assert_eq!(blocks.last().unwrap().range, lines[2]);
        let middle: Vec<&Block> = blocks[1..blocks.len() - 1].iter().collect();
        assert!(middle.len() >= 5, "{}", middle.len());
        assert_eq!(middle.first().unwrap().range.start, lines[1].start);
        assert_eq!(middle.last().unwrap().range.end, lines[1].end);
        for pair in middle.windows(2) {
            assert_eq!(
                pair[0].range.end, pair[1].range.start,
                "blocks cover the paragraph"
            );
            assert!(!pair[0].last);
            // Each cut falls after a sentence's end.
            assert!(text.slice(pair[1].range.clone()).starts_with('“'));
            assert!(text.slice(pair[0].range.clone()).ends_with(". "));
        }
        assert!(middle.last().unwrap().last);
        assert!(middle.iter().all(|b| b.range.len() <= BLOCK_CHARS));
        // A paragraph without spaces is cut anyway.
        let text = SourceText::new("😊".repeat(2 * BLOCK_CHARS + 5)).unwrap();
        let blocks = blocks_of(&text);
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[2].range.end, 2 * BLOCK_CHARS + 5);
    }
}

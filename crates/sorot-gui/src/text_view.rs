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
//! - **tag**: a span's label name in small type, in the label's color, just
//!   above the row where the span starts. Tags that would overlap on a row
//!   are stacked (the innermost span's nearest the text).
//! - **arc**: a relation drawn above the rows of its ends, labeled with its
//!   type, with an arrow head at its target. An arc whose ends lie on
//!   different rows is drawn as two halves, each running from its end to
//!   the edge of the view toward the other, so an end out of view is still
//!   hinted. Arcs on one row that would overlap take different levels.
//! - **piece**: the part of a span on one row of a wrapped paragraph.
//! - **row**: one line of a block as laid out, wrapped at the view's width.
//!   Blocks are laid out at the font's own row height; the rows are then
//!   moved apart by their **row space**: above, the levels of tags and arcs
//!   the row holds, below, the lanes of the spans on it. A row without spans
//!   is as compact as ordinary text. The moved layout is cached with the
//!   block and made again when egui lays the block out anew (width, text
//!   size, theme, zoom) or the marks change.
//! - **caret**: the word the keys stand on, drawn as a bar before it and a
//!   line under it.
//! - **handle**: a grip at each edge of the selected span; dragging it moves
//!   that edge.
//! - **reach**: a place the view finds from its layout for the keys (the
//!   row above or below an offset, a row's ends, a screen further), given
//!   as a [`Reach`] and answered in [`TextView::reached`].
//! - **overview**: the strip beside the scroll bar with a mark for each span
//!   and the caret, at their heights in the whole text.
//!
//! The view has the keyboard ([`TEXT_VIEW_ID`]) unless a text field or a
//! dialog takes it; Tab, the arrows and Escape then stay with it.
//!
//! The view reports what the pointer did as a [`ViewEvent`]; the app decides
//! what it means. Offsets in events are code points into the source text.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use egui::text::{LayoutJob, TextFormat, TextWrapping};
use egui::{
    Align, Color32, CornerRadius, FontId, Galley, Pos2, Rect, Sense, Stroke, StrokeKind, Ui, Vec2,
};

use sorot_core::model::Relation;
use sorot_core::model::text::SourceText;

/// Pixels between an underline lane and the next.
const LANE_STEP: f32 = 3.5;
/// Lanes drawn; deeper nesting shares the last one.
const MAX_LANES: usize = 4;
/// Vertical gap after each paragraph, as a share of the line height.
const PARAGRAPH_GAP: f32 = 0.45;
/// Points between one row and the next, besides their row space.
const ROW_GAP: f32 = 3.0;
/// A tag's or an arc label's text size, as a share of the text's.
const TAG_SCALE: f32 = 0.62;
/// The most characters a block holds. A block comes into view as a whole,
/// laid out in one frame; with rows only as tall as what they hold, a
/// wheel's turn brings some 700 characters into view, so that a block of
/// this size keeps the frames that lay one out short.
pub const BLOCK_CHARS: usize = 1_000;
/// A block is cut no earlier than this many characters into it.
const BLOCK_MIN: usize = 750;
/// How far outside its span a handle can be grabbed, in points; inside, a
/// drag selects text as anywhere else.
const HANDLE_GRIP: f32 = 6.0;
/// The overview's width, in points.
const OVERVIEW_WIDTH: f32 = 5.0;

/// The id of the text view's widget, which holds the keyboard.
pub const TEXT_VIEW_ID: &str = "sorot text view";

/// The egui id of the text view's widget.
pub fn text_view_id() -> egui::Id {
    egui::Id::unique(TEXT_VIEW_ID)
}

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
    /// A double click at `offset`.
    DoubleClicked { offset: usize },
    /// A triple click at `offset`.
    TripleClicked { offset: usize },
    /// A handle of the selected span was dragged to `offset`, between two
    /// characters; `exact` when Alt was held.
    EdgeDragged {
        edge: Edge,
        offset: usize,
        exact: bool,
    },
    /// A drag with Ctrl held, from the span at `from` to the span at `to`:
    /// a relation; `second` when Shift was held too.
    Linked {
        from: usize,
        to: usize,
        second: bool,
    },
    /// A click on the label of a relation's arc.
    RelationClicked(Relation),
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

/// An edge of a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    Start,
    End,
}

/// What to highlight besides the marks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlight {
    /// Text selected but not yet labeled.
    pub selection: Option<Range<usize>>,
    /// The selected mark.
    pub span: Option<u32>,
    /// Whether the selected mark has handles to drag its edges with.
    pub handles: bool,
    /// Marks linked to the selected one: outlined too, lighter.
    pub related: Vec<u32>,
    /// The selected relation: its arc drawn in the selection's color, and
    /// drawn even when relations are not shown.
    pub relation: Option<Relation>,
    /// The caret's word.
    pub caret: Option<Range<usize>>,
    /// Matches of a search, sorted.
    pub found: Arc<Vec<Range<usize>>>,
}

/// A span as the layout sees it: its characters, its color, and the name its
/// tag shows (an index into [`Layers::names`]; none, no tag).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layer {
    pub id: u32,
    pub start: usize,
    pub end: usize,
    pub color: [u8; 3],
    pub tag: Option<u32>,
}

/// A relation from one span to another, by mark id, with its type (an index
/// into [`Layers::names`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub from: u32,
    pub to: u32,
    pub kind: u32,
}

/// Everything the layout makes room for: every span (for lanes and tags)
/// and every relation (for arcs). Asked for only when the marks change.
#[derive(Debug, Clone, Default)]
pub struct Layers {
    pub spans: Vec<Layer>,
    pub relations: Vec<Link>,
    /// The names tags and arcs show, each once.
    pub names: Vec<String>,
}

impl Layers {
    /// The index of `name` in [`Self::names`], added if new.
    pub fn name(&mut self, name: &str) -> u32 {
        match self.names.iter().position(|n| n == name) {
            Some(i) => i as u32,
            None => {
                self.names.push(name.to_owned());
                (self.names.len() - 1) as u32
            }
        }
    }
}

/// What the view shows besides the text and its marks (View menu).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Show {
    /// Each span's label name above its start.
    pub tags: bool,
    /// Every relation as an arc, not only the selected span's.
    pub relations: bool,
}

impl Default for Show {
    fn default() -> Self {
        Show {
            tags: true,
            relations: true,
        }
    }
}

/// How the view scrolls to an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scroll {
    pub offset: usize,
    /// In the middle of the view; else just into view, only if it is not.
    pub center: bool,
    /// A window over the text, on the screen, that the offset should not
    /// land under: it goes into the larger free part of the view, above or
    /// below the window, where that part is tall enough.
    pub clear_of: Option<egui::Rect>,
}

/// Where to scroll so that `target` lands in the larger part of `view` that
/// `cover` (a window over it) leaves free, a line clear of it: a rectangle
/// to scroll to and its alignment. `None` when the window does not cover
/// the target's column, or leaves no part three lines tall.
fn free_band(view: Rect, cover: Rect, target: Rect, line: f32) -> Option<(Rect, Align)> {
    if cover.max.x <= target.min.x || target.max.x <= cover.min.x {
        return None;
    }
    let above = cover.min.y - view.min.y;
    let below = view.max.y - cover.max.y;
    if above.max(below) < 3.0 * line {
        return None;
    }
    Some(if below >= above {
        // The target's top a line below the window's bottom.
        let lift = cover.max.y - view.min.y + line;
        (
            Rect::from_min_max(egui::pos2(target.min.x, target.min.y - lift), target.max),
            Align::Min,
        )
    } else {
        // The target's bottom a line above the window's top.
        let drop = view.max.y - cover.min.y + line;
        (
            Rect::from_min_max(target.min, egui::pos2(target.max.x, target.max.y + drop)),
            Align::Max,
        )
    })
}

/// A place the keys ask the view to find from its layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    /// Where to look from.
    pub from: usize,
    pub to: Toward,
}

/// Where a [`Reach`] goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toward {
    /// The row this many rows below (above, when negative), at the same x.
    Rows(i32),
    /// The start of the row.
    RowStart,
    /// The end of the row.
    RowEnd,
    /// A screen down (up, when negative), at the same x; the view scrolls
    /// by a screen too.
    Screens(i32),
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
    /// The handle being dragged, if the drag started on one.
    drag_edge: Option<Edge>,
    /// Where the selected span's handles can be grabbed, start then end:
    /// beside the edge, and the knob.
    handle_rects: [Option<[Rect; 2]>; 2],
    /// The labels of the arcs painted in the last frame, where a click
    /// selects their relation.
    arc_labels: Vec<(Rect, Link)>,
    /// Each span's lane, in the order of `layers.spans`.
    lanes: Vec<u8>,
    lanes_revision: Option<u64>,
    /// The spans and relations the rows make room for, spans in
    /// [`layer_order`].
    layers: Layers,
    /// For each span of `layers`, the furthest end of it and those before it.
    furthest_end: Vec<usize>,
    /// The index in `layers` of each span that is an end of a relation, by id.
    layer_of: HashMap<u32, usize>,
    /// Each relation's ends by the start of their span, sorted: (start,
    /// relation index).
    link_ends: Vec<(usize, usize)>,
    /// The width of each name of `layers` in tag type, for `name_size`.
    name_widths: Vec<f32>,
    name_size: f32,
    /// The height of a row of tag type.
    tag_height: f32,
    /// What is shown besides the text, as the rows were spaced for.
    show_now: Show,
    /// Each block's rows spaced apart, with its tags and arcs.
    decor: Vec<Option<Decor>>,
    /// The blocks laid out since the tops were last brought up to date.
    laid_out: Vec<usize>,
    /// The answer to the last [`Reach`]: an offset.
    reached: Option<usize>,
    /// The overview's marks, with the revision and height they were made for.
    overview: Overview,
}

/// A block's layout with its rows moved apart, and what goes in the room
/// made: relative to the galley.
struct Decor {
    /// The layout egui made, at the font's row height.
    source: Arc<Galley>,
    /// The marks' revision and what was shown when it was made.
    made_for: (u64, Show),
    /// The layout with its rows moved apart.
    shown: Arc<Galley>,
    rows: Vec<RowSpace>,
    tags: Vec<Tag>,
    arcs: Vec<ArcPlace>,
}

/// The room a row takes: where it ends (below its lanes), and how many
/// lanes it holds.
#[derive(Debug, Clone, Copy)]
struct RowSpace {
    bottom: f32,
    lanes: usize,
}

/// The names of tags and arcs laid out in a frame, by name: as a tag, as an
/// arc's label.
type NameGalleys = Vec<[Option<Arc<Galley>>; 2]>;

/// A tag placed: its top-left corner, the name and the color.
#[derive(Debug, Clone, Copy)]
struct Tag {
    pos: Pos2,
    name: u32,
    color: [u8; 3],
}

/// An arc (or half of one) placed over a row: its line runs from `left` to
/// `right` at height `y`, with a leg down to `base` at the source's and at
/// the target's x where those ends lie on this row.
#[derive(Debug, Clone, Copy)]
struct ArcPlace {
    left: f32,
    right: f32,
    y: f32,
    base: f32,
    source: Option<f32>,
    target: Option<f32>,
    kind: u32,
    from: u32,
    to: u32,
}

/// How many stretches of the text the overview tells apart.
const OVERVIEW_BUCKETS: usize = 1_024;

/// The marks of the overview: the text cut into [`OVERVIEW_BUCKETS`]
/// stretches of equal length, each with the color of the first mark that
/// starts in it; made again when the marks change. Placed by the layout into
/// one mesh of rectangles, again only when the layout's height or the
/// track moves.
#[derive(Default)]
struct Overview {
    buckets: Vec<Option<[u8; 3]>>,
    /// The mesh, and the track it was placed for.
    placed: Option<(PlacedFor, Arc<egui::Mesh>)>,
    /// How far, at most, any place in the content has moved since the mesh
    /// was placed: the sum of the blocks' changes of height.
    moved: f32,
}

/// What the overview's mesh was placed for: the track's corners, as bits.
type PlacedFor = [u32; 4];

impl Overview {
    fn new(marks: &[Layer], len: usize) -> Self {
        let mut buckets = vec![None; OVERVIEW_BUCKETS];
        for &Layer { start, color, .. } in marks {
            let bucket = (start * OVERVIEW_BUCKETS / len.max(1)).min(OVERVIEW_BUCKETS - 1);
            buckets[bucket].get_or_insert(color);
        }
        Overview {
            buckets,
            placed: None,
            moved: 0.0,
        }
    }
}

impl TextView {
    /// Shows the text of document `doc_id` with marks under it; returns what
    /// the pointer did. `marks_in` gives the marks that overlap a window of
    /// characters, sorted by start; `layers` gives every span and relation,
    /// asked for only when `marks_revision` changed. `show` says whether tags
    /// and every relation's arc are drawn. `scroll_to` brings an offset into
    /// view; `reach` asks for a place, answered in [`Self::reached`].
    #[allow(clippy::too_many_arguments)]
    pub fn show<'m>(
        &mut self,
        ui: &mut Ui,
        doc_id: &str,
        text: &SourceText,
        marks_revision: u64,
        layers: impl FnOnce() -> Layers,
        marks_in: impl FnOnce(Range<usize>) -> Vec<Mark<'m>>,
        highlight: &Highlight,
        text_size: f32,
        show: Show,
        scroll_to: Option<Scroll>,
        reach: Option<Reach>,
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
            self.set_layers(layers(), text.len_chars());
            self.lanes_revision = Some(marks_revision);
        }
        self.show_now = show;
        let mut event = None;
        egui::ScrollArea::vertical()
            .id_salt("document text")
            .auto_shrink(false)
            .show_viewport(ui, |ui, viewport| {
                let width = (ui.available_width() - 16.0).max(120.0);
                let font = FontId::proportional(text_size);
                let row_height = ui.fonts_mut(|f| f.row_height(&font));
                let line_height = (row_height + ROW_GAP).round();
                if width != self.wrap_width
                    || text_size != self.text_size
                    || line_height != self.line_height
                {
                    self.wrap_width = width;
                    self.text_size = text_size;
                    self.line_height = line_height;
                    self.galleys = vec![None; self.blocks.len()];
                    self.decor = (0..self.blocks.len()).map(|_| None).collect();
                    self.estimate_tops(text_size);
                    self.laid_out.clear();
                    self.overview.placed = None;
                }
                self.measure_names(ui, text_size);
                let total = *self.tops.last().unwrap_or(&0.0);
                let (rect, _) = ui.allocate_exact_size(
                    Vec2::new(width + 8.0, total.max(viewport.height())),
                    Sense::hover(),
                );
                let response = ui.interact(rect, text_view_id(), Sense::click_and_drag());
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
                }
                self.recompute_tops();
                if let Some(reach) = reach {
                    self.reached = self.find_reach(ui, text, &font, reach, viewport);
                }
                if let Some(scroll) = scroll_to {
                    let i = self.block_of(scroll.offset);
                    self.ensure_galley(ui, text, i, &font);
                    self.recompute_tops();
                    if let Some(target) = self.screen_rect(scroll.offset..scroll.offset + 1) {
                        let free = scroll.clear_of.and_then(|cover| {
                            free_band(ui.clip_rect(), cover, target, self.line_height)
                        });
                        if let Some((rect, align)) = free {
                            ui.scroll_to_rect(rect, Some(align));
                        } else if scroll.center {
                            ui.scroll_to_rect(
                                target.expand(2.0 * self.line_height),
                                Some(Align::Center),
                            );
                        } else {
                            ui.scroll_to_rect(target.expand(self.line_height / 2.0), None);
                        }
                    }
                }
                let window = self.window(viewport.min.y, viewport.max.y);
                let marks = marks_in(window);
                self.paint(ui, &marks, highlight, row_height, viewport);
                self.paint_overview(ui, text, highlight);
                event = self.handle_pointer(ui, &response, text);
                if let Some(tip) = self.hover_text(ui, &response, &marks) {
                    response.on_hover_text_at_pointer(tip);
                }
            });
        event
    }

    /// Takes the spans and relations the rows make room for.
    fn set_layers(&mut self, mut layers: Layers, len: usize) {
        layers.spans.sort_unstable_by_key(layer_order);
        self.lanes = assign_lanes(&layers.spans);
        let overview = Overview::new(&layers.spans, len);
        if overview.buckets != self.overview.buckets {
            self.overview = overview;
        }
        let mut furthest = 0;
        self.furthest_end = layers
            .spans
            .iter()
            .map(|l| {
                furthest = furthest.max(l.end);
                furthest
            })
            .collect();
        // Only the ends of relations are looked up by id.
        self.layer_of.clear();
        if !layers.relations.is_empty() {
            let ends: std::collections::HashSet<u32> = layers
                .relations
                .iter()
                .flat_map(|link| [link.from, link.to])
                .collect();
            self.layer_of = layers
                .spans
                .iter()
                .enumerate()
                .filter(|(_, l)| ends.contains(&l.id))
                .map(|(i, l)| (l.id, i))
                .collect();
        }
        let start_of = |id: u32| self.layer_of.get(&id).map(|&i| layers.spans[i].start);
        let mut ends = Vec::with_capacity(2 * layers.relations.len());
        for (n, link) in layers.relations.iter().enumerate() {
            if let (Some(from), Some(to)) = (start_of(link.from), start_of(link.to)) {
                ends.push((from, n));
                if to != from {
                    ends.push((to, n));
                }
            }
        }
        ends.sort_unstable();
        self.link_ends = ends;
        if layers.names != self.layers.names {
            self.name_widths.clear();
        }
        self.layers = layers;
    }

    /// The lane of the span `id` over `start..end` (0 if it has none).
    fn lane_of(&self, id: u32, start: usize, end: usize) -> usize {
        let key = (start, std::cmp::Reverse(end), id);
        self.layers
            .spans
            .binary_search_by_key(&key, layer_order)
            .ok()
            .and_then(|i| self.lanes.get(i))
            .map_or(0, |&lane| usize::from(lane).min(MAX_LANES - 1))
    }

    /// Measures the names tags and arcs show, when they or the text size
    /// changed.
    fn measure_names(&mut self, ui: &Ui, text_size: f32) {
        if self.name_widths.len() == self.layers.names.len() && self.name_size == text_size {
            return;
        }
        let font = FontId::proportional(text_size * TAG_SCALE);
        self.tag_height = ui.fonts_mut(|f| f.row_height(&font));
        self.name_widths = self
            .layers
            .names
            .iter()
            .map(|name| {
                ui.fonts_mut(|f| {
                    f.layout_no_wrap(name.clone(), font.clone(), Color32::PLACEHOLDER)
                        .size()
                        .x
                })
            })
            .collect();
        self.name_size = text_size;
    }

    /// The answer to the last [`Reach`] asked for, once.
    pub fn reached(&mut self) -> Option<usize> {
        self.reached.take()
    }

    /// Finds the place `reach` asks for, laying out the blocks it needs.
    fn find_reach(
        &mut self,
        ui: &mut Ui,
        text: &SourceText,
        font: &FontId,
        reach: Reach,
        viewport: Rect,
    ) -> Option<usize> {
        let from = reach.from.min(text.len_chars());
        let block = self.block_of(from);
        self.ensure_galley(ui, text, block, font);
        let (row, x) = self.row_of(block, from)?;
        match reach.to {
            Toward::RowStart => Some(self.row_range(block, row)?.start),
            Toward::RowEnd => Some(self.row_range(block, row)?.end),
            Toward::Rows(rows) => {
                let (mut block, mut row) = (block, row as i64 + i64::from(rows));
                // Into the blocks before or after, as many rows as it takes.
                loop {
                    let count = self.galleys[block].as_ref()?.rows.len() as i64;
                    if row < 0 && block > 0 {
                        block -= 1;
                        self.ensure_galley(ui, text, block, font);
                        row += self.galleys[block].as_ref()?.rows.len() as i64;
                    } else if row >= count && block + 1 < self.blocks.len() {
                        block += 1;
                        self.ensure_galley(ui, text, block, font);
                        row -= count;
                    } else {
                        let last = self.galleys[block].as_ref()?.rows.len().saturating_sub(1);
                        let row = row.clamp(0, last as i64) as usize;
                        self.recompute_tops();
                        return self.offset_in_row(block, row, x);
                    }
                }
            }
            Toward::Screens(screens) => {
                let dy = viewport.height() * screens as f32;
                let here = self.screen_rect(from..from + 1)?;
                let target = here.center() + Vec2::new(0.0, dy);
                let content_y = target.y - self.origin.y;
                for i in self.visible_blocks(content_y, content_y + 1.0) {
                    self.ensure_galley(ui, text, i, font);
                }
                self.recompute_tops();
                ui.scroll_with_delta(Vec2::new(0.0, -dy));
                self.offset_at(target)
            }
        }
    }

    /// The row of block `block`'s galley that holds `offset`, and the x of
    /// the offset in the galley.
    fn row_of(&self, block: usize, offset: usize) -> Option<(usize, f32)> {
        let galley = self.galleys.get(block)?.as_ref()?;
        let local = offset.saturating_sub(self.blocks[block].range.start);
        let mut row_start = 0;
        let last = galley.rows.len().saturating_sub(1);
        for (i, row) in galley.rows.iter().enumerate() {
            let count = row.char_count_excluding_newline().0;
            if local < row_start + count || i == last {
                let at = (local - row_start.min(local)).min(count);
                let x = row.pos.x + row.glyphs.get(at).map_or(row.size.x, |g| g.pos.x);
                return Some((i, x));
            }
            row_start += count + usize::from(row.ends_with_newline);
        }
        None
    }

    /// The characters of row `row` of block `block`.
    fn row_range(&self, block: usize, row: usize) -> Option<Range<usize>> {
        let galley = self.galleys.get(block)?.as_ref()?;
        let start = self.blocks[block].range.start
            + galley.rows[..row]
                .iter()
                .map(|r| r.char_count_excluding_newline().0 + usize::from(r.ends_with_newline))
                .sum::<usize>();
        Some(start..start + galley.rows.get(row)?.char_count_excluding_newline().0)
    }

    /// The offset nearest to `x` on row `row` of block `block`.
    fn offset_in_row(&self, block: usize, row: usize, x: f32) -> Option<usize> {
        let range = self.row_range(block, row)?;
        let galley = self.galleys[block].as_ref()?;
        let placed = &galley.rows[row];
        let local_x = x - placed.pos.x;
        let at = placed
            .glyphs
            .iter()
            .position(|g| g.pos.x + g.advance_width / 2.0 > local_x)
            .unwrap_or(placed.glyphs.len());
        Some(range.start + at.min(range.end - range.start))
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
        // The row whose room holds the point, at its text's height.
        let rows = self.decor.get(i).and_then(Option::as_ref).map(|d| &d.rows);
        let row = rows.map_or(0, |rows| {
            rows.partition_point(|r| r.bottom <= local.y)
                .min(rows.len().saturating_sub(1))
        });
        let local = match galley.rows.get(row) {
            Some(placed) if rows.is_some() => {
                Vec2::new(local.x, placed.pos.y + placed.size.y / 2.0)
            }
            _ => local,
        };
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

    /// Brings the tops up to date with the heights of the blocks laid out
    /// since the last time: each block's change of height moves the tops
    /// after it.
    fn recompute_tops(&mut self) {
        let mut laid_out = std::mem::take(&mut self.laid_out);
        laid_out.sort_unstable();
        laid_out.dedup();
        let n = self.blocks.len();
        let mut shift = 0.0f32;
        let mut from = 0;
        for i in laid_out.into_iter().filter(|&i| i < n) {
            if shift != 0.0 {
                self.tops[from..=i].iter_mut().for_each(|t| *t += shift);
            }
            from = i + 1;
            let Some(galley) = &self.galleys[i] else {
                continue;
            };
            // tops[i] has moved by `shift`, tops[i + 1] not yet.
            let room =
                self.tops[i + 1] - (self.tops[i] - shift) - self.blocks[i].gap(self.line_height);
            let delta = galley.size().y - room;
            self.overview.moved += delta.abs();
            shift += delta;
        }
        if shift != 0.0 {
            self.tops[from..].iter_mut().for_each(|t| *t += shift);
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
                color: Color32::PLACEHOLDER,
                ..Default::default()
            },
        );
        job.wrap = TextWrapping {
            max_width: self.wrap_width,
            ..Default::default()
        };
        let source = ui.painter().layout_job(job);
        let made_for = (self.lanes_revision.unwrap_or(0), self.show_now);
        let fresh = self.decor[i]
            .as_ref()
            .is_some_and(|d| d.made_for == made_for && Arc::ptr_eq(&d.source, &source));
        if !fresh {
            self.decor[i] = Some(self.decorate(i, source, made_for));
        }
        let galley = Arc::clone(&self.decor[i].as_ref().expect("decorated above").shown);
        self.laid_out.push(i);
        let estimated = self.tops[i + 1] - self.tops[i] - self.blocks[i].gap(self.line_height);
        let changed = (galley.size().y - estimated).abs() > 0.5;
        self.galleys[i] = Some(galley);
        changed
    }

    /// Block `i`'s layout `source` with its rows moved apart to make room
    /// for the tags and arcs above them and the lanes below, and where those
    /// go.
    fn decorate(&self, i: usize, source: Arc<Galley>, made_for: (u64, Show)) -> Decor {
        let block = &self.blocks[i];
        let range = block.range.clone();
        let show = made_for.1;
        let rows = source.rows.len();
        let local = |start: usize, end: usize| {
            start.max(range.start) - range.start..end.min(range.end).max(range.start) - range.start
        };
        // The spans on this block: lanes on each row, and tags where they start.
        let first = self.furthest_end.partition_point(|&e| e <= range.start);
        let last = self
            .layers
            .spans
            .partition_point(|l| l.start < range.end.max(range.start + 1));
        let mut lanes = vec![0usize; rows];
        // (row, x, width, span length, name, color)
        let mut wanted_tags: Vec<(usize, f32, f32, usize, u32, [u8; 3])> = Vec::new();
        let from = first.min(last);
        for (layer, &lane) in self.layers.spans[from..last]
            .iter()
            .zip(&self.lanes[from..last])
        {
            if layer.end <= range.start {
                continue;
            }
            let pieces = pieces(&source, local(layer.start, layer.end));
            let lane = usize::from(lane).min(MAX_LANES - 1);
            for &(row, _) in &pieces {
                lanes[row] = lanes[row].max(lane + 1);
            }
            if show.tags
                && layer.start >= range.start
                && let (Some(name), Some(&(row, rect))) = (layer.tag, pieces.first())
            {
                let width = self.name_widths.get(name as usize).copied().unwrap_or(0.0);
                wanted_tags.push((
                    row,
                    rect.min.x,
                    width,
                    layer.end - layer.start,
                    name,
                    layer.color,
                ));
            }
        }
        // Tags on a row that would overlap stack, the shortest span's lowest.
        wanted_tags.sort_by(|a, b| {
            (a.0, a.1, a.3)
                .partial_cmp(&(b.0, b.1, b.3))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let mut tag_levels = vec![0usize; rows];
        let mut tag_at: Vec<(usize, usize, f32, u32, [u8; 3])> = Vec::new();
        let mut level_ends: Vec<f32> = Vec::new();
        let mut current_row = usize::MAX;
        for &(row, x, width, _, name, color) in &wanted_tags {
            if row != current_row {
                level_ends.clear();
                current_row = row;
            }
            let level = match level_ends.iter().position(|&end| end <= x) {
                Some(level) => level,
                None => {
                    level_ends.push(f32::NEG_INFINITY);
                    level_ends.len() - 1
                }
            };
            level_ends[level] = x + width + 4.0;
            tag_levels[row] = tag_levels[row].max(level + 1);
            tag_at.push((row, level, x, name, color));
        }
        // The arcs of the relations with an end on this block.
        // Each with its row; placed in height below.
        let mut wanted_arcs: Vec<(usize, ArcPlace)> = Vec::new();
        if show.relations {
            let from = self.link_ends.partition_point(|&(at, _)| at < range.start);
            let mut links: Vec<usize> = self.link_ends[from..]
                .iter()
                .take_while(|&&(at, _)| at < range.end.max(range.start + 1))
                .map(|&(_, n)| n)
                .collect();
            links.sort_unstable();
            links.dedup();
            let right_edge = self.wrap_width;
            // The row and the middle of the first piece of span `id`, when it
            // starts on this block; else its start.
            let end_of = |id: u32| -> Option<(usize, Option<(usize, f32)>)> {
                let layer = self.layers.spans[*self.layer_of.get(&id)?];
                let here = self.block_of(layer.start) == i;
                let place = here
                    .then(|| {
                        pieces(&source, local(layer.start, layer.end))
                            .first()
                            .copied()
                    })
                    .flatten()
                    .map(|(row, rect)| (row, rect.center().x));
                Some((layer.start, place))
            };
            for n in links {
                let link = self.layers.relations[n];
                let (Some((from_at, from_place)), Some((to_at, to_place))) =
                    (end_of(link.from), end_of(link.to))
                else {
                    continue;
                };
                let mut add = |row: usize, a: f32, b: f32, source, target| {
                    let arc = ArcPlace {
                        left: a.min(b),
                        right: a.max(b),
                        y: 0.0,
                        base: 0.0,
                        source,
                        target,
                        kind: link.kind,
                        from: link.from,
                        to: link.to,
                    };
                    wanted_arcs.push((row, arc));
                };
                let forward = to_at >= from_at;
                match (from_place, to_place) {
                    (Some((ra, xa)), Some((rb, xb))) if ra == rb => {
                        add(ra, xa, xb, Some(xa), Some(xb))
                    }
                    (from_place, to_place) => {
                        if let Some((ra, xa)) = from_place {
                            let edge = if forward { right_edge } else { 0.0 };
                            add(ra, xa, edge, Some(xa), None);
                        }
                        if let Some((rb, xb)) = to_place {
                            let edge = if forward { 0.0 } else { right_edge };
                            add(rb, xb, edge, None, Some(xb));
                        }
                    }
                }
            }
        }
        // Arcs on a row that would overlap (with their labels) take
        // different levels, the shortest lowest.
        wanted_arcs.sort_by(|(a, arc_a), (b, arc_b)| {
            (a, arc_a.right - arc_a.left)
                .partial_cmp(&(b, arc_b.right - arc_b.left))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let mut arc_levels = vec![0usize; rows];
        let mut arc_at: Vec<(usize, usize, ArcPlace)> = Vec::new();
        let mut taken: Vec<Vec<(f32, f32)>> = Vec::new();
        let mut current_row = usize::MAX;
        for &(row, arc) in &wanted_arcs {
            if row != current_row {
                taken.clear();
                current_row = row;
            }
            let (left, right) = (arc.left, arc.right);
            let label = self
                .name_widths
                .get(arc.kind as usize)
                .copied()
                .unwrap_or(0.0)
                + 8.0;
            let middle = (left + right) / 2.0;
            let span = (
                left.min(middle - label / 2.0) - 3.0,
                right.max(middle + label / 2.0) + 3.0,
            );
            let level = match taken
                .iter()
                .position(|level| level.iter().all(|&(a, b)| span.1 <= a || b <= span.0))
            {
                Some(level) => level,
                None => {
                    taken.push(Vec::new());
                    taken.len() - 1
                }
            };
            taken[level].push(span);
            arc_levels[row] = arc_levels[row].max(level + 1);
            arc_at.push((row, level, arc));
        }
        // The rows moved apart.
        let tag_step = self.tag_height + 1.0;
        let arc_step = self.tag_height + 4.0;
        let mut galley = (*source).clone();
        let mut spaces = Vec::with_capacity(rows);
        let mut y = 0.0f32;
        for (r, row) in galley.rows.iter_mut().enumerate() {
            let mut above = tag_levels[r] as f32 * tag_step + arc_levels[r] as f32 * arc_step;
            if above > 0.0 {
                above += 2.0;
            }
            let below = if lanes[r] > 0 {
                3.0 + LANE_STEP * lanes[r] as f32
            } else {
                0.0
            } + ROW_GAP;
            row.pos.y = (y + above).round();
            y = row.pos.y + row.size.y + below;
            spaces.push(RowSpace {
                bottom: y,
                lanes: lanes[r],
            });
        }
        let galley_rows = &galley.rows;
        let text_top = |r: usize| galley_rows[r].pos.y;
        let tags = tag_at
            .into_iter()
            .map(|(row, level, x, name, color)| Tag {
                pos: Pos2::new(x, text_top(row) - tag_step * (level + 1) as f32),
                name,
                color,
            })
            .collect();
        let arcs = arc_at
            .into_iter()
            .map(|(row, level, arc)| {
                let base = text_top(row) - tag_levels[row] as f32 * tag_step - 1.0;
                ArcPlace {
                    y: base - arc_step * (level as f32 + 0.5),
                    base,
                    ..arc
                }
            })
            .collect();
        galley.rect.max.y = y;
        galley.mesh_bounds = galley.mesh_bounds.union(galley.rect);
        Decor {
            source,
            made_for,
            shown: Arc::new(galley),
            rows: spaces,
            tags,
            arcs,
        }
    }

    fn paint(
        &mut self,
        ui: &Ui,
        marks: &[Mark<'_>],
        highlight: &Highlight,
        row_height: f32,
        viewport: Rect,
    ) {
        self.handle_rects = [None, None];
        self.arc_labels.clear();
        let painter = ui.painter();
        let dark = ui.visuals().dark_mode;
        let text_color = ui.visuals().text_color();
        let fill_alpha = if dark { 70 } else { 52 };
        let selection_fill = ui.visuals().selection.bg_fill.gamma_multiply(0.8);
        let selected_stroke = Stroke::new(2.0, ui.visuals().strong_text_color());
        let found_fill =
            Color32::from_rgba_unmultiplied(0xfa, 0xcc, 0x15, if dark { 90 } else { 120 });
        let caret_color = ui.visuals().selection.stroke.color;
        let caret_fill = caret_color.gamma_multiply(0.18);
        let visible = self.visible_blocks(viewport.min.y, viewport.max.y);
        if visible.is_empty() {
            return;
        }
        let window = self.blocks[visible.start].range.start..self.blocks[visible.end - 1].range.end;
        let found_from = highlight.found.partition_point(|f| f.end <= window.start);
        let found: Vec<&Range<usize>> = highlight.found[found_from..]
            .iter()
            .take_while(|f| f.start <= window.end)
            .collect();
        // The marks are those of the window; each block filters this short list.
        let visible_spans: Vec<&Mark<'_>> = marks.iter().collect();
        // Each name tags and arcs show, laid out once per frame: (as a tag,
        // as an arc's label).
        let mut name_galleys: NameGalleys = vec![[None, None]; self.layers.names.len()];
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
            for range in found
                .iter()
                .filter(|f| f.start < para.end.max(para.start + 1) && f.end > para.start)
            {
                for rect in piece_rects(galley, local(range)) {
                    painter.rect_filled(
                        text_band(rect, row_height).translate(origin.to_vec2()),
                        CornerRadius::same(2),
                        found_fill,
                    );
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
            let decor = self.decor[i].as_ref();
            if let Some(decor) = decor {
                paint_decor(
                    ui,
                    decor,
                    origin,
                    &self.layers.names,
                    (self.name_size, &mut name_galleys),
                    highlight,
                    &mut self.arc_labels,
                );
            }
            for span in spans.iter().filter(|s| !s.ghost) {
                let [r, g, b] = span.color;
                let lane = self.lane_of(span.id, span.start, span.end);
                for (row, rect) in pieces(galley, local(&(span.start..span.end))) {
                    let band = text_band(rect, row_height).translate(origin.to_vec2());
                    // The row's lanes, the outermost lowest.
                    let lanes = decor
                        .and_then(|d| d.rows.get(row))
                        .map_or(MAX_LANES, |r| r.lanes)
                        .max(lane + 1);
                    let y = band.max.y + 2.0 + LANE_STEP * (lanes - 1 - lane) as f32;
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
                if highlight.handles && highlight.span == Some(span.id) {
                    let pieces = piece_rects(galley, local(&(span.start..span.end)));
                    let band = |r: &Rect| text_band(*r, row_height).translate(origin.to_vec2());
                    let color = Color32::from_rgb(r, g, b);
                    if (para.start..para.end.max(para.start + 1)).contains(&span.start)
                        && let Some(first) = pieces.first()
                    {
                        self.handle_rects[0] =
                            Some(paint_handle(painter, band(first), Edge::Start, color));
                    }
                    if (para.start + 1..=para.end).contains(&span.end)
                        && let Some(last) = pieces.last()
                    {
                        self.handle_rects[1] =
                            Some(paint_handle(painter, band(last), Edge::End, color));
                    }
                }
            }
            if let Some(caret) = &highlight.caret
                && caret.start < para.end.max(para.start + 1)
                && caret.end > para.start
            {
                let pieces = piece_rects(galley, local(caret));
                for (n, rect) in pieces.iter().enumerate() {
                    let band = text_band(*rect, row_height).translate(origin.to_vec2());
                    painter.rect_filled(band, CornerRadius::same(2), caret_fill);
                    painter.line_segment(
                        [
                            Pos2::new(band.min.x, band.max.y + 1.0),
                            Pos2::new(band.max.x, band.max.y + 1.0),
                        ],
                        Stroke::new(1.5, caret_color),
                    );
                    if n == 0 && caret.start >= para.start {
                        painter.rect_filled(
                            Rect::from_min_max(
                                Pos2::new(band.min.x - 2.5, band.min.y - 1.0),
                                Pos2::new(band.min.x - 0.5, band.max.y + 1.0),
                            ),
                            0.0,
                            caret_color,
                        );
                    }
                }
            }
        }
        if !self.show_now.relations {
            self.paint_arcs(ui, marks, highlight);
        }
    }

    /// The overview beside the scroll bar: a mark at the height of each
    /// stretch of the text that has spans, and the caret's, wider.
    fn paint_overview(&mut self, ui: &Ui, text: &SourceText, highlight: &Highlight) {
        let total = *self.tops.last().unwrap_or(&0.0);
        if total <= 0.0 || self.blocks.is_empty() {
            return;
        }
        let clip = ui.clip_rect();
        let track = Rect::from_min_max(
            Pos2::new(clip.right() - 9.0 - OVERVIEW_WIDTH, clip.top() + 2.0),
            Pos2::new(clip.right() - 9.0, clip.bottom() - 2.0),
        );
        let painter = ui.painter().with_clip_rect(track.expand(4.0));
        let len = text.len_chars().max(1);
        let y_of = |offset: usize| {
            let i = self.block_of(offset);
            let block = &self.blocks[i].range;
            let share = (offset.saturating_sub(block.start)) as f32
                / (block.end - block.start).max(1) as f32;
            let y = self.tops[i] + share.min(1.0) * (self.tops[i + 1] - self.tops[i]);
            track.top() + y / total * track.height()
        };
        let corners = [track.min.x, track.min.y, track.max.x, track.max.y].map(f32::to_bits);
        // Placed again when a mark would move by half a point or more.
        let moved = self.overview.moved * track.height() / total;
        let caret_y = highlight.caret.as_ref().map(|caret| y_of(caret.start));
        let (mesh, placed) = match &self.overview.placed {
            Some((placed_for, mesh)) if *placed_for == corners && moved < 0.5 => {
                (Arc::clone(mesh), false)
            }
            _ => {
                // Runs of one color that touch make one rectangle.
                let mut mesh = egui::Mesh::default();
                let mut add = |run: Option<(f32, f32, [u8; 3])>| {
                    if let Some((top, bottom, [r, g, b])) = run {
                        mesh.add_colored_rect(
                            Rect::from_min_max(
                                Pos2::new(track.left(), top),
                                Pos2::new(track.right(), bottom.max(top + 2.0)),
                            ),
                            Color32::from_rgb(r, g, b),
                        );
                    }
                };
                let buckets = self.overview.buckets.len().max(1);
                let mut run: Option<(f32, f32, [u8; 3])> = None;
                for (bucket, color) in self.overview.buckets.iter().enumerate() {
                    let Some(color) = *color else {
                        continue;
                    };
                    let top = y_of(bucket * len / buckets);
                    let bottom = y_of(((bucket + 1) * len / buckets).min(len)).max(top + 2.0);
                    run = match run {
                        Some((start, end, c)) if c == color && top <= end + 0.5 => {
                            Some((start, bottom, c))
                        }
                        other => {
                            add(other);
                            Some((top, bottom, color))
                        }
                    };
                }
                add(run);
                (Arc::new(mesh), true)
            }
        };
        if placed {
            self.overview.placed = Some((corners, Arc::clone(&mesh)));
            self.overview.moved = 0.0;
        }
        painter.add(egui::Shape::mesh(mesh));
        if let Some(y) = caret_y {
            painter.rect_filled(
                Rect::from_min_max(
                    Pos2::new(track.left() - 3.0, y - 1.5),
                    Pos2::new(track.right() + 3.0, y + 1.5),
                ),
                1.0,
                ui.visuals().strong_text_color(),
            );
        }
    }

    /// An arc from the selected mark to each related one, over the text
    /// (under it where there is no room above).
    fn paint_arcs(&self, ui: &Ui, marks: &[Mark<'_>], highlight: &Highlight) {
        let rect_of = |id: u32| {
            let mark = marks.iter().find(|m| m.id == id)?;
            self.screen_rect(mark.start..mark.end)
        };
        // The selected span with each related one, or the selected
        // relation's two ends.
        let (selected, related, stroke) = match (&highlight.relation, highlight.span) {
            (Some(relation), _) => (
                relation.from,
                std::slice::from_ref(&relation.to),
                Stroke::new(2.5, ui.visuals().selection.stroke.color),
            ),
            (None, Some(span)) => (
                span,
                highlight.related.as_slice(),
                Stroke::new(1.5, ui.visuals().strong_text_color().gamma_multiply(0.8)),
            ),
            (None, None) => return,
        };
        let Some(from) = rect_of(selected) else {
            return;
        };
        for &id in related {
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
            // With Ctrl a drag links spans, wherever it starts.
            let grabs = !modifiers.command;
            self.drag_edge = origin.filter(|_| grabs).and_then(|p| {
                let on = |grips: &Option<[Rect; 2]>| {
                    grips.is_some_and(|grips| grips.iter().any(|r| r.contains(p)))
                };
                if on(&self.handle_rects[1]) {
                    Some(Edge::End)
                } else if on(&self.handle_rects[0]) {
                    Some(Edge::Start)
                } else {
                    None
                }
            });
            self.drag_anchor = origin.and_then(|p| self.offset_at(p));
            self.drag_head = self.drag_anchor;
            self.drag_exact = false;
            self.drag_link = None;
        }
        if self.drag_anchor.is_some() {
            self.drag_exact |= modifiers.alt;
            if modifiers.command && self.drag_edge.is_none() {
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
            if let (Some(edge), Some(offset)) = (self.drag_edge.take(), head) {
                return Some(ViewEvent::EdgeDragged {
                    edge,
                    offset,
                    exact: self.drag_exact,
                });
            }
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
        if response.clicked()
            && let Some(p) = response.interact_pointer_pos()
            && let Some((_, link)) = self.arc_labels.iter().rev().find(|(r, _)| r.contains(p))
            && let Some(kind) = self.layers.names.get(link.kind as usize)
        {
            response.request_focus();
            return Some(ViewEvent::RelationClicked(Relation {
                from: link.from,
                to: link.to,
                kind: kind.clone(),
            }));
        }
        if response.clicked() || response.double_clicked() || response.triple_clicked() {
            response.request_focus();
            let offset = response
                .interact_pointer_pos()
                .and_then(|p| self.offset_at(p))?
                .min(text.len_chars());
            return Some(if response.triple_clicked() {
                ViewEvent::TripleClicked { offset }
            } else if response.double_clicked() {
                ViewEvent::DoubleClicked { offset }
            } else {
                ViewEvent::Clicked {
                    offset,
                    extend: modifiers.shift,
                }
            });
        }
        None
    }

    /// The handle being dragged and where it is now, while a drag of one is
    /// under way.
    pub fn dragging_edge(&self) -> Option<(Edge, usize)> {
        self.drag_edge.zip(self.drag_head)
    }

    /// The live selection while a drag is under way.
    pub fn dragging(&self) -> Option<Range<usize>> {
        if self.drag_edge.is_some() {
            return None;
        }
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
    pieces(galley, local).into_iter().map(|(_, r)| r).collect()
}

/// The rows of a galley that hold the characters `local`, with the
/// rectangle (relative to the galley) of those on each.
fn pieces(galley: &Galley, local: Range<usize>) -> Vec<(usize, Rect)> {
    let mut rects = Vec::new();
    if local.is_empty() {
        return rects;
    }
    let mut row_start = 0;
    for (n, row) in galley.rows.iter().enumerate() {
        let count = row.char_count_excluding_newline().0;
        let row_end = row_start + count;
        let a = local.start.max(row_start);
        let b = local.end.min(row_end);
        if a < b {
            let first = &row.glyphs[a - row_start];
            let last = &row.glyphs[b - 1 - row_start];
            let x0 = row.pos.x + first.pos.x;
            let x1 = row.pos.x + last.pos.x + last.advance_width;
            rects.push((
                n,
                Rect::from_min_max(
                    Pos2::new(x0, row.pos.y),
                    Pos2::new(x1, row.pos.y + row.size.y),
                ),
            ));
        } else if row_start >= local.end {
            break;
        }
        row_start = row_end + usize::from(row.ends_with_newline);
    }
    rects
}

/// Paints a block's tags and arcs (those of rows in view), the block's
/// galley placed at `origin`; the selected span's arcs stronger.
fn paint_decor(
    ui: &Ui,
    decor: &Decor,
    origin: Pos2,
    names: &[String],
    (text_size, laid_out): (f32, &mut NameGalleys),
    highlight: &Highlight,
    labels: &mut Vec<(Rect, Link)>,
) {
    let painter = ui.painter();
    let clip = ui.clip_rect();
    let font = FontId::proportional(text_size * TAG_SCALE);
    let mut name_galley = |name: u32, arc: bool, color: Color32| {
        let slot = laid_out.get_mut(name as usize)?.get_mut(usize::from(arc))?;
        let galley = slot.get_or_insert_with(|| {
            painter.layout_no_wrap(names[name as usize].clone(), font.clone(), color)
        });
        Some(Arc::clone(galley))
    };
    let in_view =
        |top: f32, bottom: f32| top + origin.y <= clip.max.y && bottom + origin.y >= clip.min.y;
    for tag in &decor.tags {
        if !in_view(tag.pos.y, tag.pos.y + text_size) {
            continue;
        }
        let [r, g, b] = tag.color;
        let color = Color32::from_rgb(r, g, b);
        if let Some(galley) = name_galley(tag.name, false, color) {
            painter.galley(origin + tag.pos.to_vec2(), galley, color);
        }
    }
    let visuals = ui.visuals();
    let normal = Stroke::new(1.2, visuals.text_color().gamma_multiply(0.7));
    let strong = Stroke::new(2.0, visuals.strong_text_color());
    let chosen = Stroke::new(2.5, visuals.selection.stroke.color);
    for arc in &decor.arcs {
        if !in_view(arc.y - text_size, arc.base) {
            continue;
        }
        let is_chosen = highlight.relation.as_ref().is_some_and(|r| {
            r.from == arc.from
                && r.to == arc.to
                && names.get(arc.kind as usize).is_some_and(|k| *k == r.kind)
        });
        let selected = highlight
            .span
            .is_some_and(|id| id == arc.from || id == arc.to);
        let stroke = if is_chosen {
            chosen
        } else if selected {
            strong
        } else {
            normal
        };
        let at = |x: f32, y: f32| origin + Vec2::new(x, y);
        painter.line_segment([at(arc.left, arc.y), at(arc.right, arc.y)], stroke);
        if let Some(x) = arc.source {
            painter.line_segment([at(x, arc.y), at(x, arc.base)], stroke);
            painter.circle_filled(at(x, arc.base), 2.0, stroke.color);
        }
        if let Some(x) = arc.target {
            painter.line_segment([at(x, arc.y), at(x, arc.base - 4.0)], stroke);
            painter.add(egui::Shape::convex_polygon(
                vec![
                    at(x - 4.0, arc.base - 6.0),
                    at(x + 4.0, arc.base - 6.0),
                    at(x, arc.base),
                ],
                stroke.color,
                Stroke::NONE,
            ));
        }
        let color = if selected || is_chosen {
            visuals.strong_text_color()
        } else {
            visuals.text_color()
        };
        let Some(galley) = name_galley(arc.kind, true, visuals.text_color()) else {
            continue;
        };
        let size = galley.size();
        let middle = at((arc.left + arc.right) / 2.0, arc.y);
        let label = Rect::from_center_size(middle, size + Vec2::new(6.0, 0.0));
        let (fill, frame) = if is_chosen {
            (visuals.selection.bg_fill, chosen)
        } else {
            (visuals.panel_fill, Stroke::NONE)
        };
        painter.rect(
            label,
            CornerRadius::same(3),
            fill,
            frame,
            StrokeKind::Outside,
        );
        painter.galley_with_override_text_color(label.min + Vec2::new(3.0, 0.0), galley, color);
        labels.push((
            label.expand(2.0),
            Link {
                from: arc.from,
                to: arc.to,
                kind: arc.kind,
            },
        ));
    }
}

/// Paints the handle of a span's `edge` beside `band` (the text band of its
/// first or last piece); gives the areas where it is grabbed.
fn paint_handle(painter: &egui::Painter, band: Rect, edge: Edge, color: Color32) -> [Rect; 2] {
    let (x, knob) = match edge {
        Edge::Start => (band.min.x, Pos2::new(band.min.x, band.min.y - 3.0)),
        Edge::End => (band.max.x, Pos2::new(band.max.x, band.max.y + 3.0)),
    };
    painter.line_segment(
        [
            Pos2::new(x, band.min.y - 1.0),
            Pos2::new(x, band.max.y + 1.0),
        ],
        Stroke::new(2.5, color),
    );
    painter.circle(knob, 4.0, color, Stroke::new(1.0, Color32::WHITE));
    // Outside the span's text, and the knob.
    let (left, right) = match edge {
        Edge::Start => (x - HANDLE_GRIP, x + 1.0),
        Edge::End => (x - 1.0, x + HANDLE_GRIP),
    };
    [
        Rect::from_min_max(
            Pos2::new(left, band.min.y - 8.0),
            Pos2::new(right, band.max.y + 8.0),
        ),
        Rect::from_center_size(knob, Vec2::splat(2.0 * HANDLE_GRIP)),
    ]
}

/// The band of a row where the glyphs are: the row's middle, one text row high.
fn text_band(row_rect: Rect, row_height: f32) -> Rect {
    let center = row_rect.center().y;
    Rect::from_min_max(
        Pos2::new(row_rect.min.x, center - row_height / 2.0),
        Pos2::new(row_rect.max.x, center + row_height / 2.0),
    )
}

/// Gives each span a lane: outer spans lane 0, spans
/// inside or overlapping them the next free lane.
///
/// `spans` are in [`layer_order`]; the lanes are given in the same order,
/// so a change of the spans costs one pass over them, with no table by id.
fn assign_lanes(spans: &[Layer]) -> Vec<u8> {
    let mut lane_ends: Vec<usize> = Vec::new();
    spans
        .iter()
        .map(|layer| {
            let lane = match lane_ends.iter().position(|e| *e <= layer.start) {
                Some(lane) => lane,
                None => {
                    lane_ends.push(0);
                    lane_ends.len() - 1
                }
            };
            lane_ends[lane] = layer.end;
            u8::try_from(lane).unwrap_or(u8::MAX)
        })
        .collect()
}

/// The order of the spans the layout makes room for: by start, the longer
/// (outer) first, then by id.
fn layer_order(layer: &Layer) -> (usize, std::cmp::Reverse<usize>, u32) {
    (layer.start, std::cmp::Reverse(layer.end), layer.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sorot_core::model::markup;

    /// A target under a window over the view lands a line clear of it, in
    /// the larger free part: below a window at the top, above one at the
    /// bottom; a window beside the target, or one leaving no room, changes
    /// nothing.
    #[test]
    fn a_target_under_a_window_scrolls_into_the_free_part_of_the_view() {
        let rect = |x0: f32, y0: f32, x1: f32, y1: f32| {
            Rect::from_min_max(egui::pos2(x0, y0), egui::pos2(x1, y1))
        };
        let view = rect(0.0, 0.0, 800.0, 700.0);
        let target = rect(100.0, 500.0, 160.0, 520.0);
        let line = 20.0;
        // Where the target lies once the view scrolls the rectangle to the
        // alignment: its top (Min) or bottom (Max) at the view's.
        let landed = |(r, align): (Rect, Align)| match align {
            Align::Max => target.translate(egui::vec2(0.0, view.max.y - r.max.y)),
            _ => target.translate(egui::vec2(0.0, view.min.y - r.min.y)),
        };
        let top = rect(0.0, 0.0, 600.0, 350.0);
        let placed = landed(free_band(view, top, target, line).unwrap());
        assert_eq!(placed.min.y, top.max.y + line);
        let bottom = rect(0.0, 400.0, 600.0, 700.0);
        let placed = landed(free_band(view, bottom, target, line).unwrap());
        assert_eq!(placed.max.y, bottom.min.y - line);
        assert!(!placed.intersects(bottom) && view.contains_rect(placed));
        let beside = rect(300.0, 0.0, 800.0, 700.0);
        assert_eq!(free_band(view, beside, target, line), None);
        let whole = rect(0.0, 10.0, 800.0, 690.0);
        assert_eq!(free_band(view, whole, target, line), None);
    }

    #[test]
    fn nested_spans_get_distinct_lanes_and_siblings_share() {
        let (_, spans) =
            markup::parse("[[Kim|actor] tiba [Rabu|date]|claim] lalu [Putin|actor]").unwrap();
        let mut layers: Vec<Layer> = spans
            .iter()
            .map(|s| Layer {
                id: s.id,
                start: s.start,
                end: s.end,
                color: [0; 3],
                tag: None,
            })
            .collect();
        layers.sort_unstable_by_key(layer_order);
        let lanes = assign_lanes(&layers);
        let lane_of = |text: &str| {
            let span = spans.iter().find(|s| s.text == text).unwrap();
            lanes[layers.iter().position(|l| l.id == span.id).unwrap()]
        };
        assert_eq!(lane_of("Kim tiba Rabu"), 0);
        assert_eq!(lane_of("Kim"), 1);
        assert_eq!(lane_of("Rabu"), 1);
        assert_eq!(lane_of("Putin"), 0);
    }

    /// The overview marks each stretch of the text where a mark starts,
    /// with the first such mark's color, and nothing where none does.
    #[test]
    fn the_overview_marks_the_stretches_that_hold_spans() {
        let len = 10 * OVERVIEW_BUCKETS;
        let (red, blue) = ([0xe1, 0x1d, 0x48], [0x3b, 0x82, 0xf6]);
        let marks = [
            (1, 0, 5, red),
            (2, 3, 9, blue),
            (3, len / 2, len / 2 + 4, blue),
            (4, len - 1, len, red),
        ];
        let marks: Vec<Layer> = marks
            .into_iter()
            .map(|(id, start, end, color)| Layer {
                id,
                start,
                end,
                color,
                tag: None,
            })
            .collect();
        let overview = Overview::new(&marks, len);
        let marked: Vec<(usize, [u8; 3])> = overview
            .buckets
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.map(|c| (i, c)))
            .collect();
        assert_eq!(
            marked,
            vec![
                (0, red),
                (OVERVIEW_BUCKETS / 2, blue),
                (OVERVIEW_BUCKETS - 1, red)
            ]
        );
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

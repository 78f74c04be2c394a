//! UI commands: every action that has a menu entry or a keyboard shortcut.
//! Menus and the shortcut dispatcher are generated from [`UiCommand::ALL`],
//! so a shortcut shown in a menu is always the one that works.
//!
//! Label hotkeys (the digits 1-9, from the project's schema) are not UI
//! commands; no UI command may use a bare digit.
//!
//! Terms:
//! - **caret**: the word (a token of the shared tokenizer) the keys stand on
//!   in the text.
//! - **edge**: the start or the end of what the edge keys change: the
//!   selected span, else the selection (made from the caret's word when
//!   there is none).

use egui::{Key, KeyboardShortcut, Modifiers};

/// The menus of the menu bar, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Menu {
    File,
    Edit,
    Document,
    Text,
    Suggest,
    Review,
    View,
}

impl Menu {
    pub const ALL: [Menu; 7] = [
        Menu::File,
        Menu::Edit,
        Menu::Document,
        Menu::Text,
        Menu::Suggest,
        Menu::Review,
        Menu::View,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Menu::File => "File",
            Menu::Edit => "Edit",
            Menu::Document => "Document",
            Menu::Text => "Text",
            Menu::Suggest => "Suggest",
            Menu::Review => "Review",
            Menu::View => "View",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UiCommand {
    OpenFolder,
    Undo,
    Redo,
    DeleteSpan,
    ClearSelection,
    ToggleDone,
    NextDocument,
    PreviousDocument,
    ToggleSnapToWords,
    ToggleLabelTags,
    ToggleRelations,
    SwitchAnnotator,
    FocusFilter,
    Export,
    Import,
    Agreement,
    CompareWithGold,
    Review,
    NextDisagreement,
    PreviousDisagreement,
    AcceptA,
    AcceptB,
    AcceptBoth,
    RejectBoth,
    SuggestKnownNames,
    SuggestDates,
    FindMentions,
    FindMentionsInProject,
    AcceptSuggestion,
    RejectSuggestion,
    AcceptAllSuggestions,
    ImportGazetteer,
    LinkSource,
    LinkTarget,
    CaretRight,
    CaretLeft,
    CaretDown,
    CaretUp,
    CaretLineStart,
    CaretLineEnd,
    TextStart,
    TextEnd,
    PageDown,
    PageUp,
    EndEdgeRight,
    EndEdgeLeft,
    EndEdgeDown,
    EndEdgeUp,
    StartEdgeLeft,
    StartEdgeRight,
    EndCharRight,
    EndCharLeft,
    StartCharLeft,
    StartCharRight,
    NextSpan,
    PreviousSpan,
    ReplaceOverlapped,
    FindInDocument,
    FindNext,
    FindPrevious,
}

impl UiCommand {
    pub const ALL: [UiCommand; 60] = [
        UiCommand::OpenFolder,
        UiCommand::Undo,
        UiCommand::Redo,
        UiCommand::DeleteSpan,
        UiCommand::ClearSelection,
        UiCommand::ToggleDone,
        UiCommand::NextDocument,
        UiCommand::PreviousDocument,
        UiCommand::ToggleSnapToWords,
        UiCommand::ToggleLabelTags,
        UiCommand::ToggleRelations,
        UiCommand::SwitchAnnotator,
        UiCommand::FocusFilter,
        UiCommand::Export,
        UiCommand::Import,
        UiCommand::Agreement,
        UiCommand::CompareWithGold,
        UiCommand::Review,
        UiCommand::NextDisagreement,
        UiCommand::PreviousDisagreement,
        UiCommand::AcceptA,
        UiCommand::AcceptB,
        UiCommand::AcceptBoth,
        UiCommand::RejectBoth,
        UiCommand::SuggestKnownNames,
        UiCommand::SuggestDates,
        UiCommand::FindMentions,
        UiCommand::FindMentionsInProject,
        UiCommand::AcceptSuggestion,
        UiCommand::RejectSuggestion,
        UiCommand::AcceptAllSuggestions,
        UiCommand::ImportGazetteer,
        UiCommand::LinkSource,
        UiCommand::LinkTarget,
        UiCommand::CaretRight,
        UiCommand::CaretLeft,
        UiCommand::CaretDown,
        UiCommand::CaretUp,
        UiCommand::CaretLineStart,
        UiCommand::CaretLineEnd,
        UiCommand::TextStart,
        UiCommand::TextEnd,
        UiCommand::PageDown,
        UiCommand::PageUp,
        UiCommand::EndEdgeRight,
        UiCommand::EndEdgeLeft,
        UiCommand::EndEdgeDown,
        UiCommand::EndEdgeUp,
        UiCommand::StartEdgeLeft,
        UiCommand::StartEdgeRight,
        UiCommand::EndCharRight,
        UiCommand::EndCharLeft,
        UiCommand::StartCharLeft,
        UiCommand::StartCharRight,
        UiCommand::NextSpan,
        UiCommand::PreviousSpan,
        UiCommand::ReplaceOverlapped,
        UiCommand::FindInDocument,
        UiCommand::FindNext,
        UiCommand::FindPrevious,
    ];

    /// The menu text.
    pub fn label(self) -> &'static str {
        match self {
            UiCommand::OpenFolder => "Open folder…",
            UiCommand::Undo => "Undo",
            UiCommand::Redo => "Redo",
            UiCommand::DeleteSpan => "Delete span or relation",
            UiCommand::ClearSelection => "Clear selection",
            UiCommand::ToggleDone => "Mark document done",
            UiCommand::NextDocument => "Next document",
            UiCommand::PreviousDocument => "Previous document",
            UiCommand::ToggleSnapToWords => "Snap selections to words",
            UiCommand::ToggleLabelTags => "Label tags",
            UiCommand::ToggleRelations => "Show relations",
            UiCommand::SwitchAnnotator => "Switch annotator…",
            UiCommand::FocusFilter => "Filter documents",
            UiCommand::Export => "Export…",
            UiCommand::Import => "Import…",
            UiCommand::Agreement => "Agreement…",
            UiCommand::CompareWithGold => "Compare with gold…",
            UiCommand::Review => "Review two annotators…",
            UiCommand::NextDisagreement => "Next disagreement",
            UiCommand::PreviousDisagreement => "Previous disagreement",
            UiCommand::AcceptA => "Accept A",
            UiCommand::AcceptB => "Accept B",
            UiCommand::AcceptBoth => "Accept both",
            UiCommand::RejectBoth => "Reject both",
            UiCommand::SuggestKnownNames => "Suggest known names",
            UiCommand::SuggestDates => "Suggest dates",
            UiCommand::FindMentions => "Find other mentions of the span",
            UiCommand::FindMentionsInProject => "Find mentions of the span in the project…",
            UiCommand::AcceptSuggestion => "Accept suggestion",
            UiCommand::RejectSuggestion => "Reject suggestion",
            UiCommand::AcceptAllSuggestions => "Accept all suggestions",
            UiCommand::ImportGazetteer => "Add known names (gazetteer)…",
            UiCommand::LinkSource => "Link the claim to its source",
            UiCommand::LinkTarget => "Link the claim to its target",
            UiCommand::CaretRight => "Next word",
            UiCommand::CaretLeft => "Previous word",
            UiCommand::CaretDown => "Line down",
            UiCommand::CaretUp => "Line up",
            UiCommand::CaretLineStart => "Start of the line",
            UiCommand::CaretLineEnd => "End of the line",
            UiCommand::TextStart => "Start of the text",
            UiCommand::TextEnd => "End of the text",
            UiCommand::PageDown => "Page down",
            UiCommand::PageUp => "Page up",
            UiCommand::EndEdgeRight => "End a word later (select, grow)",
            UiCommand::EndEdgeLeft => "End a word earlier (shrink)",
            UiCommand::EndEdgeDown => "End a line later",
            UiCommand::EndEdgeUp => "End a line earlier",
            UiCommand::StartEdgeLeft => "Start a word earlier (grow)",
            UiCommand::StartEdgeRight => "Start a word later (shrink)",
            UiCommand::EndCharRight => "End a character later",
            UiCommand::EndCharLeft => "End a character earlier",
            UiCommand::StartCharLeft => "Start a character earlier",
            UiCommand::StartCharRight => "Start a character later",
            UiCommand::NextSpan => "Next span",
            UiCommand::PreviousSpan => "Previous span",
            UiCommand::ReplaceOverlapped => "Replace the overlapped span",
            UiCommand::FindInDocument => "Find in document…",
            UiCommand::FindNext => "Find next",
            UiCommand::FindPrevious => "Find previous",
        }
    }

    /// The menu the command is in, and the group of the menu (groups are
    /// set apart by a line).
    pub fn menu(self) -> (Menu, u8) {
        use UiCommand::*;
        match self {
            OpenFolder | SwitchAnnotator | Export | Import => (Menu::File, 0),
            Undo | Redo => (Menu::Edit, 0),
            DeleteSpan | ClearSelection | ReplaceOverlapped => (Menu::Edit, 1),
            LinkSource | LinkTarget => (Menu::Edit, 2),
            ToggleDone | NextDocument | PreviousDocument | FocusFilter => (Menu::Document, 0),
            CaretRight | CaretLeft | CaretDown | CaretUp | CaretLineStart | CaretLineEnd
            | TextStart | TextEnd | PageDown | PageUp => (Menu::Text, 0),
            EndEdgeRight | EndEdgeLeft | EndEdgeDown | EndEdgeUp | StartEdgeLeft
            | StartEdgeRight | EndCharRight | EndCharLeft | StartCharLeft | StartCharRight => {
                (Menu::Text, 1)
            }
            NextSpan | PreviousSpan => (Menu::Text, 2),
            FindInDocument | FindNext | FindPrevious => (Menu::Text, 3),
            SuggestKnownNames
            | SuggestDates
            | FindMentions
            | FindMentionsInProject
            | AcceptSuggestion
            | RejectSuggestion
            | AcceptAllSuggestions => (Menu::Suggest, 0),
            ImportGazetteer => (Menu::Suggest, 1),
            Review | NextDisagreement | PreviousDisagreement | AcceptA | AcceptB | AcceptBoth
            | RejectBoth => (Menu::Review, 0),
            ToggleSnapToWords | ToggleLabelTags | ToggleRelations | Agreement | CompareWithGold => {
                (Menu::View, 1)
            }
        }
    }

    /// The keyboard shortcuts; the first is the one menus show.
    pub fn shortcuts(self) -> Vec<KeyboardShortcut> {
        let ctrl = |key| KeyboardShortcut::new(Modifiers::COMMAND, key);
        let plain = |key| KeyboardShortcut::new(Modifiers::NONE, key);
        let shift = |key| KeyboardShortcut::new(Modifiers::SHIFT, key);
        let alt_shift = |key| KeyboardShortcut::new(Modifiers::ALT | Modifiers::SHIFT, key);
        let ctrl_shift = |key| KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, key);
        let ctrl_alt_shift = |key| {
            KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::ALT | Modifiers::SHIFT, key)
        };
        match self {
            UiCommand::OpenFolder => vec![ctrl(Key::O)],
            UiCommand::Undo => vec![ctrl(Key::Z)],
            UiCommand::Redo => vec![ctrl_shift(Key::Z), ctrl(Key::Y)],
            UiCommand::DeleteSpan => vec![plain(Key::Delete)],
            UiCommand::ClearSelection => vec![plain(Key::Escape)],
            UiCommand::ToggleDone => vec![ctrl(Key::Enter)],
            UiCommand::NextDocument => vec![
                KeyboardShortcut::new(Modifiers::ALT, Key::ArrowRight),
                KeyboardShortcut::new(Modifiers::COMMAND, Key::PageDown),
            ],
            UiCommand::PreviousDocument => vec![
                KeyboardShortcut::new(Modifiers::ALT, Key::ArrowLeft),
                KeyboardShortcut::new(Modifiers::COMMAND, Key::PageUp),
            ],
            UiCommand::ToggleSnapToWords => vec![ctrl(Key::W)],
            UiCommand::ToggleLabelTags | UiCommand::ToggleRelations => vec![],
            UiCommand::SwitchAnnotator => vec![],
            UiCommand::FocusFilter => vec![ctrl(Key::F)],
            UiCommand::Export => vec![ctrl(Key::E)],
            UiCommand::Import => vec![ctrl(Key::I)],
            UiCommand::Agreement => vec![],
            UiCommand::CompareWithGold => vec![],
            UiCommand::Review => vec![ctrl(Key::R)],
            UiCommand::NextDisagreement => vec![plain(Key::N)],
            UiCommand::PreviousDisagreement => vec![plain(Key::P)],
            UiCommand::AcceptA => vec![plain(Key::A)],
            UiCommand::AcceptB => vec![plain(Key::B)],
            UiCommand::AcceptBoth => vec![plain(Key::C)],
            UiCommand::RejectBoth => vec![plain(Key::X)],
            UiCommand::SuggestKnownNames => vec![ctrl(Key::K)],
            UiCommand::SuggestDates => vec![ctrl(Key::D)],
            UiCommand::FindMentions => vec![ctrl(Key::M)],
            UiCommand::FindMentionsInProject => vec![ctrl_shift(Key::M)],
            UiCommand::AcceptSuggestion => vec![plain(Key::Enter)],
            UiCommand::RejectSuggestion => vec![plain(Key::Backspace)],
            UiCommand::AcceptAllSuggestions => vec![ctrl_shift(Key::Enter)],
            UiCommand::ImportGazetteer => vec![],
            UiCommand::LinkSource => vec![plain(Key::R)],
            UiCommand::LinkTarget => vec![shift(Key::R)],
            UiCommand::CaretRight => vec![plain(Key::ArrowRight)],
            UiCommand::CaretLeft => vec![plain(Key::ArrowLeft)],
            UiCommand::CaretDown => vec![plain(Key::ArrowDown)],
            UiCommand::CaretUp => vec![plain(Key::ArrowUp)],
            UiCommand::CaretLineStart => vec![plain(Key::Home)],
            UiCommand::CaretLineEnd => vec![plain(Key::End)],
            UiCommand::TextStart => vec![ctrl(Key::Home)],
            UiCommand::TextEnd => vec![ctrl(Key::End)],
            UiCommand::PageDown => vec![plain(Key::PageDown)],
            UiCommand::PageUp => vec![plain(Key::PageUp)],
            UiCommand::EndEdgeRight => vec![shift(Key::ArrowRight)],
            UiCommand::EndEdgeLeft => vec![shift(Key::ArrowLeft)],
            UiCommand::EndEdgeDown => vec![shift(Key::ArrowDown)],
            UiCommand::EndEdgeUp => vec![shift(Key::ArrowUp)],
            UiCommand::StartEdgeLeft => vec![alt_shift(Key::ArrowLeft)],
            UiCommand::StartEdgeRight => vec![alt_shift(Key::ArrowRight)],
            UiCommand::EndCharRight => vec![ctrl_shift(Key::ArrowRight)],
            UiCommand::EndCharLeft => vec![ctrl_shift(Key::ArrowLeft)],
            UiCommand::StartCharLeft => vec![ctrl_alt_shift(Key::ArrowLeft)],
            UiCommand::StartCharRight => vec![ctrl_alt_shift(Key::ArrowRight)],
            UiCommand::NextSpan => vec![plain(Key::Tab)],
            UiCommand::PreviousSpan => vec![shift(Key::Tab)],
            UiCommand::ReplaceOverlapped => vec![shift(Key::Enter)],
            UiCommand::FindInDocument => vec![ctrl_shift(Key::F)],
            UiCommand::FindNext => vec![plain(Key::F3)],
            UiCommand::FindPrevious => vec![shift(Key::F3)],
        }
    }

    /// Whether the shortcut also works while a text field has the keyboard
    /// (only commands that a text field has no use for).
    pub fn works_in_text_fields(self) -> bool {
        matches!(
            self,
            UiCommand::NextDocument
                | UiCommand::PreviousDocument
                | UiCommand::ToggleDone
                | UiCommand::OpenFolder
                | UiCommand::FindNext
                | UiCommand::FindPrevious
        )
    }

    /// Whether the command moves the caret alone (and so leaves the
    /// selection).
    pub fn moves_caret(self) -> bool {
        use UiCommand::*;
        matches!(
            self,
            CaretRight
                | CaretLeft
                | CaretDown
                | CaretUp
                | CaretLineStart
                | CaretLineEnd
                | TextStart
                | TextEnd
                | PageDown
                | PageUp
        )
    }

    /// Whether the command moves the caret or an edge in the text.
    pub fn moves_in_text(self) -> bool {
        use UiCommand::*;
        self.moves_caret()
            || matches!(
                self,
                EndEdgeRight
                    | EndEdgeLeft
                    | EndEdgeDown
                    | EndEdgeUp
                    | StartEdgeLeft
                    | StartEdgeRight
                    | EndCharRight
                    | EndCharLeft
                    | StartCharLeft
                    | StartCharRight
                    | NextSpan
                    | PreviousSpan
            )
    }

    /// The command whose shortcut exactly matches this key press.
    pub fn for_key(key: Key, modifiers: Modifiers) -> Option<UiCommand> {
        UiCommand::ALL.into_iter().find(|c| {
            c.shortcuts()
                .iter()
                .any(|s| s.logical_key == key && modifiers.matches_exact(s.modifiers))
        })
    }
}

/// The label digit of a bare 1-9 key press.
pub fn digit_of(key: Key, modifiers: Modifiers) -> Option<u8> {
    if !modifiers.is_none() {
        return None;
    }
    let digits = [
        Key::Num1,
        Key::Num2,
        Key::Num3,
        Key::Num4,
        Key::Num5,
        Key::Num6,
        Key::Num7,
        Key::Num8,
        Key::Num9,
    ];
    digits.iter().position(|k| *k == key).map(|i| i as u8 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_shortcuts_clash_and_none_takes_a_label_digit() {
        let mut seen: Vec<(KeyboardShortcut, UiCommand)> = Vec::new();
        for command in UiCommand::ALL {
            for shortcut in command.shortcuts() {
                if let Some((_, other)) = seen.iter().find(|(s, _)| *s == shortcut) {
                    panic!("{shortcut:?} is bound to both {other:?} and {command:?}");
                }
                assert_eq!(
                    digit_of(shortcut.logical_key, shortcut.modifiers),
                    None,
                    "{command:?} takes a label digit"
                );
                assert_eq!(
                    UiCommand::for_key(shortcut.logical_key, shortcut.modifiers),
                    Some(command)
                );
                seen.push((shortcut, command));
            }
        }
    }

    /// Every shortcut is listed in the README's table of keys, spelled as
    /// the menus spell it.
    #[test]
    fn every_shortcut_is_in_the_readme() {
        let readme = include_str!("../../../README.md");
        let table = readme
            .split("## Keys")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .expect("the README has a Keys section");
        for command in UiCommand::ALL {
            for shortcut in command.shortcuts() {
                let spelled = shortcut.format(&egui::ModifierNames::NAMES, false);
                let listed = table.lines().any(|line| {
                    line.split(['|', '/', ',', '(', ')'])
                        .any(|cell| cell.trim().trim_matches('*') == spelled)
                });
                assert!(listed, "{command:?}: {spelled} is not in the README's keys");
            }
        }
    }

    #[test]
    fn redo_and_undo_are_told_apart_by_shift() {
        assert_eq!(
            UiCommand::for_key(Key::Z, Modifiers::COMMAND),
            Some(UiCommand::Undo)
        );
        assert_eq!(
            UiCommand::for_key(Key::Z, Modifiers::COMMAND | Modifiers::SHIFT),
            Some(UiCommand::Redo)
        );
        assert_eq!(
            UiCommand::for_key(Key::Y, Modifiers::COMMAND),
            Some(UiCommand::Redo)
        );
        assert_eq!(digit_of(Key::Num3, Modifiers::NONE), Some(3));
        assert_eq!(digit_of(Key::Num3, Modifiers::SHIFT), None);
    }
}

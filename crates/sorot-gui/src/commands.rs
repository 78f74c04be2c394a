//! UI commands: every action that has a menu entry or a keyboard shortcut.
//! Menus and the shortcut dispatcher are generated from [`UiCommand::ALL`],
//! so a shortcut shown in a menu is always the one that works.
//!
//! Label hotkeys (the digits 1-9, from the project's schema) are not UI
//! commands; no UI command may use a bare digit.

use egui::{Key, KeyboardShortcut, Modifiers};

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
    SuggestDates,
    FindMentions,
    FindMentionsInProject,
    AcceptSuggestion,
    RejectSuggestion,
    AcceptAllSuggestions,
    ImportGazetteer,
    LinkSource,
    LinkTarget,
}

impl UiCommand {
    pub const ALL: [UiCommand; 31] = [
        UiCommand::OpenFolder,
        UiCommand::Undo,
        UiCommand::Redo,
        UiCommand::DeleteSpan,
        UiCommand::ClearSelection,
        UiCommand::ToggleDone,
        UiCommand::NextDocument,
        UiCommand::PreviousDocument,
        UiCommand::ToggleSnapToWords,
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
        UiCommand::SuggestDates,
        UiCommand::FindMentions,
        UiCommand::FindMentionsInProject,
        UiCommand::AcceptSuggestion,
        UiCommand::RejectSuggestion,
        UiCommand::AcceptAllSuggestions,
        UiCommand::ImportGazetteer,
        UiCommand::LinkSource,
        UiCommand::LinkTarget,
    ];

    /// The menu text.
    pub fn label(self) -> &'static str {
        match self {
            UiCommand::OpenFolder => "Open folder…",
            UiCommand::Undo => "Undo",
            UiCommand::Redo => "Redo",
            UiCommand::DeleteSpan => "Delete span",
            UiCommand::ClearSelection => "Clear selection",
            UiCommand::ToggleDone => "Mark document done",
            UiCommand::NextDocument => "Next document",
            UiCommand::PreviousDocument => "Previous document",
            UiCommand::ToggleSnapToWords => "Snap selections to words",
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
            UiCommand::SuggestDates => "Suggest dates",
            UiCommand::FindMentions => "Find other mentions of the span",
            UiCommand::FindMentionsInProject => "Find mentions of the span in the project…",
            UiCommand::AcceptSuggestion => "Accept suggestion",
            UiCommand::RejectSuggestion => "Reject suggestion",
            UiCommand::AcceptAllSuggestions => "Accept all suggestions",
            UiCommand::ImportGazetteer => "Add known names (gazetteer)…",
            UiCommand::LinkSource => "Link the claim to its source",
            UiCommand::LinkTarget => "Link the claim to its target",
        }
    }

    /// The keyboard shortcuts; the first is the one menus show.
    pub fn shortcuts(self) -> Vec<KeyboardShortcut> {
        let ctrl = |key| KeyboardShortcut::new(Modifiers::COMMAND, key);
        let plain = |key| KeyboardShortcut::new(Modifiers::NONE, key);
        match self {
            UiCommand::OpenFolder => vec![ctrl(Key::O)],
            UiCommand::Undo => vec![ctrl(Key::Z)],
            UiCommand::Redo => vec![
                KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z),
                ctrl(Key::Y),
            ],
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
            UiCommand::SuggestDates => vec![ctrl(Key::D)],
            UiCommand::FindMentions => vec![ctrl(Key::M)],
            UiCommand::FindMentionsInProject => vec![KeyboardShortcut::new(
                Modifiers::COMMAND | Modifiers::SHIFT,
                Key::M,
            )],
            UiCommand::AcceptSuggestion => vec![plain(Key::Enter)],
            UiCommand::RejectSuggestion => vec![plain(Key::Backspace)],
            UiCommand::AcceptAllSuggestions => vec![KeyboardShortcut::new(
                Modifiers::COMMAND | Modifiers::SHIFT,
                Key::Enter,
            )],
            UiCommand::ImportGazetteer => vec![],
            UiCommand::LinkSource => vec![plain(Key::R)],
            UiCommand::LinkTarget => vec![KeyboardShortcut::new(Modifiers::SHIFT, Key::R)],
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

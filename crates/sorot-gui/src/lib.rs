//! The workbench: an egui front end over the GUI-free core.
//!
//! Terms:
//! - **preferences**: what eframe persists between runs (annotator name,
//!   recent projects, word snapping, theme). Annotations never go there.
//! - **UI command**: an action with a menu entry and keyboard shortcuts
//!   ([`commands::UiCommand`]); menus, shortcuts and tests all go through it.
//! - **text view**: the central, virtualized view of the current document
//!   ([`text_view`]), which paints spans as rectangles under the text.
//! - **error text**: what the workbench shows of an error: its message and
//!   every cause, joined by ": " ([`sorot_core::error_chain`]).

pub mod agreement;
pub mod app;
pub mod commands;
pub mod compare;
pub mod mentions;
pub mod prefs;
pub mod review;
pub mod text_view;
pub mod transfer;
pub mod watch;

use std::path::PathBuf;

pub use app::SorotApp;

/// How the workbench was started from the command line.
#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    pub project: Option<PathBuf>,
    pub annotator: Option<String>,
}

/// Opens the workbench window and runs until it is closed.
pub fn run(options: StartOptions) -> anyhow::Result<()> {
    let native_options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Sorot")
            .with_app_id("sorot")
            .with_inner_size([1280.0, 820.0])
            .with_min_inner_size([720.0, 420.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Sorot",
        native_options,
        Box::new(move |cc| {
            let prefs = cc
                .storage
                .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
                .unwrap_or_default();
            Ok(Box::new(SorotApp::new(prefs, options)))
        }),
    )
    .map_err(|err| {
        anyhow::anyhow!(
            "cannot open the workbench window: {}",
            sorot_core::error_chain(&err)
        )
    })
}

/// Cuts `text` to at most `max` characters, on one line, ending in "…" when cut.
pub(crate) fn ellipsize(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= max {
        flat
    } else {
        let mut cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

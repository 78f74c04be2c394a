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
//!   every cause, joined by ": " ([`error_text`]).

pub mod agreement;
pub mod app;
pub mod commands;
pub mod mentions;
pub mod prefs;
pub mod review;
pub mod text_view;
pub mod transfer;

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
    .map_err(|err| anyhow::anyhow!("cannot open the workbench window: {}", error_text(&err)))
}

/// An error as the workbench shows it: its message, then each cause, joined
/// by ": ". A cause whose text a message before it already holds is not
/// repeated.
pub fn error_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(err) = cause {
        let more = err.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = err.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt;

    /// An error whose message leaves its cause out, as the core's do.
    #[derive(Debug)]
    struct Outer {
        quotes_cause: bool,
        cause: std::io::Error,
    }

    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            if self.quotes_cause {
                write!(f, "seeds/“Kim” 😊.txt: cannot read: {}", self.cause)
            } else {
                write!(f, "seeds/“Kim” 😊.txt: cannot read")
            }
        }
    }

    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.cause)
        }
    }

    #[test]
    fn the_error_text_joins_every_cause_once() {
        let cause = || std::io::Error::other("permission denied");
        let outer = Outer {
            quotes_cause: false,
            cause: cause(),
        };
        assert_eq!(
            error_text(&outer),
            "seeds/“Kim” 😊.txt: cannot read: permission denied"
        );
        let quoting = Outer {
            quotes_cause: true,
            cause: cause(),
        };
        assert_eq!(error_text(&quoting), error_text(&outer));
    }
}

//! A bare eframe window of the workbench's size and options, with one label:
//! the baseline that `benches/startup.sh` measures the workbench's start-up
//! against.

fn main() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("bare window")
            .with_inner_size([1280.0, 820.0]),
        ..Default::default()
    };
    eframe::run_ui_native("bare window", options, |ui, _frame| {
        ui.label("A bare window");
    })
}

//! Port of scenarios/readonly_widget_keys/app.py: read-only keys (R23) of
//! button, form_submit_button and file_uploader, and a form's key written
//! after the form (R22).
use brooklet::prelude::*;

#[page(path = "app.py")]
fn app_py(ui: &Ui<'_>) -> Result<()> {
    #[widget(key = "case")]
    let case = ui
        .radio(
            "case",
            [
                "none",
                "button",
                "form_submit_button",
                "file_uploader",
                "form_key_after",
            ],
        )
        .show()?;
    match case.as_str() {
        "button" => {
            ui.state().set("btn", &true)?;
            #[widget(key = "btn")]
            ui.button("B").show()?;
        }
        "form_submit_button" => {
            ui.state().set("sub", &true)?;
            let f = ui.form("f", false)?;
            #[widget(key = "sub")]
            f.form_submit_button("Submit").show()?;
        }
        "file_uploader" => {
            ui.state().set("up", &None::<UploadedFile>)?;
            #[widget(key = "up")]
            ui.file_uploader("Upload").show()?;
        }
        "form_key_after" => {
            let f = ui.form("myform", false)?;
            #[widget(key = "x")]
            f.text_input("x").show()?;
            f.form_submit_button("Go").show()?;
            ui.state().set("myform", &1)?;
        }
        _ => {}
    }
    ui.text("reached end");
    Ok(())
}

pub fn app() -> App {
    App::new().page(app_py)
}

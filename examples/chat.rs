//! A chat loop whose history lives in session state, as Streamlit's chat
//! tutorial writes it:
//!
//! ```python
//! import streamlit as st
//! st.title("Echo bot")
//! if "messages" not in st.session_state:
//!     st.session_state.messages = []
//! for message in st.session_state.messages:
//!     with st.chat_message(message["role"]):
//!         st.markdown(message["content"])
//! if prompt := st.chat_input("What is up?"):
//!     st.chat_message("user").markdown(prompt)
//!     st.session_state.messages.append({"role": "user", "content": prompt})
//!     response = f"Echo: {prompt}"
//!     with st.chat_message("assistant"):
//!         st.markdown(response)
//!     st.session_state.messages.append({"role": "assistant", "content": response})
//! ```
//!
//! `cargo run --example chat` serves it on http://127.0.0.1:8501/.

use brooklet::prelude::*;
use serde::{Deserialize, Serialize};

/// One message of the history.
#[derive(Clone, Serialize, Deserialize)]
struct Message {
    role: String,
    content: String,
}

#[page(title = "Echo bot")]
fn chat(ui: &Ui<'_>) -> Result<()> {
    ui.title("Echo bot");
    let mut messages: Vec<Message> = ui.state().setdefault("messages", Vec::<Message>::new())?;
    for message in &messages {
        ui.chat_message(&message.role).markdown(&message.content);
    }
    #[widget(key = "prompt")]
    if let Some(prompt) = ui.chat_input("What is up?").show()? {
        ui.chat_message("user").markdown(&prompt);
        let response = format!("Echo: {prompt}");
        ui.chat_message("assistant").markdown(&response);
        messages.push(Message {
            role: "user".into(),
            content: prompt,
        });
        messages.push(Message {
            role: "assistant".into(),
            content: response,
        });
        ui.state().set("messages", &messages)?;
    }
    Ok(())
}

/// The app.
pub fn app() -> App {
    App::new().page(chat)
}

#[allow(dead_code)]
fn main() {
    app().serve();
}

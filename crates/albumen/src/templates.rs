//! Server-side HTML templates (minijinja). The built-in set is compiled in; a `*.html` file of
//! the same name in `server.templates_dir` replaces it. All names end in `.html`, which turns
//! auto-escaping on.

use std::path::Path;

use minijinja::Environment;
use serde::Serialize;

const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("album.html", include_str!("../templates/album.html")),
    ("photo.html", include_str!("../templates/photo.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("share.html", include_str!("../templates/share.html")),
    ("link.html", include_str!("../templates/link.html")),
    (
        "admin/nav.html",
        include_str!("../templates/admin/nav.html"),
    ),
    (
        "admin/overview.html",
        include_str!("../templates/admin/overview.html"),
    ),
    (
        "admin/people.html",
        include_str!("../templates/admin/people.html"),
    ),
    (
        "admin/links.html",
        include_str!("../templates/admin/links.html"),
    ),
    (
        "admin/pick.html",
        include_str!("../templates/admin/pick.html"),
    ),
    (
        "admin/scan.html",
        include_str!("../templates/admin/scan.html"),
    ),
    (
        "admin/access.html",
        include_str!("../templates/admin/access.html"),
    ),
    (
        "admin/access_album.html",
        include_str!("../templates/admin/access_album.html"),
    ),
    (
        "admin/access_macros.html",
        include_str!("../templates/admin/access_macros.html"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("cannot read template {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("template {name} is invalid: {source}")]
    Syntax {
        name: String,
        source: Box<minijinja::Error>,
    },
}

#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Loads and compiles every template now, so a broken override fails at startup.
    pub fn load(overrides: Option<&Path>) -> Result<Self, TemplateError> {
        let mut env = Environment::new();
        env.add_filter("longdate", longdate);
        for (name, builtin) in BUILTIN {
            let source = match overrides.map(|dir| dir.join(name)) {
                Some(path) if path.is_file() => {
                    #[expect(
                        clippy::disallowed_methods,
                        reason = "template overrides are configuration the operator wrote, not media"
                    )]
                    let read = std::fs::read_to_string(&path);
                    read.map_err(|source| TemplateError::Read {
                        path: path.display().to_string(),
                        source,
                    })?
                }
                _ => (*builtin).to_owned(),
            };
            env.add_template_owned(*name, source)
                .map_err(|source| TemplateError::Syntax {
                    name: (*name).to_owned(),
                    source: Box::new(source),
                })?;
        }
        Ok(Self { env })
    }

    pub fn render(&self, name: &str, context: impl Serialize) -> Result<String, minijinja::Error> {
        self.env
            .get_template(name)?
            .render(minijinja::value::Serde(context))
    }
}

/// `2013-01-19` → `19 January 2013`; anything else is shown as it is.
fn longdate(value: String) -> String {
    chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d")
        .map_or(value, |d| d.format("%-d %B %Y").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_compile_and_escape() {
        let templates = Templates::load(None).expect("built-in templates compile");
        let html = templates
            .render(
                "error.html",
                minijinja::context! { status => 404, message => "<script>x</script>", asset_v => "1" },
            )
            .expect("renders");
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>x"));
    }

    /// A template file the binary does not carry would be found only by whoever renders it.
    #[test]
    fn every_template_file_is_built_in() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut dirs = vec![root.clone()];
        let mut files = Vec::new();
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("templates folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    let name = path.strip_prefix(&root).expect("below the root");
                    files.push(name.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        for file in files {
            assert!(
                BUILTIN.iter().any(|(name, _)| *name == file),
                "{file} is not in BUILTIN"
            );
        }
    }

    #[test]
    fn long_dates() {
        assert_eq!(longdate("2013-01-19".to_owned()), "19 January 2013");
        assert_eq!(longdate("someday".to_owned()), "someday");
    }

    #[test]
    fn overrides_replace_builtins_and_broken_ones_fail_loudly() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("error.html"), "custom {{ status }}").expect("write");
        let templates = Templates::load(Some(dir.path())).expect("loads");
        let html = templates
            .render("error.html", minijinja::context! { status => 404 })
            .expect("renders");
        assert_eq!(html, "custom 404");

        std::fs::write(dir.path().join("index.html"), "{% if %}").expect("write");
        let err = Templates::load(Some(dir.path())).expect_err("syntax error");
        assert!(err.to_string().contains("index.html"), "{err}");
    }
}

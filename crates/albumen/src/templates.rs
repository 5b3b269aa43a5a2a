//! Server-side HTML templates (minijinja). The built-in set is compiled in; a `*.html` file of
//! the same name in `server.templates_dir` replaces it. All names end in `.html`, which turns
//! auto-escaping on.

use std::path::Path;

use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, Error, State};
use serde::Serialize;

use crate::i18n::Lang;

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
        env.add_filter("longdatetime", longdatetime);
        env.add_filter("filesize", filesize);
        env.add_function("t", translate);
        env.add_function("tn", translate_count);
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

/// The page's language: `lang` in its context (`render` puts it there), else English.
fn lang(state: &State<'_, '_>) -> Lang {
    match state.lookup("lang").as_ref().and_then(Value::as_str) {
        Some("fr") => Lang::Fr,
        _ => Lang::En,
    }
}

/// `t("Shared by {name}", name=…)`: the message in the page's language, each `{key}` replaced
/// by its argument (escaped with the rest when the page writes it).
#[expect(
    clippy::needless_pass_by_value,
    reason = "minijinja hands keyword arguments over by value"
)]
fn translate(state: &State<'_, '_>, message: &str, args: Kwargs) -> Result<String, Error> {
    let mut text = lang(state).translate(message).to_owned();
    for key in args.args() {
        let value: Value = args.get(key)?;
        text = text.replace(&format!("{{{key}}}"), &value.to_string());
    }
    args.assert_all_used()?;
    Ok(text)
}

/// `tn("{n} photo", "{n} photos", count)`: the form the language uses for `count`, with `{n}`
/// (and any other `{key}`) filled in.
fn translate_count(
    state: &State<'_, '_>,
    one: &str,
    other: &str,
    count: i64,
    args: Kwargs,
) -> Result<String, Error> {
    let form = if lang(state).singular(count) {
        one
    } else {
        other
    };
    Ok(translate(state, form, args)?.replace("{n}", &count.to_string()))
}

/// `2013-01-19` → `19 January 2013` (or `19 janvier 2013`); anything else is shown as it is.
fn longdate(state: &State<'_, '_>, value: String) -> String {
    chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d")
        .map_or(value, |d| lang(state).long_date(d))
}

/// `2013-01-19T19:12:43` → `19 January 2013, 19:12`; anything else is shown as it is.
fn longdatetime(state: &State<'_, '_>, value: String) -> String {
    chrono::NaiveDateTime::parse_from_str(&value, "%Y-%m-%dT%H:%M:%S")
        .map_or(value, |d| lang(state).long_datetime(d))
}

/// Bytes as people read them: `512 bytes`, `8.6 MB`, `1.2 GB` (decimal units, as file managers
/// and cameras count).
fn filesize(bytes: i64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    #[expect(clippy::cast_precision_loss, reason = "one decimal is shown")]
    let mut size = bytes as f64 / 1000.0;
    let mut unit = 0;
    while size >= 999.95 && unit + 1 < UNITS.len() {
        size /= 1000.0;
        unit += 1;
    }
    format!("{size:.1} {}", UNITS[unit])
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
    fn dates_counts_and_messages_follow_the_pages_language() {
        let mut env = Environment::new();
        env.add_filter("longdate", longdate);
        env.add_filter("longdatetime", longdatetime);
        env.add_function("t", translate);
        env.add_function("tn", translate_count);
        let source = "{{ '2013-01-19'|longdate }}|{{ 'someday'|longdate }}|\
            {{ '2013-01-19T19:12:43'|longdatetime }}|{{ t('Log in') }}|\
            {{ tn('{n} photo', '{n} photos', count) }}|{{ t('Shared by {name}', name=who) }}";
        env.add_template("t.html", source).expect("compiles");
        let render = |lang: &str, count: i64| {
            env.get_template("t.html")
                .expect("added")
                .render(minijinja::context! { lang, count, who => "<Ann>" })
                .expect("renders")
        };
        assert_eq!(
            render("en", 0),
            "19 January 2013|someday|19 January 2013, 19:12|Log in|0 photos|Shared by &lt;Ann&gt;"
        );
        assert_eq!(
            render("fr", 0),
            "19 janvier 2013|someday|19 janvier 2013 à 19:12|Se connecter|0 photo|Partagé par &lt;Ann&gt;"
        );
        assert_eq!(render("fr", 2).split('|').nth(4), Some("2 photos"));
    }

    #[test]
    fn file_sizes_read_as_people_count() {
        assert_eq!(filesize(512), "512 bytes");
        assert_eq!(filesize(8_612_345), "8.6 MB");
        assert_eq!(filesize(999_999), "1.0 MB");
        assert_eq!(filesize(1_200_000_000), "1.2 GB");
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

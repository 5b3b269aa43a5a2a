//! Handing an authorized original to the front server: `X-Accel-Redirect` (nginx) or
//! `X-Sendfile` (Apache mod_xsendfile, lighttpd). Called only with a path storage released
//! for a download grant; the header names the file, the front server sends the bytes.

use std::path::Path;

use axum::http::HeaderValue;

/// The URI nginx serves from its `internal` location: the prefix and the library-relative
/// path, every byte but unreserved ones percent-encoded. nginx decodes it back to the exact
/// on-disk bytes (NFD or not even UTF-8), and `?`, `#`, `%`, `+` or a space cannot change its
/// meaning on the way.
pub(super) fn x_accel_redirect(prefix: &str, relative: &Path) -> HeaderValue {
    let mut uri = String::with_capacity(prefix.len() + relative.as_os_str().len() * 3);
    uri.push_str(prefix);
    encode_path(&mut uri, &path_bytes(relative));
    // Only ASCII went in.
    HeaderValue::from_str(&uri).unwrap_or_else(|_| HeaderValue::from_static("/"))
}

/// `X-Sendfile`: the absolute path, percent-encoded (mod_xsendfile decodes it by default), so
/// a control character in a file name cannot break the header.
pub(super) fn x_sendfile(absolute: &Path) -> HeaderValue {
    let mut value = String::new();
    encode_path(&mut value, &path_bytes(absolute));
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("/"))
}

fn encode_path(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0F)]));
        }
    }
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    std::borrow::Cow::Borrowed(path.as_os_str().as_bytes())
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    std::borrow::Cow::Owned(path.to_string_lossy().replace('\\', "/").into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_special_byte_is_encoded() {
        let value = x_accel_redirect(
            "/_albumen_internal/",
            Path::new("2020 Été/a%b?c#d+e f~g.JPG"),
        );
        assert_eq!(
            value.to_str().unwrap_or_default(),
            "/_albumen_internal/2020%20%C3%89t%C3%A9/a%25b%3Fc%23d%2Be%20f~g.JPG"
        );
    }

    #[cfg(unix)]
    #[test]
    fn exact_disk_bytes_are_kept() {
        use std::os::unix::ffi::OsStrExt;
        // NFD "é" and a byte that is not UTF-8 at all.
        let raw = Path::new(std::ffi::OsStr::from_bytes(b"A/e\xcc\x81\xff\n.jpg"));
        assert_eq!(
            x_accel_redirect("/p/", raw).to_str().unwrap_or_default(),
            "/p/A/e%CC%81%FF%0A.jpg"
        );
        assert_eq!(
            x_sendfile(&Path::new("/srv/lib").join(raw))
                .to_str()
                .unwrap_or_default(),
            "/srv/lib/A/e%CC%81%FF%0A.jpg"
        );
    }
}

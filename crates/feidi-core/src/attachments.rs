//! Files attached to an appeal (photos of the problem, a permit, the handler's proof of the
//! fix): which files are taken, under which name, and who may attach them.
//!
//! A file's type is read from its first bytes, never from the name or the type the browser
//! claims, so that nothing a browser would run (HTML, SVG, script) is ever stored as an
//! image and served back.

use crate::FieldErrors;
use crate::input::Flaw;

/// The largest file taken: a phone's photo at full size, or a scanned document.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The longest name kept.
const NAME_MAX: usize = 200;

/// The kinds of file taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

impl FileKind {
    /// The kind the bytes are, by their signature; none for anything else.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(Self::Png)
        } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else if bytes.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Pdf => "application/pdf",
        }
    }

    pub fn from_content_type(text: &str) -> Option<Self> {
        [Self::Jpeg, Self::Png, Self::Webp, Self::Pdf]
            .into_iter()
            .find(|k| k.content_type() == text)
    }

    /// Images are shown in the page; anything else is downloaded.
    pub fn is_image(self) -> bool {
        !matches!(self, Self::Pdf)
    }

    fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Pdf => "pdf",
        }
    }
}

/// A file as it will be kept: its checked kind and a safe name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    pub kind: FileKind,
    pub name: String,
}

/// Checks an uploaded file: not empty, at most [`MAX_BYTES`], a JPEG, PNG, WebP or PDF by its
/// bytes. Errors name the field `file`.
pub fn check(name: &str, bytes: &[u8]) -> Result<CheckedFile, FieldErrors> {
    if bytes.is_empty() {
        return Err(FieldErrors::one("file", Flaw::Required));
    }
    if bytes.len() > MAX_BYTES {
        return Err(FieldErrors::one(
            "file",
            Flaw::Rule("文件不能超过 10 MB", "must be at most 10 MB"),
        ));
    }
    let Some(kind) = FileKind::sniff(bytes) else {
        return Err(FieldErrors::one(
            "file",
            Flaw::Rule(
                "只接受照片（JPEG、PNG、WebP）和 PDF 文件",
                "must be a photo (JPEG, PNG or WebP) or a PDF",
            ),
        ));
    };
    Ok(CheckedFile {
        kind,
        name: safe_name(name, kind),
    })
}

/// The name without any folder a browser sent, control or direction characters, or more
/// than [`NAME_MAX`] characters; a name that is left empty becomes `附件.jpg` and so on.
pub fn safe_name(name: &str, kind: FileKind) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_direction_mark(*c) && !matches!(c, '"' | '<' | '>'))
        .take(NAME_MAX)
        .collect();
    let clean = clean.trim().trim_start_matches('.').to_string();
    if clean.is_empty() {
        format!("附件.{}", kind.extension())
    } else {
        clean
    }
}

/// Characters that turn text right to left or hide it: in a file name they would make
/// `photo\u{202e}gpj.exe` read as `photoexe.jpg`.
fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];

    #[test]
    fn files_are_known_by_their_bytes_not_their_names() {
        assert_eq!(check("x.png", PNG).map(|f| f.kind), Ok(FileKind::Png));
        assert_eq!(
            check("scan.pdf", b"%PDF-1.7\n").map(|f| f.kind),
            Ok(FileKind::Pdf)
        );
        assert_eq!(
            check("IMG_0001.HEIC", &[0xFF, 0xD8, 0xFF, 0xE0]).map(|f| f.kind),
            Ok(FileKind::Jpeg)
        );
        assert_eq!(
            check("a.webp", b"RIFF\x10\0\0\0WEBPVP8 ").map(|f| f.kind),
            Ok(FileKind::Webp)
        );
        for (name, bytes) in [
            ("photo.png", &b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"[..]),
            ("page.jpg", b"<html><script>alert(1)</script>"),
            ("notes.pdf", b"just text"),
            ("a.webp", b"RIFF\x10\0\0\0WAVE"),
        ] {
            let err = check(name, bytes).expect_err(name);
            assert!(err.message_for("file", crate::Lang::Zh).is_some(), "{name}");
        }
        assert_eq!(
            check("empty.png", b"")
                .expect_err("empty")
                .message_for("file", crate::Lang::En),
            Some("is required".into())
        );
    }

    #[test]
    fn a_file_over_ten_megabytes_is_refused() {
        let mut big = PNG.to_vec();
        big.resize(MAX_BYTES, 0);
        assert!(check("big.png", &big).is_ok());
        big.push(0);
        let err = check("big.png", &big).expect_err("too big");
        assert_eq!(
            err.message_for("file", crate::Lang::En),
            Some("must be at most 10 MB".into())
        );
    }

    #[test]
    fn names_keep_no_folders_controls_or_direction_marks() {
        assert_eq!(
            safe_name("C:\\Users\\li\\现场照片.jpg", FileKind::Jpeg),
            "现场照片.jpg"
        );
        assert_eq!(safe_name("../../etc/passwd", FileKind::Pdf), "passwd");
        assert_eq!(safe_name("photo\u{202e}gpj.exe", FileKind::Jpeg), "photogpj.exe");
        assert_eq!(safe_name("a\0b\r\n.png", FileKind::Png), "ab.png");
        assert_eq!(safe_name("", FileKind::Png), "附件.png");
        assert_eq!(safe_name("/", FileKind::Pdf), "附件.pdf");
        assert_eq!(safe_name(".hidden", FileKind::Pdf), "hidden");
        assert_eq!(
            safe_name(&"长".repeat(10_000), FileKind::Pdf).chars().count(),
            200
        );
    }
}

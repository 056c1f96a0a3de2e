//! The checkpoint as a QR code, drawn as inline SVG: a resident scans it from the screen or from
//! the printed notice and compares it with the checkpoint they downloaded.

use qrcode::{Color, EcLevel, QrCode};
use std::fmt::Write as _;

/// Modules of light margin around the code, as the QR standard asks.
const QUIET_ZONE_MODULES: usize = 4;

/// The QR code of `text` (error correction level M) as an `<svg id="qr" role="img">` labelled
/// `label`; `None` if the text is too long for a QR code.
pub fn qr_svg(text: &str, label: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * QUIET_ZONE_MODULES;
    let mut path = String::with_capacity(width * width);
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] != Color::Dark {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && row[x] == Color::Dark {
                x += 1;
            }
            let _ = write!(
                path,
                "M{} {}h{}v1h-{}z",
                start + QUIET_ZONE_MODULES,
                y + QUIET_ZONE_MODULES,
                x - start,
                x - start
            );
        }
    }
    let label = label
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    Some(format!(
        r##"<svg id="qr" role="img" aria-label="{label}" viewBox="0 0 {size} {size}" xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges"><path fill="#fff" d="M0 0h{size}v{size}H0z"/><path fill="#000" d="{path}"/></svg>"##
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_fits_and_is_labelled() {
        let note = "gongzhang.example/xingfuli\n11000\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n— gongzhang.example/xingfuli Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";
        let svg = qr_svg(note, "检查点 \"11000\"").unwrap_or_else(|| panic!("too long"));
        assert!(
            svg.starts_with(r#"<svg id="qr" role="img" aria-label="检查点 &quot;11000&quot;""#)
        );
        assert!(
            svg.contains("fill=\"#000\" d=\"M4 4h7v1h-7z"),
            "finder pattern"
        );
        assert!(qr_svg(&"x".repeat(4000), "too long").is_none());
    }
}

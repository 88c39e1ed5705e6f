//! PostgreSQL's binary NUMERIC: base-10000 digits with a weight, a sign and a display scale,
//! to and from the exact decimal text `Value::Decimal` carries.

const POSITIVE: u16 = 0x0000;
const NEGATIVE: u16 = 0x4000;
const NAN: u16 = 0xC000;
const PLUS_INFINITY: u16 = 0xD000;
const MINUS_INFINITY: u16 = 0xF000;

/// Decimal text (`-12.3400`, `5`, `.5`, `NaN`, `Infinity`) as NUMERIC's binary form; None when the
/// text is not a plain decimal number.
pub fn encode(text: &str) -> Option<Vec<u8>> {
    let special = match text {
        "NaN" => Some(NAN),
        "Infinity" | "+Infinity" => Some(PLUS_INFINITY),
        "-Infinity" => Some(MINUS_INFINITY),
        _ => None,
    };
    if let Some(sign) = special {
        return Some(header(0, 0, sign, 0));
    }
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let dscale = u16::try_from(frac.len()).ok()?;
    let int = int.trim_start_matches('0');
    // Pad the integer part on the left and the fraction on the right to whole base-10000 groups.
    let lead = (4 - int.len() % 4) % 4;
    let tail = (4 - frac.len() % 4) % 4;
    let mut digits_text = String::with_capacity(lead + int.len() + frac.len() + tail);
    digits_text.extend(std::iter::repeat_n('0', lead));
    digits_text.push_str(int);
    digits_text.push_str(frac);
    digits_text.extend(std::iter::repeat_n('0', tail));
    let mut groups: Vec<i16> = digits_text
        .as_bytes()
        .chunks(4)
        .map(|c| c.iter().fold(0i16, |acc, d| acc * 10 + i16::from(d - b'0')))
        .collect();
    let mut weight = i16::try_from((lead + int.len()) / 4).ok()? - 1;
    // Leading zero groups lower the weight; trailing ones are implied by the scale.
    let leading = groups.iter().take_while(|g| **g == 0).count();
    groups.drain(..leading);
    weight -= i16::try_from(leading).ok()?;
    while groups.last() == Some(&0) {
        groups.pop();
    }
    if groups.is_empty() {
        weight = 0;
    }
    let sign = if negative && !groups.is_empty() {
        NEGATIVE
    } else {
        POSITIVE
    };
    let mut out = header(groups.len(), weight, sign, dscale);
    for g in groups {
        out.extend_from_slice(&g.to_be_bytes());
    }
    Some(out)
}

fn header(ndigits: usize, weight: i16, sign: u16, dscale: u16) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + ndigits * 2);
    out.extend_from_slice(&(ndigits as u16).to_be_bytes());
    out.extend_from_slice(&weight.to_be_bytes());
    out.extend_from_slice(&sign.to_be_bytes());
    out.extend_from_slice(&dscale.to_be_bytes());
    out
}

/// NUMERIC's binary form as decimal text with exactly its display scale of fractional digits.
pub fn decode(buf: &[u8]) -> Option<String> {
    let word =
        |i: usize| -> Option<u16> { buf.get(i..i + 2).map(|b| u16::from_be_bytes([b[0], b[1]])) };
    let ndigits = usize::from(word(0)?);
    let weight = i32::from(word(2)? as i16);
    let sign = word(4)?;
    let dscale = usize::from(word(6)?);
    match sign {
        NAN => return Some("NaN".into()),
        PLUS_INFINITY => return Some("Infinity".into()),
        MINUS_INFINITY => return Some("-Infinity".into()),
        _ => {}
    }
    let groups: Vec<u16> = (0..ndigits)
        .map(|i| word(8 + i * 2))
        .collect::<Option<_>>()?;
    let group = |pos: i32| -> u16 {
        // Group `pos` counts from the most significant (weight) down; absent groups are zero.
        usize::try_from(weight - pos)
            .ok()
            .and_then(|i| groups.get(i).copied())
            .unwrap_or(0)
    };
    let mut out = String::new();
    if sign == NEGATIVE {
        out.push('-');
    }
    if weight < 0 {
        out.push('0');
    } else {
        for pos in (0..=weight).rev() {
            let g = group(pos);
            if pos == weight {
                out.push_str(&g.to_string());
            } else {
                out.push_str(&format!("{g:04}"));
            }
        }
    }
    if dscale > 0 {
        out.push('.');
        let mut frac = String::with_capacity(dscale + 4);
        let mut pos = -1;
        while frac.len() < dscale {
            frac.push_str(&format!("{:04}", group(pos)));
            pos -= 1;
        }
        frac.truncate(dscale);
        out.push_str(&frac);
    }
    Some(out)
}

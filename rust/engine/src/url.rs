//! Database URLs in every spelling SQLAlchemy documents: `dialect[+driver]://user:pass@host:port/db?k=v`.

use std::fmt;

use crate::error::{EngineError, ErrorKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    pub drivername: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    pub query: Vec<(String, String)>,
}

fn pct_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `user` and `password`, still percent-escaped.
type UserInfo<'a> = Option<(&'a str, Option<&'a str>)>;

/// Splits `user[:password]@` off the text after `://` as SQLAlchemy's URL pattern does: the user
/// runs to the first ':' or '/', the password from there to the next '@' (so it may hold '/');
/// without a password, the user ends at the last '@' before that ':' or '/'.
fn split_userinfo(rest: &str) -> (UserInfo<'_>, &str) {
    let run = rest.find([':', '/']).unwrap_or(rest.len());
    if let Some(after_colon) = rest[run..].strip_prefix(':') {
        if let Some((password, tail)) = after_colon.split_once('@') {
            return (Some((&rest[..run], Some(password))), tail);
        }
    }
    match rest[..run].rfind('@') {
        Some(at) => (Some((&rest[..at], None)), &rest[at + 1..]),
        None => (None, rest),
    }
}

impl Url {
    pub fn parse(s: &str) -> Result<Url, EngineError> {
        let bad = || {
            EngineError::new(
                ErrorKind::Argument,
                "Could not parse SQLAlchemy URL from given URL string",
            )
        };
        let (scheme, rest) = s.split_once("://").ok_or_else(bad)?;
        let scheme_ok = !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '_' || c == '-');
        if !scheme_ok {
            return Err(bad());
        }
        let (userinfo, rest) = split_userinfo(rest);
        let (before_query, query_str) = match rest.split_once('?') {
            Some((a, b)) => (a, Some(b)),
            None => (rest, None),
        };
        let (hostport, database) = match before_query.split_once('/') {
            Some((n, d)) => (
                n,
                if d.is_empty() {
                    None
                } else {
                    Some(d.to_string())
                },
            ),
            None => (before_query, None),
        };
        let (username, password) = match userinfo {
            Some((n, p)) => (Some(pct_decode(n)), p.map(pct_decode)),
            None => (None, None),
        };
        let (host, port) = if let Some(stripped) = hostport.strip_prefix('[') {
            // [ipv6]:port
            let (h, after) = stripped.split_once(']').ok_or_else(bad)?;
            let port = match after.strip_prefix(':') {
                Some(p) => Some(p.parse::<u16>().map_err(|_| bad())?),
                None => None,
            };
            (Some(h.to_string()), port)
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (
                    if h.is_empty() {
                        None
                    } else {
                        Some(h.to_string())
                    },
                    Some(p.parse::<u16>().map_err(|_| bad())?),
                ),
                None => (
                    if hostport.is_empty() {
                        None
                    } else {
                        Some(hostport.to_string())
                    },
                    None,
                ),
            }
        };
        let mut query = Vec::new();
        if let Some(q) = query_str {
            for pair in q.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                query.push((pct_decode(k), pct_decode(v)));
            }
        }
        Ok(Url {
            drivername: scheme.to_string(),
            username,
            password,
            host,
            port,
            database: database.map(|d| pct_decode(&d)),
            query,
        })
    }

    /// `postgresql` for `postgresql+asyncpg`.
    pub fn backend_name(&self) -> &str {
        self.drivername
            .split_once('+')
            .map(|(b, _)| b)
            .unwrap_or(&self.drivername)
    }

    pub fn driver(&self) -> Option<&str> {
        self.drivername.split_once('+').map(|(_, d)| d)
    }

    /// The URL as text; the password appears as `***` unless `hide_password` is false.
    pub fn render(&self, hide_password: bool) -> String {
        let mut s = format!("{}://", self.drivername);
        if let Some(u) = &self.username {
            s.push_str(&pct_encode(u));
            if let Some(p) = &self.password {
                s.push(':');
                if hide_password {
                    s.push_str("***");
                } else {
                    s.push_str(&pct_encode(p));
                }
            }
            s.push('@');
        }
        if let Some(h) = &self.host {
            if h.contains(':') {
                s.push_str(&format!("[{h}]"));
            } else {
                s.push_str(h);
            }
        }
        if let Some(p) = self.port {
            s.push_str(&format!(":{p}"));
        }
        if let Some(d) = &self.database {
            s.push('/');
            s.push_str(d);
        }
        if !self.query.is_empty() {
            s.push('?');
            let q: Vec<String> = self.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            s.push_str(&q.join("&"));
        }
        s
    }
}

fn pct_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(true))
    }
}

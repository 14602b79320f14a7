//! Which TCP addresses a process listens on, read from /proc so no `ss` or `netstat` is needed.

use std::collections::HashSet;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Listening TCP sockets held by process `pid` (IPv4 and IPv6).
pub fn listening_addresses(pid: u32) -> io::Result<Vec<SocketAddr>> {
    let mut inodes = HashSet::new();
    for entry in std::fs::read_dir(format!("/proc/{pid}/fd"))? {
        let target = std::fs::read_link(entry?.path())?;
        let target = target.to_string_lossy();
        if let Some(inode) = target
            .strip_prefix("socket:[")
            .and_then(|rest| rest.strip_suffix(']'))
            .and_then(|inode| inode.parse::<u64>().ok())
        {
            inodes.insert(inode);
        }
    }
    let mut addresses = Vec::new();
    // The process's own network namespace, in case it differs from ours.
    for table in ["tcp", "tcp6"] {
        let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/net/{table}")) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // Columns: sl local rem state queues timer retransmits uid timeout inode …; 0A is LISTEN.
            let (Some(local), Some(&"0A"), Some(inode)) =
                (fields.get(1), fields.get(3), fields.get(9))
            else {
                continue;
            };
            if inode
                .parse::<u64>()
                .is_ok_and(|inode| inodes.contains(&inode))
                && let Some(address) = parse_local(local)
            {
                addresses.push(address);
            }
        }
    }
    Ok(addresses)
}

/// `0100007F:D6D8` → 127.0.0.1:55000. The kernel prints each 32-bit word of the address in host
/// byte order and the port as a plain number.
fn parse_local(text: &str) -> Option<SocketAddr> {
    let (address, port) = text.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let mut bytes = Vec::with_capacity(16);
    for chunk in address.as_bytes().chunks(8) {
        let word = u32::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
        bytes.extend(word.to_ne_bytes());
    }
    let ip = match bytes.len() {
        4 => IpAddr::V4(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3])),
        16 => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?)),
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

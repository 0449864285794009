"""Rules shared by several platforms. Platform modules concatenate these tuples, never copy them.

Secret rules follow the lists Oxidized's models use (ios.rb, eos.rb, junos.rb, vrp.rb, comware.rb):
each keeps the keyword and any trailing options and replaces only the secret with ``<removed>``.
"""

from __future__ import annotations

from confvault.platforms.spec import REMOVED, Dialogue, LineRule, mask

# A quoted value ("a b c") or one bare word.
VALUE = r'(?:"[^"]*"|\S+)'

# Everywhere: credentials inside URLs (Junos archive-sites, IOS archive path, RouterOS fetch).
URL_CREDENTIALS: tuple[LineRule, ...] = (mask(r"(\w://[^/:@\s\"]+):[^@\s\"]+@", rf"\1:{REMOVED}@"),)

# Cisco-style CLIs (IOS, IOS-XE, IOS-XR, NX-OS, EOS).
CISCO_STYLE_SECRETS: tuple[LineRule, ...] = (
    *URL_CREDENTIALS,
    # enable secret 9 $9$... / enable password sha512 $6$... / enable password cisco
    mask(r"^(enable (?:secret|password)(?: level \d+)?(?: (?:\d+|sha512))?) \S+", rf"\1 {REMOVED}"),
    # username admin privilege 15 secret 9 $9$... / username admin password 5 $5$...  role x,
    # also after a keyword: 'dot1x username U password 0 X', 'mgmtuser username U password 0 X
    # secret 0 Y' (IOS-XE wireless AP profile: both values on one line, one rule each)
    mask(r"\b(username \S+ (?:.*? )?password(?: (?:\d+|sha512))?) \S+", rf"\1 {REMOVED}"),
    mask(r"\b(username \S+ (?:.*? )?secret(?: (?:\d+|sha512))?) \S+", rf"\1 {REMOVED}"),
    # EOS 'aaa root secret sha512 $6$...'
    mask(r"^(aaa root secret(?: (?:\d+|sha512))?) \S+", rf"\1 {REMOVED}"),
    # ' password 7 HEX' under line vty, ' secret 10 $6$...' under an XR username,
    # '   password encrypted HEX' under an XR BGP neighbor
    mask(r"^(\s+(?:secret|password)(?: \d+| encrypted)?) \S+", rf"\1 {REMOVED}"),
    mask(r"^(snmp-server community) \S+", rf"\1 {REMOVED}"),
    # snmp-server host 10.0.0.1 [traps|informs] [version 1|2c] COMMUNITY [udp-port n]; with
    # 'version 3 auth|noauth|priv' the word after is the SNMPv3 user name, not a secret
    mask(
        r"^(snmp-server host \S+(?: vrf \S+)?(?: (?:traps|informs))?"
        r"(?: version (?:1|2c))?) (?!(?:version|traps|informs|vrf)\b)\S+",
        rf"\1 {REMOVED}",
    ),
    # auth md5|sha [7|encrypted|clear] KEY, priv des|aes 128 [encrypted] KEY (IOS, NX-OS, XR, EOS)
    mask(
        r"^(snmp-server user .*?\bauth (?:md5|sha\S*)(?: \d+| encrypted| clear)?) \S+",
        rf"\1 {REMOVED}",
    ),
    mask(
        r"^(snmp-server user .*?\bpriv(?: (?:des|3des|aes(?:-?\d+)?))?(?: \d+)?"
        r"(?: encrypted| clear)?) (?!<)\S+",
        rf"\1 {REMOVED}",
    ),
    # tacacs-server key 7 HEX / radius-server host X key 7 HEX / tacacs-server key 7 "KEY"
    mask(rf"^(\s*(?:tacacs|radius)-server\b.*?\bkey(?: \d+)?) {VALUE}", rf"\1 {REMOVED}"),
    # ' key 7 HEX' inside 'tacacs server X' / 'radius server X' blocks; 'key 1' in a key chain
    # (a key id without a value) is left alone.
    mask(rf"^(\s+key [067]) {VALUE}", rf"\1 {REMOVED}"),
    # 'key-string 7 X'; XR 'key-string password 7 X' / 'key-string clear X'
    mask(r"^(\s*key-string(?: (?:password|clear|encrypted))?(?: \d+)?) \S+", rf"\1 {REMOVED}"),
    mask(r"^(\s*neighbor \S+ password(?: \d+)?) \S+", rf"\1 {REMOVED}"),
    # ip ospf message-digest-key 1 md5 7 HEX / XR ' message-digest-key 1 md5 encrypted HEX' /
    # EOS ' ip ospf message-digest-key 1 sha256 7 HEX'
    mask(
        r"^(\s*(?:ip ospf )?(?:message-digest-key \d+ (?:md5|sha\d*)|authentication-key)"
        r"(?: \d+| encrypted)?) \S+",
        rf"\1 {REMOVED}",
    ),
    # HSRP, VRRP, GLBP: 'standby 1 authentication md5 key-string 7 X', 'vrrp 1 authentication
    # text X', NX-OS HSRP block ' authentication md5 key-string X'
    mask(
        r"^(\s*(?:(?:standby|vrrp|glbp)(?: \d+)? )?authentication"
        r"(?: (?:md5|ietf-md5) key-string| text)(?: \d+)?) \S+",
        rf"\1 {REMOVED}",
    ),
    mask(r"^(\s*standby(?: \d+)? authentication) (?!md5\b|text\b|<)\S+", rf"\1 {REMOVED}"),
    mask(r"^(\s*crypto isakmp key(?: \d+)?) \S+", rf"\1 {REMOVED}"),
    mask(
        r"^(\s*pre-shared-key(?: (?:local|remote))?(?: \d+)?) (?!address\b)\S+",
        rf"\1 {REMOVED}",
    ),
    # keyring ' pre-shared-key address 192.0.2.1 [mask] key [0|6] X'
    mask(r"^(\s*pre-shared-key address \S+(?: \S+)? key(?: \d+)?) \S+", rf"\1 {REMOVED}"),
    # IOS-XE: ' client 10.0.0.5 server-key 7 X' (dynamic-author), 'aaa pod server server-key X'
    mask(r"\b(server-key(?: \d+)?) \S+", rf"\1 {REMOVED}"),
    # ' server-private 10.0.0.1 auth-port 1812 key 7 X' in an 'aaa group server' block
    mask(r"^(\s*server-private \S+ (?:.*? )?key(?: \d+)?) \S+", rf"\1 {REMOVED}"),
    # ' pac key 7 X' in a 'radius server' block (TrustSec)
    mask(r"^(\s*pac key(?: \d+)?) \S+", rf"\1 {REMOVED}"),
    # IOS-XE WLAN ' security wpa psk set-key ascii|hex 0|8 X'; autonomous AP ' wpa-psk ascii 7 X'
    mask(r"^(\s*security wpa psk set-key (?:ascii|hex)(?: \d+)?) \S+", rf"\1 {REMOVED}"),
    mask(r"^(\s*wpa-psk (?:ascii|hex)(?: \d+)?) \S+", rf"\1 {REMOVED}"),
    # 'ntp authentication-key 1 md5 X 7'
    mask(r"^(ntp authentication-key \d+ (?:md5|sha\d*|cmac-aes-128)) \S+", rf"\1 {REMOVED}"),
    # ' ppp chap password 7 X', ' ppp pap sent-username U password 0 X'
    mask(r"^(\s*ppp chap password(?: \d+)?) \S+", rf"\1 {REMOVED}"),
    # IS-IS: ' isis password X', ' area-password X', ' domain-password X',
    # EOS ' isis authentication key 7 X' / ' authentication key 7 X' under router isis
    mask(r"^(\s*(?:isis password|area-password|domain-password)) \S+", rf"\1 {REMOVED}"),
    mask(r"^(\s*(?:isis )?authentication key(?: \d+)?) \S+", rf"\1 {REMOVED}"),
    # ' ip nhrp authentication X' (DMVPN); 'ip ftp password 7 X'; 'ip http client password 0 X'
    mask(r"^(\s*ip nhrp authentication) \S+", rf"\1 {REMOVED}"),
    mask(r"^(\s*ip (?:ftp|http client) password(?: \d+)?) \S+", rf"\1 {REMOVED}"),
    # ' l2tp tunnel password 7 X' (VPDN group)
    mask(r"^(\s*l2tp tunnel password(?: \d+)?) \S+", rf"\1 {REMOVED}"),
)

# Huawei VRP and HPE/H3C Comware share their cipher-text notations.
VRP_FAMILY_SECRETS: tuple[LineRule, ...] = (
    *URL_CREDENTIALS,
    # VRP reversible cipher blobs: %^%#...%^%# (current), %@%@...%@%@ and %$%$...%$%$ (older)
    mask(r"%\^%#.*?%\^%#|%@%@.*?%@%@|%\$%\$.*?%\$%\$", REMOVED),
    # irreversible-cipher $1c$...$ (VRP), cipher $c$3$... and hash $h$6$... (Comware)
    mask(r"\b((?:irreversible-)?cipher|hash) \$\S+", rf"\1 {REMOVED}"),
    # older VRP cipher text of any shape after a secret's keyword: 'password cipher N`TQ+R9...'
    mask(
        r"\b((?:password|shared-key|key(?: (?:authentication|accounting))?|pre-shared-key"
        r"|community (?:read|write)|super password(?: level \d+| role \S+)?) "
        r"(?:irreversible-)?cipher) (?!<)\S+",
        rf"\1 {REMOVED}",
    ),
    # Comware 'snmp-agent usm-user v3 U G cipher authentication-mode sha $c$3$X
    # privacy-mode aes128 $c$3$Y' (the keys follow the algorithm, no keyword of their own)
    mask(r"\b((?:authentication|privacy)-mode \S+(?: cipher| simple)?) \$\S+", rf"\1 {REMOVED}"),
    # password simple PLAIN / snmp-agent community read simple public / key authentication simple x
    mask(
        r"\b((?:password|key(?: (?:authentication|accounting))?|community (?:read|write)"
        r"|pass-phrase|shared-key|pre-shared-key) simple) \S+",
        rf"\1 {REMOVED}",
    ),
    # snmp-agent community read public (no cipher keyword: a plain community name)
    mask(r"^(\s*snmp-agent community (?:read|write)) (?!cipher\b|simple\b|<)\S+", rf"\1 {REMOVED}"),
)

# What Cisco-style CLIs answer to a command they refuse (each platform adds its own variant).
CISCO_STYLE_ERRORS: tuple[str, ...] = (
    r"^% Incomplete command\.?$",
    r"^% Ambiguous command:",
    r"^% Permission denied",
    r"^% Authorization failed",
    # AAA command authorisation refusing a command (IOS; EOS adds its own form)
    r"^Command authorization failed\.?$",
)

# Config lines that are volatile on every Cisco-style device: the NTP clock period drifts.
# Anchored to the whole line so that no other 'ntp' command is touched.
NTP_CLOCK_PERIOD = r"^ntp clock-period \d+$"


# Session dialogues. Prompts are matched whole against the last line of output: a hostname of
# letters, digits and ``- _ . : /``, a mode in parentheses, then the terminator.
_CISCO_PROMPT = r"[\w.\-:/()@]{1,100}[>#]"
_CISCO_SETUP = ("terminal width 511", "terminal length 0")  # what netmiko sends, in its order
_CISCO_PAGER = r"--More--"
CISCO_DIALOGUE = Dialogue(prompt=_CISCO_PROMPT, setup=_CISCO_SETUP, pager=_CISCO_PAGER)
# IOS and EOS log in at '>' and need 'enable' for the running configuration.
CISCO_ENABLE_DIALOGUE = Dialogue(
    prompt=_CISCO_PROMPT,
    privileged_prompt=r"[\w.\-:/()@]{1,100}#",
    setup=_CISCO_SETUP,
    pager=_CISCO_PAGER,
)
# '<R1>' in user view, '[R1]' / '[~R1]' / '[*R1]' in system view (VRP 8); a sysname may hold spaces.
VRP_FAMILY_PROMPT = r"[<\[][~*]?[^<>\[\]\s][^<>\[\]\n]{0,99}[>\]]"
VRP_FAMILY_PAGER = r"---- More ----"

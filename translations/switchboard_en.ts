<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>PushTarget</name>
    <message>
        <source>a non-empty string is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>at most 1024 characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a PushSubscription object is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>base64url of an uncompressed P-256 point is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>base64url of 16 octets is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be &quot;webhook&quot; or &quot;webpush&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an https URL of at most 2048 characters is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an array of &quot;sender&quot; and &quot;body&quot; is expected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only &quot;sender&quot; and &quot;body&quot; may be included</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RestStore</name>
    <message>
        <source>cannot create the folder of the session store &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot open the session store &apos;%1&apos;: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot read the mode of the session store &apos;%1&apos;: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the session store &apos;%1&apos; is not a regular file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the session store &apos;%1&apos; is readable by others (mode %2) and cannot be made 0600: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the Qt SQLite driver QSQLITE is missing (Debian package libqt6sql6-sqlite)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot use the session store &apos;%1&apos;: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the session store &apos;%1&apos; is in use by another Switchboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the session store &apos;%1&apos; is not an SQLite database or is damaged: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a Switchboard session store (another program&apos;s SQLite file); name another file in rest_store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the session store &apos;%1&apos; has schema version %2, newer than this Switchboard reads (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot write the session store &apos;%1&apos;: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot bring the session store &apos;%1&apos; to schema version %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the session store is not open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot read the session store &apos;%1&apos;: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the session store &apos;%1&apos; holds a damaged session %2 (%3)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::App</name>
    <message>
        <source>shutdown deadline passed; exiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS certificate reloaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS reload failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>shutting down</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::CommandLine</name>
    <message>
        <source>Try &apos;%1 --help&apos; for more information.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switchboard, an XMPP connection manager: BOSH (XEP-0124/0206) and WebSocket (RFC 7395)
in front of an XMPP server. Settings come from the defaults, then the --config file,
then these options. Every config key is described in docs/CONFIGURATION.md;
--print-config shows the effective values.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read settings from &lt;file&gt; (key = value lines).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listen on &lt;address&gt; (IP address or localhost; default 127.0.0.1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listen on TCP port &lt;n&gt; (0..65535, 0: any free port; default 5280).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>BOSH endpoint path (default /http-bind/).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WebSocket endpoint path (default /xmpp-websocket).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send streams for &lt;domain&gt; to host:port instead of DNS (IPv6: [::1]:5222). Repeatable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Allow streams to &lt;domain&gt; (default: the route domains). Repeatable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Let the server link for &lt;domain&gt; run without TLS (loopback, development). Repeatable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accept browser origins matching &lt;pattern&gt; (&apos;*&apos; and &apos;?&apos; wildcards; default any). Repeatable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Also trust the CA certificates (PEM) in &lt;file&gt; for server links.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolve SRV records with the nameserver at &lt;ip&gt;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logging rules, e.g. bosh.debug (short for switchboard.bosh.debug=true) or qt.*=false (&apos;,&apos; or &apos;;&apos; separated). Repeatable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Serve https:// and wss:// with the PEM certificate (chain) in &lt;file&gt;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The PEM private key of --tls-cert.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS listen port (default 5281).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>While draining (SIGUSR1), send new sessions to &lt;url&gt; (see-other-uri).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seconds SIGTERM may take to close every session (default 10).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set any config key, as in the file (e.g. max_sessions_per_ip=500). Repeatable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User interface language, e.g. de or fr (default: the system locale).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run without the monitor window.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print the effective configuration in config-file syntax and exit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>invalid configuration:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Config</name>
    <message>
        <source>a value is required (an integer in %1..%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an integer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is out of range %2..%3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a boolean (true/false, yes/no, on/off, 1/0)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must start with &apos;/&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must not contain blanks, &apos;?&apos; or &apos;#&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an IP address or &apos;localhost&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>file &apos;%1&apos; does not exist or is not readable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an http(s):// or ws(s):// URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an IP address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an http:// or https:// URL (without query or fragment)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a host[:port] value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a domain name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an origin pattern</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a logging rule (CATEGORY[=true|false])</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a language code (e.g. de, fr_CH)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be printable ASCII without blanks, &apos;&amp;&apos; or &apos;#&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not DOMAIN=HOST:PORT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a bracketed IPv6 address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not [IPV6]:PORT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an IPv6 address needs brackets, e.g. [::1]:5222</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; does not name a host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>port: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>duplicate route for domain &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not &apos;Name: value&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a header name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>header &apos;%1&apos; is set by the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>header value must be printable ASCII</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (did you mean &apos;%1&apos;?)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>key &apos;%1&apos;: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not valid UTF-8</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected &apos;key = value&apos;, got &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>key &apos;%1&apos;: &apos;%2&apos; is not a single item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>keys &apos;path&apos; and &apos;ws_path&apos; must differ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>key &apos;status_path&apos; must differ from &apos;path&apos;, &apos;ws_path&apos; and /metrics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>key &apos;default_wait&apos; (%1) must not exceed &apos;max_wait&apos; (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>key &apos;default_inactivity&apos; (%1) must not exceed &apos;max_inactivity&apos; (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>key &apos;ws_ping_interval&apos; (%1) must be below &apos;ws_idle_timeout&apos; (%2), or 0</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>keys &apos;tls_cert_file&apos; and &apos;tls_key_file&apos; go together</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>keys &apos;tls_port&apos; and &apos;port&apos; must differ while &apos;plain_listener&apos; is on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>key &apos;max_connections_per_ip&apos; (%1) must not exceed &apos;max_connections&apos; (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not auto, on or off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an IP address or CIDR network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not x-forwarded-for, forwarded or none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>key &apos;rest_path&apos; must differ from &apos;path&apos;, &apos;ws_path&apos;, &apos;status_path&apos; and /metrics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>key &apos;proxy_protocol&apos; needs &apos;trusted_proxies&apos; (only those may send the PROXY header)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is a folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a mailto: or https: URI</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a host or host:port pattern</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not 1 to %2 characters of A-Z, a-z, 0-9, &apos;_&apos; and &apos;-&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot read &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its first line must be a token of printable ASCII without blanks, &apos;&amp;&apos; or &apos;#&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown route option &apos;%1&apos; (tls=starttls|direct, proxy_protocol_out=none|v1|v2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not reuseport or acceptor</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::AnswerText</name>
    <message>
        <source>No answer yet: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::BreakpointsDialog</name>
    <message>
        <source>Breakpoints for Session %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stanzas that match the filter stop here until you forward, edit or drop them; those behind one wait too, so the order is kept. The session&apos;s timers keep running meanwhile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Both directions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Toward the client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Toward the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>any (message, presence, iq…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>any (chat, get, set…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>any</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Direction:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Element:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Te&amp;xt contains:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Forward unchanged after:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Set Breakpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove Breakpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>F&amp;orward</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edi&amp;t and Forward</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dro&amp;p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Held stanzas:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Breakpoint set.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not set: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Breakpoint removed; held stanzas go on unchanged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No breakpoint set.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Breakpoint: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>#%1 %2 %3 — stopped, %4 s left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>#%1 %2 %3 — waits behind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unchanged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edited; well-formed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1, column %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change the stanza first; it must stay one well-formed stanza.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a held stanza first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>#%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>#%1 dropped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>#%1 edited and forwarded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>#%1 forwarded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Setting the breakpoint…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removing the breakpoint…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>#%1: asking the session…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not removed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not read: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::FaultsDialog</name>
    <message>
        <source>Faults for Session %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Break this session on purpose to see whether its client recovers. Each fault ends by itself, or with Undo, and shows in the traffic view.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delay every stanza toward the client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delay:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;For:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drop the next BOSH responses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Responses:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Their connections close unanswered; the client must resend the same rid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hold all traffic toward the client (a stall)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reorder the next two stanzas toward the client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End the server link as if the server crashed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Terminate with a condition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Condition:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;URI (see-other-uri):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answer the next IQ with an error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End every fault of this session; what they keep goes to the client now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Fault:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applied: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not applied: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every fault of this session ended.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applying: %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ending every fault of this session…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not undone: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::Format</name>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>BOSH</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WebSocket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>→ server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>→ client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>REST</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::MainWindow</name>
    <message numerus="yes">
        <source> · %n worker(s)</source>
        <translation>
            <numerusform> · %n worker</numerusform>
            <numerusform> · %n workers</numerusform>
        </translation>
    </message>
    <message>
        <source>Switchboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The effective configuration: defaults, the config file and the command line. Read-only; change the file or the command line and restart.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Overview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Sessions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Traffic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Configuration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Terminate Session…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End the selected sessions; their clients get a terminal condition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Inject Stanza…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send a stanza of your own into a session, toward the client or the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Session &amp;Traffic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Pause Capture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;lear Traffic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Follow New Stanzas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show &amp;Secrets (Local Debugging)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Capture SASL payloads and passwords unredacted from now on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Secrets are captured unredacted from now on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Secrets are redacted again from now on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export Selected Stanzas…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export &amp;All Stanzas…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy Stanzas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Switchboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Capture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop &amp;Listening</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start &amp;Listening</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop accepting connections and end every session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accept connections again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listening: %1 and %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not listening</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n session(s)</source>
        <translation>
            <numerusform>%n session</numerusform>
            <numerusform>%n sessions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Capture paused: %n stanza(s)</source>
        <translation>
            <numerusform>Capture paused: %n stanza</numerusform>
            <numerusform>Capture paused: %n stanzas</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Capturing: %n stanza(s)</source>
        <translation>
            <numerusform>Capturing: %n stanza</numerusform>
            <numerusform>Capturing: %n stanzas</numerusform>
        </translation>
    </message>
    <message>
        <source> · secrets shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped listening; every session was ended with system-shutdown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot Listen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listening again</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Terminated %n session(s) with %1</source>
        <translation>
            <numerusform>Terminated %n session with %1</numerusform>
            <numerusform>Terminated %n sessions with %1</numerusform>
        </translation>
    </message>
    <message>
        <source>the server is gone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stanza injected into session %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>XML log (*.xml)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Selected Stanzas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export All Stanzas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no capture.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Resume Capture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Switchboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;Switchboard %1&lt;/h3&gt;&lt;p&gt;An XMPP connection manager: BOSH (XEP-0124, XEP-0206) and XMPP over WebSocket (RFC 7395) in front of any XMPP server.&lt;/p&gt;&lt;p&gt;Built with Qt %2, running on Qt %3.&lt;/p&gt;&lt;p&gt;Licensed under the GNU General Public License, version 3 or later.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Traffic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Faults…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Break the current session on purpose: delays, dropped responses, stalls, a crashed server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The capture no longer holds that stanza.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Breakpoints…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hold the current session&apos;s stanzas that match a filter, then forward, edit or drop them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no action %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::OverviewPage</name>
    <message>
        <source>Live sessions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sessions since start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>BOSH requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Held answer time (mean)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stanzas →server / →client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bytes →server / →client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend connect failures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undelivered stanzas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pushes sent / failed / retried</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Push subscriptions dropped / disabled / refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>BOSH</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WebSocket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stanzas/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>→server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>→client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bytes/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Errors by condition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refusals by limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No refusals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>–</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (BOSH %2, WebSocket %3, REST %4)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> stanzas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scroll to new stanzas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show secrets (for local debugging only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Capture size:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The capture is a ring: when it is full the oldest stanzas are dropped. For this run; traffic_capacity in the configuration sets it at start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SASL payloads and passwords are captured as sent instead of &quot;[redacted]&quot;. Applies to stanzas captured from now on, for this run; show_secrets in the configuration sets it at start.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::ProblemModel</name>
    <message>
        <source>client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Side</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stanza</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::ProblemsPage</name>
    <message>
        <source>What clients do against the specs, per session, as it happens. Double-click a problem to see its stanza in the traffic view.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::SessionModel</name>
    <message>
        <source>The worker (event loop) that owns the session; 0 is the first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last activity %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n byte</numerusform>
            <numerusform>%n bytes</numerusform>
        </translation>
    </message>
    <message>
        <source>The client connected over TLS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The client connected without TLS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The session id (BOSH sid or WebSocket stream id)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transport</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where the client connected from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The XMPP domain the client asked for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Domain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The XMPP server this session is connected to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whether the link to the XMPP server is encrypted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend TLS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The full JID bound by the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Age</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time since the last activity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Idle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>BOSH requests held by the connection manager right now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Held</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stanzas from the client to the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stanzas →S</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stanzas from the server to the client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stanzas →C</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stanza bytes from the client to the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bytes →S</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stanza bytes from the server to the client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bytes →C</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::SessionsPage</name>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stream added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stream restarted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resource bound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undelivered stanza</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stream terminated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter sessions (id, address, user agent, domain, JID…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a session to see its streams and timeline.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stream</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Domain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Session %1 (%2) — ended: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>normal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Session %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>closed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::StanzaEditor</name>
    <message>
        <source>Sending to session %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inject Stanza</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Toward the &amp;client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Toward the &amp;server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deliver the stanza to the client as if the XMPP server had sent it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the stanza to the XMPP server as if the client had sent it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Insert a template…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Presence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ping (XEP-0199)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Roster request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;ession:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Direction:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Template:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One stanza, e.g. &lt;message to=&apos;bob@example.org&apos;&gt;&lt;body&gt;hi&lt;/body&gt;&lt;/message&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the stanza into the session (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write one stanza to send.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1, column %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Well-formed. Choose a session to send it to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Well-formed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the session refused the stanza</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent to the client of session %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent to the server for session %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::TerminateDialog</name>
    <message>
        <source>Terminate Session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End session %1? The client is told why with the condition below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>End %n session(s)? Their clients are told why with the condition below.</source>
        <translation>
            <numerusform>End %n session? Its client is told why with the condition below.</numerusform>
            <numerusform>End %n sessions? Their clients are told why with the condition below.</numerusform>
        </translation>
    </message>
    <message>
        <source>The connection manager is ending the session; reconnecting later is fine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The client broke a local policy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The XMPP service is no longer available at this address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection to the XMPP server was lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection manager had an internal problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No specific reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Condition:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Terminate</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::TrafficModel</name>
    <message>
        <source>Secrets in this stanza were redacted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Direction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Element</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fault on demand: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::TrafficPage</name>
    <message>
        <source>All sessions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Both directions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>→ server only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>→ client only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any element</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search in stanzas…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a stanza to see it here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>#%1 · %2 · session %3 · %4 · %n byte(s)</source>
        <translation>
            <numerusform>#%1 · %2 · session %3 · %4 · %n byte</numerusform>
            <numerusform>#%1 · %2 · session %3 · %4 · %n bytes</numerusform>
        </translation>
    </message>
    <message>
        <source> · secrets redacted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fault on demand: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::XmlCheck</name>
    <message>
        <source>The stanza is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An XML declaration is not allowed inside a stream.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A DOCTYPE is not allowed in XMPP.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Processing instructions are not allowed in XMPP.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only one top-level element can be sent at a time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text outside the top-level element.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The stanza ends before its element is closed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no element.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Monitor::Problem</name>
    <message>
        <source>A rid was skipped: later rids arrived, it never did</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A rid was sent again with different content</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A rid outside the window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>More requests open than &apos;requests&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Empty polls closer together than &apos;polling&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No stream restart after SASL success</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The session request has no &apos;to&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The session request has no &apos;xml:lang&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The restart request has no &apos;to&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The restart request has no &apos;xml:lang&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Traffic after the session was terminated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A held request was given up before the &apos;wait&apos; the client asked for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No request left waiting although the client asked for &apos;hold&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A stanza before &lt;open/&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Several elements in one WebSocket message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection closed without &lt;close/&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A WebSocket ping was left unanswered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A stanza not qualified by jabber:client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An IQ without &apos;id&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An IQ got no result or error in time</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Push</name>
    <message>
        <source>not an absolute URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only https URLs are allowed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the URL has no host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the URL must not carry user info</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>port 0 is not a port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the address %1 is not a public address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot generate a VAPID key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot create VAPID key file &apos;%1&apos;: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot read VAPID key file &apos;%1&apos;: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; does not hold a P-256 private key (PEM)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Switchboard::Server</name>
    <message>
        <source>Cannot listen on &apos;%1&apos;: not an IP address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot use TLS: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot use TLS: no TLS backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot listen on %1:%2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS is not configured</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only one element, without XML declaration, DOCTYPE or processing instruction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not well-formed XML: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exactly one element is needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the stanza must begin with its element</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the session has no open stream</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no session %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nesting deeper than %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot use rest_store: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot listen on %1 in worker %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the session&apos;s worker did not answer within %1 s (busy); the call may still take effect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the session&apos;s worker did not answer within %1 s (busy); the stanza may still go</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>

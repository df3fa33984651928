<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>PushTarget</name>
    <message>
        <source>a non-empty string is required</source>
        <translation>eine nicht leere Zeichenkette ist nötig</translation>
    </message>
    <message>
        <source>at most 1024 characters</source>
        <translation>höchstens 1024 Zeichen</translation>
    </message>
    <message>
        <source>a PushSubscription object is required</source>
        <translation>ein PushSubscription-Objekt ist nötig</translation>
    </message>
    <message>
        <source>base64url of an uncompressed P-256 point is required</source>
        <translation>base64url eines unkomprimierten P-256-Punkts ist nötig</translation>
    </message>
    <message>
        <source>base64url of 16 octets is required</source>
        <translation>base64url von 16 Oktetts ist nötig</translation>
    </message>
    <message>
        <source>must be &quot;webhook&quot; or &quot;webpush&quot;</source>
        <translation>muss „webhook“ oder „webpush“ sein</translation>
    </message>
    <message>
        <source>an https URL of at most 2048 characters is required</source>
        <translation>eine https-URL mit höchstens 2048 Zeichen ist nötig</translation>
    </message>
    <message>
        <source>an array of &quot;sender&quot; and &quot;body&quot; is expected</source>
        <translation>ein Array aus „sender“ und „body“ wird erwartet</translation>
    </message>
    <message>
        <source>only &quot;sender&quot; and &quot;body&quot; may be included</source>
        <translation>nur „sender“ und „body“ dürfen enthalten sein</translation>
    </message>
</context>
<context>
    <name>RestStore</name>
    <message>
        <source>cannot create the folder of the session store &apos;%1&apos;</source>
        <translation>der Ordner des Sitzungsspeichers „%1“ kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>cannot open the session store &apos;%1&apos;: %2</source>
        <translation>der Sitzungsspeicher „%1“ kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>cannot read the mode of the session store &apos;%1&apos;: %2</source>
        <translation>die Zugriffsrechte des Sitzungsspeichers „%1“ sind nicht lesbar: %2</translation>
    </message>
    <message>
        <source>the session store &apos;%1&apos; is not a regular file</source>
        <translation>der Sitzungsspeicher „%1“ ist keine reguläre Datei</translation>
    </message>
    <message>
        <source>the session store &apos;%1&apos; is readable by others (mode %2) and cannot be made 0600: %3</source>
        <translation>der Sitzungsspeicher „%1“ ist für andere lesbar (Modus %2) und lässt sich nicht auf 0600 setzen: %3</translation>
    </message>
    <message>
        <source>the Qt SQLite driver QSQLITE is missing (Debian package libqt6sql6-sqlite)</source>
        <translation>der Qt-SQLite-Treiber QSQLITE fehlt (Debian-Paket libqt6sql6-sqlite)</translation>
    </message>
    <message>
        <source>cannot use the session store &apos;%1&apos;: %2</source>
        <translation>der Sitzungsspeicher „%1“ ist nicht verwendbar: %2</translation>
    </message>
    <message>
        <source>the session store &apos;%1&apos; is in use by another Switchboard</source>
        <translation>der Sitzungsspeicher „%1“ wird von einem anderen Switchboard verwendet</translation>
    </message>
    <message>
        <source>the session store &apos;%1&apos; is not an SQLite database or is damaged: %2</source>
        <translation>der Sitzungsspeicher „%1“ ist keine SQLite-Datenbank oder beschädigt: %2</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a Switchboard session store (another program&apos;s SQLite file); name another file in rest_store</source>
        <translation>„%1“ ist kein Sitzungsspeicher von Switchboard (die SQLite-Datei eines anderen Programms); nennen Sie in rest_store eine andere Datei</translation>
    </message>
    <message>
        <source>the session store &apos;%1&apos; has schema version %2, newer than this Switchboard reads (%3)</source>
        <translation>der Sitzungsspeicher „%1“ hat die Schemaversion %2, neuer als dieses Switchboard liest (%3)</translation>
    </message>
    <message>
        <source>cannot write the session store &apos;%1&apos;: %2</source>
        <translation>der Sitzungsspeicher „%1“ kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>cannot bring the session store &apos;%1&apos; to schema version %2: %3</source>
        <translation>der Sitzungsspeicher „%1“ lässt sich nicht auf Schemaversion %2 bringen: %3</translation>
    </message>
    <message>
        <source>the session store is not open</source>
        <translation>der Sitzungsspeicher ist nicht geöffnet</translation>
    </message>
    <message>
        <source>cannot read the session store &apos;%1&apos;: %2</source>
        <translation>der Sitzungsspeicher „%1“ kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>the session store &apos;%1&apos; holds a damaged session %2 (%3)</source>
        <translation>der Sitzungsspeicher „%1“ enthält eine beschädigte Sitzung %2 (%3)</translation>
    </message>
</context>
<context>
    <name>Switchboard::App</name>
    <message>
        <source>shutdown deadline passed; exiting</source>
        <translation>Frist für das Herunterfahren abgelaufen; wird beendet</translation>
    </message>
    <message>
        <source>TLS certificate reloaded</source>
        <translation>TLS-Zertifikat neu geladen</translation>
    </message>
    <message>
        <source>TLS reload failed: %1</source>
        <translation>Neuladen von TLS fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>shutting down</source>
        <translation>wird heruntergefahren</translation>
    </message>
</context>
<context>
    <name>Switchboard::CommandLine</name>
    <message>
        <source>Try &apos;%1 --help&apos; for more information.</source>
        <translation>Weitere Informationen mit „%1 --help“.</translation>
    </message>
    <message>
        <source>Switchboard, an XMPP connection manager: BOSH (XEP-0124/0206) and WebSocket (RFC 7395)
in front of an XMPP server. Settings come from the defaults, then the --config file,
then these options. Every config key is described in docs/CONFIGURATION.md;
--print-config shows the effective values.</source>
        <translation>Switchboard, ein XMPP-Verbindungsmanager: BOSH (XEP-0124/0206) und WebSocket (RFC 7395)
vor einem XMPP-Server. Einstellungen kommen aus den Vorgaben, dann aus der --config-Datei,
dann aus diesen Optionen. Jeder Konfigurationsschlüssel ist in docs/CONFIGURATION.md beschrieben;
--print-config zeigt die wirksamen Werte.</translation>
    </message>
    <message>
        <source>Read settings from &lt;file&gt; (key = value lines).</source>
        <translation>Einstellungen aus &lt;file&gt; lesen (Zeilen key = value).</translation>
    </message>
    <message>
        <source>Listen on &lt;address&gt; (IP address or localhost; default 127.0.0.1).</source>
        <translation>Auf &lt;address&gt; lauschen (IP-Adresse oder localhost; Vorgabe 127.0.0.1).</translation>
    </message>
    <message>
        <source>Listen on TCP port &lt;n&gt; (0..65535, 0: any free port; default 5280).</source>
        <translation>Auf TCP-Port &lt;n&gt; lauschen (0..65535, 0: ein freier Port; Vorgabe 5280).</translation>
    </message>
    <message>
        <source>BOSH endpoint path (default /http-bind/).</source>
        <translation>Pfad des BOSH-Endpunkts (Vorgabe /http-bind/).</translation>
    </message>
    <message>
        <source>WebSocket endpoint path (default /xmpp-websocket).</source>
        <translation>Pfad des WebSocket-Endpunkts (Vorgabe /xmpp-websocket).</translation>
    </message>
    <message>
        <source>Send streams for &lt;domain&gt; to host:port instead of DNS (IPv6: [::1]:5222). Repeatable.</source>
        <translation>Streams für &lt;domain&gt; an host:port statt über DNS leiten (IPv6: [::1]:5222). Wiederholbar.</translation>
    </message>
    <message>
        <source>Allow streams to &lt;domain&gt; (default: the route domains). Repeatable.</source>
        <translation>Streams zu &lt;domain&gt; erlauben (Vorgabe: die Domains der Routen). Wiederholbar.</translation>
    </message>
    <message>
        <source>Let the server link for &lt;domain&gt; run without TLS (loopback, development). Repeatable.</source>
        <translation>Die Serververbindung für &lt;domain&gt; ohne TLS erlauben (Loopback, Entwicklung). Wiederholbar.</translation>
    </message>
    <message>
        <source>Accept browser origins matching &lt;pattern&gt; (&apos;*&apos; and &apos;?&apos; wildcards; default any). Repeatable.</source>
        <translation>Browser-Origins annehmen, die auf &lt;pattern&gt; passen (Platzhalter „*“ und „?“; Vorgabe: alle). Wiederholbar.</translation>
    </message>
    <message>
        <source>Also trust the CA certificates (PEM) in &lt;file&gt; for server links.</source>
        <translation>Für Serververbindungen zusätzlich den CA-Zertifikaten (PEM) in &lt;file&gt; vertrauen.</translation>
    </message>
    <message>
        <source>Resolve SRV records with the nameserver at &lt;ip&gt;.</source>
        <translation>SRV-Einträge über den Nameserver unter &lt;ip&gt; auflösen.</translation>
    </message>
    <message>
        <source>Logging rules, e.g. bosh.debug (short for switchboard.bosh.debug=true) or qt.*=false (&apos;,&apos; or &apos;;&apos; separated). Repeatable.</source>
        <translation>Protokollregeln, z. B. bosh.debug (kurz für switchboard.bosh.debug=true) oder qt.*=false (durch „,“ oder „;“ getrennt). Wiederholbar.</translation>
    </message>
    <message>
        <source>Serve https:// and wss:// with the PEM certificate (chain) in &lt;file&gt;.</source>
        <translation>https:// und wss:// mit dem PEM-Zertifikat (der Kette) in &lt;file&gt; anbieten.</translation>
    </message>
    <message>
        <source>The PEM private key of --tls-cert.</source>
        <translation>Der private PEM-Schlüssel zu --tls-cert.</translation>
    </message>
    <message>
        <source>TLS listen port (default 5281).</source>
        <translation>TLS-Port zum Lauschen (Vorgabe 5281).</translation>
    </message>
    <message>
        <source>While draining (SIGUSR1), send new sessions to &lt;url&gt; (see-other-uri).</source>
        <translation>Während des Leerlaufens (SIGUSR1) neue Sitzungen an &lt;url&gt; verweisen (see-other-uri).</translation>
    </message>
    <message>
        <source>Seconds SIGTERM may take to close every session (default 10).</source>
        <translation>Sekunden, die SIGTERM zum Schließen aller Sitzungen haben darf (Vorgabe 10).</translation>
    </message>
    <message>
        <source>Set any config key, as in the file (e.g. max_sessions_per_ip=500). Repeatable.</source>
        <translation>Einen beliebigen Konfigurationsschlüssel setzen, wie in der Datei (z. B. max_sessions_per_ip=500). Wiederholbar.</translation>
    </message>
    <message>
        <source>User interface language, e.g. de or fr (default: the system locale).</source>
        <translation>Sprache der Oberfläche, z. B. de oder fr (Vorgabe: die Systemsprache).</translation>
    </message>
    <message>
        <source>Run without the monitor window.</source>
        <translation>Ohne Überwachungsfenster laufen.</translation>
    </message>
    <message>
        <source>Print the effective configuration in config-file syntax and exit.</source>
        <translation>Die wirksame Konfiguration in der Syntax der Konfigurationsdatei ausgeben und beenden.</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos;</source>
        <translation>unerwartetes Argument „%1“</translation>
    </message>
    <message>
        <source>invalid configuration:</source>
        <translation>ungültige Konfiguration:</translation>
    </message>
</context>
<context>
    <name>Switchboard::Config</name>
    <message>
        <source>a value is required (an integer in %1..%2)</source>
        <translation>ein Wert ist nötig (eine ganze Zahl in %1..%2)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an integer</source>
        <translation>„%1“ ist keine ganze Zahl</translation>
    </message>
    <message>
        <source>%1 is out of range %2..%3</source>
        <translation>%1 liegt außerhalb von %2..%3</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a boolean (true/false, yes/no, on/off, 1/0)</source>
        <translation>„%1“ ist kein Wahrheitswert (true/false, yes/no, on/off, 1/0)</translation>
    </message>
    <message>
        <source>must start with &apos;/&apos;</source>
        <translation>muss mit „/“ beginnen</translation>
    </message>
    <message>
        <source>must not contain blanks, &apos;?&apos; or &apos;#&apos;</source>
        <translation>darf keine Leerzeichen, „?“ oder „#“ enthalten</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an IP address or &apos;localhost&apos;</source>
        <translation>„%1“ ist keine IP-Adresse und nicht „localhost“</translation>
    </message>
    <message>
        <source>file &apos;%1&apos; does not exist or is not readable</source>
        <translation>Datei „%1“ existiert nicht oder ist nicht lesbar</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an http(s):// or ws(s):// URL</source>
        <translation>„%1“ ist keine http(s)://- oder ws(s)://-URL</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an IP address</source>
        <translation>„%1“ ist keine IP-Adresse</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an http:// or https:// URL (without query or fragment)</source>
        <translation>„%1“ ist keine http://- oder https://-URL (ohne Query oder Fragment)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a host[:port] value</source>
        <translation>„%1“ ist kein Wert der Form host[:port]</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a domain name</source>
        <translation>„%1“ ist kein Domainname</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an origin pattern</source>
        <translation>„%1“ ist kein Origin-Muster</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a logging rule (CATEGORY[=true|false])</source>
        <translation>„%1“ ist keine Protokollregel (CATEGORY[=true|false])</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a language code (e.g. de, fr_CH)</source>
        <translation>„%1“ ist kein Sprachcode (z. B. de, fr_CH)</translation>
    </message>
    <message>
        <source>must be printable ASCII without blanks, &apos;&amp;&apos; or &apos;#&apos;</source>
        <translation>muss druckbares ASCII ohne Leerzeichen, „&amp;“ oder „#“ sein</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not DOMAIN=HOST:PORT</source>
        <translation>„%1“ hat nicht die Form DOMAIN=HOST:PORT</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a bracketed IPv6 address</source>
        <translation>„%1“ ist keine IPv6-Adresse in eckigen Klammern</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not [IPV6]:PORT</source>
        <translation>„%1“ hat nicht die Form [IPV6]:PORT</translation>
    </message>
    <message>
        <source>an IPv6 address needs brackets, e.g. [::1]:5222</source>
        <translation>eine IPv6-Adresse braucht eckige Klammern, z. B. [::1]:5222</translation>
    </message>
    <message>
        <source>&apos;%1&apos; does not name a host</source>
        <translation>„%1“ nennt keinen Host</translation>
    </message>
    <message>
        <source>port: %1</source>
        <translation>Port: %1</translation>
    </message>
    <message>
        <source>duplicate route for domain &apos;%1&apos;</source>
        <translation>doppelte Route für die Domain „%1“</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not &apos;Name: value&apos;</source>
        <translation>„%1“ hat nicht die Form „Name: value“</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a header name</source>
        <translation>„%1“ ist kein Header-Name</translation>
    </message>
    <message>
        <source>header &apos;%1&apos; is set by the server</source>
        <translation>der Header „%1“ wird vom Server gesetzt</translation>
    </message>
    <message>
        <source>header value must be printable ASCII</source>
        <translation>der Header-Wert muss druckbares ASCII sein</translation>
    </message>
    <message>
        <source>unknown key</source>
        <translation>unbekannter Schlüssel</translation>
    </message>
    <message>
        <source> (did you mean &apos;%1&apos;?)</source>
        <translation> (meinten Sie „%1“?)</translation>
    </message>
    <message>
        <source>key &apos;%1&apos;: %2</source>
        <translation>Schlüssel „%1“: %2</translation>
    </message>
    <message>
        <source>not valid UTF-8</source>
        <translation>kein gültiges UTF-8</translation>
    </message>
    <message>
        <source>expected &apos;key = value&apos;, got &apos;%1&apos;</source>
        <translation>„key = value“ erwartet, „%1“ erhalten</translation>
    </message>
    <message>
        <source>cannot read: %1</source>
        <translation>nicht lesbar: %1</translation>
    </message>
    <message>
        <source>key &apos;%1&apos;: &apos;%2&apos; is not a single item</source>
        <translation>Schlüssel „%1“: „%2“ ist kein einzelner Eintrag</translation>
    </message>
    <message>
        <source>keys &apos;path&apos; and &apos;ws_path&apos; must differ</source>
        <translation>die Schlüssel „path“ und „ws_path“ müssen sich unterscheiden</translation>
    </message>
    <message>
        <source>key &apos;status_path&apos; must differ from &apos;path&apos;, &apos;ws_path&apos; and /metrics</source>
        <translation>der Schlüssel „status_path“ muss sich von „path“, „ws_path“ und /metrics unterscheiden</translation>
    </message>
    <message>
        <source>key &apos;default_wait&apos; (%1) must not exceed &apos;max_wait&apos; (%2)</source>
        <translation>der Schlüssel „default_wait“ (%1) darf „max_wait“ (%2) nicht übersteigen</translation>
    </message>
    <message>
        <source>key &apos;default_inactivity&apos; (%1) must not exceed &apos;max_inactivity&apos; (%2)</source>
        <translation>der Schlüssel „default_inactivity“ (%1) darf „max_inactivity“ (%2) nicht übersteigen</translation>
    </message>
    <message>
        <source>key &apos;ws_ping_interval&apos; (%1) must be below &apos;ws_idle_timeout&apos; (%2), or 0</source>
        <translation>der Schlüssel „ws_ping_interval“ (%1) muss unter „ws_idle_timeout“ (%2) liegen oder 0 sein</translation>
    </message>
    <message>
        <source>keys &apos;tls_cert_file&apos; and &apos;tls_key_file&apos; go together</source>
        <translation>die Schlüssel „tls_cert_file“ und „tls_key_file“ gehören zusammen</translation>
    </message>
    <message>
        <source>keys &apos;tls_port&apos; and &apos;port&apos; must differ while &apos;plain_listener&apos; is on</source>
        <translation>die Schlüssel „tls_port“ und „port“ müssen sich unterscheiden, solange „plain_listener“ an ist</translation>
    </message>
    <message>
        <source>key &apos;max_connections_per_ip&apos; (%1) must not exceed &apos;max_connections&apos; (%2)</source>
        <translation>der Schlüssel „max_connections_per_ip“ (%1) darf „max_connections“ (%2) nicht übersteigen</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not auto, on or off</source>
        <translation>„%1“ ist weder auto noch on noch off</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an IP address or CIDR network</source>
        <translation>„%1“ ist weder eine IP-Adresse noch ein CIDR-Netz</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not x-forwarded-for, forwarded or none</source>
        <translation>„%1“ ist weder x-forwarded-for noch forwarded noch none</translation>
    </message>
    <message>
        <source>key &apos;rest_path&apos; must differ from &apos;path&apos;, &apos;ws_path&apos;, &apos;status_path&apos; and /metrics</source>
        <translation>der Schlüssel „rest_path“ muss sich von „path“, „ws_path“, „status_path“ und /metrics unterscheiden</translation>
    </message>
    <message>
        <source>key &apos;proxy_protocol&apos; needs &apos;trusted_proxies&apos; (only those may send the PROXY header)</source>
        <translation>der Schlüssel „proxy_protocol“ braucht „trusted_proxies“ (nur diese dürfen den PROXY-Header senden)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is a folder</source>
        <translation>„%1“ ist ein Ordner</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a mailto: or https: URI</source>
        <translation>„%1“ ist keine mailto:- oder https:-URI</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a host or host:port pattern</source>
        <translation>„%1“ ist kein Muster der Form host oder host:port</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not 1 to %2 characters of A-Z, a-z, 0-9, &apos;_&apos; and &apos;-&apos;</source>
        <translation>„%1“ besteht nicht aus 1 bis %2 Zeichen aus A-Z, a-z, 0-9, „_“ und „-“</translation>
    </message>
    <message>
        <source>cannot read &apos;%1&apos;</source>
        <translation>„%1“ nicht lesbar</translation>
    </message>
    <message>
        <source>its first line must be a token of printable ASCII without blanks, &apos;&amp;&apos; or &apos;#&apos;</source>
        <translation>seine erste Zeile muss ein Token aus druckbarem ASCII ohne Leerzeichen, „&amp;“ oder „#“ sein</translation>
    </message>
    <message>
        <source>unknown route option &apos;%1&apos; (tls=starttls|direct, proxy_protocol_out=none|v1|v2)</source>
        <translation>unbekannte Routen-Option „%1“ (tls=starttls|direct, proxy_protocol_out=none|v1|v2)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not reuseport or acceptor</source>
        <translation>&apos;%1&apos; ist weder reuseport noch acceptor</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::AnswerText</name>
    <message>
        <source>No answer yet: %1</source>
        <translation>Noch keine Antwort: %1</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::BreakpointsDialog</name>
    <message>
        <source>Breakpoints for Session %1</source>
        <translation>Haltepunkte für Sitzung %1</translation>
    </message>
    <message>
        <source>Stanzas that match the filter stop here until you forward, edit or drop them; those behind one wait too, so the order is kept. The session&apos;s timers keep running meanwhile.</source>
        <translation>Stanzas, die zum Filter passen, halten hier an, bis Sie sie weiterleiten, bearbeiten oder verwerfen; die dahinter warten ebenfalls, damit die Reihenfolge erhalten bleibt. Die Timer der Sitzung laufen derweil weiter.</translation>
    </message>
    <message>
        <source>Both directions</source>
        <translation>Beide Richtungen</translation>
    </message>
    <message>
        <source>Toward the client</source>
        <translation>Zum Client</translation>
    </message>
    <message>
        <source>Toward the server</source>
        <translation>Zum Server</translation>
    </message>
    <message>
        <source>any (message, presence, iq…)</source>
        <translation>beliebig (message, presence, iq…)</translation>
    </message>
    <message>
        <source>any (chat, get, set…)</source>
        <translation>beliebig (chat, get, set…)</translation>
    </message>
    <message>
        <source>any</source>
        <translation>beliebig</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>&amp;Direction:</source>
        <translation>&amp;Richtung:</translation>
    </message>
    <message>
        <source>&amp;Element:</source>
        <translation>&amp;Element:</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Typ:</translation>
    </message>
    <message>
        <source>Te&amp;xt contains:</source>
        <translation>Te&amp;xt enthält:</translation>
    </message>
    <message>
        <source>&amp;Forward unchanged after:</source>
        <translation>&amp;Unverändert weiterleiten nach:</translation>
    </message>
    <message>
        <source>&amp;Set Breakpoint</source>
        <translation>Haltepunkt &amp;setzen</translation>
    </message>
    <message>
        <source>&amp;Remove Breakpoint</source>
        <translation>Haltepunkt ent&amp;fernen</translation>
    </message>
    <message>
        <source>F&amp;orward</source>
        <translation>&amp;Weiterleiten</translation>
    </message>
    <message>
        <source>Edi&amp;t and Forward</source>
        <translation>&amp;Bearbeiten und weiterleiten</translation>
    </message>
    <message>
        <source>Dro&amp;p</source>
        <translation>&amp;Verwerfen</translation>
    </message>
    <message>
        <source>&amp;Held stanzas:</source>
        <translation>&amp;Gehaltene Stanzas:</translation>
    </message>
    <message>
        <source>Breakpoint set.</source>
        <translation>Haltepunkt gesetzt.</translation>
    </message>
    <message>
        <source>Not set: %1</source>
        <translation>Nicht gesetzt: %1</translation>
    </message>
    <message>
        <source>Breakpoint removed; held stanzas go on unchanged.</source>
        <translation>Haltepunkt entfernt; gehaltene Stanzas gehen unverändert weiter.</translation>
    </message>
    <message>
        <source>No breakpoint set.</source>
        <translation>Kein Haltepunkt gesetzt.</translation>
    </message>
    <message>
        <source>Breakpoint: %1</source>
        <translation>Haltepunkt: %1</translation>
    </message>
    <message>
        <source>#%1 %2 %3 — stopped, %4 s left</source>
        <translation>#%1 %2 %3 — angehalten, noch %4 s</translation>
    </message>
    <message>
        <source>to client</source>
        <translation>zum Client</translation>
    </message>
    <message>
        <source>to server</source>
        <translation>zum Server</translation>
    </message>
    <message>
        <source>#%1 %2 %3 — waits behind</source>
        <translation>#%1 %2 %3 — wartet dahinter</translation>
    </message>
    <message>
        <source>Unchanged.</source>
        <translation>Unverändert.</translation>
    </message>
    <message>
        <source>Edited; well-formed.</source>
        <translation>Bearbeitet; wohlgeformt.</translation>
    </message>
    <message>
        <source>Line %1, column %2: %3</source>
        <translation>Zeile %1, Spalte %2: %3</translation>
    </message>
    <message>
        <source>Change the stanza first; it must stay one well-formed stanza.</source>
        <translation>Ändern Sie zuerst die Stanza; sie muss eine einzelne wohlgeformte Stanza bleiben.</translation>
    </message>
    <message>
        <source>Select a held stanza first.</source>
        <translation>Wählen Sie zuerst eine gehaltene Stanza.</translation>
    </message>
    <message>
        <source>#%1: %2</source>
        <translation>#%1: %2</translation>
    </message>
    <message>
        <source>#%1 dropped.</source>
        <translation>#%1 verworfen.</translation>
    </message>
    <message>
        <source>#%1 edited and forwarded.</source>
        <translation>#%1 bearbeitet und weitergeleitet.</translation>
    </message>
    <message>
        <source>#%1 forwarded.</source>
        <translation>#%1 weitergeleitet.</translation>
    </message>
    <message>
        <source>Setting the breakpoint…</source>
        <translation>Haltepunkt wird gesetzt…</translation>
    </message>
    <message>
        <source>Removing the breakpoint…</source>
        <translation>Haltepunkt wird entfernt…</translation>
    </message>
    <message>
        <source>#%1: asking the session…</source>
        <translation>#%1: Sitzung wird gefragt…</translation>
    </message>
    <message>
        <source>Not removed: %1</source>
        <translation>Nicht entfernt: %1</translation>
    </message>
    <message>
        <source>Not read: %1</source>
        <translation>Nicht gelesen: %1</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::FaultsDialog</name>
    <message>
        <source>Faults for Session %1</source>
        <translation>Fehler für Sitzung %1</translation>
    </message>
    <message>
        <source>Break this session on purpose to see whether its client recovers. Each fault ends by itself, or with Undo, and shows in the traffic view.</source>
        <translation>Stören Sie diese Sitzung absichtlich, um zu sehen, ob sich ihr Client erholt. Jeder Fehler endet von selbst oder mit Rückgängig und erscheint in der Verkehrsansicht.</translation>
    </message>
    <message>
        <source>Delay every stanza toward the client</source>
        <translation>Jede Stanza zum Client verzögern</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>&amp;Delay:</source>
        <translation>&amp;Verzögerung:</translation>
    </message>
    <message>
        <source>&amp;For:</source>
        <translation>&amp;Dauer:</translation>
    </message>
    <message>
        <source>Drop the next BOSH responses</source>
        <translation>Die nächsten BOSH-Antworten verwerfen</translation>
    </message>
    <message>
        <source>&amp;Responses:</source>
        <translation>&amp;Antworten:</translation>
    </message>
    <message>
        <source>Their connections close unanswered; the client must resend the same rid.</source>
        <translation>Ihre Verbindungen schließen ohne Antwort; der Client muss dieselbe rid erneut senden.</translation>
    </message>
    <message>
        <source>Hold all traffic toward the client (a stall)</source>
        <translation>Allen Verkehr zum Client zurückhalten (ein Stillstand)</translation>
    </message>
    <message>
        <source>Reorder the next two stanzas toward the client</source>
        <translation>Die nächsten zwei Stanzas zum Client vertauschen</translation>
    </message>
    <message>
        <source>End the server link as if the server crashed</source>
        <translation>Die Serververbindung wie bei einem Serverabsturz beenden</translation>
    </message>
    <message>
        <source>Terminate with a condition</source>
        <translation>Mit einer Bedingung beenden</translation>
    </message>
    <message>
        <source>&amp;Condition:</source>
        <translation>&amp;Bedingung:</translation>
    </message>
    <message>
        <source>&amp;URI (see-other-uri):</source>
        <translation>&amp;URI (see-other-uri):</translation>
    </message>
    <message>
        <source>Answer the next IQ with an error</source>
        <translation>Die nächste IQ mit einem Fehler beantworten</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Typ:</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>&amp;Anwenden</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <source>End every fault of this session; what they keep goes to the client now</source>
        <translation>Alle Fehler dieser Sitzung beenden; was sie zurückhalten, geht jetzt an den Client</translation>
    </message>
    <message>
        <source>&amp;Fault:</source>
        <translation>&amp;Fehler:</translation>
    </message>
    <message>
        <source>Applied: %1.</source>
        <translation>Angewendet: %1.</translation>
    </message>
    <message>
        <source>Not applied: %1</source>
        <translation>Nicht angewendet: %1</translation>
    </message>
    <message>
        <source>Every fault of this session ended.</source>
        <translation>Alle Fehler dieser Sitzung sind beendet.</translation>
    </message>
    <message>
        <source>Applying: %1…</source>
        <translation>Wird angewendet: %1…</translation>
    </message>
    <message>
        <source>Ending every fault of this session…</source>
        <translation>Alle Fehler dieser Sitzung werden beendet…</translation>
    </message>
    <message>
        <source>Not undone: %1</source>
        <translation>Nicht zurückgenommen: %1</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::Format</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 T %2 h</translation>
    </message>
    <message>
        <source>BOSH</source>
        <translation>BOSH</translation>
    </message>
    <message>
        <source>WebSocket</source>
        <translation>WebSocket</translation>
    </message>
    <message>
        <source>→ server</source>
        <translation>→ Server</translation>
    </message>
    <message>
        <source>→ client</source>
        <translation>→ Client</translation>
    </message>
    <message>
        <source>REST</source>
        <translation>REST</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::MainWindow</name>
    <message numerus="yes">
        <source> · %n worker(s)</source>
        <translation>
            <numerusform> · %n Worker</numerusform>
            <numerusform> · %n Worker</numerusform>
        </translation>
    </message>
    <message>
        <source>Switchboard</source>
        <translation>Switchboard</translation>
    </message>
    <message>
        <source>The effective configuration: defaults, the config file and the command line. Read-only; change the file or the command line and restart.</source>
        <translation>Die wirksame Konfiguration: Vorgaben, Konfigurationsdatei und Befehlszeile. Nur lesbar; ändern Sie die Datei oder die Befehlszeile und starten Sie neu.</translation>
    </message>
    <message>
        <source>&amp;Overview</source>
        <translation>Ü&amp;bersicht</translation>
    </message>
    <message>
        <source>&amp;Sessions</source>
        <translation>&amp;Sitzungen</translation>
    </message>
    <message>
        <source>&amp;Traffic</source>
        <translation>&amp;Verkehr</translation>
    </message>
    <message>
        <source>&amp;Configuration</source>
        <translation>&amp;Konfiguration</translation>
    </message>
    <message>
        <source>&amp;Terminate Session…</source>
        <translation>Sitzung &amp;beenden…</translation>
    </message>
    <message>
        <source>End the selected sessions; their clients get a terminal condition</source>
        <translation>Beendet die ausgewählten Sitzungen; ihre Clients erhalten eine Abschlussbedingung</translation>
    </message>
    <message>
        <source>&amp;Inject Stanza…</source>
        <translation>Stanza &amp;einschleusen…</translation>
    </message>
    <message>
        <source>Send a stanza of your own into a session, toward the client or the server</source>
        <translation>Eine eigene Stanza in eine Sitzung senden, zum Client oder zum Server</translation>
    </message>
    <message>
        <source>Show Session &amp;Traffic</source>
        <translation>&amp;Verkehr der Sitzung zeigen</translation>
    </message>
    <message>
        <source>&amp;Pause Capture</source>
        <translation>Aufzeichnung &amp;anhalten</translation>
    </message>
    <message>
        <source>C&amp;lear Traffic</source>
        <translation>Verkehr &amp;leeren</translation>
    </message>
    <message>
        <source>&amp;Follow New Stanzas</source>
        <translation>Neuen Stanzas &amp;folgen</translation>
    </message>
    <message>
        <source>Show &amp;Secrets (Local Debugging)</source>
        <translation>&amp;Geheimnisse zeigen (lokale Fehlersuche)</translation>
    </message>
    <message>
        <source>Capture SASL payloads and passwords unredacted from now on</source>
        <translation>SASL-Daten und Passwörter ab jetzt ungeschwärzt aufzeichnen</translation>
    </message>
    <message>
        <source>Secrets are captured unredacted from now on</source>
        <translation>Geheimnisse werden ab jetzt ungeschwärzt aufgezeichnet</translation>
    </message>
    <message>
        <source>Secrets are redacted again from now on</source>
        <translation>Geheimnisse werden ab jetzt wieder geschwärzt</translation>
    </message>
    <message>
        <source>&amp;Export Selected Stanzas…</source>
        <translation>Ausgewählte Stanzas &amp;exportieren…</translation>
    </message>
    <message>
        <source>Export &amp;All Stanzas…</source>
        <translation>&amp;Alle Stanzas exportieren…</translation>
    </message>
    <message>
        <source>&amp;Copy Stanzas</source>
        <translation>Stanzas &amp;kopieren</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>&amp;Suchen</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;About Switchboard</source>
        <translation>Ü&amp;ber Switchboard</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>&amp;Server</translation>
    </message>
    <message>
        <source>&amp;Capture</source>
        <translation>&amp;Aufzeichnung</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Hauptleiste</translation>
    </message>
    <message>
        <source>Stop &amp;Listening</source>
        <translation>&amp;Lauschen beenden</translation>
    </message>
    <message>
        <source>Start &amp;Listening</source>
        <translation>&amp;Lauschen starten</translation>
    </message>
    <message>
        <source>Stop accepting connections and end every session</source>
        <translation>Keine Verbindungen mehr annehmen und alle Sitzungen beenden</translation>
    </message>
    <message>
        <source>Accept connections again</source>
        <translation>Wieder Verbindungen annehmen</translation>
    </message>
    <message>
        <source>Listening: %1 and %2</source>
        <translation>Lauscht: %1 und %2</translation>
    </message>
    <message>
        <source>Not listening</source>
        <translation>Lauscht nicht</translation>
    </message>
    <message numerus="yes">
        <source>%n session(s)</source>
        <translation>
            <numerusform>%n Sitzung</numerusform>
            <numerusform>%n Sitzungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Capture paused: %n stanza(s)</source>
        <translation>
            <numerusform>Aufzeichnung angehalten: %n Stanza</numerusform>
            <numerusform>Aufzeichnung angehalten: %n Stanzas</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Capturing: %n stanza(s)</source>
        <translation>
            <numerusform>Aufzeichnung: %n Stanza</numerusform>
            <numerusform>Aufzeichnung: %n Stanzas</numerusform>
        </translation>
    </message>
    <message>
        <source> · secrets shown</source>
        <translation> · Geheimnisse sichtbar</translation>
    </message>
    <message>
        <source>Stopped listening; every session was ended with system-shutdown</source>
        <translation>Lauschen beendet; alle Sitzungen wurden mit system-shutdown beendet</translation>
    </message>
    <message>
        <source>Cannot Listen</source>
        <translation>Lauschen nicht möglich</translation>
    </message>
    <message>
        <source>Listening again</source>
        <translation>Lauscht wieder</translation>
    </message>
    <message numerus="yes">
        <source>Terminated %n session(s) with %1</source>
        <translation>
            <numerusform>%n Sitzung mit %1 beendet</numerusform>
            <numerusform>%n Sitzungen mit %1 beendet</numerusform>
        </translation>
    </message>
    <message>
        <source>the server is gone</source>
        <translation>der Server ist nicht mehr da</translation>
    </message>
    <message>
        <source>Stanza injected into session %1</source>
        <translation>Stanza in Sitzung %1 eingeschleust</translation>
    </message>
    <message>
        <source>XML log (*.xml)</source>
        <translation>XML-Protokoll (*.xml)</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl)</source>
        <translation>JSON-Zeilen (*.jsonl)</translation>
    </message>
    <message>
        <source>Export Selected Stanzas</source>
        <translation>Ausgewählte Stanzas exportieren</translation>
    </message>
    <message>
        <source>Export All Stanzas</source>
        <translation>Alle Stanzas exportieren</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Nach %1 exportiert</translation>
    </message>
    <message>
        <source>Export Failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <source>There is no capture.</source>
        <translation>Es gibt keine Aufzeichnung.</translation>
    </message>
    <message>
        <source>&amp;Resume Capture</source>
        <translation>Aufzeichnung &amp;fortsetzen</translation>
    </message>
    <message>
        <source>About Switchboard</source>
        <translation>Über Switchboard</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Switchboard %1&lt;/h3&gt;&lt;p&gt;An XMPP connection manager: BOSH (XEP-0124, XEP-0206) and XMPP over WebSocket (RFC 7395) in front of any XMPP server.&lt;/p&gt;&lt;p&gt;Built with Qt %2, running on Qt %3.&lt;/p&gt;&lt;p&gt;Licensed under the GNU General Public License, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Switchboard %1&lt;/h3&gt;&lt;p&gt;Ein XMPP-Verbindungsmanager: BOSH (XEP-0124, XEP-0206) und XMPP über WebSocket (RFC 7395) vor jedem beliebigen XMPP-Server.&lt;/p&gt;&lt;p&gt;Erstellt mit Qt %2, läuft mit Qt %3.&lt;/p&gt;&lt;p&gt;Lizenziert unter der GNU General Public License, Version 3 oder später.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sitzungen</translation>
    </message>
    <message>
        <source>Traffic</source>
        <translation>Verkehr</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>Konfiguration</translation>
    </message>
    <message>
        <source>&amp;Faults…</source>
        <translation>&amp;Fehler…</translation>
    </message>
    <message>
        <source>Break the current session on purpose: delays, dropped responses, stalls, a crashed server…</source>
        <translation>Die aktuelle Sitzung absichtlich stören: Verzögerungen, verworfene Antworten, Stillstände, ein abgestürzter Server…</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Probleme</translation>
    </message>
    <message>
        <source>The capture no longer holds that stanza.</source>
        <translation>Die Aufzeichnung enthält diese Stanza nicht mehr.</translation>
    </message>
    <message>
        <source>&amp;Breakpoints…</source>
        <translation>&amp;Haltepunkte…</translation>
    </message>
    <message>
        <source>Hold the current session&apos;s stanzas that match a filter, then forward, edit or drop them</source>
        <translation>Stanzas der aktuellen Sitzung, die zu einem Filter passen, anhalten, dann weiterleiten, bearbeiten oder verwerfen</translation>
    </message>
    <message>
        <source>&amp;Problems</source>
        <translation>&amp;Probleme</translation>
    </message>
    <message>
        <source>no action %1</source>
        <translation>keine Aktion %1</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::OverviewPage</name>
    <message>
        <source>Live sessions</source>
        <translation>Aktive Sitzungen</translation>
    </message>
    <message>
        <source>Sessions since start</source>
        <translation>Sitzungen seit dem Start</translation>
    </message>
    <message>
        <source>BOSH requests</source>
        <translation>BOSH-Anfragen</translation>
    </message>
    <message>
        <source>Held answer time (mean)</source>
        <translation>Antwortzeit gehaltener Anfragen (Mittel)</translation>
    </message>
    <message>
        <source>Stanzas →server / →client</source>
        <translation>Stanzas →Server / →Client</translation>
    </message>
    <message>
        <source>Bytes →server / →client</source>
        <translation>Bytes →Server / →Client</translation>
    </message>
    <message>
        <source>Backend connect failures</source>
        <translation>Fehlgeschlagene Backend-Verbindungen</translation>
    </message>
    <message>
        <source>Undelivered stanzas</source>
        <translation>Nicht zugestellte Stanzas</translation>
    </message>
    <message>
        <source>Pushes sent / failed / retried</source>
        <translation>Pushes gesendet / fehlgeschlagen / wiederholt</translation>
    </message>
    <message>
        <source>Push subscriptions dropped / disabled / refused</source>
        <translation>Push-Abos verworfen / deaktiviert / abgelehnt</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sitzungen</translation>
    </message>
    <message>
        <source>BOSH</source>
        <translation>BOSH</translation>
    </message>
    <message>
        <source>WebSocket</source>
        <translation>WebSocket</translation>
    </message>
    <message>
        <source>Requests/s</source>
        <translation>Anfragen/s</translation>
    </message>
    <message>
        <source>Stanzas/s</source>
        <translation>Stanzas/s</translation>
    </message>
    <message>
        <source>→server</source>
        <translation>→Server</translation>
    </message>
    <message>
        <source>→client</source>
        <translation>→Client</translation>
    </message>
    <message>
        <source>Bytes/s</source>
        <translation>Bytes/s</translation>
    </message>
    <message>
        <source>Errors by condition</source>
        <translation>Fehler nach Bedingung</translation>
    </message>
    <message>
        <source>No errors</source>
        <translation>Keine Fehler</translation>
    </message>
    <message>
        <source>Refusals by limit</source>
        <translation>Ablehnungen nach Grenze</translation>
    </message>
    <message>
        <source>No refusals</source>
        <translation>Keine Ablehnungen</translation>
    </message>
    <message>
        <source>–</source>
        <translation>–</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 (BOSH %2, WebSocket %3, REST %4)</source>
        <translation>%1 (BOSH %2, WebSocket %3, REST %4)</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source> stanzas</source>
        <translation> Stanzas</translation>
    </message>
    <message>
        <source>Scroll to new stanzas</source>
        <translation>Zu neuen Stanzas blättern</translation>
    </message>
    <message>
        <source>Show secrets (for local debugging only)</source>
        <translation>Geheimnisse zeigen (nur zur lokalen Fehlersuche)</translation>
    </message>
    <message>
        <source>&amp;Capture size:</source>
        <translation>&amp;Größe der Aufzeichnung:</translation>
    </message>
    <message>
        <source>The capture is a ring: when it is full the oldest stanzas are dropped. For this run; traffic_capacity in the configuration sets it at start.</source>
        <translation>Die Aufzeichnung ist ein Ringpuffer: Ist er voll, fallen die ältesten Stanzas weg. Gilt für diesen Lauf; traffic_capacity in der Konfiguration legt den Wert beim Start fest.</translation>
    </message>
    <message>
        <source>SASL payloads and passwords are captured as sent instead of &quot;[redacted]&quot;. Applies to stanzas captured from now on, for this run; show_secrets in the configuration sets it at start.</source>
        <translation>SASL-Daten und Passwörter werden so aufgezeichnet, wie sie gesendet wurden, statt als „[redacted]“. Gilt für ab jetzt aufgezeichnete Stanzas in diesem Lauf; show_secrets in der Konfiguration legt es beim Start fest.</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::ProblemModel</name>
    <message>
        <source>client</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Sitzung</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Clause</source>
        <translation>Abschnitt</translation>
    </message>
    <message>
        <source>Side</source>
        <translation>Seite</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
    <message>
        <source>Stanza</source>
        <translation>Stanza</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::ProblemsPage</name>
    <message>
        <source>What clients do against the specs, per session, as it happens. Double-click a problem to see its stanza in the traffic view.</source>
        <translation>Was Clients entgegen den Spezifikationen tun, je Sitzung und in dem Moment, in dem es geschieht. Doppelklicken Sie ein Problem, um seine Stanza in der Verkehrsansicht zu sehen.</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::SessionModel</name>
    <message>
        <source>The worker (event loop) that owns the session; 0 is the first</source>
        <translation>Der Worker (die Ereignisschleife), dem die Sitzung gehört; 0 ist der erste</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keins</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>Geöffnet %1</translation>
    </message>
    <message>
        <source>Last activity %1</source>
        <translation>Letzte Aktivität %1</translation>
    </message>
    <message numerus="yes">
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n Byte</numerusform>
            <numerusform>%n Bytes</numerusform>
        </translation>
    </message>
    <message>
        <source>The client connected over TLS</source>
        <translation>Der Client hat sich über TLS verbunden</translation>
    </message>
    <message>
        <source>The client connected without TLS</source>
        <translation>Der Client hat sich ohne TLS verbunden</translation>
    </message>
    <message>
        <source>The session id (BOSH sid or WebSocket stream id)</source>
        <translation>Die Sitzungskennung (BOSH-sid oder WebSocket-Stream-Kennung)</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Sitzung</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Transport</translation>
    </message>
    <message>
        <source>Where the client connected from</source>
        <translation>Von wo sich der Client verbunden hat</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>User agent</source>
        <translation>User-Agent</translation>
    </message>
    <message>
        <source>The XMPP domain the client asked for</source>
        <translation>Die XMPP-Domain, die der Client angefragt hat</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domain</translation>
    </message>
    <message>
        <source>The XMPP server this session is connected to</source>
        <translation>Der XMPP-Server, mit dem diese Sitzung verbunden ist</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Backend</translation>
    </message>
    <message>
        <source>Whether the link to the XMPP server is encrypted</source>
        <translation>Ob die Verbindung zum XMPP-Server verschlüsselt ist</translation>
    </message>
    <message>
        <source>Backend TLS</source>
        <translation>Backend-TLS</translation>
    </message>
    <message>
        <source>The full JID bound by the server</source>
        <translation>Die vom Server gebundene vollständige JID</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Alter</translation>
    </message>
    <message>
        <source>Time since the last activity</source>
        <translation>Zeit seit der letzten Aktivität</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>Untätig</translation>
    </message>
    <message>
        <source>BOSH requests held by the connection manager right now</source>
        <translation>BOSH-Anfragen, die der Verbindungsmanager gerade hält</translation>
    </message>
    <message>
        <source>Held</source>
        <translation>Gehalten</translation>
    </message>
    <message>
        <source>Stanzas from the client to the server</source>
        <translation>Stanzas vom Client zum Server</translation>
    </message>
    <message>
        <source>Stanzas →S</source>
        <translation>Stanzas →S</translation>
    </message>
    <message>
        <source>Stanzas from the server to the client</source>
        <translation>Stanzas vom Server zum Client</translation>
    </message>
    <message>
        <source>Stanzas →C</source>
        <translation>Stanzas →C</translation>
    </message>
    <message>
        <source>Stanza bytes from the client to the server</source>
        <translation>Stanza-Bytes vom Client zum Server</translation>
    </message>
    <message>
        <source>Bytes →S</source>
        <translation>Bytes →S</translation>
    </message>
    <message>
        <source>Stanza bytes from the server to the client</source>
        <translation>Stanza-Bytes vom Server zum Client</translation>
    </message>
    <message>
        <source>Bytes →C</source>
        <translation>Bytes →C</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::SessionsPage</name>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Stream added</source>
        <translation>Stream hinzugefügt</translation>
    </message>
    <message>
        <source>Backend connected</source>
        <translation>Backend verbunden</translation>
    </message>
    <message>
        <source>Stream restarted</source>
        <translation>Stream neu gestartet</translation>
    </message>
    <message>
        <source>Resource bound</source>
        <translation>Ressource gebunden</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Pausiert</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Undelivered stanza</source>
        <translation>Nicht zugestellte Stanza</translation>
    </message>
    <message>
        <source>Stream terminated</source>
        <translation>Stream beendet</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Geschlossen</translation>
    </message>
    <message>
        <source>Filter sessions (id, address, user agent, domain, JID…)</source>
        <translation>Sitzungen filtern (Kennung, Adresse, User-Agent, Domain, JID…)</translation>
    </message>
    <message>
        <source>Select a session to see its streams and timeline.</source>
        <translation>Wählen Sie eine Sitzung, um ihre Streams und ihren Verlauf zu sehen.</translation>
    </message>
    <message>
        <source>Stream</source>
        <translation>Stream</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domain</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Backend</translation>
    </message>
    <message>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
    <message>
        <source>Session %1 (%2) — ended: %3</source>
        <translation>Sitzung %1 (%2) — beendet: %3</translation>
    </message>
    <message>
        <source>normal</source>
        <translation>normal</translation>
    </message>
    <message>
        <source>Session %1 (%2)</source>
        <translation>Sitzung %1 (%2)</translation>
    </message>
    <message>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>geschlossen</translation>
    </message>
    <message>
        <source>closed: %1</source>
        <translation>geschlossen: %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keins</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::StanzaEditor</name>
    <message>
        <source>Sending to session %1…</source>
        <translation>Wird an Sitzung %1 gesendet …</translation>
    </message>
    <message>
        <source>Inject Stanza</source>
        <translation>Stanza einschleusen</translation>
    </message>
    <message>
        <source>Toward the &amp;client</source>
        <translation>Zum &amp;Client</translation>
    </message>
    <message>
        <source>Toward the &amp;server</source>
        <translation>Zum &amp;Server</translation>
    </message>
    <message>
        <source>Deliver the stanza to the client as if the XMPP server had sent it</source>
        <translation>Die Stanza an den Client zustellen, als hätte der XMPP-Server sie gesendet</translation>
    </message>
    <message>
        <source>Send the stanza to the XMPP server as if the client had sent it</source>
        <translation>Die Stanza an den XMPP-Server senden, als hätte der Client sie gesendet</translation>
    </message>
    <message>
        <source>Insert a template…</source>
        <translation>Vorlage einfügen…</translation>
    </message>
    <message>
        <source>Chat message</source>
        <translation>Chat-Nachricht</translation>
    </message>
    <message>
        <source>Presence</source>
        <translation>Präsenz</translation>
    </message>
    <message>
        <source>Ping (XEP-0199)</source>
        <translation>Ping (XEP-0199)</translation>
    </message>
    <message>
        <source>Roster request</source>
        <translation>Kontaktlisten-Abfrage</translation>
    </message>
    <message>
        <source>S&amp;ession:</source>
        <translation>Sitz&amp;ung:</translation>
    </message>
    <message>
        <source>Direction:</source>
        <translation>Richtung:</translation>
    </message>
    <message>
        <source>&amp;Template:</source>
        <translation>&amp;Vorlage:</translation>
    </message>
    <message>
        <source>One stanza, e.g. &lt;message to=&apos;bob@example.org&apos;&gt;&lt;body&gt;hi&lt;/body&gt;&lt;/message&gt;</source>
        <translation>Eine Stanza, z. B. &lt;message to=&apos;bob@example.org&apos;&gt;&lt;body&gt;hallo&lt;/body&gt;&lt;/message&gt;</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>&amp;Senden</translation>
    </message>
    <message>
        <source>Send the stanza into the session (%1)</source>
        <translation>Die Stanza in die Sitzung senden (%1)</translation>
    </message>
    <message>
        <source>Write one stanza to send.</source>
        <translation>Schreiben Sie eine Stanza zum Senden.</translation>
    </message>
    <message>
        <source>Line %1, column %2: %3</source>
        <translation>Zeile %1, Spalte %2: %3</translation>
    </message>
    <message>
        <source>Well-formed. Choose a session to send it to.</source>
        <translation>Wohlgeformt. Wählen Sie eine Sitzung als Ziel.</translation>
    </message>
    <message>
        <source>Well-formed.</source>
        <translation>Wohlgeformt.</translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation>Nicht gesendet: %1</translation>
    </message>
    <message>
        <source>the session refused the stanza</source>
        <translation>die Sitzung hat die Stanza abgelehnt</translation>
    </message>
    <message>
        <source>Sent to the client of session %1.</source>
        <translation>An den Client der Sitzung %1 gesendet.</translation>
    </message>
    <message>
        <source>Sent to the server for session %1.</source>
        <translation>Für Sitzung %1 an den Server gesendet.</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::TerminateDialog</name>
    <message>
        <source>Terminate Session</source>
        <translation>Sitzung beenden</translation>
    </message>
    <message>
        <source>End session %1? The client is told why with the condition below.</source>
        <translation>Sitzung %1 beenden? Der Client erfährt den Grund durch die Bedingung unten.</translation>
    </message>
    <message numerus="yes">
        <source>End %n session(s)? Their clients are told why with the condition below.</source>
        <translation>
            <numerusform>%n Sitzung beenden? Ihr Client erfährt den Grund durch die Bedingung unten.</numerusform>
            <numerusform>%n Sitzungen beenden? Ihre Clients erfahren den Grund durch die Bedingung unten.</numerusform>
        </translation>
    </message>
    <message>
        <source>The connection manager is ending the session; reconnecting later is fine</source>
        <translation>Der Verbindungsmanager beendet die Sitzung; später neu verbinden ist in Ordnung</translation>
    </message>
    <message>
        <source>The client broke a local policy</source>
        <translation>Der Client hat gegen eine lokale Richtlinie verstoßen</translation>
    </message>
    <message>
        <source>The XMPP service is no longer available at this address</source>
        <translation>Der XMPP-Dienst ist unter dieser Adresse nicht mehr verfügbar</translation>
    </message>
    <message>
        <source>The connection to the XMPP server was lost</source>
        <translation>Die Verbindung zum XMPP-Server ist abgebrochen</translation>
    </message>
    <message>
        <source>The connection manager had an internal problem</source>
        <translation>Der Verbindungsmanager hatte ein internes Problem</translation>
    </message>
    <message>
        <source>No specific reason</source>
        <translation>Kein bestimmter Grund</translation>
    </message>
    <message>
        <source>&amp;Condition:</source>
        <translation>&amp;Bedingung:</translation>
    </message>
    <message>
        <source>&amp;Terminate</source>
        <translation>&amp;Beenden</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::TrafficModel</name>
    <message>
        <source>Secrets in this stanza were redacted</source>
        <translation>Geheimnisse in dieser Stanza wurden geschwärzt</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Sitzung</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>Richtung</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Element</source>
        <translation>Element</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>To</source>
        <translation>An</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Fault on demand: %1</source>
        <translation>Fehler auf Abruf: %1</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::TrafficPage</name>
    <message>
        <source>All sessions</source>
        <translation>Alle Sitzungen</translation>
    </message>
    <message>
        <source>Both directions</source>
        <translation>Beide Richtungen</translation>
    </message>
    <message>
        <source>→ server only</source>
        <translation>nur → Server</translation>
    </message>
    <message>
        <source>→ client only</source>
        <translation>nur → Client</translation>
    </message>
    <message>
        <source>Any element</source>
        <translation>Jedes Element</translation>
    </message>
    <message>
        <source>Search in stanzas…</source>
        <translation>In Stanzas suchen…</translation>
    </message>
    <message>
        <source>Select a stanza to see it here.</source>
        <translation>Wählen Sie eine Stanza, um sie hier zu sehen.</translation>
    </message>
    <message numerus="yes">
        <source>#%1 · %2 · session %3 · %4 · %n byte(s)</source>
        <translation>
            <numerusform>#%1 · %2 · Sitzung %3 · %4 · %n Byte</numerusform>
            <numerusform>#%1 · %2 · Sitzung %3 · %4 · %n Bytes</numerusform>
        </translation>
    </message>
    <message>
        <source> · secrets redacted</source>
        <translation> · Geheimnisse geschwärzt</translation>
    </message>
    <message>
        <source>Fault on demand: %1</source>
        <translation>Fehler auf Abruf: %1</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::XmlCheck</name>
    <message>
        <source>The stanza is empty.</source>
        <translation>Die Stanza ist leer.</translation>
    </message>
    <message>
        <source>An XML declaration is not allowed inside a stream.</source>
        <translation>Eine XML-Deklaration ist innerhalb eines Streams nicht erlaubt.</translation>
    </message>
    <message>
        <source>A DOCTYPE is not allowed in XMPP.</source>
        <translation>Ein DOCTYPE ist in XMPP nicht erlaubt.</translation>
    </message>
    <message>
        <source>Processing instructions are not allowed in XMPP.</source>
        <translation>Verarbeitungsanweisungen sind in XMPP nicht erlaubt.</translation>
    </message>
    <message>
        <source>Only one top-level element can be sent at a time.</source>
        <translation>Es kann nur ein Element der obersten Ebene auf einmal gesendet werden.</translation>
    </message>
    <message>
        <source>Text outside the top-level element.</source>
        <translation>Text außerhalb des Elements der obersten Ebene.</translation>
    </message>
    <message>
        <source>The stanza ends before its element is closed.</source>
        <translation>Die Stanza endet, bevor ihr Element geschlossen ist.</translation>
    </message>
    <message>
        <source>There is no element.</source>
        <translation>Es gibt kein Element.</translation>
    </message>
</context>
<context>
    <name>Switchboard::Monitor::Problem</name>
    <message>
        <source>A rid was skipped: later rids arrived, it never did</source>
        <translation>Eine rid wurde übersprungen: spätere rids kamen an, sie nie</translation>
    </message>
    <message>
        <source>A rid was sent again with different content</source>
        <translation>Eine rid wurde mit anderem Inhalt erneut gesendet</translation>
    </message>
    <message>
        <source>A rid outside the window</source>
        <translation>Eine rid außerhalb des Fensters</translation>
    </message>
    <message>
        <source>More requests open than &apos;requests&apos;</source>
        <translation>Mehr offene Anfragen als „requests“</translation>
    </message>
    <message>
        <source>Empty polls closer together than &apos;polling&apos;</source>
        <translation>Leere Abfragen in kürzerem Abstand als „polling“</translation>
    </message>
    <message>
        <source>No stream restart after SASL success</source>
        <translation>Kein Stream-Neustart nach erfolgreichem SASL</translation>
    </message>
    <message>
        <source>The session request has no &apos;to&apos;</source>
        <translation>Die Sitzungsanfrage hat kein „to“</translation>
    </message>
    <message>
        <source>The session request has no &apos;xml:lang&apos;</source>
        <translation>Die Sitzungsanfrage hat kein „xml:lang“</translation>
    </message>
    <message>
        <source>The restart request has no &apos;to&apos;</source>
        <translation>Die Neustart-Anfrage hat kein „to“</translation>
    </message>
    <message>
        <source>The restart request has no &apos;xml:lang&apos;</source>
        <translation>Die Neustart-Anfrage hat kein „xml:lang“</translation>
    </message>
    <message>
        <source>Traffic after the session was terminated</source>
        <translation>Verkehr, nachdem die Sitzung beendet wurde</translation>
    </message>
    <message>
        <source>A held request was given up before the &apos;wait&apos; the client asked for</source>
        <translation>Eine gehaltene Anfrage wurde vor dem „wait“ aufgegeben, das der Client verlangt hatte</translation>
    </message>
    <message>
        <source>No request left waiting although the client asked for &apos;hold&apos;</source>
        <translation>Keine Anfrage wartet mehr, obwohl der Client „hold“ verlangt hat</translation>
    </message>
    <message>
        <source>A stanza before &lt;open/&gt;</source>
        <translation>Eine Stanza vor &lt;open/&gt;</translation>
    </message>
    <message>
        <source>Several elements in one WebSocket message</source>
        <translation>Mehrere Elemente in einer WebSocket-Nachricht</translation>
    </message>
    <message>
        <source>The connection closed without &lt;close/&gt;</source>
        <translation>Die Verbindung wurde ohne &lt;close/&gt; geschlossen</translation>
    </message>
    <message>
        <source>A WebSocket ping was left unanswered</source>
        <translation>Ein WebSocket-Ping blieb unbeantwortet</translation>
    </message>
    <message>
        <source>A stanza not qualified by jabber:client</source>
        <translation>Eine Stanza, die nicht durch jabber:client qualifiziert ist</translation>
    </message>
    <message>
        <source>An IQ without &apos;id&apos;</source>
        <translation>Eine IQ ohne „id“</translation>
    </message>
    <message>
        <source>An IQ got no result or error in time</source>
        <translation>Eine IQ bekam nicht rechtzeitig ein Ergebnis oder einen Fehler</translation>
    </message>
</context>
<context>
    <name>Switchboard::Push</name>
    <message>
        <source>not an absolute URL</source>
        <translation>keine absolute URL</translation>
    </message>
    <message>
        <source>only https URLs are allowed</source>
        <translation>nur https-URLs sind erlaubt</translation>
    </message>
    <message>
        <source>the URL has no host</source>
        <translation>die URL hat keinen Host</translation>
    </message>
    <message>
        <source>the URL must not carry user info</source>
        <translation>die URL darf keine Benutzerangaben enthalten</translation>
    </message>
    <message>
        <source>port 0 is not a port</source>
        <translation>Port 0 ist kein Port</translation>
    </message>
    <message>
        <source>the address %1 is not a public address</source>
        <translation>die Adresse %1 ist keine öffentliche Adresse</translation>
    </message>
    <message>
        <source>cannot generate a VAPID key</source>
        <translation>kann keinen VAPID-Schlüssel erzeugen</translation>
    </message>
    <message>
        <source>cannot create VAPID key file &apos;%1&apos;: %2</source>
        <translation>kann die VAPID-Schlüsseldatei „%1“ nicht anlegen: %2</translation>
    </message>
    <message>
        <source>cannot read VAPID key file &apos;%1&apos;: %2</source>
        <translation>kann die VAPID-Schlüsseldatei „%1“ nicht lesen: %2</translation>
    </message>
    <message>
        <source>&apos;%1&apos; does not hold a P-256 private key (PEM)</source>
        <translation>„%1“ enthält keinen privaten P-256-Schlüssel (PEM)</translation>
    </message>
</context>
<context>
    <name>Switchboard::Server</name>
    <message>
        <source>Cannot listen on &apos;%1&apos;: not an IP address</source>
        <translation>Lauschen auf „%1“ nicht möglich: keine IP-Adresse</translation>
    </message>
    <message>
        <source>Cannot use TLS: %1</source>
        <translation>TLS nicht verwendbar: %1</translation>
    </message>
    <message>
        <source>Cannot use TLS: no TLS backend</source>
        <translation>TLS nicht verwendbar: kein TLS-Backend</translation>
    </message>
    <message>
        <source>Cannot listen on %1:%2: %3</source>
        <translation>Lauschen auf %1:%2 nicht möglich: %3</translation>
    </message>
    <message>
        <source>TLS is not configured</source>
        <translation>TLS ist nicht konfiguriert</translation>
    </message>
    <message>
        <source>only one element, without XML declaration, DOCTYPE or processing instruction</source>
        <translation>nur ein Element, ohne XML-Deklaration, DOCTYPE oder Verarbeitungsanweisung</translation>
    </message>
    <message>
        <source>not well-formed XML: %1</source>
        <translation>kein wohlgeformtes XML: %1</translation>
    </message>
    <message>
        <source>exactly one element is needed</source>
        <translation>genau ein Element ist nötig</translation>
    </message>
    <message>
        <source>the stanza must begin with its element</source>
        <translation>die Stanza muss mit ihrem Element beginnen</translation>
    </message>
    <message>
        <source>the session has no open stream</source>
        <translation>die Sitzung hat keinen offenen Stream</translation>
    </message>
    <message>
        <source>no session %1</source>
        <translation>keine Sitzung %1</translation>
    </message>
    <message>
        <source>nesting deeper than %1</source>
        <translation>tiefer verschachtelt als %1</translation>
    </message>
    <message>
        <source>Cannot use rest_store: %1</source>
        <translation>rest_store nicht verwendbar: %1</translation>
    </message>
    <message>
        <source>Cannot listen on %1 in worker %2: %3</source>
        <translation>Lauschen auf %1 in Worker %2 nicht möglich: %3</translation>
    </message>
    <message>
        <source>the session&apos;s worker did not answer within %1 s (busy); the call may still take effect</source>
        <translation>der Worker der Sitzung hat nicht innerhalb von %1 s geantwortet (ausgelastet); der Aufruf kann noch wirksam werden</translation>
    </message>
    <message>
        <source>the session&apos;s worker did not answer within %1 s (busy); the stanza may still go</source>
        <translation>der Worker der Sitzung hat nicht innerhalb von %1 s geantwortet (ausgelastet); die Stanza kann noch gesendet werden</translation>
    </message>
</context>
</TS>

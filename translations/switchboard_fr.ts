<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
<context>
    <name>PushTarget</name>
    <message>
        <source>a non-empty string is required</source>
        <translation>une chaîne non vide est requise</translation>
    </message>
    <message>
        <source>at most 1024 characters</source>
        <translation>1024 caractères au plus</translation>
    </message>
    <message>
        <source>a PushSubscription object is required</source>
        <translation>un objet PushSubscription est requis</translation>
    </message>
    <message>
        <source>base64url of an uncompressed P-256 point is required</source>
        <translation>le base64url d’un point P-256 non compressé est requis</translation>
    </message>
    <message>
        <source>base64url of 16 octets is required</source>
        <translation>le base64url de 16 octets est requis</translation>
    </message>
    <message>
        <source>must be &quot;webhook&quot; or &quot;webpush&quot;</source>
        <translation>doit être « webhook » ou « webpush »</translation>
    </message>
    <message>
        <source>an https URL of at most 2048 characters is required</source>
        <translation>une URL https de 2048 caractères au plus est requise</translation>
    </message>
    <message>
        <source>an array of &quot;sender&quot; and &quot;body&quot; is expected</source>
        <translation>un tableau de « sender » et « body » est attendu</translation>
    </message>
    <message>
        <source>only &quot;sender&quot; and &quot;body&quot; may be included</source>
        <translation>seuls « sender » et « body » peuvent être inclus</translation>
    </message>
</context>
<context>
    <name>RestStore</name>
    <message>
        <source>cannot create the folder of the session store &apos;%1&apos;</source>
        <translation>impossible de créer le dossier du stockage de sessions « %1 »</translation>
    </message>
    <message>
        <source>cannot open the session store &apos;%1&apos;: %2</source>
        <translation>impossible d’ouvrir le stockage de sessions « %1 » : %2</translation>
    </message>
    <message>
        <source>cannot read the mode of the session store &apos;%1&apos;: %2</source>
        <translation>impossible de lire les droits du stockage de sessions « %1 » : %2</translation>
    </message>
    <message>
        <source>the session store &apos;%1&apos; is not a regular file</source>
        <translation>le stockage de sessions « %1 » n’est pas un fichier ordinaire</translation>
    </message>
    <message>
        <source>the session store &apos;%1&apos; is readable by others (mode %2) and cannot be made 0600: %3</source>
        <translation>le stockage de sessions « %1 » est lisible par d’autres (mode %2) et ne peut pas passer en 0600 : %3</translation>
    </message>
    <message>
        <source>the Qt SQLite driver QSQLITE is missing (Debian package libqt6sql6-sqlite)</source>
        <translation>le pilote SQLite de Qt QSQLITE est absent (paquet Debian libqt6sql6-sqlite)</translation>
    </message>
    <message>
        <source>cannot use the session store &apos;%1&apos;: %2</source>
        <translation>impossible d’utiliser le stockage de sessions « %1 » : %2</translation>
    </message>
    <message>
        <source>the session store &apos;%1&apos; is in use by another Switchboard</source>
        <translation>le stockage de sessions « %1 » est utilisé par un autre Switchboard</translation>
    </message>
    <message>
        <source>the session store &apos;%1&apos; is not an SQLite database or is damaged: %2</source>
        <translation>le stockage de sessions « %1 » n’est pas une base SQLite ou est endommagé : %2</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a Switchboard session store (another program&apos;s SQLite file); name another file in rest_store</source>
        <translation>« %1 » n’est pas un stockage de sessions de Switchboard (le fichier SQLite d’un autre programme) ; indiquez un autre fichier dans rest_store</translation>
    </message>
    <message>
        <source>the session store &apos;%1&apos; has schema version %2, newer than this Switchboard reads (%3)</source>
        <translation>le stockage de sessions « %1 » a la version de schéma %2, plus récente que celle que lit ce Switchboard (%3)</translation>
    </message>
    <message>
        <source>cannot write the session store &apos;%1&apos;: %2</source>
        <translation>impossible d’écrire le stockage de sessions « %1 » : %2</translation>
    </message>
    <message>
        <source>cannot bring the session store &apos;%1&apos; to schema version %2: %3</source>
        <translation>impossible de passer le stockage de sessions « %1 » à la version de schéma %2 : %3</translation>
    </message>
    <message>
        <source>the session store is not open</source>
        <translation>le stockage de sessions n’est pas ouvert</translation>
    </message>
    <message>
        <source>cannot read the session store &apos;%1&apos;: %2</source>
        <translation>impossible de lire le stockage de sessions « %1 » : %2</translation>
    </message>
    <message>
        <source>the session store &apos;%1&apos; holds a damaged session %2 (%3)</source>
        <translation>le stockage de sessions « %1 » contient une session endommagée %2 (%3)</translation>
    </message>
</context>
<context>
    <name>Switchboard::App</name>
    <message>
        <source>shutdown deadline passed; exiting</source>
        <translation>délai d’arrêt dépassé ; fin du programme</translation>
    </message>
    <message>
        <source>TLS certificate reloaded</source>
        <translation>certificat TLS rechargé</translation>
    </message>
    <message>
        <source>TLS reload failed: %1</source>
        <translation>échec du rechargement TLS : %1</translation>
    </message>
    <message>
        <source>shutting down</source>
        <translation>arrêt en cours</translation>
    </message>
</context>
<context>
    <name>Switchboard::CommandLine</name>
    <message>
        <source>Try &apos;%1 --help&apos; for more information.</source>
        <translation>Essayez « %1 --help » pour plus d’informations.</translation>
    </message>
    <message>
        <source>Switchboard, an XMPP connection manager: BOSH (XEP-0124/0206) and WebSocket (RFC 7395)
in front of an XMPP server. Settings come from the defaults, then the --config file,
then these options. Every config key is described in docs/CONFIGURATION.md;
--print-config shows the effective values.</source>
        <translation>Switchboard, un gestionnaire de connexions XMPP : BOSH (XEP-0124/0206) et WebSocket (RFC 7395)
devant un serveur XMPP. Les réglages viennent des valeurs par défaut, puis du fichier --config,
puis de ces options. Chaque clé de configuration est décrite dans docs/CONFIGURATION.md ;
--print-config affiche les valeurs effectives.</translation>
    </message>
    <message>
        <source>Read settings from &lt;file&gt; (key = value lines).</source>
        <translation>Lire les réglages depuis &lt;file&gt; (lignes key = value).</translation>
    </message>
    <message>
        <source>Listen on &lt;address&gt; (IP address or localhost; default 127.0.0.1).</source>
        <translation>Écouter sur &lt;address&gt; (adresse IP ou localhost ; par défaut 127.0.0.1).</translation>
    </message>
    <message>
        <source>Listen on TCP port &lt;n&gt; (0..65535, 0: any free port; default 5280).</source>
        <translation>Écouter sur le port TCP &lt;n&gt; (0..65535, 0 : un port libre ; par défaut 5280).</translation>
    </message>
    <message>
        <source>BOSH endpoint path (default /http-bind/).</source>
        <translation>Chemin du point d’accès BOSH (par défaut /http-bind/).</translation>
    </message>
    <message>
        <source>WebSocket endpoint path (default /xmpp-websocket).</source>
        <translation>Chemin du point d’accès WebSocket (par défaut /xmpp-websocket).</translation>
    </message>
    <message>
        <source>Send streams for &lt;domain&gt; to host:port instead of DNS (IPv6: [::1]:5222). Repeatable.</source>
        <translation>Envoyer les flux pour &lt;domain&gt; vers host:port au lieu du DNS (IPv6 : [::1]:5222). Répétable.</translation>
    </message>
    <message>
        <source>Allow streams to &lt;domain&gt; (default: the route domains). Repeatable.</source>
        <translation>Autoriser les flux vers &lt;domain&gt; (par défaut : les domaines des routes). Répétable.</translation>
    </message>
    <message>
        <source>Let the server link for &lt;domain&gt; run without TLS (loopback, development). Repeatable.</source>
        <translation>Permettre la liaison serveur pour &lt;domain&gt; sans TLS (boucle locale, développement). Répétable.</translation>
    </message>
    <message>
        <source>Accept browser origins matching &lt;pattern&gt; (&apos;*&apos; and &apos;?&apos; wildcards; default any). Repeatable.</source>
        <translation>Accepter les origines de navigateur correspondant à &lt;pattern&gt; (jokers « * » et « ? » ; par défaut toutes). Répétable.</translation>
    </message>
    <message>
        <source>Also trust the CA certificates (PEM) in &lt;file&gt; for server links.</source>
        <translation>Faire aussi confiance aux certificats d’AC (PEM) de &lt;file&gt; pour les liaisons serveur.</translation>
    </message>
    <message>
        <source>Resolve SRV records with the nameserver at &lt;ip&gt;.</source>
        <translation>Résoudre les enregistrements SRV avec le serveur de noms à &lt;ip&gt;.</translation>
    </message>
    <message>
        <source>Logging rules, e.g. bosh.debug (short for switchboard.bosh.debug=true) or qt.*=false (&apos;,&apos; or &apos;;&apos; separated). Repeatable.</source>
        <translation>Règles de journalisation, p. ex. bosh.debug (abrégé de switchboard.bosh.debug=true) ou qt.*=false (séparées par « , » ou « ; »). Répétable.</translation>
    </message>
    <message>
        <source>Serve https:// and wss:// with the PEM certificate (chain) in &lt;file&gt;.</source>
        <translation>Servir https:// et wss:// avec le certificat PEM (la chaîne) de &lt;file&gt;.</translation>
    </message>
    <message>
        <source>The PEM private key of --tls-cert.</source>
        <translation>La clé privée PEM de --tls-cert.</translation>
    </message>
    <message>
        <source>TLS listen port (default 5281).</source>
        <translation>Port d’écoute TLS (par défaut 5281).</translation>
    </message>
    <message>
        <source>While draining (SIGUSR1), send new sessions to &lt;url&gt; (see-other-uri).</source>
        <translation>Pendant la vidange (SIGUSR1), rediriger les nouvelles sessions vers &lt;url&gt; (see-other-uri).</translation>
    </message>
    <message>
        <source>Seconds SIGTERM may take to close every session (default 10).</source>
        <translation>Secondes accordées à SIGTERM pour fermer toutes les sessions (par défaut 10).</translation>
    </message>
    <message>
        <source>Set any config key, as in the file (e.g. max_sessions_per_ip=500). Repeatable.</source>
        <translation>Régler n’importe quelle clé de configuration, comme dans le fichier (p. ex. max_sessions_per_ip=500). Répétable.</translation>
    </message>
    <message>
        <source>User interface language, e.g. de or fr (default: the system locale).</source>
        <translation>Langue de l’interface, p. ex. de ou fr (par défaut : la langue du système).</translation>
    </message>
    <message>
        <source>Run without the monitor window.</source>
        <translation>Fonctionner sans la fenêtre de surveillance.</translation>
    </message>
    <message>
        <source>Print the effective configuration in config-file syntax and exit.</source>
        <translation>Afficher la configuration effective dans la syntaxe du fichier de configuration, puis quitter.</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos;</source>
        <translation>argument inattendu « %1 »</translation>
    </message>
    <message>
        <source>invalid configuration:</source>
        <translation>configuration invalide :</translation>
    </message>
</context>
<context>
    <name>Switchboard::Config</name>
    <message>
        <source>a value is required (an integer in %1..%2)</source>
        <translation>une valeur est requise (un entier dans %1..%2)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an integer</source>
        <translation>« %1 » n’est pas un entier</translation>
    </message>
    <message>
        <source>%1 is out of range %2..%3</source>
        <translation>%1 est hors de l’intervalle %2..%3</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a boolean (true/false, yes/no, on/off, 1/0)</source>
        <translation>« %1 » n’est pas un booléen (true/false, yes/no, on/off, 1/0)</translation>
    </message>
    <message>
        <source>must start with &apos;/&apos;</source>
        <translation>doit commencer par « / »</translation>
    </message>
    <message>
        <source>must not contain blanks, &apos;?&apos; or &apos;#&apos;</source>
        <translation>ne doit contenir ni espace, ni « ? », ni « # »</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an IP address or &apos;localhost&apos;</source>
        <translation>« %1 » n’est ni une adresse IP ni « localhost »</translation>
    </message>
    <message>
        <source>file &apos;%1&apos; does not exist or is not readable</source>
        <translation>le fichier « %1 » n’existe pas ou n’est pas lisible</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an http(s):// or ws(s):// URL</source>
        <translation>« %1 » n’est pas une URL http(s):// ou ws(s)://</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an IP address</source>
        <translation>« %1 » n’est pas une adresse IP</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an http:// or https:// URL (without query or fragment)</source>
        <translation>« %1 » n’est pas une URL http:// ou https:// (sans requête ni fragment)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a host[:port] value</source>
        <translation>« %1 » n’est pas une valeur host[:port]</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a domain name</source>
        <translation>« %1 » n’est pas un nom de domaine</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an origin pattern</source>
        <translation>« %1 » n’est pas un motif d’origine</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a logging rule (CATEGORY[=true|false])</source>
        <translation>« %1 » n’est pas une règle de journalisation (CATEGORY[=true|false])</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a language code (e.g. de, fr_CH)</source>
        <translation>« %1 » n’est pas un code de langue (p. ex. de, fr_CH)</translation>
    </message>
    <message>
        <source>must be printable ASCII without blanks, &apos;&amp;&apos; or &apos;#&apos;</source>
        <translation>doit être en ASCII imprimable sans espace, « &amp; » ni « # »</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not DOMAIN=HOST:PORT</source>
        <translation>« %1 » n’est pas de la forme DOMAIN=HOST:PORT</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a bracketed IPv6 address</source>
        <translation>« %1 » n’est pas une adresse IPv6 entre crochets</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not [IPV6]:PORT</source>
        <translation>« %1 » n’est pas de la forme [IPV6]:PORT</translation>
    </message>
    <message>
        <source>an IPv6 address needs brackets, e.g. [::1]:5222</source>
        <translation>une adresse IPv6 doit être entre crochets, p. ex. [::1]:5222</translation>
    </message>
    <message>
        <source>&apos;%1&apos; does not name a host</source>
        <translation>« %1 » ne désigne aucun hôte</translation>
    </message>
    <message>
        <source>port: %1</source>
        <translation>port : %1</translation>
    </message>
    <message>
        <source>duplicate route for domain &apos;%1&apos;</source>
        <translation>route en double pour le domaine « %1 »</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not &apos;Name: value&apos;</source>
        <translation>« %1 » n’est pas de la forme « Name: value »</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a header name</source>
        <translation>« %1 » n’est pas un nom d’en-tête</translation>
    </message>
    <message>
        <source>header &apos;%1&apos; is set by the server</source>
        <translation>l’en-tête « %1 » est défini par le serveur</translation>
    </message>
    <message>
        <source>header value must be printable ASCII</source>
        <translation>la valeur de l’en-tête doit être en ASCII imprimable</translation>
    </message>
    <message>
        <source>unknown key</source>
        <translation>clé inconnue</translation>
    </message>
    <message>
        <source> (did you mean &apos;%1&apos;?)</source>
        <translation> (vouliez-vous dire « %1 » ?)</translation>
    </message>
    <message>
        <source>key &apos;%1&apos;: %2</source>
        <translation>clé « %1 » : %2</translation>
    </message>
    <message>
        <source>not valid UTF-8</source>
        <translation>UTF-8 invalide</translation>
    </message>
    <message>
        <source>expected &apos;key = value&apos;, got &apos;%1&apos;</source>
        <translation>« key = value » attendu, « %1 » reçu</translation>
    </message>
    <message>
        <source>cannot read: %1</source>
        <translation>lecture impossible : %1</translation>
    </message>
    <message>
        <source>key &apos;%1&apos;: &apos;%2&apos; is not a single item</source>
        <translation>clé « %1 » : « %2 » n’est pas un élément unique</translation>
    </message>
    <message>
        <source>keys &apos;path&apos; and &apos;ws_path&apos; must differ</source>
        <translation>les clés « path » et « ws_path » doivent différer</translation>
    </message>
    <message>
        <source>key &apos;status_path&apos; must differ from &apos;path&apos;, &apos;ws_path&apos; and /metrics</source>
        <translation>la clé « status_path » doit différer de « path », « ws_path » et /metrics</translation>
    </message>
    <message>
        <source>key &apos;default_wait&apos; (%1) must not exceed &apos;max_wait&apos; (%2)</source>
        <translation>la clé « default_wait » (%1) ne doit pas dépasser « max_wait » (%2)</translation>
    </message>
    <message>
        <source>key &apos;default_inactivity&apos; (%1) must not exceed &apos;max_inactivity&apos; (%2)</source>
        <translation>la clé « default_inactivity » (%1) ne doit pas dépasser « max_inactivity » (%2)</translation>
    </message>
    <message>
        <source>key &apos;ws_ping_interval&apos; (%1) must be below &apos;ws_idle_timeout&apos; (%2), or 0</source>
        <translation>la clé « ws_ping_interval » (%1) doit être inférieure à « ws_idle_timeout » (%2), ou 0</translation>
    </message>
    <message>
        <source>keys &apos;tls_cert_file&apos; and &apos;tls_key_file&apos; go together</source>
        <translation>les clés « tls_cert_file » et « tls_key_file » vont ensemble</translation>
    </message>
    <message>
        <source>keys &apos;tls_port&apos; and &apos;port&apos; must differ while &apos;plain_listener&apos; is on</source>
        <translation>les clés « tls_port » et « port » doivent différer tant que « plain_listener » est actif</translation>
    </message>
    <message>
        <source>key &apos;max_connections_per_ip&apos; (%1) must not exceed &apos;max_connections&apos; (%2)</source>
        <translation>la clé « max_connections_per_ip » (%1) ne doit pas dépasser « max_connections » (%2)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not auto, on or off</source>
        <translation>« %1 » n’est ni auto, ni on, ni off</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an IP address or CIDR network</source>
        <translation>« %1 » n’est ni une adresse IP ni un réseau CIDR</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not x-forwarded-for, forwarded or none</source>
        <translation>« %1 » n’est ni x-forwarded-for, ni forwarded, ni none</translation>
    </message>
    <message>
        <source>key &apos;rest_path&apos; must differ from &apos;path&apos;, &apos;ws_path&apos;, &apos;status_path&apos; and /metrics</source>
        <translation>la clé « rest_path » doit différer de « path », « ws_path », « status_path » et /metrics</translation>
    </message>
    <message>
        <source>key &apos;proxy_protocol&apos; needs &apos;trusted_proxies&apos; (only those may send the PROXY header)</source>
        <translation>la clé « proxy_protocol » exige « trusted_proxies » (eux seuls peuvent envoyer l’en-tête PROXY)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is a folder</source>
        <translation>« %1 » est un dossier</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a mailto: or https: URI</source>
        <translation>« %1 » n’est pas une URI mailto: ou https:</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a host or host:port pattern</source>
        <translation>« %1 » n’est pas un motif host ou host:port</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not 1 to %2 characters of A-Z, a-z, 0-9, &apos;_&apos; and &apos;-&apos;</source>
        <translation>« %1 » ne compte pas de 1 à %2 caractères parmi A-Z, a-z, 0-9, « _ » et « - »</translation>
    </message>
    <message>
        <source>cannot read &apos;%1&apos;</source>
        <translation>impossible de lire « %1 »</translation>
    </message>
    <message>
        <source>its first line must be a token of printable ASCII without blanks, &apos;&amp;&apos; or &apos;#&apos;</source>
        <translation>sa première ligne doit être un jeton en ASCII imprimable sans blancs, « &amp; » ni « # »</translation>
    </message>
    <message>
        <source>unknown route option &apos;%1&apos; (tls=starttls|direct, proxy_protocol_out=none|v1|v2)</source>
        <translation>option de route inconnue « %1 » (tls=starttls|direct, proxy_protocol_out=none|v1|v2)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not reuseport or acceptor</source>
        <translation>&apos;%1&apos; n&apos;est ni reuseport ni acceptor</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::AnswerText</name>
    <message>
        <source>No answer yet: %1</source>
        <translation>Pas encore de réponse : %1</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::BreakpointsDialog</name>
    <message>
        <source>Breakpoints for Session %1</source>
        <translation>Points d’arrêt pour la session %1</translation>
    </message>
    <message>
        <source>Stanzas that match the filter stop here until you forward, edit or drop them; those behind one wait too, so the order is kept. The session&apos;s timers keep running meanwhile.</source>
        <translation>Les stanzas qui correspondent au filtre s’arrêtent ici jusqu’à ce que vous les transmettiez, les modifiiez ou les abandonniez ; celles qui les suivent attendent aussi, pour garder l’ordre. Les minuteries de la session continuent de tourner pendant ce temps.</translation>
    </message>
    <message>
        <source>Both directions</source>
        <translation>Les deux sens</translation>
    </message>
    <message>
        <source>Toward the client</source>
        <translation>Vers le client</translation>
    </message>
    <message>
        <source>Toward the server</source>
        <translation>Vers le serveur</translation>
    </message>
    <message>
        <source>any (message, presence, iq…)</source>
        <translation>quelconque (message, presence, iq…)</translation>
    </message>
    <message>
        <source>any (chat, get, set…)</source>
        <translation>quelconque (chat, get, set…)</translation>
    </message>
    <message>
        <source>any</source>
        <translation>quelconque</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>&amp;Direction:</source>
        <translation>&amp;Direction :</translation>
    </message>
    <message>
        <source>&amp;Element:</source>
        <translation>&amp;Élément :</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Type :</translation>
    </message>
    <message>
        <source>Te&amp;xt contains:</source>
        <translation>Le te&amp;xte contient :</translation>
    </message>
    <message>
        <source>&amp;Forward unchanged after:</source>
        <translation>Transmettre &amp;inchangée après :</translation>
    </message>
    <message>
        <source>&amp;Set Breakpoint</source>
        <translation>&amp;Poser le point d’arrêt</translation>
    </message>
    <message>
        <source>&amp;Remove Breakpoint</source>
        <translation>&amp;Retirer le point d’arrêt</translation>
    </message>
    <message>
        <source>F&amp;orward</source>
        <translation>Tra&amp;nsmettre</translation>
    </message>
    <message>
        <source>Edi&amp;t and Forward</source>
        <translation>&amp;Modifier et transmettre</translation>
    </message>
    <message>
        <source>Dro&amp;p</source>
        <translation>&amp;Abandonner</translation>
    </message>
    <message>
        <source>&amp;Held stanzas:</source>
        <translation>&amp;Stanzas retenues :</translation>
    </message>
    <message>
        <source>Breakpoint set.</source>
        <translation>Point d’arrêt posé.</translation>
    </message>
    <message>
        <source>Not set: %1</source>
        <translation>Non posé : %1</translation>
    </message>
    <message>
        <source>Breakpoint removed; held stanzas go on unchanged.</source>
        <translation>Point d’arrêt retiré ; les stanzas retenues repartent inchangées.</translation>
    </message>
    <message>
        <source>No breakpoint set.</source>
        <translation>Aucun point d’arrêt posé.</translation>
    </message>
    <message>
        <source>Breakpoint: %1</source>
        <translation>Point d’arrêt : %1</translation>
    </message>
    <message>
        <source>#%1 %2 %3 — stopped, %4 s left</source>
        <translation>#%1 %2 %3 — arrêtée, encore %4 s</translation>
    </message>
    <message>
        <source>to client</source>
        <translation>vers le client</translation>
    </message>
    <message>
        <source>to server</source>
        <translation>vers le serveur</translation>
    </message>
    <message>
        <source>#%1 %2 %3 — waits behind</source>
        <translation>#%1 %2 %3 — attend derrière</translation>
    </message>
    <message>
        <source>Unchanged.</source>
        <translation>Inchangée.</translation>
    </message>
    <message>
        <source>Edited; well-formed.</source>
        <translation>Modifiée ; bien formée.</translation>
    </message>
    <message>
        <source>Line %1, column %2: %3</source>
        <translation>Ligne %1, colonne %2 : %3</translation>
    </message>
    <message>
        <source>Change the stanza first; it must stay one well-formed stanza.</source>
        <translation>Modifiez d’abord la stanza ; elle doit rester une seule stanza bien formée.</translation>
    </message>
    <message>
        <source>Select a held stanza first.</source>
        <translation>Sélectionnez d’abord une stanza retenue.</translation>
    </message>
    <message>
        <source>#%1: %2</source>
        <translation>#%1 : %2</translation>
    </message>
    <message>
        <source>#%1 dropped.</source>
        <translation>#%1 abandonnée.</translation>
    </message>
    <message>
        <source>#%1 edited and forwarded.</source>
        <translation>#%1 modifiée et transmise.</translation>
    </message>
    <message>
        <source>#%1 forwarded.</source>
        <translation>#%1 transmise.</translation>
    </message>
    <message>
        <source>Setting the breakpoint…</source>
        <translation>Pose du point d’arrêt…</translation>
    </message>
    <message>
        <source>Removing the breakpoint…</source>
        <translation>Retrait du point d’arrêt…</translation>
    </message>
    <message>
        <source>#%1: asking the session…</source>
        <translation>n° %1 : interrogation de la session…</translation>
    </message>
    <message>
        <source>Not removed: %1</source>
        <translation>Non retiré : %1</translation>
    </message>
    <message>
        <source>Not read: %1</source>
        <translation>Non lu : %1</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::FaultsDialog</name>
    <message>
        <source>Faults for Session %1</source>
        <translation>Pannes pour la session %1</translation>
    </message>
    <message>
        <source>Break this session on purpose to see whether its client recovers. Each fault ends by itself, or with Undo, and shows in the traffic view.</source>
        <translation>Perturbez cette session exprès pour voir si son client s’en remet. Chaque panne prend fin d’elle-même ou avec Annuler, et apparaît dans la vue du trafic.</translation>
    </message>
    <message>
        <source>Delay every stanza toward the client</source>
        <translation>Retarder chaque stanza vers le client</translation>
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
        <translation>&amp;Retard :</translation>
    </message>
    <message>
        <source>&amp;For:</source>
        <translation>&amp;Durée :</translation>
    </message>
    <message>
        <source>Drop the next BOSH responses</source>
        <translation>Abandonner les prochaines réponses BOSH</translation>
    </message>
    <message>
        <source>&amp;Responses:</source>
        <translation>&amp;Réponses :</translation>
    </message>
    <message>
        <source>Their connections close unanswered; the client must resend the same rid.</source>
        <translation>Leurs connexions se ferment sans réponse ; le client doit renvoyer le même rid.</translation>
    </message>
    <message>
        <source>Hold all traffic toward the client (a stall)</source>
        <translation>Retenir tout le trafic vers le client (un blocage)</translation>
    </message>
    <message>
        <source>Reorder the next two stanzas toward the client</source>
        <translation>Inverser les deux prochaines stanzas vers le client</translation>
    </message>
    <message>
        <source>End the server link as if the server crashed</source>
        <translation>Couper le lien au serveur comme si le serveur avait planté</translation>
    </message>
    <message>
        <source>Terminate with a condition</source>
        <translation>Terminer avec une condition</translation>
    </message>
    <message>
        <source>&amp;Condition:</source>
        <translation>&amp;Condition :</translation>
    </message>
    <message>
        <source>&amp;URI (see-other-uri):</source>
        <translation>&amp;URI (see-other-uri) :</translation>
    </message>
    <message>
        <source>Answer the next IQ with an error</source>
        <translation>Répondre à la prochaine IQ par une erreur</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Type :</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>&amp;Appliquer</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>A&amp;nnuler</translation>
    </message>
    <message>
        <source>End every fault of this session; what they keep goes to the client now</source>
        <translation>Mettre fin à toutes les pannes de cette session ; ce qu’elles retiennent part maintenant vers le client</translation>
    </message>
    <message>
        <source>&amp;Fault:</source>
        <translation>&amp;Panne :</translation>
    </message>
    <message>
        <source>Applied: %1.</source>
        <translation>Appliquée : %1.</translation>
    </message>
    <message>
        <source>Not applied: %1</source>
        <translation>Non appliquée : %1</translation>
    </message>
    <message>
        <source>Every fault of this session ended.</source>
        <translation>Toutes les pannes de cette session ont pris fin.</translation>
    </message>
    <message>
        <source>Applying: %1…</source>
        <translation>Application : %1…</translation>
    </message>
    <message>
        <source>Ending every fault of this session…</source>
        <translation>Fin de toutes les pannes de cette session…</translation>
    </message>
    <message>
        <source>Not undone: %1</source>
        <translation>Non annulé : %1</translation>
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
        <translation>%1 j %2 h</translation>
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
        <translation>→ serveur</translation>
    </message>
    <message>
        <source>→ client</source>
        <translation>→ client</translation>
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
            <numerusform> · %n worker</numerusform>
            <numerusform> · %n workers</numerusform>
        </translation>
    </message>
    <message>
        <source>Switchboard</source>
        <translation>Switchboard</translation>
    </message>
    <message>
        <source>The effective configuration: defaults, the config file and the command line. Read-only; change the file or the command line and restart.</source>
        <translation>La configuration effective : valeurs par défaut, fichier de configuration et ligne de commande. En lecture seule ; modifiez le fichier ou la ligne de commande, puis redémarrez.</translation>
    </message>
    <message>
        <source>&amp;Overview</source>
        <translation>&amp;Vue d’ensemble</translation>
    </message>
    <message>
        <source>&amp;Sessions</source>
        <translation>&amp;Sessions</translation>
    </message>
    <message>
        <source>&amp;Traffic</source>
        <translation>&amp;Trafic</translation>
    </message>
    <message>
        <source>&amp;Configuration</source>
        <translation>&amp;Configuration</translation>
    </message>
    <message>
        <source>&amp;Terminate Session…</source>
        <translation>&amp;Terminer la session…</translation>
    </message>
    <message>
        <source>End the selected sessions; their clients get a terminal condition</source>
        <translation>Termine les sessions sélectionnées ; leurs clients reçoivent une condition de fin</translation>
    </message>
    <message>
        <source>&amp;Inject Stanza…</source>
        <translation>&amp;Injecter une stanza…</translation>
    </message>
    <message>
        <source>Send a stanza of your own into a session, toward the client or the server</source>
        <translation>Envoyer votre propre stanza dans une session, vers le client ou vers le serveur</translation>
    </message>
    <message>
        <source>Show Session &amp;Traffic</source>
        <translation>Afficher le &amp;trafic de la session</translation>
    </message>
    <message>
        <source>&amp;Pause Capture</source>
        <translation>&amp;Suspendre la capture</translation>
    </message>
    <message>
        <source>C&amp;lear Traffic</source>
        <translation>&amp;Effacer le trafic</translation>
    </message>
    <message>
        <source>&amp;Follow New Stanzas</source>
        <translation>&amp;Suivre les nouvelles stanzas</translation>
    </message>
    <message>
        <source>Show &amp;Secrets (Local Debugging)</source>
        <translation>Afficher les &amp;secrets (débogage local)</translation>
    </message>
    <message>
        <source>Capture SASL payloads and passwords unredacted from now on</source>
        <translation>Capturer désormais les données SASL et les mots de passe sans masquage</translation>
    </message>
    <message>
        <source>Secrets are captured unredacted from now on</source>
        <translation>Les secrets sont désormais capturés sans masquage</translation>
    </message>
    <message>
        <source>Secrets are redacted again from now on</source>
        <translation>Les secrets sont de nouveau masqués</translation>
    </message>
    <message>
        <source>&amp;Export Selected Stanzas…</source>
        <translation>&amp;Exporter les stanzas sélectionnées…</translation>
    </message>
    <message>
        <source>Export &amp;All Stanzas…</source>
        <translation>Exporter &amp;toutes les stanzas…</translation>
    </message>
    <message>
        <source>&amp;Copy Stanzas</source>
        <translation>&amp;Copier les stanzas</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>&amp;Rechercher</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Préférences…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;About Switchboard</source>
        <translation>À &amp;propos de Switchboard</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>À propos de &amp;Qt</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>&amp;Serveur</translation>
    </message>
    <message>
        <source>&amp;Capture</source>
        <translation>&amp;Capture</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Principale</translation>
    </message>
    <message>
        <source>Stop &amp;Listening</source>
        <translation>&amp;Arrêter l’écoute</translation>
    </message>
    <message>
        <source>Start &amp;Listening</source>
        <translation>&amp;Démarrer l’écoute</translation>
    </message>
    <message>
        <source>Stop accepting connections and end every session</source>
        <translation>Ne plus accepter de connexions et terminer toutes les sessions</translation>
    </message>
    <message>
        <source>Accept connections again</source>
        <translation>Accepter de nouveau les connexions</translation>
    </message>
    <message>
        <source>Listening: %1 and %2</source>
        <translation>À l’écoute : %1 et %2</translation>
    </message>
    <message>
        <source>Not listening</source>
        <translation>Pas à l’écoute</translation>
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
            <numerusform>Capture suspendue : %n stanza</numerusform>
            <numerusform>Capture suspendue : %n stanzas</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Capturing: %n stanza(s)</source>
        <translation>
            <numerusform>Capture : %n stanza</numerusform>
            <numerusform>Capture : %n stanzas</numerusform>
        </translation>
    </message>
    <message>
        <source> · secrets shown</source>
        <translation> · secrets visibles</translation>
    </message>
    <message>
        <source>Stopped listening; every session was ended with system-shutdown</source>
        <translation>Écoute arrêtée ; toutes les sessions ont été terminées avec system-shutdown</translation>
    </message>
    <message>
        <source>Cannot Listen</source>
        <translation>Écoute impossible</translation>
    </message>
    <message>
        <source>Listening again</source>
        <translation>De nouveau à l’écoute</translation>
    </message>
    <message numerus="yes">
        <source>Terminated %n session(s) with %1</source>
        <translation>
            <numerusform>%n session terminée avec %1</numerusform>
            <numerusform>%n sessions terminées avec %1</numerusform>
        </translation>
    </message>
    <message>
        <source>the server is gone</source>
        <translation>le serveur a disparu</translation>
    </message>
    <message>
        <source>Stanza injected into session %1</source>
        <translation>Stanza injectée dans la session %1</translation>
    </message>
    <message>
        <source>XML log (*.xml)</source>
        <translation>Journal XML (*.xml)</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl)</source>
        <translation>Lignes JSON (*.jsonl)</translation>
    </message>
    <message>
        <source>Export Selected Stanzas</source>
        <translation>Exporter les stanzas sélectionnées</translation>
    </message>
    <message>
        <source>Export All Stanzas</source>
        <translation>Exporter toutes les stanzas</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Exporté vers %1</translation>
    </message>
    <message>
        <source>Export Failed</source>
        <translation>Échec de l’export</translation>
    </message>
    <message>
        <source>There is no capture.</source>
        <translation>Il n’y a pas de capture.</translation>
    </message>
    <message>
        <source>&amp;Resume Capture</source>
        <translation>&amp;Reprendre la capture</translation>
    </message>
    <message>
        <source>About Switchboard</source>
        <translation>À propos de Switchboard</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Switchboard %1&lt;/h3&gt;&lt;p&gt;An XMPP connection manager: BOSH (XEP-0124, XEP-0206) and XMPP over WebSocket (RFC 7395) in front of any XMPP server.&lt;/p&gt;&lt;p&gt;Built with Qt %2, running on Qt %3.&lt;/p&gt;&lt;p&gt;Licensed under the GNU General Public License, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Switchboard %1&lt;/h3&gt;&lt;p&gt;Un gestionnaire de connexions XMPP : BOSH (XEP-0124, XEP-0206) et XMPP sur WebSocket (RFC 7395) devant n’importe quel serveur XMPP.&lt;/p&gt;&lt;p&gt;Compilé avec Qt %2, exécuté avec Qt %3.&lt;/p&gt;&lt;p&gt;Distribué sous la licence publique générale GNU, version 3 ou ultérieure.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Vue d’ensemble</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sessions</translation>
    </message>
    <message>
        <source>Traffic</source>
        <translation>Trafic</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>Configuration</translation>
    </message>
    <message>
        <source>&amp;Faults…</source>
        <translation>&amp;Pannes…</translation>
    </message>
    <message>
        <source>Break the current session on purpose: delays, dropped responses, stalls, a crashed server…</source>
        <translation>Perturber exprès la session courante : retards, réponses abandonnées, blocages, serveur planté…</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Problèmes</translation>
    </message>
    <message>
        <source>The capture no longer holds that stanza.</source>
        <translation>La capture ne contient plus cette stanza.</translation>
    </message>
    <message>
        <source>&amp;Breakpoints…</source>
        <translation>P&amp;oints d’arrêt…</translation>
    </message>
    <message>
        <source>Hold the current session&apos;s stanzas that match a filter, then forward, edit or drop them</source>
        <translation>Retenir les stanzas de la session courante qui correspondent à un filtre, puis les transmettre, les modifier ou les abandonner</translation>
    </message>
    <message>
        <source>&amp;Problems</source>
        <translation>&amp;Problèmes</translation>
    </message>
    <message>
        <source>no action %1</source>
        <translation>aucune action %1</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::OverviewPage</name>
    <message>
        <source>Live sessions</source>
        <translation>Sessions actives</translation>
    </message>
    <message>
        <source>Sessions since start</source>
        <translation>Sessions depuis le démarrage</translation>
    </message>
    <message>
        <source>BOSH requests</source>
        <translation>Requêtes BOSH</translation>
    </message>
    <message>
        <source>Held answer time (mean)</source>
        <translation>Délai de réponse des requêtes retenues (moyenne)</translation>
    </message>
    <message>
        <source>Stanzas →server / →client</source>
        <translation>Stanzas →serveur / →client</translation>
    </message>
    <message>
        <source>Bytes →server / →client</source>
        <translation>Octets →serveur / →client</translation>
    </message>
    <message>
        <source>Backend connect failures</source>
        <translation>Échecs de connexion au serveur XMPP</translation>
    </message>
    <message>
        <source>Undelivered stanzas</source>
        <translation>Stanzas non remises</translation>
    </message>
    <message>
        <source>Pushes sent / failed / retried</source>
        <translation>Push envoyés / échoués / réessayés</translation>
    </message>
    <message>
        <source>Push subscriptions dropped / disabled / refused</source>
        <translation>Abonnements push supprimés / désactivés / refusés</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sessions</translation>
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
        <translation>Requêtes/s</translation>
    </message>
    <message>
        <source>Stanzas/s</source>
        <translation>Stanzas/s</translation>
    </message>
    <message>
        <source>→server</source>
        <translation>→serveur</translation>
    </message>
    <message>
        <source>→client</source>
        <translation>→client</translation>
    </message>
    <message>
        <source>Bytes/s</source>
        <translation>Octets/s</translation>
    </message>
    <message>
        <source>Errors by condition</source>
        <translation>Erreurs par condition</translation>
    </message>
    <message>
        <source>No errors</source>
        <translation>Aucune erreur</translation>
    </message>
    <message>
        <source>Refusals by limit</source>
        <translation>Refus par limite</translation>
    </message>
    <message>
        <source>No refusals</source>
        <translation>Aucun refus</translation>
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
        <translation>Préférences</translation>
    </message>
    <message>
        <source> stanzas</source>
        <translation> stanzas</translation>
    </message>
    <message>
        <source>Scroll to new stanzas</source>
        <translation>Défiler jusqu’aux nouvelles stanzas</translation>
    </message>
    <message>
        <source>Show secrets (for local debugging only)</source>
        <translation>Afficher les secrets (débogage local uniquement)</translation>
    </message>
    <message>
        <source>&amp;Capture size:</source>
        <translation>&amp;Taille de la capture :</translation>
    </message>
    <message>
        <source>The capture is a ring: when it is full the oldest stanzas are dropped. For this run; traffic_capacity in the configuration sets it at start.</source>
        <translation>La capture est un tampon circulaire : quand il est plein, les stanzas les plus anciennes sont supprimées. Pour cette exécution ; traffic_capacity dans la configuration fixe la valeur au démarrage.</translation>
    </message>
    <message>
        <source>SASL payloads and passwords are captured as sent instead of &quot;[redacted]&quot;. Applies to stanzas captured from now on, for this run; show_secrets in the configuration sets it at start.</source>
        <translation>Les données SASL et les mots de passe sont capturés tels qu’envoyés au lieu de « [redacted] ». S’applique aux stanzas capturées à partir de maintenant, pour cette exécution ; show_secrets dans la configuration le fixe au démarrage.</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::ProblemModel</name>
    <message>
        <source>client</source>
        <translation>client</translation>
    </message>
    <message>
        <source>server</source>
        <translation>serveur</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Session</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problème</translation>
    </message>
    <message>
        <source>Clause</source>
        <translation>Clause</translation>
    </message>
    <message>
        <source>Side</source>
        <translation>Côté</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Détail</translation>
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
        <translation>Ce que les clients font à l’encontre des spécifications, par session, au moment où cela se produit. Double-cliquez sur un problème pour voir sa stanza dans la vue du trafic.</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::SessionModel</name>
    <message>
        <source>The worker (event loop) that owns the session; 0 is the first</source>
        <translation>Le worker (la boucle d’événements) à qui appartient la session ; 0 est le premier</translation>
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
        <translation>aucun</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>Ouverte le %1</translation>
    </message>
    <message>
        <source>Last activity %1</source>
        <translation>Dernière activité le %1</translation>
    </message>
    <message numerus="yes">
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n octet</numerusform>
            <numerusform>%n octets</numerusform>
        </translation>
    </message>
    <message>
        <source>The client connected over TLS</source>
        <translation>Le client s’est connecté via TLS</translation>
    </message>
    <message>
        <source>The client connected without TLS</source>
        <translation>Le client s’est connecté sans TLS</translation>
    </message>
    <message>
        <source>The session id (BOSH sid or WebSocket stream id)</source>
        <translation>L’identifiant de session (sid BOSH ou identifiant de flux WebSocket)</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Session</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Transport</translation>
    </message>
    <message>
        <source>Where the client connected from</source>
        <translation>D’où le client s’est connecté</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>User agent</source>
        <translation>Agent utilisateur</translation>
    </message>
    <message>
        <source>The XMPP domain the client asked for</source>
        <translation>Le domaine XMPP demandé par le client</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domaine</translation>
    </message>
    <message>
        <source>The XMPP server this session is connected to</source>
        <translation>Le serveur XMPP auquel cette session est connectée</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Serveur XMPP</translation>
    </message>
    <message>
        <source>Whether the link to the XMPP server is encrypted</source>
        <translation>Si la liaison avec le serveur XMPP est chiffrée</translation>
    </message>
    <message>
        <source>Backend TLS</source>
        <translation>TLS serveur</translation>
    </message>
    <message>
        <source>The full JID bound by the server</source>
        <translation>Le JID complet lié par le serveur</translation>
    </message>
    <message>
        <source>JID</source>
        <translation>JID</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Âge</translation>
    </message>
    <message>
        <source>Time since the last activity</source>
        <translation>Temps écoulé depuis la dernière activité</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>Inactive</translation>
    </message>
    <message>
        <source>BOSH requests held by the connection manager right now</source>
        <translation>Requêtes BOSH retenues en ce moment par le gestionnaire de connexions</translation>
    </message>
    <message>
        <source>Held</source>
        <translation>Retenues</translation>
    </message>
    <message>
        <source>Stanzas from the client to the server</source>
        <translation>Stanzas du client vers le serveur</translation>
    </message>
    <message>
        <source>Stanzas →S</source>
        <translation>Stanzas →S</translation>
    </message>
    <message>
        <source>Stanzas from the server to the client</source>
        <translation>Stanzas du serveur vers le client</translation>
    </message>
    <message>
        <source>Stanzas →C</source>
        <translation>Stanzas →C</translation>
    </message>
    <message>
        <source>Stanza bytes from the client to the server</source>
        <translation>Octets de stanzas du client vers le serveur</translation>
    </message>
    <message>
        <source>Bytes →S</source>
        <translation>Octets →S</translation>
    </message>
    <message>
        <source>Stanza bytes from the server to the client</source>
        <translation>Octets de stanzas du serveur vers le client</translation>
    </message>
    <message>
        <source>Bytes →C</source>
        <translation>Octets →C</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::SessionsPage</name>
    <message>
        <source>Created</source>
        <translation>Créée</translation>
    </message>
    <message>
        <source>Stream added</source>
        <translation>Flux ajouté</translation>
    </message>
    <message>
        <source>Backend connected</source>
        <translation>Serveur XMPP connecté</translation>
    </message>
    <message>
        <source>Stream restarted</source>
        <translation>Flux redémarré</translation>
    </message>
    <message>
        <source>Resource bound</source>
        <translation>Ressource liée</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>En pause</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <source>Undelivered stanza</source>
        <translation>Stanza non remise</translation>
    </message>
    <message>
        <source>Stream terminated</source>
        <translation>Flux terminé</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Fermée</translation>
    </message>
    <message>
        <source>Filter sessions (id, address, user agent, domain, JID…)</source>
        <translation>Filtrer les sessions (identifiant, adresse, agent utilisateur, domaine, JID…)</translation>
    </message>
    <message>
        <source>Select a session to see its streams and timeline.</source>
        <translation>Sélectionnez une session pour voir ses flux et sa chronologie.</translation>
    </message>
    <message>
        <source>Stream</source>
        <translation>Flux</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domaine</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Serveur XMPP</translation>
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
        <translation>État</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Événement</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Détail</translation>
    </message>
    <message>
        <source>Session %1 (%2) — ended: %3</source>
        <translation>Session %1 (%2) — terminée : %3</translation>
    </message>
    <message>
        <source>normal</source>
        <translation>normale</translation>
    </message>
    <message>
        <source>Session %1 (%2)</source>
        <translation>Session %1 (%2)</translation>
    </message>
    <message>
        <source>open</source>
        <translation>ouvert</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>fermé</translation>
    </message>
    <message>
        <source>closed: %1</source>
        <translation>fermé : %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucun</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::StanzaEditor</name>
    <message>
        <source>Sending to session %1…</source>
        <translation>Envoi à la session %1…</translation>
    </message>
    <message>
        <source>Inject Stanza</source>
        <translation>Injecter une stanza</translation>
    </message>
    <message>
        <source>Toward the &amp;client</source>
        <translation>Vers le &amp;client</translation>
    </message>
    <message>
        <source>Toward the &amp;server</source>
        <translation>Vers le &amp;serveur</translation>
    </message>
    <message>
        <source>Deliver the stanza to the client as if the XMPP server had sent it</source>
        <translation>Remettre la stanza au client comme si le serveur XMPP l’avait envoyée</translation>
    </message>
    <message>
        <source>Send the stanza to the XMPP server as if the client had sent it</source>
        <translation>Envoyer la stanza au serveur XMPP comme si le client l’avait envoyée</translation>
    </message>
    <message>
        <source>Insert a template…</source>
        <translation>Insérer un modèle…</translation>
    </message>
    <message>
        <source>Chat message</source>
        <translation>Message de discussion</translation>
    </message>
    <message>
        <source>Presence</source>
        <translation>Présence</translation>
    </message>
    <message>
        <source>Ping (XEP-0199)</source>
        <translation>Ping (XEP-0199)</translation>
    </message>
    <message>
        <source>Roster request</source>
        <translation>Demande de liste de contacts</translation>
    </message>
    <message>
        <source>S&amp;ession:</source>
        <translation>S&amp;ession :</translation>
    </message>
    <message>
        <source>Direction:</source>
        <translation>Direction :</translation>
    </message>
    <message>
        <source>&amp;Template:</source>
        <translation>&amp;Modèle :</translation>
    </message>
    <message>
        <source>One stanza, e.g. &lt;message to=&apos;bob@example.org&apos;&gt;&lt;body&gt;hi&lt;/body&gt;&lt;/message&gt;</source>
        <translation>Une stanza, p. ex. &lt;message to=&apos;bob@example.org&apos;&gt;&lt;body&gt;salut&lt;/body&gt;&lt;/message&gt;</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>&amp;Envoyer</translation>
    </message>
    <message>
        <source>Send the stanza into the session (%1)</source>
        <translation>Envoyer la stanza dans la session (%1)</translation>
    </message>
    <message>
        <source>Write one stanza to send.</source>
        <translation>Écrivez une stanza à envoyer.</translation>
    </message>
    <message>
        <source>Line %1, column %2: %3</source>
        <translation>Ligne %1, colonne %2 : %3</translation>
    </message>
    <message>
        <source>Well-formed. Choose a session to send it to.</source>
        <translation>Bien formée. Choisissez une session destinataire.</translation>
    </message>
    <message>
        <source>Well-formed.</source>
        <translation>Bien formée.</translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation>Non envoyée : %1</translation>
    </message>
    <message>
        <source>the session refused the stanza</source>
        <translation>la session a refusé la stanza</translation>
    </message>
    <message>
        <source>Sent to the client of session %1.</source>
        <translation>Envoyée au client de la session %1.</translation>
    </message>
    <message>
        <source>Sent to the server for session %1.</source>
        <translation>Envoyée au serveur pour la session %1.</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::TerminateDialog</name>
    <message>
        <source>Terminate Session</source>
        <translation>Terminer la session</translation>
    </message>
    <message>
        <source>End session %1? The client is told why with the condition below.</source>
        <translation>Terminer la session %1 ? Le client en apprend la raison par la condition ci-dessous.</translation>
    </message>
    <message numerus="yes">
        <source>End %n session(s)? Their clients are told why with the condition below.</source>
        <translation>
            <numerusform>Terminer %n session ? Son client en apprend la raison par la condition ci-dessous.</numerusform>
            <numerusform>Terminer %n sessions ? Leurs clients en apprennent la raison par la condition ci-dessous.</numerusform>
        </translation>
    </message>
    <message>
        <source>The connection manager is ending the session; reconnecting later is fine</source>
        <translation>Le gestionnaire de connexions termine la session ; se reconnecter plus tard est possible</translation>
    </message>
    <message>
        <source>The client broke a local policy</source>
        <translation>Le client a enfreint une règle locale</translation>
    </message>
    <message>
        <source>The XMPP service is no longer available at this address</source>
        <translation>Le service XMPP n’est plus disponible à cette adresse</translation>
    </message>
    <message>
        <source>The connection to the XMPP server was lost</source>
        <translation>La connexion au serveur XMPP a été perdue</translation>
    </message>
    <message>
        <source>The connection manager had an internal problem</source>
        <translation>Le gestionnaire de connexions a eu un problème interne</translation>
    </message>
    <message>
        <source>No specific reason</source>
        <translation>Aucune raison précise</translation>
    </message>
    <message>
        <source>&amp;Condition:</source>
        <translation>&amp;Condition :</translation>
    </message>
    <message>
        <source>&amp;Terminate</source>
        <translation>&amp;Terminer</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::TrafficModel</name>
    <message>
        <source>Secrets in this stanza were redacted</source>
        <translation>Les secrets de cette stanza ont été masqués</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Session</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>Direction</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Element</source>
        <translation>Élément</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>To</source>
        <translation>À</translation>
    </message>
    <message>
        <source>From</source>
        <translation>De</translation>
    </message>
    <message>
        <source>Fault on demand: %1</source>
        <translation>Panne à la demande : %1</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::TrafficPage</name>
    <message>
        <source>All sessions</source>
        <translation>Toutes les sessions</translation>
    </message>
    <message>
        <source>Both directions</source>
        <translation>Les deux directions</translation>
    </message>
    <message>
        <source>→ server only</source>
        <translation>→ serveur seulement</translation>
    </message>
    <message>
        <source>→ client only</source>
        <translation>→ client seulement</translation>
    </message>
    <message>
        <source>Any element</source>
        <translation>Tout élément</translation>
    </message>
    <message>
        <source>Search in stanzas…</source>
        <translation>Rechercher dans les stanzas…</translation>
    </message>
    <message>
        <source>Select a stanza to see it here.</source>
        <translation>Sélectionnez une stanza pour l’afficher ici.</translation>
    </message>
    <message numerus="yes">
        <source>#%1 · %2 · session %3 · %4 · %n byte(s)</source>
        <translation>
            <numerusform>#%1 · %2 · session %3 · %4 · %n octet</numerusform>
            <numerusform>#%1 · %2 · session %3 · %4 · %n octets</numerusform>
        </translation>
    </message>
    <message>
        <source> · secrets redacted</source>
        <translation> · secrets masqués</translation>
    </message>
    <message>
        <source>Fault on demand: %1</source>
        <translation>Panne à la demande : %1</translation>
    </message>
</context>
<context>
    <name>Switchboard::Gui::XmlCheck</name>
    <message>
        <source>The stanza is empty.</source>
        <translation>La stanza est vide.</translation>
    </message>
    <message>
        <source>An XML declaration is not allowed inside a stream.</source>
        <translation>Une déclaration XML n’est pas permise dans un flux.</translation>
    </message>
    <message>
        <source>A DOCTYPE is not allowed in XMPP.</source>
        <translation>Un DOCTYPE n’est pas permis en XMPP.</translation>
    </message>
    <message>
        <source>Processing instructions are not allowed in XMPP.</source>
        <translation>Les instructions de traitement ne sont pas permises en XMPP.</translation>
    </message>
    <message>
        <source>Only one top-level element can be sent at a time.</source>
        <translation>Un seul élément de premier niveau peut être envoyé à la fois.</translation>
    </message>
    <message>
        <source>Text outside the top-level element.</source>
        <translation>Texte en dehors de l’élément de premier niveau.</translation>
    </message>
    <message>
        <source>The stanza ends before its element is closed.</source>
        <translation>La stanza se termine avant la fermeture de son élément.</translation>
    </message>
    <message>
        <source>There is no element.</source>
        <translation>Il n’y a aucun élément.</translation>
    </message>
</context>
<context>
    <name>Switchboard::Monitor::Problem</name>
    <message>
        <source>A rid was skipped: later rids arrived, it never did</source>
        <translation>Un rid a été sauté : des rid suivants sont arrivés, lui jamais</translation>
    </message>
    <message>
        <source>A rid was sent again with different content</source>
        <translation>Un rid a été renvoyé avec un contenu différent</translation>
    </message>
    <message>
        <source>A rid outside the window</source>
        <translation>Un rid hors de la fenêtre</translation>
    </message>
    <message>
        <source>More requests open than &apos;requests&apos;</source>
        <translation>Plus de requêtes ouvertes que « requests »</translation>
    </message>
    <message>
        <source>Empty polls closer together than &apos;polling&apos;</source>
        <translation>Des sondages vides plus rapprochés que « polling »</translation>
    </message>
    <message>
        <source>No stream restart after SASL success</source>
        <translation>Pas de redémarrage du flux après la réussite SASL</translation>
    </message>
    <message>
        <source>The session request has no &apos;to&apos;</source>
        <translation>La requête de session n’a pas de « to »</translation>
    </message>
    <message>
        <source>The session request has no &apos;xml:lang&apos;</source>
        <translation>La requête de session n’a pas de « xml:lang »</translation>
    </message>
    <message>
        <source>The restart request has no &apos;to&apos;</source>
        <translation>La requête de redémarrage n’a pas de « to »</translation>
    </message>
    <message>
        <source>The restart request has no &apos;xml:lang&apos;</source>
        <translation>La requête de redémarrage n’a pas de « xml:lang »</translation>
    </message>
    <message>
        <source>Traffic after the session was terminated</source>
        <translation>Du trafic après la fin de la session</translation>
    </message>
    <message>
        <source>A held request was given up before the &apos;wait&apos; the client asked for</source>
        <translation>Une requête retenue a été abandonnée avant le « wait » demandé par le client</translation>
    </message>
    <message>
        <source>No request left waiting although the client asked for &apos;hold&apos;</source>
        <translation>Aucune requête n’attend plus, alors que le client a demandé « hold »</translation>
    </message>
    <message>
        <source>A stanza before &lt;open/&gt;</source>
        <translation>Une stanza avant &lt;open/&gt;</translation>
    </message>
    <message>
        <source>Several elements in one WebSocket message</source>
        <translation>Plusieurs éléments dans un même message WebSocket</translation>
    </message>
    <message>
        <source>The connection closed without &lt;close/&gt;</source>
        <translation>La connexion s’est fermée sans &lt;close/&gt;</translation>
    </message>
    <message>
        <source>A WebSocket ping was left unanswered</source>
        <translation>Un ping WebSocket est resté sans réponse</translation>
    </message>
    <message>
        <source>A stanza not qualified by jabber:client</source>
        <translation>Une stanza non qualifiée par jabber:client</translation>
    </message>
    <message>
        <source>An IQ without &apos;id&apos;</source>
        <translation>Une IQ sans « id »</translation>
    </message>
    <message>
        <source>An IQ got no result or error in time</source>
        <translation>Une IQ n’a pas reçu de résultat ni d’erreur à temps</translation>
    </message>
</context>
<context>
    <name>Switchboard::Push</name>
    <message>
        <source>not an absolute URL</source>
        <translation>pas une URL absolue</translation>
    </message>
    <message>
        <source>only https URLs are allowed</source>
        <translation>seules les URL https sont permises</translation>
    </message>
    <message>
        <source>the URL has no host</source>
        <translation>l’URL n’a pas d’hôte</translation>
    </message>
    <message>
        <source>the URL must not carry user info</source>
        <translation>l’URL ne doit pas porter d’informations d’utilisateur</translation>
    </message>
    <message>
        <source>port 0 is not a port</source>
        <translation>le port 0 n’est pas un port</translation>
    </message>
    <message>
        <source>the address %1 is not a public address</source>
        <translation>l’adresse %1 n’est pas une adresse publique</translation>
    </message>
    <message>
        <source>cannot generate a VAPID key</source>
        <translation>impossible de générer une clé VAPID</translation>
    </message>
    <message>
        <source>cannot create VAPID key file &apos;%1&apos;: %2</source>
        <translation>impossible de créer le fichier de clé VAPID « %1 » : %2</translation>
    </message>
    <message>
        <source>cannot read VAPID key file &apos;%1&apos;: %2</source>
        <translation>impossible de lire le fichier de clé VAPID « %1 » : %2</translation>
    </message>
    <message>
        <source>&apos;%1&apos; does not hold a P-256 private key (PEM)</source>
        <translation>« %1 » ne contient pas de clé privée P-256 (PEM)</translation>
    </message>
</context>
<context>
    <name>Switchboard::Server</name>
    <message>
        <source>Cannot listen on &apos;%1&apos;: not an IP address</source>
        <translation>Impossible d’écouter sur « %1 » : ce n’est pas une adresse IP</translation>
    </message>
    <message>
        <source>Cannot use TLS: %1</source>
        <translation>Impossible d’utiliser TLS : %1</translation>
    </message>
    <message>
        <source>Cannot use TLS: no TLS backend</source>
        <translation>Impossible d’utiliser TLS : aucune implémentation TLS</translation>
    </message>
    <message>
        <source>Cannot listen on %1:%2: %3</source>
        <translation>Impossible d’écouter sur %1:%2 : %3</translation>
    </message>
    <message>
        <source>TLS is not configured</source>
        <translation>TLS n’est pas configuré</translation>
    </message>
    <message>
        <source>only one element, without XML declaration, DOCTYPE or processing instruction</source>
        <translation>un seul élément, sans déclaration XML, DOCTYPE ni instruction de traitement</translation>
    </message>
    <message>
        <source>not well-formed XML: %1</source>
        <translation>XML mal formé : %1</translation>
    </message>
    <message>
        <source>exactly one element is needed</source>
        <translation>il faut exactement un élément</translation>
    </message>
    <message>
        <source>the stanza must begin with its element</source>
        <translation>la stanza doit commencer par son élément</translation>
    </message>
    <message>
        <source>the session has no open stream</source>
        <translation>la session n’a aucun flux ouvert</translation>
    </message>
    <message>
        <source>no session %1</source>
        <translation>aucune session %1</translation>
    </message>
    <message>
        <source>nesting deeper than %1</source>
        <translation>imbrication plus profonde que %1</translation>
    </message>
    <message>
        <source>Cannot use rest_store: %1</source>
        <translation>Impossible d’utiliser rest_store : %1</translation>
    </message>
    <message>
        <source>Cannot listen on %1 in worker %2: %3</source>
        <translation>Impossible d’écouter sur %1 dans le worker %2 : %3</translation>
    </message>
    <message>
        <source>the session&apos;s worker did not answer within %1 s (busy); the call may still take effect</source>
        <translation>le worker de la session n’a pas répondu en %1 s (occupé) ; l’appel peut encore prendre effet</translation>
    </message>
    <message>
        <source>the session&apos;s worker did not answer within %1 s (busy); the stanza may still go</source>
        <translation>le worker de la session n’a pas répondu en %1 s (occupé) ; la stanza peut encore partir</translation>
    </message>
</context>
</TS>

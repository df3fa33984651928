// SPDX-License-Identifier: GPL-3.0-or-later
#include "benchsession.h"

#include "stanzascanner.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

#include <utility>

namespace Switchboard::Bench {

namespace {
const QString nsStreams = QStringLiteral("http://etherx.jabber.org/streams");
const QString nsSasl = QStringLiteral("urn:ietf:params:xml:ns:xmpp-sasl");

QByteArray escaped(const QString &text)
{
    return text.toHtmlEscaped().replace(QLatin1Char('\''), QStringLiteral("&apos;")).toUtf8();
}

/// A BOSH response's payloads and <body/> attributes; `error` says why it cannot be used (an HTTP error,
/// a malformed <body/>, a terminate). Read the same way by both BOSH clients.
struct BoshResponse
{
    QList<Element> stanzas;
    QXmlStreamAttributes attributes;
    QString error;
};

BoshResponse readBoshResponse(int status, const QByteArray &body)
{
    BoshResponse response;
    if (status != 200) {
        response.error = QStringLiteral("HTTP status %1").arg(status);
        return response;
    }
    StanzaSplitter splitter;
    response.stanzas = splitter.feed(body);
    if (splitter.hasError()) {
        response.error = QStringLiteral("bad <body>: %1").arg(splitter.error());
        return response;
    }
    response.attributes = splitter.rootAttributes();
    if (response.attributes.value(QStringLiteral("type")) == QLatin1String("terminate"))
        response.error =
            QStringLiteral("BOSH terminate: %1").arg(response.attributes.value(QStringLiteral("condition")));
    return response;
}
} // namespace

const Element *Element::child(const QString &localName) const
{
    for (const Element &c : children) {
        if (c.name == localName)
            return &c;
    }
    return nullptr;
}

// --- StanzaSplitter ---

void StanzaSplitter::reset()
{
    m_reader.clear();
    m_stack.clear();
    m_rootAttributes.clear();
    m_depth = 0;
    m_error.clear();
}

QList<Element> StanzaSplitter::feed(const QByteArray &bytes)
{
    QList<Element> done;
    m_reader.addData(bytes);
    while (!m_reader.atEnd()) {
        switch (m_reader.readNext()) {
        case QXmlStreamReader::StartElement:
            if (m_depth == 0) {
                m_rootAttributes = m_reader.attributes();
            } else {
                Element e;
                e.name = m_reader.name().toString();
                e.ns = m_reader.namespaceUri().toString();
                e.attributes = m_reader.attributes();
                m_stack.append(std::move(e));
            }
            ++m_depth;
            break;
        case QXmlStreamReader::EndElement:
            --m_depth;
            if (!m_stack.isEmpty()) {
                Element e = m_stack.takeLast();
                if (m_stack.isEmpty())
                    done.append(std::move(e));
                else
                    m_stack.last().children.append(std::move(e));
            }
            break;
        case QXmlStreamReader::Characters:
            if (!m_stack.isEmpty())
                m_stack.last().text += m_reader.text();
            break;
        default:
            break;
        }
    }
    // Running out of data mid-stream is the normal state of an XMPP stream.
    if (m_reader.hasError() && m_reader.error() != QXmlStreamReader::PrematureEndOfDocumentError)
        m_error = m_reader.errorString();
    return done;
}

std::optional<Element> StanzaSplitter::parseElement(const QByteArray &xml)
{
    // Wrap it so the splitter's depth-1 rule applies; the wrapper declares no namespace.
    StanzaSplitter splitter;
    QList<Element> elements = splitter.feed("<w>" + xml + "</w>");
    if (splitter.hasError() || elements.size() != 1)
        return std::nullopt;
    return elements.takeFirst();
}

// --- BenchSession ---

BenchSession::BenchSession(const Account &account, QObject *parent) : QObject(parent), m_account(account) {}

void BenchSession::sendEcho(const QByteArray &id)
{
    sendStanza("<message xmlns='jabber:client' type='chat' to='" + escaped(m_jid) + "' id='" + id +
               "'><body>ping</body></message>");
}

void BenchSession::setBound(const QString &jid)
{
    m_jid = jid;
    Q_EMIT loggedIn();
}

void BenchSession::fail(const QString &reason)
{
    if (m_failed)
        return;
    m_failed = true;
    Q_EMIT failed(reason);
}

void BenchSession::finishClose()
{
    if (m_closeFinished)
        return;
    m_closeFinished = true;
    Q_EMIT closed();
}

void BenchSession::endWithSocket(QTcpSocket &socket, const bool &closing)
{
    connect(&socket, &QTcpSocket::errorOccurred, this, [this, &socket, &closing] {
        if (closing)
            return finishClose();
        fail(socket.errorString());
    });
    connect(&socket, &QTcpSocket::disconnected, this, [this, &closing] {
        if (closing)
            finishClose();
    });
}

bool BenchSession::takeEchoes(QByteArrayView xml, bool boshBody)
{
    if (!isBound())
        return false;
    if (!boshBody) {
        if (!xml.startsWith("<message") || elementName(xml) != "message")
            return false;
        Q_EMIT echoReceived(attributeValue(xml, "id").toByteArray());
        return true;
    }
    const QByteArrayView tag = startTag(xml);
    if (elementName(tag) != "body" || !attributeValue(tag, "type").isEmpty())
        return false; // a terminate (or not a BOSH body): the full way says why
    if (tag.endsWith("/>"))
        return tag.size() == xml.trimmed().size(); // an empty response
    StanzaScanner scanner(xml.size() + 1);
    scanner.append(xml);
    QList<QByteArrayView> messages;
    bool closed = false;
    for (StanzaScanner::Token t = scanner.next(); t.event != StanzaScanner::Event::NeedMore;
         t = scanner.next()) {
        if (t.event == StanzaScanner::Event::Element && elementName(t.bytes) == "message")
            messages.append(t.bytes);
        else if (t.event == StanzaScanner::Event::StreamClosed)
            closed = true;
        else if (t.event != StanzaScanner::Event::StreamOpened)
            return false;
    }
    if (!closed)
        return false;
    for (QByteArrayView message : std::as_const(messages))
        Q_EMIT echoReceived(attributeValue(message, "id").toByteArray());
    return true;
}

void BenchSession::handleStanza(const Element &stanza)
{
    if (stanza.name == QLatin1String("message")) {
        Q_EMIT echoReceived(stanza.attribute(QStringLiteral("id")).toLatin1());
    } else if (stanza.name == QLatin1String("features") && stanza.ns == nsStreams) {
        if (!m_authenticated && stanza.child(QStringLiteral("mechanisms"))) {
            // RFC 4616: authzid NUL authcid NUL password.
            const QByteArray plain = '\0' + m_account.user.toUtf8() + '\0' + m_account.password.toUtf8();
            sendStanza("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" +
                       plain.toBase64() + "</auth>");
        } else if (m_authenticated && !m_bindSent && stanza.child(QStringLiteral("bind"))) {
            m_bindSent = true;
            sendStanza("<iq xmlns='jabber:client' type='set' id='bind1'><bind "
                       "xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                       "<resource>" +
                       escaped(m_account.resource) + "</resource></bind></iq>");
        }
    } else if (stanza.ns == nsSasl && stanza.name == QLatin1String("success")) {
        m_authenticated = true;
        restartStream();
    } else if (stanza.ns == nsSasl && stanza.name == QLatin1String("failure")) {
        fail(QStringLiteral("SASL failure for %1").arg(m_account.user));
    } else if (stanza.name == QLatin1String("iq") &&
               stanza.attribute(QStringLiteral("id")) == QLatin1String("bind1")) {
        const Element *bind = stanza.child(QStringLiteral("bind"));
        const Element *jid = bind ? bind->child(QStringLiteral("jid")) : nullptr;
        if (stanza.attribute(QStringLiteral("type")) != QLatin1String("result") || !jid)
            return fail(QStringLiteral("bind failed for %1").arg(m_account.user));
        m_jid = jid->text.trimmed();
        Q_EMIT loggedIn();
    } else if (stanza.name == QLatin1String("error") && stanza.ns == nsStreams) {
        fail(QStringLiteral("stream error: %1")
                 .arg(stanza.children.isEmpty() ? QString() : stanza.children.constFirst().name));
    }
}

// --- TcpSession ---

TcpSession::TcpSession(const QString &host, quint16 port, const Account &account, QObject *parent)
    : BenchSession(account, parent), m_host(host), m_port(port)
{
    connect(&m_socket, &QTcpSocket::connected, this, [this] {
        // Loopback round trips are what we measure: no Nagle delay on our side.
        m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        openStream();
    });
    connect(&m_socket, &QTcpSocket::readyRead, this, &TcpSession::onReadyRead);
    endWithSocket(m_socket, m_closing);
}

void TcpSession::start()
{
    m_socket.connectToHost(m_host, m_port);
}

void TcpSession::close()
{
    if (m_closing)
        return;
    m_closing = true;
    if (m_socket.state() != QAbstractSocket::ConnectedState)
        return finishClose();
    // RFC 6120 §4.4: the server answers with its own </stream:stream> and closes; `disconnected` ends it.
    m_socket.write("</stream:stream>");
    m_socket.disconnectFromHost();
}

void TcpSession::openStream()
{
    m_splitter.reset();
    m_socket.write("<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                   "xmlns:stream='http://etherx.jabber.org/streams' version='1.0' xml:lang='en' to='" +
                   escaped(m_account.domain) + "'>");
}

void TcpSession::sendStanza(const QByteArray &xml)
{
    m_socket.write(xml);
}

void TcpSession::restartStream()
{
    m_restart = true;
}

void TcpSession::onReadyRead()
{
    const QList<Element> stanzas = m_splitter.feed(m_socket.readAll());
    for (const Element &stanza : stanzas) {
        handleStanza(stanza);
        if (m_restart) {
            // Nothing follows <success/> until we open the new stream, so nothing is lost here.
            m_restart = false;
            openStream();
            return;
        }
    }
    if (m_splitter.hasError())
        fail(QStringLiteral("XML error: %1").arg(m_splitter.error()));
}

// --- HttpConnection ---

HttpConnection::HttpConnection(const QString &host, quint16 port, QObject *parent)
    : QObject(parent), m_host(host), m_port(port)
{
    connect(&m_socket, &QTcpSocket::connected, this, [this] {
        m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        writeRequest();
    });
    connect(&m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(&m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        // A keep-alive connection closed by the server between requests is no failure: reconnect later.
        if (!m_busy && error == QAbstractSocket::RemoteHostClosedError)
            return;
        if (m_busy) {
            m_busy = false;
            Q_EMIT failed(m_socket.errorString());
        }
    });
}

void HttpConnection::post(const QByteArray &path, const QByteArray &body)
{
    request("POST", path, body, "Content-Type: text/xml; charset=utf-8\r\n");
}

void HttpConnection::request(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                             const QByteArray &headers)
{
    Q_ASSERT(!m_busy);
    m_busy = true;
    ++m_requestCount;
    m_buffer.clear();
    m_request = method + ' ' + path + " HTTP/1.1\r\nHost: " + m_host.toLatin1() + ':' +
                QByteArray::number(m_port) + "\r\n" + headers;
    if (!body.isEmpty() || method == "POST" || method == "PUT")
        m_request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    m_request += "\r\n" + body;
    if (m_socket.state() == QAbstractSocket::ConnectedState)
        writeRequest();
    else if (m_socket.state() == QAbstractSocket::UnconnectedState)
        m_socket.connectToHost(m_host, m_port);
    // else: connecting; `connected` writes it.
}

void HttpConnection::writeRequest()
{
    if (!m_request.isEmpty()) {
        m_socket.write(m_request);
        m_request.clear();
    }
}

void HttpConnection::onReadyRead()
{
    m_buffer += m_socket.readAll();
    if (!m_busy)
        return;
    const qsizetype headerEnd = m_buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return;
    const QList<QByteArray> lines = m_buffer.left(headerEnd).split('\n');
    const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
    const int status = statusLine.value(1).toInt();
    qint64 contentLength = -1;
    bool chunked = false, close = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        const QByteArray name = lines[i].left(colon).trimmed().toLower();
        const QByteArray value = lines[i].mid(colon + 1).trimmed().toLower();
        if (name == "content-length")
            contentLength = value.toLongLong();
        else if (name == "transfer-encoding")
            chunked = value.contains("chunked");
        else if (name == "connection")
            close = value == "close";
    }
    QByteArray body;
    qsizetype consumed = 0;
    if (chunked) {
        qsizetype pos = headerEnd + 4;
        for (;;) {
            const qsizetype lineEnd = m_buffer.indexOf("\r\n", pos);
            if (lineEnd < 0)
                return;
            bool ok = false;
            const qint64 size =
                m_buffer.mid(pos, lineEnd - pos).split(';').value(0).trimmed().toLongLong(&ok, 16);
            if (!ok)
                return Q_EMIT failed(QStringLiteral("bad chunk size"));
            if (size == 0) {
                const qsizetype end = m_buffer.indexOf("\r\n\r\n", lineEnd);
                if (end < 0)
                    return;
                consumed = end + 4;
                break;
            }
            if (m_buffer.size() < lineEnd + 2 + size + 2)
                return;
            body += m_buffer.mid(lineEnd + 2, size);
            pos = lineEnd + 2 + size + 2;
        }
    } else {
        if (contentLength < 0)
            contentLength = 0;
        if (m_buffer.size() < headerEnd + 4 + contentLength)
            return;
        body = m_buffer.mid(headerEnd + 4, contentLength);
        consumed = headerEnd + 4 + contentLength;
    }
    m_buffer.remove(0, consumed);
    m_busy = false;
    if (close)
        m_socket.disconnectFromHost();
    Q_EMIT finished(status, body);
}

// --- BoshSession ---

BoshSession::BoshSession(const QString &host, quint16 port, const QByteArray &path, const Account &account,
                         QObject *parent)
    : BenchSession(account, parent), m_path(path), m_rid(100000 + (qHash(account.resource) % 1000000))
{
    for (int i = 0; i < 2; ++i) {
        auto connection = std::make_unique<HttpConnection>(host, port);
        HttpConnection *c = connection.get();
        connect(c, &HttpConnection::finished, this,
                [this, c](int status, const QByteArray &body) { onResponse(c, status, body); });
        connect(c, &HttpConnection::failed, this, [this](const QString &reason) {
            if (m_closing)
                return finishClose();
            fail(QStringLiteral("HTTP: %1").arg(reason));
        });
        m_connections.push_back(std::move(connection));
    }
}

qint64 BoshSession::httpRequests() const
{
    qint64 n = 0;
    for (const auto &c : m_connections)
        n += c->requestCount();
    return n;
}

void BoshSession::start()
{
    send("<body xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh' content='text/xml; "
         "charset=utf-8' ver='1.6' xmpp:version='1.0' xml:lang='en' wait='60' hold='1' to='" +
         escaped(m_account.domain) + "' rid='" + QByteArray::number(m_rid++) + "'/>");
}

void BoshSession::close()
{
    if (m_closing)
        return;
    m_closing = true;
    if (m_sid.isEmpty())
        return finishClose();
    pump(); // the terminate goes out now, or when a response frees a connection
}

void BoshSession::sendStanza(const QByteArray &xml)
{
    m_pending += xml;
    pump();
}

void BoshSession::restartStream()
{
    m_restartPending = true;
    pump();
}

void BoshSession::send(const QByteArray &body)
{
    for (auto &c : m_connections) {
        if (!c->isBusy())
            return c->post(m_path, body);
    }
    Q_ASSERT_X(false, "BoshSession::send", "no free connection");
}

void BoshSession::pump()
{
    // XEP-0124 with hold=1: keep one request waiting at the server; a second one carries our data (or
    // the restart) and makes the server answer the first.
    if (m_closing) {
        // XEP-0124 §13: the terminate, within the window of two requests.
        for (auto &c : m_connections) {
            if (!m_terminate && !c->isBusy()) {
                m_terminate = c.get();
                c->post(m_path, "<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' sid='" +
                                    m_sid + "' rid='" + QByteArray::number(m_rid++) +
                                    "'><presence xmlns='jabber:client' type='unavailable'/></body>");
            }
        }
        return;
    }
    if (!m_created)
        return;
    for (;;) {
        int busy = 0;
        for (auto &c : m_connections)
            busy += c->isBusy() ? 1 : 0;
        if (busy >= 2 || (busy == 1 && m_pending.isEmpty() && !m_restartPending))
            return;
        const QByteArray head = "<body xmlns='http://jabber.org/protocol/httpbind' sid='" + m_sid +
                                "' rid='" + QByteArray::number(m_rid++) + '\'';
        if (m_restartPending) {
            m_restartPending = false;
            send(head + " xmlns:xmpp='urn:xmpp:xbosh' xmpp:restart='true' xml:lang='en' to='" +
                 escaped(m_account.domain) + "'/>");
        } else {
            send(head + '>' + m_pending + "</body>");
            m_pending.clear();
        }
    }
}

void BoshSession::onResponse(HttpConnection *connection, int status, const QByteArray &body)
{
    if (m_closing) {
        if (connection != m_terminate)
            return pump();
        // The terminate is answered: the session is over; drop the keep-alive connections too (after
        // this signal, not inside the connection's own read).
        QMetaObject::invokeMethod(
            this,
            [this] {
                for (auto &c : m_connections)
                    c->abort();
            },
            Qt::QueuedConnection);
        return finishClose();
    }
    const BoshResponse response = readBoshResponse(status, body);
    if (!response.error.isEmpty())
        return fail(response.error);
    const QList<Element> &stanzas = response.stanzas;
    const QXmlStreamAttributes &attributes = response.attributes;
    if (!m_created) {
        m_sid = attributes.value(QStringLiteral("sid")).toLatin1();
        if (m_sid.isEmpty())
            return fail(QStringLiteral("no sid in the session creation response"));
        m_created = true;
    }
    for (const Element &stanza : stanzas)
        handleStanza(stanza);
    pump();
}

// --- StropheBoshSession ---

StropheBoshSession::StropheBoshSession(const QString &host, quint16 port, const QByteArray &path,
                                       const Account &account, int idleMs, QObject *parent)
    : BenchSession(account, parent), m_host(host), m_port(port), m_path(path),
      m_rid(100000 + (qHash(account.resource) % 1000000)), m_idleMs(idleMs)
{
    if (m_idleMs > 0) {
        m_idleTimer = new QTimer(this);
        m_idleTimer->setInterval(m_idleMs);
        connect(m_idleTimer, &QTimer::timeout, this, &StropheBoshSession::onIdle);
    }
}

qint64 StropheBoshSession::httpRequests() const
{
    qint64 n = 0;
    for (const auto &c : m_connections)
        n += c->requestCount();
    return n;
}

QByteArray StropheBoshSession::head()
{
    // strophe.js `_buildBody`: the next rid, taken when the request is built (and so sent, in order).
    return "<body xmlns='http://jabber.org/protocol/httpbind' sid='" + m_sid + "' rid='" +
           QByteArray::number(m_rid++) + '\'';
}

void StropheBoshSession::post(const QByteArray &body, bool terminate)
{
    HttpConnection *connection = nullptr;
    for (auto &c : m_connections) {
        if (!c->isBusy()) {
            connection = c.get();
            break;
        }
    }
    if (!connection) {
        auto fresh = std::make_unique<HttpConnection>(m_host, m_port);
        connection = fresh.get();
        connect(connection, &HttpConnection::finished, this,
                [this, connection](int status, const QByteArray &answer) {
                    onResponse(connection, status, answer);
                });
        connect(connection, &HttpConnection::failed, this, [this](const QString &reason) {
            if (m_closing)
                return finishClose();
            fail(QStringLiteral("HTTP: %1").arg(reason));
        });
        m_connections.push_back(std::move(fresh));
    }
    m_open.append(Open{m_rid - 1, connection, terminate});
    connection->post(m_path, body);
}

void StropheBoshSession::start()
{
    // strophe.js `_connect`: wait=60, hold=1; the rest of the window comes from the server's answer.
    post("<body xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh' content='text/xml; "
         "charset=utf-8' ver='1.6' xmpp:version='1.0' xml:lang='en' wait='60' hold='1' to='" +
             escaped(m_account.domain) + "' rid='" + QByteArray::number(m_rid++) + "'/>",
         false);
}

void StropheBoshSession::sendStanza(const QByteArray &xml)
{
    m_data += xml;
    scheduleIdle();
}

void StropheBoshSession::restartStream()
{
    m_restart = true;
    scheduleIdle();
}

void StropheBoshSession::scheduleIdle()
{
    if (m_idleTimer)
        m_idleTimer->start(); // strophe.js `_send`: clearTimeout, then setTimeout(_onIdle, 100)
    else
        onIdle();
}

void StropheBoshSession::onIdle()
{
    if (!m_created)
        return;
    if (m_closing) {
        // strophe.js `_sendTerminate` queues it; `_throttledRequestHandler` sends only the first two.
        if (m_terminateQueued && m_open.size() < limit()) {
            m_terminateQueued = false;
            post(head() + " type='terminate'><presence xmlns='jabber:client' type='unavailable'/></body>",
                 true);
        }
        return;
    }
    if (m_open.size() >= limit())
        return; // what is queued goes together once a request comes back
    if (m_restart) {
        m_restart = false;
        post(head() + " xmlns:xmpp='urn:xmpp:xbosh' xmpp:restart='true' xml:lang='en' to='" +
                 escaped(m_account.domain) + "'>" + std::exchange(m_data, QByteArray()) + "</body>",
             false);
    } else if (!m_data.isEmpty()) {
        post(head() + '>' + std::exchange(m_data, QByteArray()) + "</body>", false);
    } else if (isBound() && m_open.isEmpty()) {
        post(head() + "/>", false); // the long poll
    }
}

void StropheBoshSession::onResponse(HttpConnection *connection, int status, const QByteArray &body)
{
    bool terminate = false;
    for (qsizetype i = 0; i < m_open.size(); ++i) {
        if (m_open[i].connection == connection) {
            terminate = m_open[i].terminate;
            m_open.removeAt(i);
            break;
        }
    }
    if (m_closing) {
        if (!terminate)
            return onIdle(); // a slot for the terminate, if it still waits
        // The terminate is answered: drop the keep-alive connections too (after this signal).
        QMetaObject::invokeMethod(
            this,
            [this] {
                for (auto &c : m_connections)
                    c->abort();
            },
            Qt::QueuedConnection);
        return finishClose();
    }
    if (m_created && status == 200 && takeEchoes(body, true)) {
        if (!m_idleTimer)
            onIdle();
        return;
    }
    const BoshResponse response = readBoshResponse(status, body);
    if (!response.error.isEmpty())
        return fail(response.error);
    const QList<Element> &stanzas = response.stanzas;
    const QXmlStreamAttributes &attributes = response.attributes;
    if (!m_created) {
        m_sid = attributes.value(QStringLiteral("sid")).toLatin1();
        if (m_sid.isEmpty())
            return fail(QStringLiteral("no sid in the session creation response"));
        bool ok = false;
        const int requests = attributes.value(QStringLiteral("requests")).toInt(&ok);
        if (ok && requests > 0)
            m_window = requests;
        m_created = true;
        if (m_idleTimer)
            m_idleTimer->start(); // strophe.js keeps its idle loop running while connected
    }
    for (const Element &stanza : stanzas)
        handleStanza(stanza);
    if (!m_idleTimer)
        onIdle();
}

void StropheBoshSession::close()
{
    if (m_closing)
        return;
    m_closing = true;
    m_data.clear();
    if (m_sid.isEmpty())
        return finishClose();
    m_terminateQueued = true;
    onIdle();
}

// --- WebSocketSession ---

WebSocketSession::WebSocketSession(const QString &host, quint16 port, const QByteArray &path,
                                   const Account &account, QObject *parent)
    : BenchSession(account, parent), m_host(host), m_port(port), m_path(path)
{
    connect(&m_socket, &QTcpSocket::connected, this, [this] {
        m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        QByteArray nonce(16, Qt::Uninitialized);
        for (char &c : nonce)
            c = char(QRandomGenerator::global()->bounded(256));
        m_key = nonce.toBase64();
        m_socket.write("GET " + m_path + " HTTP/1.1\r\nHost: " + m_host.toLatin1() + ':' +
                       QByteArray::number(m_port) +
                       "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                       "Sec-WebSocket-Protocol: xmpp\r\nSec-WebSocket-Key: " +
                       m_key + "\r\n\r\n");
    });
    connect(&m_socket, &QTcpSocket::readyRead, this, &WebSocketSession::onReadyRead);
    endWithSocket(m_socket, m_closing);
}

void WebSocketSession::start()
{
    m_socket.connectToHost(m_host, m_port);
}

void WebSocketSession::close()
{
    if (m_closing)
        return;
    m_closing = true;
    if (!m_upgraded || m_socket.state() != QAbstractSocket::ConnectedState)
        return finishClose();
    // RFC 7395 §3.6: <close/>; the server answers with its own and closes the WebSocket (RFC 6455 §5.5.1),
    // which ends this (the server's <close/>, its Close frame, or the connection going).
    sendFrame(0x1, "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
}

void WebSocketSession::openStream()
{
    sendFrame(0x1, "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' version='1.0' xml:lang='en' to='" +
                       escaped(m_account.domain) + "'/>");
}

void WebSocketSession::sendStanza(const QByteArray &xml)
{
    sendFrame(0x1, xml);
}

void WebSocketSession::restartStream()
{
    // RFC 7395 §3.7: after SASL success the client opens a new stream with a fresh <open/>.
    openStream();
}

void WebSocketSession::sendFrame(quint8 opcode, const QByteArray &payload)
{
    // RFC 6455 §5.2: FIN, opcode, MASK bit and length, the masking key, the masked payload.
    QByteArray frame;
    frame.reserve(payload.size() + 14);
    frame.append(char(0x80 | opcode));
    const qsizetype n = payload.size();
    if (n < 126) {
        frame.append(char(0x80 | n));
    } else if (n < 65536) {
        frame.append(char(0x80 | 126));
        frame.append(char(n >> 8));
        frame.append(char(n & 0xff));
    } else {
        frame.append(char(0x80 | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            frame.append(char((quint64(n) >> shift) & 0xff));
    }
    const quint32 key = QRandomGenerator::global()->generate();
    const char mask[4] = {char(key >> 24), char(key >> 16), char(key >> 8), char(key)};
    frame.append(mask, 4);
    for (qsizetype i = 0; i < n; ++i)
        frame.append(char(payload[i] ^ mask[i % 4]));
    m_socket.write(frame);
}

void WebSocketSession::onReadyRead()
{
    m_buffer += m_socket.readAll();
    if (!m_upgraded) {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray head = m_buffer.left(end);
        const QByteArray accept =
            QCryptographicHash::hash(QByteArray(m_key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                     QCryptographicHash::Sha1)
                .toBase64();
        if (!head.startsWith("HTTP/1.1 101") || !head.contains(accept))
            return fail(QStringLiteral("WebSocket upgrade refused: %1")
                            .arg(QString::fromLatin1(head.left(head.indexOf('\r')))));
        m_buffer.remove(0, end + 4);
        m_upgraded = true;
        openStream();
    }
    for (;;) {
        if (m_buffer.size() < 2)
            return;
        const auto b0 = quint8(m_buffer[0]), b1 = quint8(m_buffer[1]);
        qsizetype header = 2;
        quint64 length = b1 & 0x7f;
        if (length == 126) {
            if (m_buffer.size() < 4)
                return;
            length = (quint64(quint8(m_buffer[2])) << 8) | quint8(m_buffer[3]);
            header = 4;
        } else if (length == 127) {
            if (m_buffer.size() < 10)
                return;
            length = 0;
            for (int i = 2; i < 10; ++i)
                length = (length << 8) | quint8(m_buffer[i]);
            header = 10;
        }
        if (b1 & 0x80)
            return fail(QStringLiteral("masked frame from the server"));
        if (quint64(m_buffer.size() - header) < length)
            return;
        const QByteArray payload = m_buffer.mid(header, qsizetype(length));
        m_buffer.remove(0, header + qsizetype(length));
        const int opcode = b0 & 0x0f;
        if (opcode == 0x9) {
            sendFrame(0xA, payload);
            continue;
        }
        if (opcode == 0x8) {
            if (m_closing) {
                sendFrame(0x8, payload.left(2)); // RFC 6455 §5.5.1: echo the status code
                m_socket.disconnectFromHost();
                return finishClose();
            }
            return fail(QStringLiteral("WebSocket closed by the server"));
        }
        if (opcode != 0x1 && opcode != 0x0)
            continue;
        m_message += payload;
        if (!(b0 & 0x80))
            continue;
        const QByteArray message = std::exchange(m_message, QByteArray());
        if (takeEchoes(message, false))
            continue;
        const std::optional<Element> element = StanzaSplitter::parseElement(message);
        if (!element)
            return fail(QStringLiteral("not one XML element in a WebSocket message"));
        if (element->name == QLatin1String("close")) {
            if (m_closing)
                continue; // the Close frame follows
            return fail(QStringLiteral("stream closed by the server"));
        }
        if (element->name != QLatin1String("open"))
            handleStanza(*element);
    }
}

// --- RestSession ---

RestSession::RestSession(const QString &host, quint16 port, const QByteArray &basePath,
                         const Account &account, bool poll, QObject *parent)
    : BenchSession(account, parent), m_base(basePath), m_sender(host, port), m_poller(host, port),
      m_poll(poll)
{
    while (m_base.endsWith('/'))
        m_base.chop(1);
    connect(&m_sender, &HttpConnection::finished, this, [this](int status, const QByteArray &body) {
        if (m_closing) {
            // The DELETE is answered: logged out.
            QMetaObject::invokeMethod(
                this,
                [this] {
                    m_sender.abort();
                    m_poller.abort();
                },
                Qt::QueuedConnection);
            return finishClose();
        }
        if (!m_loggedIn)
            onLogin(status, body);
        else
            onSent(status, body);
    });
    connect(&m_poller, &HttpConnection::finished, this, &RestSession::onPoll);
    for (HttpConnection *c : {&m_sender, &m_poller}) {
        connect(c, &HttpConnection::failed, this, [this, c](const QString &reason) {
            if (!m_closing)
                return fail(QStringLiteral("HTTP: %1").arg(reason));
            if (c == &m_sender)
                finishClose();
        });
    }
}

void RestSession::start()
{
    const QJsonObject login{
        {QStringLiteral("jid"), QString(m_account.user + QLatin1Char('@') + m_account.domain)},
        {QStringLiteral("password"), m_account.password},
        {QStringLiteral("resource"), m_account.resource},
        {QStringLiteral("presence"), false},
    };
    m_sender.request("POST", m_base + "/sessions", QJsonDocument(login).toJson(QJsonDocument::Compact),
                     "Content-Type: application/json\r\n");
}

void RestSession::onLogin(int status, const QByteArray &body)
{
    const QJsonObject answer = QJsonDocument::fromJson(body).object();
    if (status != 201)
        return fail(QStringLiteral("POST /sessions: HTTP %1 %2").arg(status).arg(QString::fromUtf8(body)));
    m_loggedIn = true;
    m_sessionPath = m_base + "/sessions/" + answer.value(QStringLiteral("id")).toString().toLatin1();
    m_token = answer.value(QStringLiteral("token")).toString().toLatin1();
    if (m_poll) {
        poll();
    } else {
        // Idle: nothing of the client stays connected (the answer is complete; the socket can go now,
        // outside the signal that delivered it).
        QMetaObject::invokeMethod(
            this, [this] { m_sender.abort(); }, Qt::QueuedConnection);
    }
    setBound(answer.value(QStringLiteral("jid")).toString());
}

void RestSession::poll()
{
    if (m_closing)
        return;
    m_poller.request("GET",
                     m_sessionPath + "/events?after=" + QByteArray::number(m_after) + "&wait=30&limit=1000",
                     {}, auth());
}

void RestSession::onPoll(int status, const QByteArray &body)
{
    if (m_closing)
        return;
    if (status != 200)
        return fail(QStringLiteral("GET /events: HTTP %1 %2").arg(status).arg(QString::fromUtf8(body)));
    const QJsonObject answer = QJsonDocument::fromJson(body).object();
    m_after = answer.value(QStringLiteral("next")).toInteger(m_after);
    poll(); // the next poll waits at the server before the echoes below lead to more messages
    const QJsonArray events = answer.value(QStringLiteral("events")).toArray();
    for (const QJsonValue &event : events) {
        const QJsonObject e = event.toObject();
        if (e.value(QStringLiteral("kind")).toString() == QLatin1String("message"))
            Q_EMIT echoReceived(e.value(QStringLiteral("id")).toString().toLatin1());
    }
}

void RestSession::sendEcho(const QByteArray &id)
{
    const QJsonObject message{{QStringLiteral("to"), jid()},
                              {QStringLiteral("body"), QStringLiteral("ping")},
                              {QStringLiteral("id"), QString::fromLatin1(id)}};
    m_sends.append(QJsonDocument(message).toJson(QJsonDocument::Compact));
    pumpSends();
}

void RestSession::sendStanza(const QByteArray &xml)
{
    m_sends.append(xml);
    pumpSends();
}

void RestSession::onSent(int status, const QByteArray &body)
{
    if (m_closing)
        return;
    if (status != 202 && status != 200)
        return fail(QStringLiteral("send: HTTP %1 %2").arg(status).arg(QString::fromUtf8(body)));
    pumpSends();
}

void RestSession::pumpSends()
{
    if (!m_loggedIn || m_closing || m_sender.isBusy() || m_sends.isEmpty())
        return;
    const QByteArray next = m_sends.takeFirst();
    if (next.startsWith('<'))
        m_sender.request("POST", m_sessionPath + "/stanzas", next,
                         auth() + "Content-Type: application/xmpp+xml\r\n");
    else
        m_sender.request("POST", m_sessionPath + "/messages", next,
                         auth() + "Content-Type: application/json\r\n");
}

void RestSession::close()
{
    if (m_closing)
        return;
    if (!m_loggedIn) {
        m_closing = true;
        return finishClose();
    }
    m_closing = true;
    m_sends.clear();
    // The logout ends the waiting poll too; a send still out is cut off (nothing waits for it now).
    if (m_sender.isBusy())
        m_sender.abort();
    m_sender.request("DELETE", m_sessionPath, {}, auth());
}

} // namespace Switchboard::Bench

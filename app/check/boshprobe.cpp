// SPDX-License-Identifier: GPL-3.0-or-later
#include "boshprobe.h"

#include <QDeadlineTimer>
#include <QRandomGenerator>

namespace Switchboard::Check {

QByteArray xmlAttribute(const char *name, const QString &value)
{
    QString escaped = value.toHtmlEscaped(); // & < > "
    escaped.replace(u'\'', QStringLiteral("&apos;"));
    return QByteArray(" ") + name + "=\"" + escaped.toUtf8() + '"';
}

QString localPart(const QString &user)
{
    return user.section(u'@', 0, 0);
}

QByteArray saslPlain(const QString &user, const QString &password)
{
    const QByteArray plain =
        QByteArray(1, '\0') + localPart(user).toUtf8() + QByteArray(1, '\0') + password.toUtf8();
    return plain.toBase64();
}

QList<QDomElement> BoshReply::children() const
{
    QList<QDomElement> out;
    for (QDomElement child = body.firstChildElement(); !child.isNull(); child = child.nextSiblingElement())
        out.append(child);
    return out;
}

QString BoshReply::describe(int boundMs) const
{
    if (!answered) {
        if (closed)
            return QStringLiteral("connection closed unanswered");
        return boundMs > 0 ? u"no answer in " + QString::number(boundMs / 1000.0) + u" s"
                           : QStringLiteral("no answer");
    }
    QString out = u"HTTP " + QString::number(http.status);
    if (body.isNull())
        return out + (http.body.isEmpty() ? QString() : QStringLiteral(", body not BOSH XML"));
    out += u", <body";
    for (const char *name : {"type", "condition", "sid"}) {
        const QString value = body.attribute(QLatin1String(name));
        if (!value.isEmpty())
            out += u' ' + QLatin1String(name) + u"='" + value + u'\'';
    }
    const QList<QDomElement> payloads = children();
    if (payloads.isEmpty())
        return out + u"/>";
    out += u">";
    for (const QDomElement &child : payloads)
        out += u'<' + child.tagName() + u"/>";
    return out + u"</body>";
}

BoshProbe::BoshProbe(const Options &options) : m_options(options)
{
    // XEP-0124 §14.1: a random start, far enough below 2^53 that it never overflows.
    m_rid = qint64(QRandomGenerator::global()->bounded(1000000, 1000000000));
}

BoshProbe::~BoshProbe() = default;

QByteArray BoshProbe::creationBody(const QByteArray &extra)
{
    ++m_rid;
    return "<body content='text/xml; charset=utf-8' hold='1' rid='" + QByteArray::number(m_rid) + '\'' +
           xmlAttribute("to", m_options.domain) + " ver='1.6' wait='" +
           QByteArray::number(m_options.boshWait()) + "' xml:lang='en' xmpp:version='1.0'" + extra +
           " xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh'/>";
}

BoshReply BoshProbe::create(const QByteArray &extra, const QByteArray &extraHeaders)
{
    const BoshReply reply = send(creationBody(extra), extraHeaders);
    adopt(reply);
    return reply;
}

void BoshProbe::adopt(const BoshReply &reply)
{
    m_creation = reply;
    m_sid = reply.attribute(QStringLiteral("sid"));
    m_requests = reply.attribute(QStringLiteral("requests")).toInt();
    if (m_requests <= 0)
        m_requests = 2;
    bool ok = false;
    m_hold = reply.attribute(QStringLiteral("hold")).toInt(&ok);
    if (!ok)
        m_hold = 1;
    m_ended = m_sid.isEmpty();
    take(reply);
}

QByteArray BoshProbe::bodyWithRid(qint64 rid, const QByteArray &payload, const QByteArray &extra) const
{
    QByteArray out = "<body rid='" + QByteArray::number(rid) + '\'' + xmlAttribute("sid", m_sid) + extra +
                     " xmlns='http://jabber.org/protocol/httpbind'";
    if (extra.contains("xmpp:"))
        out += " xmlns:xmpp='urn:xmpp:xbosh'";
    if (payload.isEmpty())
        return out + "/>";
    return out + '>' + payload + "</body>";
}

QByteArray BoshProbe::nextBody(const QByteArray &payload, const QByteArray &extra)
{
    return bodyWithRid(++m_rid, payload, extra);
}

std::unique_ptr<HttpConnection> BoshProbe::start(const QByteArray &body, const QByteArray &extraHeaders)
{
    auto connection = std::make_unique<HttpConnection>(m_options.bosh);
    connection->write(HttpConnection::post(m_options.bosh, body, extraHeaders), m_options.boundMs());
    return connection;
}

BoshReply BoshProbe::finish(HttpConnection &connection, int ms)
{
    BoshReply reply;
    reply.answered = connection.waitForResponses(1, ms);
    if (!reply.answered) {
        reply.closed = connection.isClosed();
        return reply;
    }
    reply.http = connection.responses().constFirst();
    if (reply.document.setContent(reply.http.body, true)) {
        const QDomElement root = reply.document.documentElement();
        if (root.localName() == u"body" && root.namespaceURI() == kBoshNs)
            reply.body = root;
    }
    return reply;
}

BoshReply BoshProbe::send(const QByteArray &body, const QByteArray &extraHeaders)
{
    const auto connection = start(body, extraHeaders);
    return finish(*connection, m_options.httpBoundMs());
}

BoshReply BoshProbe::exchange(const QByteArray &requestBytes, int ms)
{
    HttpConnection connection(m_options.bosh);
    connection.write(requestBytes, m_options.boundMs());
    return finish(connection, ms);
}

bool BoshProbe::take(const BoshReply &reply)
{
    m_received += reply.children();
    if (reply.isTerminate() || (reply.answered && reply.http.status >= 400))
        m_ended = true;
    return !m_ended;
}

QDomElement BoshProbe::waitFor(const std::function<bool(const QDomElement &)> &match, int ms)
{
    const QDeadlineTimer deadline(ms);
    while (true) {
        while (m_consumed < m_received.size()) {
            const QDomElement element = m_received.at(m_consumed++);
            if (match(element))
                return element;
        }
        if (m_ended || deadline.hasExpired())
            return {};
        const BoshReply reply = send(nextBody());
        if (!reply.answered)
            return {};
        take(reply);
    }
}

bool BoshProbe::waitForFeatures(QString &seen)
{
    const QDomElement features = waitFor(
        [](const QDomElement &e) { return e.localName() == u"features" && e.namespaceURI() == kStreamNs; },
        m_options.httpBoundMs());
    if (features.isNull()) {
        seen = m_ended ? QStringLiteral("the session ended before stream features arrived")
                       : QStringLiteral("no <stream:features/> (namespace http://etherx.jabber.org/streams)");
        return false;
    }
    return true;
}

bool BoshProbe::authenticate(const QString &user, const QString &password, QString &seen)
{
    const BoshReply reply =
        send(nextBody("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" +
                      saslPlain(user, password) + "</auth>"));
    take(reply);
    const QDomElement outcome = waitFor(
        [](const QDomElement &e) {
            return e.namespaceURI() == kSaslNs &&
                   (e.localName() == u"success" || e.localName() == u"failure");
        },
        m_options.httpBoundMs());
    if (outcome.isNull()) {
        seen = u"no SASL outcome after <auth mechanism='PLAIN'/>: " + reply.describe(m_options.httpBoundMs());
        return false;
    }
    if (outcome.localName() != u"success") {
        seen = u"SASL PLAIN for " + localPart(user) + u": <failure><" +
               outcome.firstChildElement().localName() + u"/></failure>";
        return false;
    }
    return true;
}

bool BoshProbe::restart(QString &seen)
{
    const BoshReply reply =
        send(nextBody({}, xmlAttribute("to", m_options.domain) + " xml:lang='en' xmpp:restart='true'"));
    take(reply);
    const QDomElement features = waitFor(
        [](const QDomElement &e) {
            return e.localName() == u"features" && e.namespaceURI() == kStreamNs &&
                   !e.elementsByTagNameNS(kBindNs, QStringLiteral("bind")).isEmpty();
        },
        m_options.httpBoundMs());
    if (features.isNull()) {
        seen = u"no stream features with <bind/> after xmpp:restart='true': " + reply.describe();
        return false;
    }
    return true;
}

bool BoshProbe::bind(QString &seen)
{
    const BoshReply reply =
        send(nextBody("<iq type='set' id='bind1' xmlns='jabber:client'><bind "
                      "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>check</resource>"
                      "</bind></iq>"));
    take(reply);
    const QDomElement result = waitFor(
        [](const QDomElement &e) {
            return e.localName() == u"iq" && e.attribute(QStringLiteral("id")) == u"bind1";
        },
        m_options.httpBoundMs());
    if (result.isNull()) {
        seen = QStringLiteral("no answer to the bind IQ");
        return false;
    }
    m_jid = result.firstChildElement(QStringLiteral("bind")).firstChildElement(QStringLiteral("jid")).text();
    m_bindNamespace = result.namespaceURI();
    if (result.attribute(QStringLiteral("type")) != u"result" || m_jid.isEmpty()) {
        seen = u"bind answered type='" + result.attribute(QStringLiteral("type")) + u"' without a <jid/>";
        return false;
    }
    return true;
}

bool BoshProbe::login(const QString &user, const QString &password, QString &seen)
{
    if (m_sid.isEmpty() && create().attribute(QStringLiteral("sid")).isEmpty()) {
        seen = u"session creation: " + m_creation.describe(m_options.httpBoundMs());
        return false;
    }
    return waitForFeatures(seen) && authenticate(user, password, seen) && restart(seen) && bind(seen);
}

void BoshProbe::terminate()
{
    if (m_sid.isEmpty() || m_ended)
        return;
    const auto connection =
        start(nextBody("<presence type='unavailable' xmlns='jabber:client'/>", " type='terminate'"));
    connection->waitForResponses(1, m_options.boundMs());
    m_ended = true;
}

} // namespace Switchboard::Check

// SPDX-License-Identifier: GPL-3.0-or-later
#include "capacityserver.h"

#include "stanzascanner.h"

#include <QHash>
#include <QHostAddress>
#include <QList>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <vector>

namespace Switchboard::Bench {

namespace {
const QByteArray streamsNs = "urn:ietf:params:xml:ns:xmpp-streams";

qint64 nowMs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

/// The text between the first `<tag>` and `</tag>` in an element (no attributes on `tag`).
QByteArrayView childText(QByteArrayView element, QByteArrayView open, QByteArrayView close)
{
    const qsizetype begin = element.indexOf(open);
    if (begin < 0)
        return {};
    const qsizetype textStart = begin + open.size();
    const qsizetype end = element.indexOf(close, textStart);
    return end < 0 ? QByteArrayView() : element.sliced(textStart, end - textStart);
}

/// The character data of an element with no children (SASL <auth/>).
QByteArrayView simpleText(QByteArrayView element)
{
    const QByteArrayView tag = startTag(element);
    if (tag.endsWith("/>"))
        return {};
    const qsizetype end = element.lastIndexOf('<');
    return end < tag.size() ? QByteArrayView() : element.sliced(tag.size(), end - tag.size());
}
} // namespace

struct Connection
{
    int fd = -1;
    StanzaScanner in;
    QByteArray out;
    QByteArray domain;     ///< the stream's `to`, as written (it is echoed in `from`)
    QByteArray user;       ///< SASL authcid (unescaped)
    QByteArray jid;        ///< the bound full JID (unescaped), the key in the routing table
    QByteArray escapedJid; ///< as stamped in `from`
    qint64 acceptedAt = 0;
    qsizetype index = 0; ///< in CapacityServer::Private::connections
    bool authenticated = false;
    bool closeAfterWrite = false;
    bool dead = false;
    bool dirty = false;   ///< has output to flush at the end of this round of events
    bool polling = false; ///< EPOLLOUT is on
    explicit Connection(qsizetype maxStanza) : in(maxStanza) {}
};

struct CapacityServer::Private
{
    Options options;
    Counters counters;
    int listenFd = -1;
    int epollFd = -1;
    int stopFd = -1;
    quint16 port = 0;
    QHash<QByteArray, Connection *> bound; ///< full JID -> connection
    QList<Connection *> connections;
    std::vector<Connection *> dirty;
    std::vector<Connection *> graveyard; ///< closed during this round, deleted after it
    quint64 nextId = 0;

    void acceptAll();
    void onReadable(Connection *c);
    void onWritable(Connection *c);
    void handle(Connection *c, StanzaScanner::Token token);
    void handleElement(Connection *c, QByteArrayView element);
    void handleAuth(Connection *c, QByteArrayView element);
    void handleBind(Connection *c, QByteArrayView element, QByteArrayView id);
    void route(Connection *c, QByteArrayView name, QByteArrayView element);
    void answer(Connection *c, QByteArrayView name, QByteArrayView element, QByteArrayView type,
                QByteArrayView to);
    void queue(Connection *c, const QByteArray &bytes);
    void flush(Connection *c);
    void streamError(Connection *c, const char *condition);
    void close(Connection *c);
    void sweep();
};

CapacityServer::CapacityServer(const Options &options) : d(std::make_unique<Private>())
{
    d->options = options;
}

CapacityServer::~CapacityServer()
{
    for (Connection *c : std::as_const(d->connections)) {
        ::close(c->fd);
        delete c;
    }
    for (int fd : {d->listenFd, d->epollFd, d->stopFd}) {
        if (fd >= 0)
            ::close(fd);
    }
}

const CapacityServer::Counters &CapacityServer::counters() const
{
    return d->counters;
}

quint16 CapacityServer::port() const
{
    return d->port;
}

bool CapacityServer::listen(QString *error)
{
    const QHostAddress address(d->options.host);
    if (address.protocol() != QAbstractSocket::IPv4Protocol) {
        *error = QStringLiteral("--host must be an IPv4 address");
        return false;
    }
    d->listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int on = 1;
    ::setsockopt(d->listenFd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(d->options.port);
    sa.sin_addr.s_addr = htonl(address.toIPv4Address());
    socklen_t length = sizeof sa;
    if (::bind(d->listenFd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) != 0 ||
        ::listen(d->listenFd, 4096) != 0 ||
        ::getsockname(d->listenFd, reinterpret_cast<sockaddr *>(&sa), &length) != 0) {
        *error = QString::fromLocal8Bit(std::strerror(errno));
        return false;
    }
    d->port = ntohs(sa.sin_port);
    d->epollFd = ::epoll_create1(EPOLL_CLOEXEC);
    d->stopFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr; // the listening socket
    ::epoll_ctl(d->epollFd, EPOLL_CTL_ADD, d->listenFd, &ev);
    ev.data.ptr = &d->stopFd;
    ::epoll_ctl(d->epollFd, EPOLL_CTL_ADD, d->stopFd, &ev);
    return true;
}

void CapacityServer::stop()
{
    const quint64 one = 1;
    [[maybe_unused]] const ssize_t n = ::write(d->stopFd, &one, sizeof one);
}

void CapacityServer::run()
{
    std::vector<epoll_event> events(512);
    qint64 lastSweep = nowMs();
    while (true) {
        const int n = ::epoll_wait(d->epollFd, events.data(), int(events.size()), 1000);
        if (n < 0 && errno != EINTR)
            break;
        bool stopping = false;
        for (int i = 0; i < n; ++i) {
            void *tag = events[size_t(i)].data.ptr;
            if (tag == nullptr) {
                d->acceptAll();
            } else if (tag == &d->stopFd) {
                stopping = true;
            } else {
                auto *c = static_cast<Connection *>(tag);
                if (!c->dead && (events[size_t(i)].events & EPOLLOUT))
                    d->onWritable(c);
                if (!c->dead && (events[size_t(i)].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                    d->onReadable(c);
            }
        }
        // One write per connection per round, however many stanzas were routed to it.
        for (Connection *c : d->dirty) {
            c->dirty = false;
            if (!c->dead)
                d->flush(c);
        }
        d->dirty.clear();
        for (Connection *c : d->graveyard)
            delete c;
        d->graveyard.clear();
        if (stopping)
            break;
        if (nowMs() - lastSweep >= 1000) {
            lastSweep = nowMs();
            d->sweep();
        }
    }
    for (Connection *c : std::as_const(d->connections)) {
        ::close(c->fd);
        delete c;
    }
    d->connections.clear();
    d->bound.clear();
}

void CapacityServer::Private::acceptAll()
{
    while (true) {
        const int fd = ::accept4(listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return; // EAGAIN, or out of descriptors: the next readiness tries again
        ++counters.accepted;
        if (connections.size() >= options.maxConnections) {
            ::close(fd);
            ++counters.closed;
            continue;
        }
        const int on = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        auto *c = new Connection(options.maxStanza);
        c->fd = fd;
        c->acceptedAt = nowMs();
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.ptr = c;
        ::epoll_ctl(epollFd, EPOLL_CTL_ADD, fd, &ev);
        c->index = connections.size();
        connections.append(c);
    }
}

void CapacityServer::Private::onReadable(Connection *c)
{
    char buffer[65536];
    const ssize_t n = ::read(c->fd, buffer, sizeof buffer);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
        return close(c);
    if (n < 0 || c->closeAfterWrite)
        return;
    c->in.append(QByteArrayView(buffer, n));
    while (!c->dead && !c->closeAfterWrite) {
        const StanzaScanner::Token token = c->in.next();
        if (token.event == StanzaScanner::Event::NeedMore)
            break;
        handle(c, token);
    }
}

void CapacityServer::Private::handle(Connection *c, StanzaScanner::Token token)
{
    switch (token.event) {
    case StanzaScanner::Event::StreamOpened: {
        const QByteArrayView to = attributeValue(token.bytes, "to");
        // The domain is echoed into attributes as written; anything odd in it is refused.
        c->domain = to.isEmpty() ? QByteArray("localhost") : to.toByteArray();
        if (c->domain.contains('&') || c->domain.contains('\'') || c->domain.contains('"'))
            return streamError(c, "host-unknown");
        QByteArray header = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                            "xmlns:stream='http://etherx.jabber.org/streams' version='1.0' id='c" +
                            QByteArray::number(++nextId) + "' from='" + c->domain + "'>";
        // RFC 6120 §6 and §7: SASL first, then binding (and the RFC 3921 session as optional).
        header +=
            c->authenticated
                ? QByteArrayView("<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                                 "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/>"
                                 "</session></stream:features>")
                : QByteArrayView("<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                 "<mechanism>PLAIN</mechanism></mechanisms></stream:features>");
        return queue(c, header);
    }
    case StanzaScanner::Event::Element:
        return handleElement(c, token.bytes);
    case StanzaScanner::Event::StreamClosed:
        // RFC 6120 §4.4: close our stream in turn.
        queue(c, "</stream:stream>");
        c->closeAfterWrite = true;
        return;
    case StanzaScanner::Event::Error:
        return streamError(c, c->in.pending() > options.maxStanza ? "policy-violation" : "not-well-formed");
    case StanzaScanner::Event::NeedMore:
        return;
    }
}

void CapacityServer::Private::handleElement(Connection *c, QByteArrayView element)
{
    const QByteArrayView name = elementName(element);
    if (!c->authenticated) {
        if (name == "auth")
            return handleAuth(c, element);
        return streamError(c, "not-authorized");
    }
    if (c->jid.isEmpty()) {
        // Before binding only binding and the session request are answered (RFC 6120 §7.1).
        const QByteArrayView tag = startTag(element);
        const QByteArrayView id = findAttribute(tag, "id").value;
        if (name == "iq" && element.contains("urn:ietf:params:xml:ns:xmpp-bind"))
            return handleBind(c, element, id);
        return streamError(c, "not-authorized");
    }
    if (name == "message" || name == "iq" || name == "presence")
        return route(c, name, element);
    streamError(c, "unsupported-stanza-type");
}

void CapacityServer::Private::handleAuth(Connection *c, QByteArrayView element)
{
    const char *failure = nullptr;
    if (attributeValue(element, "mechanism") != "PLAIN") {
        failure = "invalid-mechanism";
    } else {
        // RFC 4616 §2: [authzid] NUL authcid NUL passwd; any password will do here.
        const auto decoded = QByteArray::fromBase64Encoding(simpleText(element).trimmed().toByteArray(),
                                                            QByteArray::AbortOnBase64DecodingErrors);
        const QList<QByteArray> parts = decoded.decoded.split('\0');
        if (!decoded || parts.size() != 3 || parts[1].isEmpty() || parts[1].contains('@') ||
            parts[1].contains('/'))
            failure = "not-authorized";
        else
            c->user = parts[1];
    }
    if (failure) {
        return queue(c, QByteArray("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><") + failure +
                            "/></failure>");
    }
    c->authenticated = true;
    ++counters.authenticated;
    queue(c, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    c->in.restart(); // RFC 6120 §6.4.6
}

void CapacityServer::Private::handleBind(Connection *c, QByteArrayView element, QByteArrayView id)
{
    QByteArray resource = xmlUnescaped(childText(element, "<resource>", "</resource>").trimmed());
    if (resource.isEmpty())
        resource = "r" + QByteArray::number(++nextId);
    const QByteArray bare = c->user + '@' + xmlUnescaped(c->domain);
    QByteArray jid = bare + '/' + resource;
    // RFC 6120 §7.7.2.2: a resource in use gets a server-chosen one instead.
    while (bound.contains(jid))
        jid = bare + '/' + resource + '-' + QByteArray::number(++nextId);
    c->jid = jid;
    c->escapedJid = xmlEscaped(jid);
    bound.insert(jid, c);
    ++counters.bound;
    queue(c, "<iq type='result' id='" + xmlEscaped(xmlUnescaped(id)) +
                 "'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>" + c->escapedJid +
                 "</jid></bind></iq>");
}

void CapacityServer::Private::route(Connection *c, QByteArrayView name, QByteArrayView element)
{
    const QByteArrayView tag = startTag(element);
    const AttributeSpan to = findAttribute(tag, "to");
    const QByteArrayView type = findAttribute(tag, "type").value;
    if (to.found && name != "presence") {
        Connection *target = bound.value(xmlUnescaped(to.value));
        if (target && !target->dead) {
            // RFC 6120 §8.1.2.1: the server stamps `from` with the sender's full JID, replacing any.
            const AttributeSpan from = findAttribute(tag, "from");
            QByteArray &out = target->out;
            out.append('<').append(name).append(" from='").append(c->escapedJid).append('\'');
            const qsizetype rest = 1 + name.size();
            if (from.found) {
                out.append(element.sliced(rest, from.begin - rest)).append(element.sliced(from.end));
            } else {
                out.append(element.sliced(rest));
            }
            ++counters.routed;
            if (target->out.size() > options.maxOutput)
                return close(target);
            if (!target->dirty) {
                target->dirty = true;
                dirty.push_back(target);
            }
            return;
        }
    }
    answer(c, name, element, type, to.found ? to.value : QByteArrayView());
}

void CapacityServer::Private::answer(Connection *c, QByteArrayView name, QByteArrayView element,
                                     QByteArrayView type, QByteArrayView to)
{
    // Presence goes nowhere (no rosters, no subscriptions); errors and results are never answered
    // (RFC 6120 §8.3.1, §8.2.3).
    if (name == "presence" || type == "error" || type == "result")
        return;
    const QByteArray id = xmlEscaped(xmlUnescaped(attributeValue(element, "id")));
    const QByteArray from = to.isEmpty() ? c->domain : xmlEscaped(xmlUnescaped(to));
    const QByteArray head =
        '<' + name.toByteArray() + " from='" + from + "' to='" + c->escapedJid + "' id='" + id + "' type=";
    const QByteArray unescapedTo = xmlUnescaped(to);
    const bool toServer = to.isEmpty() || unescapedTo == xmlUnescaped(c->domain);
    ++counters.answered;
    // XEP-0199 §4 ping and the RFC 3921 §3 session request, to the server: an empty result.
    if (name == "iq" && toServer &&
        (element.contains("urn:xmpp:ping") || element.contains("urn:ietf:params:xml:ns:xmpp-session")))
        return queue(c, head + "'result'/>");
    // RFC 6120 §8.3.3.19 (and §10.5.4 for a full JID with no session): nobody here to take it.
    queue(c, head +
                 "'error'><error type='cancel'><service-unavailable "
                 "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></" +
                 name.toByteArray() + '>');
}

void CapacityServer::Private::queue(Connection *c, const QByteArray &bytes)
{
    c->out.append(bytes);
    if (!c->dirty) {
        c->dirty = true;
        dirty.push_back(c);
    }
}

void CapacityServer::Private::flush(Connection *c)
{
    if (!c->out.isEmpty()) {
        const ssize_t n = ::send(c->fd, c->out.constData(), size_t(c->out.size()), MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return close(c);
        if (n > 0)
            c->out.remove(0, n);
    }
    if (c->out.isEmpty() && c->closeAfterWrite)
        return close(c);
    const bool wantOut = !c->out.isEmpty();
    if (wantOut != c->polling) {
        c->polling = wantOut;
        epoll_event ev{};
        ev.events = EPOLLIN | (wantOut ? EPOLLOUT : 0u);
        ev.data.ptr = c;
        ::epoll_ctl(epollFd, EPOLL_CTL_MOD, c->fd, &ev);
    }
}

void CapacityServer::Private::onWritable(Connection *c)
{
    flush(c);
}

void CapacityServer::Private::streamError(Connection *c, const char *condition)
{
    // RFC 6120 §4.9: the error, then the end of the stream (a header first if none was sent yet).
    if (c->domain.isEmpty())
        queue(c, "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                 "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>");
    queue(c, "<stream:error><" + QByteArray(condition) + " xmlns='" + streamsNs +
                 "'/></stream:error></stream:stream>");
    c->closeAfterWrite = true;
}

void CapacityServer::Private::close(Connection *c)
{
    if (c->dead)
        return;
    c->dead = true;
    ++counters.closed;
    if (!c->jid.isEmpty() && bound.value(c->jid) == c)
        bound.remove(c->jid);
    ::epoll_ctl(epollFd, EPOLL_CTL_DEL, c->fd, nullptr);
    ::close(c->fd);
    // Swap with the last: thousands of sessions logging out must not cost a scan each.
    Connection *last = connections.takeLast();
    if (last != c) {
        connections[c->index] = last;
        last->index = c->index;
    }
    graveyard.push_back(c);
}

void CapacityServer::Private::sweep()
{
    // Every wait has a deadline: a connection that has not bound a resource in time is cut off.
    const qint64 limit = nowMs() - qint64(options.negotiationTimeoutSeconds) * 1000;
    const QList<Connection *> all = connections;
    for (Connection *c : all) {
        if (c->jid.isEmpty() && !c->closeAfterWrite && c->acceptedAt < limit) {
            streamError(c, "connection-timeout");
            flush(c);
        }
    }
    for (Connection *c : graveyard)
        delete c;
    graveyard.clear();
    dirty.clear();
    for (Connection *c : std::as_const(connections))
        c->dirty = false;
}

} // namespace Switchboard::Bench

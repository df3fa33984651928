// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/plainsocket.h"

#include <QEvent>
#include <QTimerEvent>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Switchboard {

namespace {

/// What one read() takes on the stack before the bytes are copied into an array sized to what came.
constexpr qsizetype StackChunk = 16 * 1024;

/// The sockets whose onReadable() is calling their owner, innermost first, per thread (a member would
/// cost every idle socket a pointer): a destructor sets `gone`, so that the call does not touch the
/// socket afterwards.
struct Notifying
{
    const PlainSocket *socket;
    bool gone;
    Notifying *outer;
};
thread_local Notifying *t_notifying = nullptr;

void setNoDelay(int descriptor)
{
    // Small request/response exchanges: Nagle plus delayed ACKs would add ~40 ms per round trip.
    const int on = 1;
    ::setsockopt(descriptor, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

void makeNonBlocking(int descriptor)
{
    const int flags = ::fcntl(descriptor, F_GETFL);
    if (flags >= 0 && !(flags & O_NONBLOCK))
        ::fcntl(descriptor, F_SETFL, flags | O_NONBLOCK);
    const int fdFlags = ::fcntl(descriptor, F_GETFD);
    if (fdFlags >= 0 && !(fdFlags & FD_CLOEXEC))
        ::fcntl(descriptor, F_SETFD, fdFlags | FD_CLOEXEC);
}

/// The address and port of a socket end, asked of the kernel (`peer`: getpeername, else getsockname).
bool socketName(int descriptor, bool peer, QHostAddress *address, quint16 *port)
{
    if (descriptor < 0)
        return false;
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    auto *name = reinterpret_cast<sockaddr *>(&storage);
    if ((peer ? ::getpeername(descriptor, name, &length) : ::getsockname(descriptor, name, &length)) != 0)
        return false;
    if (storage.ss_family == AF_INET) {
        const auto *v4 = reinterpret_cast<const sockaddr_in *>(&storage);
        if (address)
            address->setAddress(ntohl(v4->sin_addr.s_addr));
        if (port)
            *port = ntohs(v4->sin_port);
        return true;
    }
    if (storage.ss_family == AF_INET6) {
        const auto *v6 = reinterpret_cast<const sockaddr_in6 *>(&storage);
        if (address) {
            Q_IPV6ADDR bytes;
            std::memcpy(&bytes, &v6->sin6_addr, sizeof bytes);
            address->setAddress(bytes);
            if (v6->sin6_scope_id)
                address->setScopeId(QString::number(v6->sin6_scope_id));
        }
        if (port)
            *port = ntohs(v6->sin6_port);
        return true;
    }
    return false;
}

} // namespace

PlainSocket::Notifier::Notifier(qintptr descriptor, Type type, PlainSocket *owner)
    : QSocketNotifier(descriptor, type), m_owner(owner)
{}

bool PlainSocket::Notifier::event(QEvent *event)
{
    if (event->type() != QEvent::SockAct)
        return QSocketNotifier::event(event);
    if (type() == Read)
        m_owner->onReadable();
    else
        m_owner->onWritable();
    return true;
}

PlainSocket::PlainSocket(qintptr descriptor, QObject *parent)
    : PlainSocket(descriptor, State::Connected, parent)
{
    makeNonBlocking(m_descriptor);
    setNoDelay(m_descriptor);
}

PlainSocket::PlainSocket(qintptr descriptor, State state, QObject *parent)
    : QObject(parent), m_readNotifier(descriptor, QSocketNotifier::Read, this), m_descriptor(int(descriptor)),
      m_state(state)
{
    if (state == State::Connecting) {
        m_readNotifier.setEnabled(false);
        startWriteWatch(); // writable once the connect is done, either way
    }
}

PlainSocket *PlainSocket::connectTo(const QHostAddress &address, quint16 port, QObject *parent, int *error)
{
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (address.protocol() == QAbstractSocket::IPv4Protocol) {
        auto *v4 = reinterpret_cast<sockaddr_in *>(&storage);
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        v4->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof *v4;
    } else if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        auto *v6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = address.toIPv6Address();
        std::memcpy(&v6->sin6_addr, &bytes, sizeof bytes);
        bool numeric = false;
        const uint scope = address.scopeId().toUInt(&numeric);
        if (numeric)
            v6->sin6_scope_id = scope;
        length = sizeof *v6;
    } else {
        if (error)
            *error = EAFNOSUPPORT;
        return nullptr;
    }
    const int descriptor = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (descriptor < 0) {
        if (error)
            *error = errno;
        return nullptr;
    }
    setNoDelay(descriptor);
    auto *socket = new PlainSocket(descriptor, State::Connecting, parent);
    int result;
    int failure = 0;
    do {
        result = ::connect(descriptor, reinterpret_cast<const sockaddr *>(&storage), length);
        failure = result == 0 ? 0 : errno;
    } while (failure == EINTR);
    // Done at once or under way: the write notifier tells either way (and a failure shows in
    // SO_ERROR then). Failed at once: reported from the event loop, never inside this call.
    if (failure != 0 && failure != EINPROGRESS)
        socket->closeNow(failure, true);
    if (error)
        *error = 0;
    return socket;
}

PlainSocket::~PlainSocket()
{
    for (Notifying *n = t_notifying; n; n = n->outer) {
        if (n->socket == this)
            n->gone = true;
    }
    // Notifiers go before the descriptor: the dispatcher unregisters a descriptor that is still open.
    m_readNotifier.setEnabled(false);
    m_writeNotifier.reset();
    if (m_descriptor >= 0)
        ::close(m_descriptor);
}

QHostAddress PlainSocket::peerAddress() const
{
    QHostAddress address;
    socketName(m_descriptor, true, &address, nullptr);
    return address;
}

quint16 PlainSocket::peerPort() const
{
    quint16 port = 0;
    socketName(m_descriptor, true, nullptr, &port);
    return port;
}

QHostAddress PlainSocket::localAddress() const
{
    QHostAddress address;
    socketName(m_descriptor, false, &address, nullptr);
    return address;
}

quint16 PlainSocket::localPort() const
{
    quint16 port = 0;
    socketName(m_descriptor, false, nullptr, &port);
    return port;
}

PlainSocket::Input PlainSocket::read(qint64 max)
{
    Input input;
    // After the peer's end with output kept: nothing to read, and disconnected() tells the end once
    // the output has gone.
    if (m_state == State::Closed || m_state == State::Connecting || m_inputEnded) {
        input.closed = m_state == State::Closed;
        return input;
    }
    m_readArmed = true;
    if (max <= 0) {
        input.drained = false;
        updateReadWatch();
        return input;
    }
    // Through the stack: a short message costs an array of its own size, not of `max`. At most one
    // chunk a call; the caller reads again until drained.
    std::array<char, StackChunk> chunk;
    const qint64 want = qMin<qint64>(max, qint64(chunk.size()));
    ssize_t got;
    do {
        got = ::recv(m_descriptor, chunk.data(), std::size_t(want), 0);
    } while (got < 0 && errno == EINTR);
    if (got > 0) {
        input.data = QByteArray(chunk.data(), qsizetype(got));
        // A short read emptied the kernel's queue; a full one may have left more.
        input.drained = got < want;
        updateReadWatch();
        return input;
    }
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        updateReadWatch();
        return input;
    }
    // The end of the peer's stream, or a failure (a reset): nothing more comes.
    m_inputEnded = true;
    if (got < 0) {
        closeNow(errno, true);
        input.closed = true;
    } else if (m_output.isEmpty()) {
        closeNow(0, true);
        input.closed = true;
    } else {
        // What is kept still goes out, then the socket closes; the owner learns of the end from
        // disconnected() then, so that it does not give up on output the peer is still reading.
        m_state = State::Closing;
    }
    updateReadWatch();
    return input;
}

PlainSocket::Input PlainSocket::peek(qint64 max)
{
    Input input;
    if (m_state != State::Connected || m_inputEnded) {
        input.closed = m_state == State::Closed;
        return input;
    }
    m_readArmed = true;
    updateReadWatch();
    if (max <= 0) {
        input.drained = false;
        return input;
    }
    std::array<char, StackChunk> chunk;
    const qint64 want = qMin<qint64>(max, qint64(chunk.size()));
    ssize_t got;
    do {
        got = ::recv(m_descriptor, chunk.data(), std::size_t(want), MSG_PEEK);
    } while (got < 0 && errno == EINTR);
    if (got > 0) {
        input.data = QByteArray(chunk.data(), qsizetype(got));
        input.drained = false; // it is all still there
    } else if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
        input.closed = true;
    }
    return input;
}

void PlainSocket::write(QByteArrayView bytes)
{
    if (bytes.isEmpty() || m_state == State::Closed || m_state == State::Closing)
        return;
    if (m_state == State::Connecting || !m_output.isEmpty()) {
        m_output.append(bytes); // behind what waits already
        return;
    }
    qsizetype sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n =
            ::send(m_descriptor, bytes.data() + sent, std::size_t(bytes.size() - sent), MSG_NOSIGNAL);
        if (n >= 0) {
            sent += qsizetype(n);
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
        closeNow(errno, true);
        return;
    }
    if (sent < bytes.size()) {
        m_output = bytes.sliced(sent).toByteArray();
        startWriteWatch();
    }
}

void PlainSocket::setReadEnabled(bool enabled)
{
    m_readEnabled = enabled;
    if (enabled)
        m_readArmed = true; // whatever came meanwhile is announced
    updateReadWatch();
}

void PlainSocket::shutdownWrite()
{
    if (m_state != State::Connected)
        return;
    if (!m_output.isEmpty()) {
        m_shutdownPending = true;
        return;
    }
    ::shutdown(m_descriptor, SHUT_WR);
}

void PlainSocket::close()
{
    if (m_state == State::Closed)
        return;
    if (m_output.isEmpty() || m_state == State::Connecting) {
        closeNow(0, true);
        return;
    }
    m_state = State::Closing;
    updateReadWatch();
}

void PlainSocket::abort()
{
    closeNow(0, true);
}

void PlainSocket::abortAfter(int ms)
{
    if (m_state == State::Closed || m_abortTimer.isActive())
        return;
    m_abortTimer.start(std::max(0, ms), Qt::CoarseTimer, this);
}

void PlainSocket::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_abortTimer.timerId()) {
        QObject::timerEvent(event);
        return;
    }
    m_abortTimer.stop();
    abort();
}

qintptr PlainSocket::takeDescriptor()
{
    if (m_state == State::Closed || !m_output.isEmpty())
        return -1;
    m_readNotifier.setEnabled(false);
    stopWriteWatch();
    m_abortTimer.stop();
    const int descriptor = m_descriptor;
    m_descriptor = -1;
    m_state = State::Closed;
    m_silent = true;
    return descriptor;
}

QString PlainSocket::errorString() const
{
    return m_error ? qt_error_string(m_error) : QString();
}

void PlainSocket::onReadable()
{
    // Once until the next read(): an owner that cannot take more now is not called again and again
    // for input it leaves in the kernel. Most owners read inside the call, which arms the notification
    // again: the notifier is only switched off when they did not, after the call, so that the usual
    // read costs the epoll set no change (two epoll_ctl calls per readable event otherwise).
    m_readArmed = false;
    for (const Notifying *n = t_notifying; n; n = n->outer) {
        if (n->socket == this) {
            // Again from inside its own call (the owner runs an event loop there without reading):
            // not announced twice, and not reported again and again meanwhile.
            updateReadWatch();
            return;
        }
    }
    Notifying call{this, false, t_notifying};
    t_notifying = &call;
    if (m_receiver)
        m_receiver->socketReadyRead();
    if (!call.gone)
        Q_EMIT readyRead();
    t_notifying = call.outer;
    if (!call.gone)
        updateReadWatch();
}

void PlainSocket::onWritable()
{
    if (m_state == State::Connecting) {
        finishConnect();
        return;
    }
    const qsizetype before = m_output.size();
    if (!sendKept())
        return; // closed, its signals queued
    const qint64 written = before - m_output.size();
    if (m_output.isEmpty()) {
        stopWriteWatch();
        if (m_shutdownPending && m_state == State::Connected) {
            m_shutdownPending = false;
            ::shutdown(m_descriptor, SHUT_WR);
        }
    }
    if (written > 0) {
        if (m_receiver)
            m_receiver->socketBytesWritten(written);
        Q_EMIT bytesWritten(written);
    }
    // close() was called with output kept (or the peer ended its stream): everything has gone now.
    if (m_output.isEmpty() && m_state == State::Closing)
        closeNow(0, false);
}

void PlainSocket::finishConnect()
{
    int failure = 0;
    socklen_t length = sizeof failure;
    if (::getsockopt(m_descriptor, SOL_SOCKET, SO_ERROR, &failure, &length) != 0)
        failure = errno;
    if (failure != 0) {
        closeNow(failure, false);
        return;
    }
    m_state = State::Connected;
    updateReadWatch();
    if (m_output.isEmpty()) {
        stopWriteWatch();
    } else if (!sendKept()) {
        return;
    } else if (m_output.isEmpty()) {
        stopWriteWatch();
    }
    if (m_receiver)
        m_receiver->socketConnected();
    Q_EMIT connected();
}

bool PlainSocket::sendKept()
{
    qsizetype sent = 0;
    while (sent < m_output.size()) {
        const ssize_t n = ::send(m_descriptor, m_output.constData() + sent,
                                 std::size_t(m_output.size() - sent), MSG_NOSIGNAL);
        if (n >= 0) {
            sent += qsizetype(n);
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
        closeNow(errno, false);
        return false;
    }
    if (sent == m_output.size())
        m_output = QByteArray(); // released, not only emptied
    else if (sent > 0)
        m_output.remove(0, sent);
    return true;
}

void PlainSocket::startWriteWatch()
{
    if (m_writeNotifier || m_descriptor < 0)
        return;
    m_writeNotifier = std::make_unique<Notifier>(m_descriptor, QSocketNotifier::Write, this);
}

void PlainSocket::stopWriteWatch()
{
    if (!m_writeNotifier)
        return;
    // Possibly from inside its own event(): disabled now, deleted once that has returned.
    m_writeNotifier->setEnabled(false);
    m_writeNotifier.release()->deleteLater();
}

void PlainSocket::updateReadWatch()
{
    const bool watch =
        m_state == State::Connected && m_readEnabled && m_readArmed && !m_inputEnded && m_descriptor >= 0;
    if (m_readNotifier.isEnabled() != watch)
        m_readNotifier.setEnabled(watch);
}

void PlainSocket::closeNow(int error, bool queued)
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    m_error = error;
    m_abortTimer.stop();
    m_readNotifier.setEnabled(false);
    stopWriteWatch();
    m_output = QByteArray();
    m_shutdownPending = false;
    if (m_descriptor >= 0) {
        ::close(m_descriptor);
        m_descriptor = -1;
    }
    emitClosed(error, queued);
}

void PlainSocket::emitClosed(int error, bool queued)
{
    if (m_silent)
        return;
    if (queued) {
        QMetaObject::invokeMethod(
            this,
            [this, error] {
                if (!m_silent)
                    emitDisconnected(error);
            },
            Qt::QueuedConnection);
        return;
    }
    emitDisconnected(error);
}

void PlainSocket::emitDisconnected(int error)
{
    if (error != 0)
        Q_EMIT errorOccurred(error);
    if (m_receiver)
        m_receiver->socketDisconnected();
    Q_EMIT disconnected();
}

} // namespace Switchboard

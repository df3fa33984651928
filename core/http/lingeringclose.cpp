// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/lingeringclose.h"

#include "http/socketio.h"

#include <QSocketNotifier>
#include <QSslSocket>

#include <cerrno>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace Switchboard::Http {

namespace {
/// Bytes read and thrown away per read while lingering.
constexpr qint64 DiscardChunk = 16 * 1024;
} // namespace

LingeringClose::LingeringClose(Transport socket, std::chrono::milliseconds deadline, QObject *parent)
    : QObject(parent), m_socket(socket)
{
    socket.setParent(this);
    m_deadline.setSingleShot(true);
    m_deadline.setInterval(deadline);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        // The client did not close in time: a reset now costs nothing it has not had time to read.
        m_socket.abort();
        finish();
    });
}

LingeringClose::~LingeringClose()
{
    m_socket.disconnectFrom(this);
#ifdef Q_OS_UNIX
    if (m_duplicate >= 0)
        ::close(m_duplicate);
#endif
}

void LingeringClose::start()
{
    m_deadline.start();
    m_socket.connectTo(this, &LingeringClose::discardInput, &LingeringClose::step,
                       &LingeringClose::onDisconnected);
    discardInput();
    if (!m_socket.isConnected()) {
        onDisconnected();
        return;
    }
    m_socket.flush();
    step();
}

void LingeringClose::step()
{
    if (m_stage != Stage::Sending)
        return;
    if (PlainSocket *plain = m_socket.plain()) {
        // Plain TCP: the client sees the end of the stream once what is kept has gone (the socket
        // shuts down its side then); disconnected() follows when the client closes.
        m_stage = Stage::Lingering;
        plain->shutdownWrite();
        return;
    }
    // Plain text still queued (on a QSslSocket: not yet encrypted) must go out first.
    QSslSocket *tls = m_socket.tls();
    if (tls->bytesToWrite() > 0)
        return;
#ifdef Q_OS_UNIX
    const int descriptor = int(tls->socketDescriptor());
    if (tls->isEncrypted()) {
        // RFC 9112 §9.8: close_notify before the end of the stream. Qt writes it and closes its
        // descriptor once the alert and everything before it reached the kernel (disconnected());
        // our duplicate keeps the connection open, so that no reset follows while input is unread.
        m_duplicate = descriptor >= 0 ? ::fcntl(descriptor, F_DUPFD_CLOEXEC, 0) : -1;
        m_stage = Stage::Notifying;
        tls->disconnectFromHost();
        return;
    }
    m_stage = Stage::Lingering;
    // Not encrypted (a handshake that never finished): the end of the stream, as on plain TCP.
    if (descriptor >= 0 && ::shutdown(descriptor, SHUT_WR) == 0)
        return;
#else
    m_stage = Stage::Notifying;
#endif
    tls->disconnectFromHost();
}

void LingeringClose::onDisconnected()
{
    if (m_stage == Stage::Done || (m_stage == Stage::Lingering && m_duplicate >= 0))
        return;
#ifdef Q_OS_UNIX
    if (m_stage == Stage::Notifying && m_duplicate >= 0) {
        // Qt has let go of the connection after the close_notify; the end of the stream follows it,
        // and the rest of the client's input is discarded until it closes too.
        m_stage = Stage::Lingering;
        ::shutdown(m_duplicate, SHUT_WR);
        m_notifier = new QSocketNotifier(qintptr(m_duplicate), QSocketNotifier::Read, this);
        connect(m_notifier, &QSocketNotifier::activated, this, &LingeringClose::readDuplicate);
        readDuplicate();
        return;
    }
#endif
    finish();
}

void LingeringClose::discardInput()
{
    // Until nothing more waits: the socket announces input again only after a read, and only a read
    // sees the client's close.
    while (!m_socket.isNull() && m_stage != Stage::Done) {
        const SocketInput input = m_socket.read(DiscardChunk);
        if (input.closed) {
            onDisconnected();
            return;
        }
        if (input.drained || input.data.isEmpty())
            return;
    }
}

void LingeringClose::readDuplicate()
{
#ifdef Q_OS_UNIX
    char buffer[DiscardChunk];
    while (m_duplicate >= 0) {
        const ssize_t got = ::read(m_duplicate, buffer, sizeof buffer);
        if (got > 0)
            continue;
        if (got < 0 && (errno == EINTR))
            continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        finish(); // the client closed (or the connection failed)
        return;
    }
#endif
}

void LingeringClose::finish()
{
    if (m_stage == Stage::Done)
        return;
    m_stage = Stage::Done;
    m_deadline.stop();
    if (m_notifier) {
        m_notifier->setEnabled(false);
        m_notifier->deleteLater();
        m_notifier = nullptr;
    }
#ifdef Q_OS_UNIX
    if (m_duplicate >= 0) {
        ::close(m_duplicate);
        m_duplicate = -1;
    }
#endif
    if (QSslSocket *tls = m_socket.tls(); tls && tls->state() != QAbstractSocket::UnconnectedState)
        tls->abort();
    else if (PlainSocket *plain = m_socket.plain(); plain && plain->state() != PlainSocket::State::Closed)
        plain->abort();
    Q_EMIT finished();
}

} // namespace Switchboard::Http

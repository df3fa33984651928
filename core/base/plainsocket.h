// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QBasicTimer>
#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QObject>
#include <QSocketNotifier>

#include <memory>

namespace Switchboard {

/// A TCP connection on a raw non-blocking descriptor, without Qt's socket objects.
///
/// A QTcpSocket costs some 4-5 KiB per connection once its private, native engine, notifiers and
/// signal connections are counted; thousands of idle plain-text connections (BOSH requests held for
/// their long poll, ws:// streams, server links) need none of it. A PlainSocket keeps the descriptor,
/// a small state, one read notifier (a member, no signal connection: it calls back through event()),
/// a write notifier only while output waits or a connect is under way, and a QByteArray of output
/// the kernel did not take, released once it empties. No QHostAddress is kept: addresses are asked of
/// the kernel when called for. Works on any event dispatcher (the headless epoll one, Qt's in the GUI).
///
/// Input: readyRead() fires once when input (or the end of the stream) waits, and again only after
/// read() was called: the owner reads until `drained`, or stops when it cannot take more (a later
/// read() arms the notification again). Nothing is buffered here.
///
/// Output: write() hands the kernel what it takes at once (MSG_NOSIGNAL), keeps the rest in order and
/// sends it when the descriptor is writable; bytesWritten() reports only such kept bytes.
///
/// The end: disconnected() fires once when the socket becomes Closed (the peer closed and nothing was
/// left to send, an error, close(), abort()); the descriptor is closed then. Signals that report what
/// happened during a call of the owner (read(), write(), close(), abort()) are queued: they never
/// re-enter the caller. The peer's end of its stream closes the socket: at once when nothing is kept
/// (read() returns `closed`, disconnected() follows), else once what is kept has gone (read() finds
/// nothing more meanwhile, and disconnected() tells the end), so that an owner does not give up on
/// output the peer is still reading.
///
/// Thread: lives on the thread that made it (no moveToThread()). Owner: its QObject parent or whoever
/// made it; delete it with deleteLater() from inside its own signals.
class PlainSocket final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlainSocket)
public:
    enum class State : quint8 { Connecting, Connected, Closing, Closed };
    /// What one read() found.
    struct Input
    {
        QByteArray data;     ///< empty when nothing waited
        bool closed = false; ///< the peer ended its stream or the connection failed: nothing more comes
        bool drained = true; ///< the kernel's queue was emptied: the next readyRead() tells when more comes
    };

    /// Gets connected(), readyRead(), bytesWritten() and disconnected() by a virtual call, without a
    /// signal connection (some 180 bytes each, per socket): for owners that hold thousands of idle
    /// sockets. Called just before the signal, under the same rules (queued where the signal is).
    class Receiver
    {
    public:
        virtual void socketConnected() {} ///< a connectTo() succeeded
        virtual void socketReadyRead() = 0;
        virtual void socketBytesWritten(qint64 bytes) = 0;
        virtual void socketDisconnected() = 0;

    protected:
        ~Receiver() = default;
    };

    /// Takes an accepted, connected descriptor (made non-blocking and TCP_NODELAY here); closes it when
    /// destroyed.
    explicit PlainSocket(qintptr descriptor, QObject *parent = nullptr);
    /// Starts a non-blocking connect(); connected() or errorOccurred()+disconnected() follow, never
    /// before the caller returns to the event loop. Returns nullptr only when socket() itself fails
    /// (errno kept in *error when given). The caller keeps its own deadline (abort() ends the attempt).
    static PlainSocket *connectTo(const QHostAddress &address, quint16 port, QObject *parent = nullptr,
                                  int *error = nullptr);
    ~PlainSocket() override;

    State state() const { return m_state; }
    /// -1 once closed or taken.
    qintptr descriptor() const { return m_descriptor; }
    /// Asked of the kernel (getpeername) when called; null once closed.
    QHostAddress peerAddress() const;
    quint16 peerPort() const;
    /// Asked of the kernel (getsockname) when called; null once closed.
    QHostAddress localAddress() const;
    quint16 localPort() const;

    /// At most `max` bytes from the kernel; call again until `drained` after each readyRead(). Arms
    /// the next readyRead() (unless reading is disabled or the stream ended).
    Input read(qint64 max);
    /// Up to `max` bytes of what waits in the kernel, left there (MSG_PEEK): for a header that must be
    /// taken exactly (the PROXY protocol's). `closed` when the stream ended (the socket is left as it
    /// is: a read() sees the end too). Arms the next readyRead() like read().
    Input peek(qint64 max);
    /// Sends now what the kernel takes, keeps the rest in order and sends it when writable. Ignored
    /// unless Connected (or Connecting: kept until connected).
    void write(QByteArrayView bytes);
    /// Kept, not yet taken by the kernel.
    qint64 bytesToWrite() const { return m_output.size(); }
    /// Stops/starts watching for input (back-pressure); the kernel keeps what comes meanwhile.
    void setReadEnabled(bool enabled);
    bool isReadEnabled() const { return m_readEnabled; }
    /// shutdown(SHUT_WR) once everything kept has gone (lingering close: read and discard after it).
    void shutdownWrite();
    /// Sends what is kept, then closes; disconnected() follows.
    void close();
    /// Closes now, drops what is kept; disconnected() follows (queued) unless already Closed.
    void abort();
    /// abort() `ms` from now unless the socket is Closed by then: the bound on a close that waits for
    /// the peer (its FIN, its close handshake, output it does not read). The first call sets it, later
    /// ones do not move it. The timer is the socket's own (no timer object, nothing that outlives the
    /// socket) and stops once the socket is Closed, so a closed socket awaiting deletion holds no timer.
    void abortAfter(int ms);
    /// abortAfter() was called and the socket is not Closed yet.
    bool abortPending() const { return m_abortTimer.isActive(); }
    /// Hands the descriptor over (STARTTLS: QSslSocket::setSocketDescriptor()); only with nothing kept
    /// to write (else -1 and nothing changes). The socket is Closed afterwards, emits nothing more and
    /// does not close the descriptor.
    qintptr takeDescriptor();
    /// At most one; null removes it. The receiver must outlive the socket or be removed first.
    void setReceiver(Receiver *receiver) { m_receiver = receiver; }
    Receiver *receiver() const { return m_receiver; }
    /// errno of the failure that closed it, 0 for an orderly end.
    int error() const { return m_error; }
    QString errorString() const;

protected:
    /// The abortAfter() deadline.
    void timerEvent(QTimerEvent *event) override;

Q_SIGNALS:
    /// A connectTo() succeeded.
    void connected();
    /// Input or the end of the stream waits (once, then again after a read()).
    void readyRead();
    /// Kept bytes went to the kernel (not for bytes sent at once by write()).
    void bytesWritten(qint64 bytes);
    /// A connect or write failed, or a reset; disconnected() follows.
    void errorOccurred(int error);
    /// Once, when the socket became Closed (not after takeDescriptor()).
    void disconnected();

private:
    /// Readiness without a signal connection: event() calls the socket back.
    class Notifier final : public QSocketNotifier
    {
    public:
        Notifier(qintptr descriptor, Type type, PlainSocket *owner);
        bool event(QEvent *event) override;

    private:
        PlainSocket *m_owner;
    };

    PlainSocket(qintptr descriptor, State state, QObject *parent);
    void onReadable();
    void onWritable();
    void finishConnect();
    /// Sends kept output; false when the connection failed (then it is closed).
    bool sendKept();
    void startWriteWatch();
    void stopWriteWatch();
    void updateReadWatch();
    /// Closes the descriptor and becomes Closed; `queued`: the signals wait for the event loop.
    void closeNow(int error, bool queued);
    void emitClosed(int error, bool queued);
    void emitDisconnected(int error);

    Notifier m_readNotifier;
    std::unique_ptr<Notifier> m_writeNotifier; ///< only while output waits or a connect is under way
    Receiver *m_receiver = nullptr;
    QByteArray m_output; ///< what the kernel did not take yet
    /// abortAfter(). An int: the object is 104 bytes with it, 96 without, a 112-byte chunk either way.
    QBasicTimer m_abortTimer;
    int m_descriptor = -1;
    int m_error = 0;
    State m_state = State::Connected;
    bool m_readEnabled = true;
    bool m_readArmed = true;   ///< no readyRead() since the last read()
    bool m_inputEnded = false; ///< the peer's end of stream was read: no more read notifications
    bool m_shutdownPending = false;
    bool m_silent = false; ///< taken: queued signals are dropped
};

} // namespace Switchboard

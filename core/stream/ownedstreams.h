// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QSet>
#include <QTimer>

namespace Switchboard::Stream {

class ClientStream;
class StreamRegistry;

/// The client streams one front owns. adopt() takes a new stream: it joins the server's registry, its
/// deadlines are checked on one coarse timer (ClientStream::checkTimers(), no QTimer per stream), and
/// once it finished it is deleted (later: finished() may fire deep inside the stream's own calls).
/// Deleting this object deletes the streams still open, without finished().
///
/// Lives in the front's thread.
class OwnedStreams final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OwnedStreams)
public:
    /// `registry` must outlive this object; `tickMs` is the interval of the deadline checks.
    OwnedStreams(StreamRegistry *registry, int tickMs, QObject *parent = nullptr);
    ~OwnedStreams() override;

    /// Takes ownership of `stream` (re-parents it to this object).
    void adopt(ClientStream *stream);
    int count() const { return int(m_streams.size()); }
    /// Slots the set holds: it shrinks again when streams finish (after a logout wave).
    qsizetype capacity() const { return m_streams.capacity(); }

protected:
    /// Children come and go per session (the streams it adopted): the list is given back after a wave
    /// (squeezeChildListWhenSparse()).
    void childEvent(QChildEvent *event) override;

private:
    /// ClientStream calls these itself (a signal connection per stream would cost about 0.3 KB for
    /// its whole life): finished (deleted later) or deleted.
    friend class ClientStream;
    void streamFinished(ClientStream *stream);
    void streamDeleted(ClientStream *stream);
    /// Stops the timer when empty; gives the set's storage back once far fewer are left.
    void shrink();
    void tick();

    StreamRegistry *m_registry;
    QSet<ClientStream *> m_streams;
    QTimer m_timer;
};

} // namespace Switchboard::Stream

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "base/config.h"
#include "monitor/hub.h"

#include <QObject>
#include <QUrl>

#include <memory>

namespace Switchboard {

namespace Monitor {
class Registry;
class TrafficRecorder;
} // namespace Monitor

/// A whole connection manager a Qt application can embed: the HTTP front with BOSH (and WebSocket),
/// the backend links, and the monitor hub. Create it with a Config, start() it, connect to hub()'s
/// signals to watch sessions and stanzas, stop() or delete it to end.
///
/// Lives in the thread that created it; every signal fires from that thread's event loop.
class Server final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Server)
public:
    explicit Server(const Config &config, QObject *parent = nullptr);
    ~Server() override;

    /// Starts listening. Returns false and sets `error` when the address cannot be bound.
    bool start(QString *error = nullptr);
    /// Stops listening and ends every session with `system-shutdown`.
    void stop();
    bool isListening() const;

    quint16 port() const;
    QUrl boshUrl() const;      ///< http://host:port/path as bound
    QUrl webSocketUrl() const; ///< ws://host:port/ws-path as bound
    const Config &config() const;
    Monitor::Hub *hub() const;
    /// The session registry over hub() (owned; batched signals for windows and the status page).
    Monitor::Registry *registry() const;
    /// The traffic capture over hub() (owned; capacity and redaction from the config; captures nothing
    /// until a front calls setEnabled(true)).
    Monitor::TrafficRecorder *traffic() const;
    int sessionCount() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Switchboard

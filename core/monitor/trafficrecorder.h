// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "monitor/hub.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include <deque>

namespace Switchboard::Monitor {

/// One captured stanza. The display fields (element, type, to, from) are read from the top-level
/// start tag when the record is made; `xml` is the stanza as forwarded, with secrets replaced by
/// "[redacted]" unless TrafficRecorder::showSecrets() was on.
struct TrafficRecord
{
    quint64 id = 0; ///< 1, 2, 3… in capture order; never reused (clear() does not reset it)
    QDateTime time; ///< UTC, ms precision
    QString session;
    QString stream;
    Direction direction = Direction::ToServer;
    qsizetype size = 0; ///< bytes of the stanza as forwarded (before redaction)
    QString element;    ///< local name of the top-level element: message, presence, iq, auth…
    QString type;       ///< its `type` attribute
    QString to;
    QString from;
    QByteArray xml;
    bool redacted = false; ///< something was replaced in `xml`
    /// A fault record (element "fault", no `xml`): what a fault on demand did at this point of the
    /// session's traffic (docs/ADMIN.md). Empty for a stanza.
    QString note;
};

/// A bounded capture of the stanzas the Hub reports (Wireshark's tap: connected to
/// Hub::stanzaForwarded only while capturing, so Hub::wantsTraffic() stays false — and the fronts build
/// nothing — otherwise). Fronts pull with records(sinceId) after recordsAppended().
///
/// Capturing = enabled && !paused. "Enabled" says someone wants traffic at all (a traffic view is
/// open, the status page asked); "paused" is the user's pause button. Both start false/false: a new
/// recorder captures nothing until setEnabled(true).
///
/// Lives in the Hub's thread.
class TrafficRecorder final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficRecorder)
public:
    static constexpr int kDefaultCapacity = 10000;

    explicit TrafficRecorder(Hub *hub, QObject *parent = nullptr);
    ~TrafficRecorder() override;

    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    bool isCapturing() const { return m_enabled && !m_paused; }

    /// Records kept (the oldest are dropped first); at least 1. Shrinking drops the oldest now.
    void setCapacity(int records);
    int capacity() const { return m_capacity; }
    /// Keep SASL payloads and passwords as they are (local debugging only). Applies to records made
    /// from now on; records already made stay as they were.
    void setShowSecrets(bool show);
    bool showSecrets() const { return m_showSecrets; }
    /// Batch interval of recordsAppended in ms (default 100).
    void setInterval(int ms);

    /// Drops every record (ids go on from where they were).
    void clear();

    int count() const { return int(m_ring.size()); }
    quint64 firstId() const;                        ///< oldest id kept (0 when empty)
    quint64 lastId() const { return m_nextId - 1; } ///< newest id ever made (0 before the first)
    /// Records with id > sinceId, oldest first, at most `max` (-1: all). Ids are consecutive: a front
    /// that saw up to N asks records(N).
    QList<TrafficRecord> records(quint64 sinceId = 0, int max = -1) const;
    /// One record by id, or a default one (id 0) when it is gone or never was.
    TrafficRecord record(quint64 id) const;

    /// Appends one stanza as if the Hub had reported it (also used by the Hub connection; for tests and
    /// injected stanzas). Ignores the capture state.
    void append(const QString &session, const QString &stream, Direction direction, const QByteArray &xml);
    /// Appends a fault record (Hub::faultApplied) where the fault took effect. Ignores the capture state.
    void appendFault(const QString &session, const QString &stream, Direction direction, const QString &note);

    enum class ExportFormat {
        XmlLog,    ///< <log><stanza id= time= session= stream= direction= size=>XML</stanza>…</log>
        JsonLines, ///< one JSON object per line, the TrafficRecord fields ("xml" as a string)
    };
    /// `problems` (the client lint's, docs/MONITORING.md "Problems") follow the records: in the XML log
    /// as <problem id= time= session= code= clause= side= [stanza=]>detail</problem>, where `stanza` is
    /// the id of the offending record; in JSON lines as {"problem": {...}}, the fields of /status.json.
    static QByteArray exportRecords(const QList<TrafficRecord> &records, ExportFormat format,
                                    const QList<Problem> &problems = {});
    /// Writes `records` (e.g. records() or a selection), then `problems`, to a file. False with `error`
    /// set on failure.
    static bool exportToFile(const QString &fileName, const QList<TrafficRecord> &records,
                             ExportFormat format, QString *error = nullptr,
                             const QList<Problem> &problems = {});

    /// Replaces secrets in one stanza with "[redacted]": the text of SASL <auth>, <response>,
    /// <challenge>, <success> (urn:ietf:params:xml:ns:xmpp-sasl), of SASL2 <initial-response>,
    /// <response>, <challenge>, <additional-data> and <task-data> (urn:xmpp:sasl:2, XEP-0388), the
    /// `token` attribute of FAST <token/> (urn:xmpp:fast:0, XEP-0484), <password> in jabber:iq:auth and
    /// jabber:iq:register, and the <value>s of data form fields of type text-private. Sets `changed`.
    /// Cheap for the common stanza (a few substring searches).
    static QByteArray redact(const QByteArray &xml, bool *changed = nullptr);
    /// Fills element, type, to and from from the top-level start tag of `record.xml`.
    static void describe(TrafficRecord &record);

Q_SIGNALS:
    /// New records were made since the last emission: ids up to `lastId` now exist, and everything
    /// below `firstId` (the oldest kept) was dropped by the ring. Batched (see setInterval()).
    void recordsAppended(quint64 firstId, quint64 lastId);
    /// clear() dropped every record.
    void cleared();
    /// isCapturing() changed (setEnabled/setPaused).
    void capturingChanged(bool capturing);

private:
    void onStanza(const QString &sid, const QString &stream, Direction direction, const QByteArray &xml);
    void updateConnection();
    void trimTo(int capacity);
    void scheduleAnnounce();
    void announce();

    Hub *m_hub = nullptr;
    QMetaObject::Connection m_connection;
    QMetaObject::Connection m_faultConnection;
    QTimer m_timer;
    std::deque<TrafficRecord> m_ring; ///< oldest first; ids consecutive
    int m_capacity = kDefaultCapacity;
    quint64 m_nextId = 1;
    quint64 m_announced = 0; ///< lastId at the last recordsAppended
    bool m_dropped = false;  ///< the ring lost old records since the last recordsAppended
    bool m_enabled = false;
    bool m_paused = false;
    bool m_showSecrets = false;
};

} // namespace Switchboard::Monitor

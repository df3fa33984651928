// SPDX-License-Identifier: GPL-3.0-or-later
#include "rest/reststore.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcRestStore, "switchboard.rest.store", QtInfoMsg)

namespace Switchboard::Rest {

namespace {

/// One migration step: the statements that take the schema from version `to - 1` to `to`.
struct Migration
{
    int to;
    std::vector<const char *> statements;
};

// The schema's history, oldest first. A new version appends a step; a file of any older version is
// brought up to kSchemaVersion one step (one transaction) at a time.
const std::vector<Migration> &migrations()
{
    static const std::vector<Migration> steps = {
        {1,
         {"PRAGMA application_id = 1396855379", // kApplicationId
          "CREATE TABLE sessions ("
          " id TEXT PRIMARY KEY NOT NULL,"
          " token_sha256 BLOB NOT NULL,"
          " jid TEXT NOT NULL,"
          " resource TEXT NOT NULL,"
          " presence TEXT,"             // JSON object; NULL: no initial presence
          " credentials TEXT NOT NULL," // Credentials::toJson()
          " push TEXT,"                 // the push target's JSON; NULL: none
          " next_seq INTEGER NOT NULL,"
          " acknowledged_seq INTEGER NOT NULL,"
          " refused INTEGER NOT NULL,"
          " ended INTEGER NOT NULL)",
          "CREATE TABLE events ("
          " session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
          " seq INTEGER NOT NULL,"
          " event TEXT NOT NULL," // Event::toJson()
          " PRIMARY KEY (session_id, seq)) WITHOUT ROWID"}},
    };
    static_assert(RestStore::kApplicationId == 1396855379);
    return steps;
}

QString sqlError(const QSqlError &error)
{
    return error.text().trimmed();
}

QString json(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

std::optional<QJsonObject> jsonObject(const QVariant &value)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(value.toString().toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

/// Makes the file private before SQLite opens it: created 0600 when missing (never readable by others,
/// not even for a moment), tightened to 0600 when it exists looser. Refused when that cannot be done.
bool preparePrivateFile(const QString &fileName, QString *error)
{
    const QFileInfo info(fileName);
    if (!QDir().mkpath(info.absolutePath())) {
        *error = RestStore::tr("cannot create the folder of the session store '%1'").arg(fileName);
        return false;
    }
    const QByteArray path = QFile::encodeName(fileName);
    const int fd = ::open(path.constData(), O_RDWR | O_CREAT | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0) {
        *error = RestStore::tr("cannot open the session store '%1': %2")
                     .arg(fileName, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    struct stat st
    {
    };
    bool ok = ::fstat(fd, &st) == 0;
    if (!ok) {
        *error = RestStore::tr("cannot read the mode of the session store '%1': %2")
                     .arg(fileName, QString::fromLocal8Bit(std::strerror(errno)));
    } else if (!S_ISREG(st.st_mode)) {
        *error = RestStore::tr("the session store '%1' is not a regular file").arg(fileName);
        ok = false;
    } else if ((st.st_mode & 0077) != 0) {
        // It holds what logs sessions in (salted passwords): nobody else may read it.
        const mode_t before = st.st_mode & 07777;
        if (::fchmod(fd, S_IRUSR | S_IWUSR) != 0) {
            *error =
                RestStore::tr(
                    "the session store '%1' is readable by others (mode %2) and cannot be made 0600: %3")
                    .arg(fileName, QString::number(before, 8), QString::fromLocal8Bit(std::strerror(errno)));
            ok = false;
        } else {
            qCWarning(lcRestStore).noquote() << QStringLiteral("session store %1 had mode %2; now 0600")
                                                    .arg(fileName, QString::number(before, 8));
        }
    }
    ::close(fd);
    return ok;
}

} // namespace

RestStore::RestStore() = default;

RestStore::~RestStore()
{
    close();
}

QString RestStore::defaultFile()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/rest.sqlite");
}

bool RestStore::open(const QString &fileName, QString *error)
{
    close();
    QString reason;
    const auto fail = [&] {
        close();
        if (error)
            *error = reason;
        return false;
    };
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE"))) {
        reason = tr("the Qt SQLite driver QSQLITE is missing (Debian package libqt6sql6-sqlite)");
        return fail();
    }
    if (!preparePrivateFile(fileName, &reason))
        return fail();
    // One connection name per instance: two stores (or two servers in one process) never share one.
    static QAtomicInteger<quint64> counter;
    m_connection = QStringLiteral("switchboard-rest-store-%1").arg(counter.fetchAndAddRelaxed(1));
    m_fileName = fileName;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
        db.setDatabaseName(fileName);
        // A file held by another Switchboard is refused at once, not waited for.
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=0"));
        if (!db.open()) {
            reason = tr("cannot open the session store '%1': %2").arg(fileName, sqlError(db.lastError()));
            return fail();
        }
    }
    if (!check(&reason))
        return fail();
    return true;
}

void RestStore::close()
{
    if (m_connection.isEmpty())
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
    m_connection.clear();
}

int RestStore::schemaVersion() const
{
    if (!isOpen())
        return -1;
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
        return -1;
    return query.value(0).toInt();
}

bool RestStore::check(QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery query(db);
    // Exclusive locking mode: the lock taken below stays until the connection closes (SQLite's
    // "PRAGMA locking_mode"), so no second process restores these sessions too.
    if (!query.exec(QStringLiteral("PRAGMA locking_mode = EXCLUSIVE")) ||
        !query.exec(QStringLiteral("PRAGMA foreign_keys = ON"))) {
        *error = tr("cannot use the session store '%1': %2").arg(m_fileName, sqlError(query.lastError()));
        return false;
    }
    if (!query.exec(QStringLiteral("BEGIN EXCLUSIVE"))) {
        const QSqlError sql = query.lastError();
        // SQLITE_BUSY (5): another connection holds the file.
        if (sql.nativeErrorCode() == QLatin1String("5"))
            *error = tr("the session store '%1' is in use by another Switchboard").arg(m_fileName);
        else
            *error = tr("the session store '%1' is not an SQLite database or is damaged: %2")
                         .arg(m_fileName, sqlError(sql));
        return false;
    }
    const auto pragma = [&query](const char *name, qint64 *value) {
        if (!query.exec(QStringLiteral("PRAGMA ") + QLatin1String(name)) || !query.next())
            return false;
        *value = query.value(0).toLongLong();
        return true;
    };
    qint64 applicationId = 0, version = 0, objects = 0;
    const bool read = pragma("application_id", &applicationId) && pragma("user_version", &version) &&
                      query.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")) && query.next();
    if (read)
        objects = query.value(0).toLongLong();
    else
        *error = tr("the session store '%1' is not an SQLite database or is damaged: %2")
                     .arg(m_fileName, sqlError(query.lastError()));
    query.finish();
    const bool fresh = read && applicationId == 0 && version == 0 && objects == 0;
    if (read && !fresh && applicationId != kApplicationId) {
        *error = tr("'%1' is not a Switchboard session store (another program's SQLite file); name another "
                    "file in rest_store")
                     .arg(m_fileName);
    } else if (read && version > kSchemaVersion) {
        *error = tr("the session store '%1' has schema version %2, newer than this Switchboard reads (%3)")
                     .arg(m_fileName)
                     .arg(version)
                     .arg(kSchemaVersion);
    } else if (read) {
        if (!migrate(int(version), error))
            return false; // migrate() rolled back
        if (!query.exec(QStringLiteral("COMMIT"))) {
            *error =
                tr("cannot write the session store '%1': %2").arg(m_fileName, sqlError(query.lastError()));
            return false;
        }
        return true;
    }
    query.exec(QStringLiteral("ROLLBACK"));
    return false;
}

bool RestStore::migrate(int from, QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    // Inside the transaction check() opened: every step, and the version it reaches, or nothing.
    for (const Migration &step : migrations()) {
        if (step.to <= from)
            continue;
        for (const char *statement : step.statements) {
            if (!query.exec(QLatin1String(statement))) {
                *error = tr("cannot bring the session store '%1' to schema version %2: %3")
                             .arg(m_fileName)
                             .arg(step.to)
                             .arg(sqlError(query.lastError()));
                query.exec(QStringLiteral("ROLLBACK"));
                return false;
            }
        }
        if (!query.exec(QStringLiteral("PRAGMA user_version = %1").arg(step.to))) {
            *error =
                tr("cannot write the session store '%1': %2").arg(m_fileName, sqlError(query.lastError()));
            query.exec(QStringLiteral("ROLLBACK"));
            return false;
        }
        if (from > 0)
            qCInfo(lcRestStore).noquote()
                << "session store" << m_fileName << "migrated to schema version" << step.to;
    }
    return true;
}

std::optional<std::vector<SessionSnapshot>> RestStore::load(QString *error)
{
    const auto fail = [&](const QString &reason) -> std::optional<std::vector<SessionSnapshot>> {
        if (error)
            *error = reason;
        return std::nullopt;
    };
    if (!isOpen())
        return fail(tr("the session store is not open"));
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery sessions(db);
    sessions.setForwardOnly(true);
    if (!sessions.exec(
            QStringLiteral("SELECT id, token_sha256, jid, resource, presence, credentials, push, next_seq, "
                           "acknowledged_seq, refused, ended FROM sessions ORDER BY id")))
        return fail(
            tr("cannot read the session store '%1': %2").arg(m_fileName, sqlError(sessions.lastError())));
    QSqlQuery events(db);
    events.setForwardOnly(true);
    events.prepare(QStringLiteral("SELECT seq, event FROM events WHERE session_id = ? ORDER BY seq"));
    std::vector<SessionSnapshot> result;
    while (sessions.next()) {
        SessionSnapshot s;
        s.id = sessions.value(0).toString();
        const auto bad = [&](const char *what) {
            return fail(tr("the session store '%1' holds a damaged session %2 (%3)")
                            .arg(m_fileName, s.id, QLatin1String(what)));
        };
        s.tokenHash = sessions.value(1).toByteArray();
        s.jid = sessions.value(2).toString();
        s.resource = sessions.value(3).toString();
        if (!sessions.value(4).isNull()) {
            s.presence = jsonObject(sessions.value(4));
            if (!s.presence)
                return bad("presence");
        }
        s.ended = sessions.value(10).toBool();
        // An ended session logs in no more: it need not have Credentials.
        const std::optional<QJsonObject> credentials = jsonObject(sessions.value(5));
        std::optional<Credentials> parsed = credentials ? Credentials::fromJson(*credentials) : std::nullopt;
        if (parsed)
            s.credentials = std::move(*parsed);
        else if (!s.ended || !credentials)
            return bad("credentials");
        if (!sessions.value(6).isNull()) {
            const std::optional<QJsonObject> push = jsonObject(sessions.value(6));
            if (!push)
                return bad("push");
            s.push = *push;
        }
        s.nextSeq = sessions.value(7).toLongLong();
        s.acknowledged = sessions.value(8).toLongLong();
        s.refused = sessions.value(9).toLongLong();
        if (s.id.isEmpty() || s.tokenHash.size() != 32 || s.jid.isEmpty() || s.nextSeq < 1 ||
            s.acknowledged < 0 || s.acknowledged >= s.nextSeq)
            return bad("fields");
        events.addBindValue(s.id);
        if (!events.exec())
            return fail(
                tr("cannot read the session store '%1': %2").arg(m_fileName, sqlError(events.lastError())));
        while (events.next()) {
            const qint64 seq = events.value(0).toLongLong();
            const std::optional<QJsonObject> object = jsonObject(events.value(1));
            std::optional<Event> event = object ? Event::fromJson(*object) : std::nullopt;
            if (!event || event->seq != seq || seq <= s.acknowledged || seq >= s.nextSeq)
                return bad("events");
            s.events.push_back(std::move(*event));
        }
        result.push_back(std::move(s));
    }
    return result;
}

bool RestStore::save(const std::vector<SessionSnapshot> &sessions, QString *error)
{
    if (!isOpen()) {
        if (error)
            *error = tr("the session store is not open");
        return false;
    }
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery query(db);
    const auto fail = [&](const QSqlQuery &failed) {
        if (error)
            *error =
                tr("cannot write the session store '%1': %2").arg(m_fileName, sqlError(failed.lastError()));
        db.rollback();
        return false;
    };
    if (!db.transaction()) {
        if (error)
            *error = tr("cannot write the session store '%1': %2").arg(m_fileName, sqlError(db.lastError()));
        return false;
    }
    if (!query.exec(QStringLiteral("DELETE FROM events")) ||
        !query.exec(QStringLiteral("DELETE FROM sessions")))
        return fail(query);
    QSqlQuery insertSession(db);
    insertSession.prepare(QStringLiteral(
        "INSERT INTO sessions (id, token_sha256, jid, resource, presence, credentials, push, next_seq, "
        "acknowledged_seq, refused, ended) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    QSqlQuery insertEvent(db);
    insertEvent.prepare(QStringLiteral("INSERT INTO events (session_id, seq, event) VALUES (?, ?, ?)"));
    for (const SessionSnapshot &s : sessions) {
        insertSession.addBindValue(s.id);
        insertSession.addBindValue(s.tokenHash);
        insertSession.addBindValue(s.jid);
        insertSession.addBindValue(s.resource);
        insertSession.addBindValue(s.presence ? QVariant(json(*s.presence))
                                              : QVariant(QMetaType::fromType<QString>()));
        QString credentials = json(s.credentials.toJson());
        insertSession.addBindValue(credentials);
        credentials.fill(QChar(0));
        insertSession.addBindValue(s.push.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                                    : QVariant(json(s.push)));
        insertSession.addBindValue(s.nextSeq);
        insertSession.addBindValue(s.acknowledged);
        insertSession.addBindValue(s.refused);
        insertSession.addBindValue(s.ended ? 1 : 0);
        if (!insertSession.exec())
            return fail(insertSession);
        for (const Event &event : s.events) {
            insertEvent.addBindValue(s.id);
            insertEvent.addBindValue(event.seq);
            insertEvent.addBindValue(json(event.toJson()));
            if (!insertEvent.exec())
                return fail(insertEvent);
        }
    }
    if (!db.commit()) {
        if (error)
            *error = tr("cannot write the session store '%1': %2").arg(m_fileName, sqlError(db.lastError()));
        db.rollback();
        return false;
    }
    return true;
}

} // namespace Switchboard::Rest

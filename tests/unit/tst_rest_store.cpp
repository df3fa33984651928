// SPDX-License-Identifier: GPL-3.0-or-later
// The REST session store: a new file gets the schema and mode 0600 (whatever the umask), sessions and
// their events come back exactly as saved, a save replaces what was there, a file readable by others is
// tightened, and a file that is not a store (damaged, another program's, a newer schema, not a regular
// file, held by another instance) is refused with an error that says so. A version 0 file is migrated.
#include "rest/reststore.h"

#include <QDir>
#include <QFile>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QVariant>

#include <sys/stat.h>
#include <sys/types.h>

using namespace Switchboard::Rest;

namespace {

mode_t modeOf(const QString &fileName)
{
    struct stat st
    {
    };
    if (::stat(QFile::encodeName(fileName).constData(), &st) != 0)
        return 0;
    return st.st_mode & 07777;
}

/// Runs SQL on a file through a connection of its own (what another program would do).
bool rawSql(const QString &fileName, const QStringList &statements, QVariant *lastValue = nullptr)
{
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
        db.setDatabaseName(fileName);
        ok = db.open();
        QSqlQuery query(db);
        for (const QString &statement : statements) {
            if (!ok)
                break;
            ok = query.exec(statement);
            if (!ok)
                qWarning() << statement << query.lastError().text();
            if (ok && lastValue && query.next())
                *lastValue = query.value(0);
        }
        query.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw"));
    return ok;
}

Event event(qint64 seq, const QString &body)
{
    Event e;
    e.seq = seq;
    e.kind = QStringLiteral("message");
    e.from = QStringLiteral("bob@example.com/pc");
    e.to = QStringLiteral("alice@example.com/phone");
    e.type = QStringLiteral("chat");
    e.id = QStringLiteral("m%1").arg(seq);
    e.body = body;
    e.xml = "<message xmlns='jabber:client' type='chat'><body>" + body.toUtf8() + "</body></message>";
    return e;
}

SessionSnapshot scramSession()
{
    SessionSnapshot s;
    s.id = QStringLiteral("aaaa0001");
    s.tokenHash = SessionSnapshot::tokenHashOf("token-one");
    s.jid = QStringLiteral("alice@example.com");
    s.resource = QStringLiteral("phone");
    s.presence = QJsonObject{{QStringLiteral("show"), QStringLiteral("away")},
                             {QStringLiteral("status"), QStringLiteral("on the train")},
                             {QStringLiteral("priority"), 5}};
    s.credentials.username = QStringLiteral("alice");
    s.credentials.mechanism = QStringLiteral("SCRAM-SHA-256");
    s.credentials.salt = QByteArray::fromHex("00112233445566");
    s.credentials.iterations = 4096;
    s.credentials.saltedPassword = QByteArray(32, '\x5a');
    s.push = QJsonObject{{QStringLiteral("type"), QStringLiteral("webhook")},
                         {QStringLiteral("url"), QStringLiteral("https://hooks.example/x")}};
    s.nextSeq = 12;
    s.acknowledged = 8;
    s.refused = 2;
    s.events = {event(9, QStringLiteral("nine")), event(10, QStringLiteral("zehn – ü")),
                event(11, QString())};
    Event presence;
    presence.seq = 11;
    presence.kind = QStringLiteral("presence");
    presence.type = QStringLiteral("available");
    presence.show = QStringLiteral("dnd");
    presence.status = QStringLiteral("");
    presence.xml = "<presence xmlns='jabber:client'><show>dnd</show><status/></presence>";
    s.events.back() = presence;
    return s;
}

SessionSnapshot plainSession()
{
    SessionSnapshot s;
    s.id = QStringLiteral("bbbb0002");
    s.tokenHash = SessionSnapshot::tokenHashOf("token-two");
    s.jid = QStringLiteral("bob@example.com");
    s.resource = QStringLiteral("bot");
    s.credentials.username = QStringLiteral("bob");
    s.credentials.mechanism = QStringLiteral("PLAIN");
    s.credentials.password = QStringLiteral("s3cret");
    s.nextSeq = 1;
    s.acknowledged = 0;
    return s;
}

void compareEvents(const std::vector<Event> &actual, const std::vector<Event> &expected)
{
    QCOMPARE(actual.size(), expected.size());
    for (size_t i = 0; i < actual.size(); ++i)
        QCOMPARE(actual[i].toJson(), expected[i].toJson());
}

} // namespace

class tst_RestStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_file = m_dir.filePath(QStringLiteral("sub/folder/rest.sqlite"));
    }

    void newFileGetsSchemaAndMode0600()
    {
        // Whatever the umask, the file is never readable by others, not even for a moment.
        const mode_t previous = ::umask(0);
        const auto restore = qScopeGuard([previous] { ::umask(previous); });
        RestStore store;
        QString error;
        QVERIFY2(store.open(m_file, &error), qPrintable(error));
        QCOMPARE(store.schemaVersion(), RestStore::kSchemaVersion);
        QCOMPARE(modeOf(m_file), mode_t(0600));
        // SQLite's journal (kept while the file is held) gets the file's mode too.
        QVERIFY2(store.save({scramSession()}, &error), qPrintable(error));
        const QFileInfoList files = QFileInfo(m_file).dir().entryInfoList(QDir::Files);
        QVERIFY(!files.isEmpty());
        for (const QFileInfo &file : files)
            QCOMPARE(modeOf(file.filePath()), mode_t(0600));
        store.close();
        QVariant applicationId;
        QVERIFY(rawSql(m_file, {QStringLiteral("PRAGMA application_id")}, &applicationId));
        QCOMPARE(applicationId.toInt(), RestStore::kApplicationId);
        QVariant tables;
        QVERIFY(rawSql(m_file,
                       {QStringLiteral("SELECT group_concat(name) FROM (SELECT name FROM sqlite_master "
                                       "WHERE type = 'table' ORDER BY name)")},
                       &tables));
        QCOMPARE(tables.toString(), QStringLiteral("events,sessions"));
    }

    void sessionsAndEventsRoundTrip()
    {
        QString error;
        {
            RestStore store;
            QVERIFY2(store.open(m_file, &error), qPrintable(error));
            QVERIFY2(store.save({scramSession(), plainSession()}, &error), qPrintable(error));
        }
        RestStore store;
        QVERIFY2(store.open(m_file, &error), qPrintable(error));
        const std::optional<std::vector<SessionSnapshot>> loaded = store.load(&error);
        QVERIFY2(loaded, qPrintable(error));
        QCOMPARE(loaded->size(), size_t(2));
        const SessionSnapshot &a = loaded->at(0);
        const SessionSnapshot expected = scramSession();
        QCOMPARE(a.id, expected.id);
        QCOMPARE(a.tokenHash, expected.tokenHash);
        QCOMPARE(a.jid, expected.jid);
        QCOMPARE(a.resource, expected.resource);
        QCOMPARE(a.presence, expected.presence);
        QCOMPARE(a.credentials.toJson(), expected.credentials.toJson());
        QCOMPARE(a.push, expected.push);
        QCOMPARE(a.nextSeq, 12);
        QCOMPARE(a.acknowledged, 8);
        QCOMPARE(a.refused, 2);
        QCOMPARE(a.ended, false);
        compareEvents(a.events, expected.events);
        QVERIFY(a.events[2].status.isEmpty() && !a.events[2].status.isNull()); // <status/> stays present
        QVERIFY(a.events[2].body.isNull());                                    // no <body/> stays absent

        const SessionSnapshot &b = loaded->at(1);
        QCOMPARE(b.id, QStringLiteral("bbbb0002"));
        QVERIFY(!b.presence); // no initial presence stays none, not "available"
        QCOMPARE(b.credentials.password, QStringLiteral("s3cret"));
        QVERIFY(b.push.isEmpty());
        QVERIFY(b.events.empty());
        // Never the token itself.
        QFile raw(m_file);
        QVERIFY(raw.open(QIODevice::ReadOnly));
        QVERIFY(!raw.readAll().contains("token-one"));
    }

    void saveReplacesEverything()
    {
        QString error;
        RestStore store;
        QVERIFY2(store.open(m_file, &error), qPrintable(error));
        QVERIFY(store.save({scramSession(), plainSession()}, &error));
        SessionSnapshot ended = plainSession();
        ended.ended = true;
        ended.nextSeq = 3;
        ended.acknowledged = 0;
        Event last;
        last.seq = 2;
        last.kind = QStringLiteral("session");
        last.type = QStringLiteral("closed");
        last.status = QStringLiteral("not-authorized");
        Event expired;
        expired.seq = 1;
        expired.kind = QStringLiteral("session");
        expired.type = QStringLiteral("expired");
        expired.expired = 3;
        ended.events = {expired, last};
        QVERIFY(store.save({ended}, &error));
        std::optional<std::vector<SessionSnapshot>> loaded = store.load(&error);
        QVERIFY2(loaded, qPrintable(error));
        QCOMPARE(loaded->size(), size_t(1));
        QVERIFY(loaded->front().ended);
        compareEvents(loaded->front().events, ended.events);
        QVariant orphans;
        store.close();
        QVERIFY(rawSql(m_file, {QStringLiteral("SELECT count(*) FROM events")}, &orphans));
        QCOMPARE(orphans.toInt(), 2); // the ended session's two, none of the sessions replaced
        QVERIFY(store.open(m_file, &error));
        QVERIFY(store.save({}, &error));
        loaded = store.load(&error);
        QVERIFY(loaded && loaded->empty());
    }

    void looserFileIsTightened()
    {
        QDir().mkpath(QFileInfo(m_file).absolutePath());
        QFile file(m_file);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        QVERIFY(::chmod(QFile::encodeName(m_file).constData(), 0644) == 0);
        QTest::ignoreMessage(
            QtWarningMsg, qPrintable(QStringLiteral("session store %1 had mode 644; now 0600").arg(m_file)));
        RestStore store;
        QString error;
        QVERIFY2(store.open(m_file, &error), qPrintable(error));
        QCOMPARE(modeOf(m_file), mode_t(0600));
    }

    void notARegularFileIsRefused()
    {
        QDir().mkpath(QFileInfo(m_file).absolutePath());
        QVERIFY(::mkfifo(QFile::encodeName(m_file).constData(), 0600) == 0);
        RestStore store;
        QString error;
        QVERIFY(!store.open(m_file, &error));
        QVERIFY2(error.contains(QStringLiteral("not a regular file")), qPrintable(error));
        QVERIFY(!store.isOpen());
    }

    void damagedFileIsRefused()
    {
        QDir().mkpath(QFileInfo(m_file).absolutePath());
        QFile file(m_file);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, 'x'));
        file.close();
        RestStore store;
        QString error;
        QVERIFY(!store.open(m_file, &error));
        QVERIFY2(error.contains(QStringLiteral("is not an SQLite database or is damaged")),
                 qPrintable(error));
        QVERIFY(error.contains(m_file));
        QVERIFY(!store.isOpen());
    }

    void foreignFileIsRefused()
    {
        QDir().mkpath(QFileInfo(m_file).absolutePath());
        QVERIFY(rawSql(m_file, {QStringLiteral("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")}));
        RestStore store;
        QString error;
        QVERIFY(!store.open(m_file, &error));
        QVERIFY2(error.contains(QStringLiteral("is not a Switchboard session store")), qPrintable(error));
        // ...and it was left as it was.
        QVariant tables;
        QVERIFY(rawSql(m_file, {QStringLiteral("SELECT group_concat(name) FROM sqlite_master")}, &tables));
        QCOMPARE(tables.toString(), QStringLiteral("photos"));
    }

    void newerSchemaIsRefused()
    {
        {
            RestStore store;
            QString error;
            QVERIFY2(store.open(m_file, &error), qPrintable(error));
        }
        QVERIFY(rawSql(m_file, {QStringLiteral("PRAGMA user_version = 99")}));
        RestStore store;
        QString error;
        QVERIFY(!store.open(m_file, &error));
        QVERIFY2(error.contains(QStringLiteral("schema version 99, newer")), qPrintable(error));
    }

    void versionZeroIsMigrated_data()
    {
        QTest::addColumn<bool>("sqliteHeader");
        QTest::newRow("empty file") << false;
        QTest::newRow("SQLite file without tables") << true;
    }

    void versionZeroIsMigrated()
    {
        QFETCH(bool, sqliteHeader);
        QDir().mkpath(QFileInfo(m_file).absolutePath());
        if (sqliteHeader) {
            QVERIFY(rawSql(m_file, {QStringLiteral("PRAGMA page_size = 4096"), QStringLiteral("VACUUM")}));
            QVERIFY(QFileInfo(m_file).size() > 0);
        } else {
            QFile file(m_file);
            QVERIFY(file.open(QIODevice::WriteOnly));
        }
        QVariant version;
        QVERIFY(rawSql(m_file, {QStringLiteral("PRAGMA user_version")}, &version));
        QCOMPARE(version.toInt(), 0);
        RestStore store;
        QString error;
        QVERIFY2(store.open(m_file, &error), qPrintable(error));
        QCOMPARE(store.schemaVersion(), RestStore::kSchemaVersion);
        QVERIFY2(store.save({scramSession()}, &error), qPrintable(error));
        const auto loaded = store.load(&error);
        QVERIFY(loaded && loaded->size() == 1);
    }

    void heldByAnotherInstanceIsRefused()
    {
        RestStore first;
        QString error;
        QVERIFY2(first.open(m_file, &error), qPrintable(error));
        RestStore second;
        QVERIFY(!second.open(m_file, &error));
        QVERIFY2(error.contains(QStringLiteral("in use by another Switchboard")), qPrintable(error));
        // Two stores on two files live side by side (one connection name each).
        RestStore other;
        QVERIFY2(other.open(m_dir.filePath(QStringLiteral("other.sqlite")), &error), qPrintable(error));
        QVERIFY(first.save({plainSession()}, &error));
        QVERIFY(other.save({scramSession()}, &error));
        QCOMPARE(first.load(&error)->front().id, QStringLiteral("bbbb0002"));
        QCOMPARE(other.load(&error)->front().id, QStringLiteral("aaaa0001"));
        first.close();
        QVERIFY2(second.open(m_file, &error), qPrintable(error)); // released on close
    }

    void damagedRowIsRefused_data()
    {
        QTest::addColumn<QString>("update");
        QTest::addColumn<QString>("what");
        QTest::newRow("credentials") << QStringLiteral("UPDATE sessions SET credentials = '{}'")
                                     << QStringLiteral("credentials");
        QTest::newRow("event") << QStringLiteral("UPDATE events SET event = 'nope'")
                               << QStringLiteral("events");
        QTest::newRow("acknowledged event")
            << QStringLiteral("UPDATE sessions SET acknowledged_seq = 10") << QStringLiteral("events");
        QTest::newRow("token hash") << QStringLiteral("UPDATE sessions SET token_sha256 = x'00'")
                                    << QStringLiteral("fields");
    }

    void damagedRowIsRefused()
    {
        QFETCH(QString, update);
        QFETCH(QString, what);
        QString error;
        {
            RestStore store;
            QVERIFY2(store.open(m_file, &error), qPrintable(error));
            QVERIFY(store.save({scramSession()}, &error));
        }
        QVERIFY(rawSql(m_file, {update}));
        RestStore store;
        QVERIFY2(store.open(m_file, &error), qPrintable(error));
        QVERIFY(!store.load(&error));
        QVERIFY2(error.contains(QStringLiteral("damaged session aaaa0001 (") + what + QLatin1Char(')')),
                 qPrintable(error));
    }

    void cleanup() { m_dir.remove(); }

private:
    QTemporaryDir m_dir;
    QString m_file;
};

QTEST_GUILESS_MAIN(tst_RestStore)
#include "tst_rest_store.moc"

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "rest/sessionsnapshot.h"

#include <QCoreApplication>
#include <QString>

#include <optional>
#include <vector>

namespace Switchboard::Rest {

/// The REST session store (docs/REST.md "When Switchboard restarts"): one SQLite file, through Qt Sql
/// and its QSQLITE driver, that keeps SessionSnapshots from a graceful shutdown to the next start. Its
/// one job is to persist and load them; when that happens is the REST front's business.
///
/// open() makes the file with mode 0600 before SQLite touches it (SQLite gives its journal the same
/// mode), tightens an existing file that others may read, refuses a file that is not a Switchboard
/// store or comes from a newer schema, and migrates an older schema (PRAGMA user_version) in one
/// transaction per step. The file stays locked (SQLite's exclusive locking mode) while it is open, so a
/// second Switchboard cannot open it and restore the same sessions twice.
///
/// Each instance has a Qt Sql connection of its own name. Not thread-safe: lives in the thread that
/// opened it (Qt Sql's rule for connections); close() or the destructor release the file.
class RestStore final
{
    Q_DISABLE_COPY_MOVE(RestStore)
    // tr() in the context "RestStore", the one lupdate files these messages under whether it reads this
    // line or not (translations/ gives it no include path into core/).
    Q_DECLARE_TR_FUNCTIONS(RestStore)
public:
    /// The schema this build writes, kept in PRAGMA user_version. Version 0 is a new, empty file.
    static constexpr int kSchemaVersion = 1;
    /// PRAGMA application_id of a Switchboard session store ("SBRS"), so another program's SQLite file
    /// is told apart from ours.
    static constexpr int kApplicationId = 0x53425253;

    RestStore();
    ~RestStore();

    /// Where the store lives when rest_store is empty: rest.sqlite in the application's data folder
    /// (QStandardPaths::AppDataLocation, e.g. ~/.local/share/switchboard/).
    static QString defaultFile();

    /// Opens (creating it and its folder when missing) and migrates the store. False with `error` set
    /// when the file cannot be made private (0600), is not a Switchboard store, is corrupt, is newer
    /// than this build, is held by another process, or the QSQLITE driver is missing.
    bool open(const QString &fileName, QString *error);
    bool isOpen() const { return !m_connection.isEmpty(); }
    void close();
    const QString &fileName() const { return m_fileName; }
    /// The schema version of the open file (kSchemaVersion once open() succeeded).
    int schemaVersion() const;

    /// Every stored session, in id order, with its events in seq order. nullopt with `error` set when a
    /// row cannot be read back (the file was changed by something else than Switchboard).
    std::optional<std::vector<SessionSnapshot>> load(QString *error);
    /// Replaces whatever is stored by `sessions`, in one transaction: all or nothing.
    bool save(const std::vector<SessionSnapshot> &sessions, QString *error);

private:
    bool check(QString *error);
    bool migrate(int from, QString *error);

    QString m_connection; ///< the Qt Sql connection name; empty while closed
    QString m_fileName;
};

} // namespace Switchboard::Rest

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "rest/restevent.h"

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <vector>

namespace Switchboard::Rest {

/// What a REST session knows of its account's contacts, as GET …/roster shows it (docs/REST.md): the
/// roster fetched at log-in (RFC 6121 §2.1.3), changed by roster pushes (RFC 6121 §2.1.6), and the
/// presence each contact's resources sent (RFC 6121 §4). Presence from an address not in the roster
/// (directed presence, the account's own resources) is not kept.
///
/// Fed by its RestSession with every event it queues (handle()); a plain value, owned by the session,
/// in its thread. Bounded: at most `maxContacts` contacts and `maxResources` resources per contact;
/// what the caps leave out is counted (omitted()) and shown, never dropped silently.
class Roster
{
public:
    static constexpr int kMaxContacts = 10000;
    static constexpr int kMaxResources = 16;
    /// The id of the session's own roster get; only the answer to it is the whole roster.
    static constexpr QLatin1String kQueryId{"sb-roster"};

    explicit Roster(int maxContacts = kMaxContacts, int maxResources = kMaxResources);

    /// The account's bare JID: only roster pushes from it (or with no `from`) are believed (RFC 6121
    /// §2.1.6: a push from anyone else must be ignored).
    void setAccount(const QString &bareJid);
    /// Takes in one event: the answer to the session's roster get (id kQueryId, from the account or
    /// with no `from`) replaces the roster, an IQ set
    /// carrying one is a push, a presence updates a contact's resources. Anything else is ignored.
    /// Returns true when the roster changed.
    bool handle(const Event &event);
    /// Forgets every contact's resources (the server session that had their presence is gone: after a
    /// new log-in the server sends the current presence again, RFC 6121 §4.2.2).
    void clearPresence();

    /// {"contacts": [{"jid","name","groups","subscription","ask"?,"resources":[{"resource","show",
    /// "status","priority"}]}], "omitted": n}, contacts sorted by JID.
    QJsonObject toJson() const;
    int contactCount() const { return int(m_contacts.size()); }
    /// Resources of contact `bareJid` now available (0 for an unknown contact).
    int resourceCount(const QString &bareJid) const;
    /// Contacts and resources left out because of the caps, since the last full roster.
    qint64 omitted() const { return m_omitted; }

private:
    struct Resource
    {
        QString resource;
        QString show; ///< empty: plain available (RFC 6121 §4.7.2.1)
        QString status;
        int priority = 0;
    };
    struct Contact
    {
        QString jid;
        QString name;
        QString subscription; ///< none, to, from, both (RFC 6121 §2.1.2.5)
        QString ask;          ///< "subscribe" while our request waits (RFC 6121 §2.1.2.2)
        QStringList groups;
        std::vector<Resource> resources;
    };
    /// Reads the <item/>s of a roster query; false when `xml` carries none.
    static bool readItems(const QByteArray &xml, std::vector<Contact> *items, QStringList *removed);
    void upsert(Contact item);
    bool presence(const Event &event);

    int m_maxContacts;
    int m_maxResources;
    QString m_account;
    QHash<QString, Contact> m_contacts; ///< by bare JID, lower-cased
    qint64 m_omitted = 0;
};

} // namespace Switchboard::Rest

// SPDX-License-Identifier: GPL-3.0-or-later
#include "rest/roster.h"

#include <QJsonArray>
#include <QXmlStreamReader>

#include <algorithm>

namespace Switchboard::Rest {

namespace {

const QLatin1String kRosterNs("jabber:iq:roster");

QString bareOf(const QString &jid)
{
    const qsizetype slash = jid.indexOf(QLatin1Char('/'));
    return slash < 0 ? jid : jid.left(slash);
}

QString resourceOf(const QString &jid)
{
    const qsizetype slash = jid.indexOf(QLatin1Char('/'));
    return slash < 0 ? QString() : jid.mid(slash + 1);
}

/// RFC 6121 §4.7.2.3: the priority child of a presence, an integer from -128 to 127 (0 when absent
/// or malformed).
int priorityOf(const QByteArray &xml)
{
    QXmlStreamReader reader(xml);
    int depth = 0;
    while (!reader.atEnd()) {
        const auto token = reader.readNext();
        if (token == QXmlStreamReader::StartElement) {
            ++depth;
            if (depth == 2 && reader.name() == QLatin1String("priority")) {
                bool ok = false;
                const int value = reader.readElementText().trimmed().toInt(&ok);
                return ok && value >= -128 && value <= 127 ? value : 0;
            }
        } else if (token == QXmlStreamReader::EndElement) {
            --depth;
        }
    }
    return 0;
}

} // namespace

Roster::Roster(int maxContacts, int maxResources) : m_maxContacts(maxContacts), m_maxResources(maxResources)
{}

void Roster::setAccount(const QString &bareJid)
{
    m_account = bareJid.toLower();
}

bool Roster::readItems(const QByteArray &xml, std::vector<Contact> *items, QStringList *removed)
{
    QXmlStreamReader reader(xml);
    int depth = 0;
    bool query = false;
    bool sawQuery = false;
    Contact *item = nullptr;
    while (!reader.atEnd()) {
        const auto token = reader.readNext();
        if (token == QXmlStreamReader::StartElement) {
            ++depth;
            if (depth == 2 && reader.name() == QLatin1String("query") && reader.namespaceUri() == kRosterNs) {
                query = sawQuery = true;
            } else if (depth == 3 && query && reader.name() == QLatin1String("item")) {
                const QXmlStreamAttributes attributes = reader.attributes();
                Contact contact;
                contact.jid = attributes.value(QLatin1String("jid")).toString();
                contact.name = attributes.value(QLatin1String("name")).toString();
                contact.subscription = attributes.value(QLatin1String("subscription")).toString();
                contact.ask = attributes.value(QLatin1String("ask")).toString();
                if (contact.jid.isEmpty()) {
                    item = nullptr;
                    continue;
                }
                // RFC 6121 §2.1.2.5: absent means none; "remove" only in a push (§2.5.3).
                if (contact.subscription == QLatin1String("remove")) {
                    removed->append(contact.jid);
                    item = nullptr;
                    continue;
                }
                if (contact.subscription.isEmpty())
                    contact.subscription = QStringLiteral("none");
                items->push_back(std::move(contact));
                item = &items->back();
            } else if (depth == 4 && item && reader.name() == QLatin1String("group")) {
                const QString group = reader.readElementText();
                --depth; // readElementText() consumed the end tag
                if (!group.isEmpty() && !item->groups.contains(group))
                    item->groups.append(group);
            }
        } else if (token == QXmlStreamReader::EndElement) {
            if (depth == 3)
                item = nullptr;
            else if (depth == 2)
                query = false;
            --depth;
        }
    }
    return !reader.hasError() && sawQuery;
}

void Roster::upsert(Contact item)
{
    const QString key = bareOf(item.jid).toLower();
    const auto it = m_contacts.find(key);
    if (it != m_contacts.end()) {
        item.resources = std::move(it->resources); // presence outlives a change of name or groups
        *it = std::move(item);
        return;
    }
    if (int(m_contacts.size()) >= m_maxContacts) {
        ++m_omitted;
        return;
    }
    m_contacts.insert(key, std::move(item));
}

void Roster::clearPresence()
{
    for (Contact &contact : m_contacts)
        contact.resources.clear();
}

bool Roster::handle(const Event &event)
{
    if (event.kind == QLatin1String("presence"))
        return presence(event);
    if (event.kind != QLatin1String("iq") || !event.xml.contains("jabber:iq:roster"))
        return false;
    std::vector<Contact> items;
    QStringList removed;
    // RFC 6121 §2.1.6: a roster, pushed or asked for, comes from the account itself (or carries no from);
    // a result is the roster only as the answer to our own get.
    if (!event.from.isEmpty() && event.from.toLower() != m_account)
        return false;
    if (event.type == QLatin1String("result")) {
        if (event.id != kQueryId || !readItems(event.xml, &items, &removed))
            return false;
        // RFC 6121 §2.1.3: the answer to a roster get is the whole roster. Presence already known
        // for a contact that stays is kept.
        QHash<QString, Contact> previous = std::exchange(m_contacts, {});
        m_omitted = 0;
        for (Contact &item : items) {
            const QString key = bareOf(item.jid).toLower();
            const auto old = previous.constFind(key);
            if (old != previous.constEnd())
                item.resources = old->resources;
            upsert(std::move(item));
        }
        return true;
    }
    if (event.type != QLatin1String("set"))
        return false;
    if (!readItems(event.xml, &items, &removed))
        return false;
    for (const QString &jid : std::as_const(removed))
        m_contacts.remove(bareOf(jid).toLower());
    for (Contact &item : items)
        upsert(std::move(item));
    return true;
}

bool Roster::presence(const Event &event)
{
    const auto it = m_contacts.find(bareOf(event.from).toLower());
    if (it == m_contacts.end())
        return false;
    const QString resource = resourceOf(event.from);
    auto found = std::find_if(it->resources.begin(), it->resources.end(),
                              [&resource](const Resource &r) { return r.resource == resource; });
    if (event.type == QLatin1String("unavailable")) {
        // RFC 6121 §4.5: this resource went away (from a bare JID: all of them).
        if (resource.isEmpty() && !it->resources.empty()) {
            it->resources.clear();
            return true;
        }
        if (found == it->resources.end())
            return false;
        it->resources.erase(found);
        return true;
    }
    if (event.type != QLatin1String("available"))
        return false;
    if (found == it->resources.end()) {
        if (int(it->resources.size()) >= m_maxResources) {
            ++m_omitted;
            return false;
        }
        it->resources.push_back({resource, {}, {}, 0});
        found = it->resources.end() - 1;
    }
    found->show = event.show;
    found->status = event.status;
    found->priority = priorityOf(event.xml);
    return true;
}

int Roster::resourceCount(const QString &bareJid) const
{
    const auto it = m_contacts.constFind(bareJid.toLower());
    return it == m_contacts.constEnd() ? 0 : int(it->resources.size());
}

QJsonObject Roster::toJson() const
{
    QList<const Contact *> sorted;
    sorted.reserve(m_contacts.size());
    for (const Contact &contact : m_contacts)
        sorted.append(&contact);
    std::sort(sorted.begin(), sorted.end(),
              [](const Contact *a, const Contact *b) { return a->jid < b->jid; });
    QJsonArray contacts;
    for (const Contact *contact : std::as_const(sorted)) {
        QJsonArray resources;
        for (const Resource &r : contact->resources)
            resources.append(QJsonObject{{QStringLiteral("resource"), r.resource},
                                         {QStringLiteral("show"), r.show},
                                         {QStringLiteral("status"), r.status},
                                         {QStringLiteral("priority"), r.priority}});
        QJsonObject object{{QStringLiteral("jid"), contact->jid},
                           {QStringLiteral("name"), contact->name},
                           {QStringLiteral("groups"), QJsonArray::fromStringList(contact->groups)},
                           {QStringLiteral("subscription"), contact->subscription},
                           {QStringLiteral("resources"), resources}};
        if (!contact->ask.isEmpty())
            object.insert(QStringLiteral("ask"), contact->ask);
        contacts.append(object);
    }
    return {{QStringLiteral("contacts"), contacts}, {QStringLiteral("omitted"), m_omitted}};
}

} // namespace Switchboard::Rest

// SPDX-License-Identifier: GPL-3.0-or-later
#include "stream/condition.h"

#include <array>
#include <utility>

namespace Switchboard::Stream {

namespace {

constexpr std::array<std::pair<Condition, const char *>, 21> kNames{{
    {Condition::BadRequest, "bad-request"},
    {Condition::HostGone, "host-gone"},
    {Condition::HostUnknown, "host-unknown"},
    {Condition::ImproperAddressing, "improper-addressing"},
    {Condition::InternalServerError, "internal-server-error"},
    {Condition::ItemNotFound, "item-not-found"},
    {Condition::OtherRequest, "other-request"},
    {Condition::PolicyViolation, "policy-violation"},
    {Condition::RemoteConnectionFailed, "remote-connection-failed"},
    {Condition::RemoteStreamError, "remote-stream-error"},
    {Condition::SeeOtherUri, "see-other-uri"},
    {Condition::SystemShutdown, "system-shutdown"},
    {Condition::UndefinedCondition, "undefined-condition"},
    {Condition::ConnectionTimeout, "connection-timeout"},
    {Condition::InvalidNamespace, "invalid-namespace"},
    {Condition::NotAuthorized, "not-authorized"},
    {Condition::NotWellFormed, "not-well-formed"},
    {Condition::UnsupportedEncoding, "unsupported-encoding"},
    {Condition::UnsupportedStanzaType, "unsupported-stanza-type"},
    {Condition::UnsupportedVersion, "unsupported-version"},
    {Condition::None, ""},
}};

} // namespace

QString conditionName(Condition condition)
{
    for (const auto &[value, name] : kNames) {
        if (value == condition)
            return QString::fromLatin1(name);
    }
    return {};
}

std::optional<Condition> conditionFromName(QStringView name)
{
    if (name.isEmpty())
        return std::nullopt;
    for (const auto &[value, text] : kNames) {
        if (name == QLatin1String(text))
            return value;
    }
    return std::nullopt;
}

} // namespace Switchboard::Stream

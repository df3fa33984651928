// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/config.h"

#include "base/addressranges.h"
#include "base/hostpatterns.h"
#include "base/nodeid.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStringDecoder>
#include <QUrl>

#include <algorithm>
#include <limits>
#include <type_traits>

namespace Switchboard {

namespace {

/// Where relative file names in values are resolved (the config file's folder, else the current one).
struct Context
{
    QDir baseDir;
    const ConfigExtension *extension = nullptr; ///< the application's own keys
};

using Setter = bool (*)(const QString &value, Config &config, const Context &context, QString *reason);
using Getter = QStringList (*)(const Config &config);

/// Single: one value, the last one wins. List: items on one line (comma/blank separated), a repeated key
/// appends. Repeatable: one item per line, a repeated key appends. For List and Repeatable an empty
/// value clears.
enum class Shape { Single, List, Repeatable };

struct KeySpec
{
    const char *name;
    Shape shape;
    Setter set;
    Getter get;
};

bool fail(QString *reason, const QString &text)
{
    *reason = text;
    return false;
}

// --- scalar values ---

bool parseInteger(const QString &value, qint64 min, qint64 max, qint64 *out, QString *reason)
{
    if (value.isEmpty())
        return fail(reason, QCoreApplication::translate("Switchboard::Config",
                                                        "a value is required (an integer in %1..%2)")
                                .arg(min)
                                .arg(max));
    bool ok = false;
    const qint64 n = value.toLongLong(&ok, 10);
    if (!ok || value.contains(QLatin1Char(' ')))
        return fail(reason,
                    QCoreApplication::translate("Switchboard::Config", "'%1' is not an integer").arg(value));
    if (n < min || n > max)
        return fail(reason, QCoreApplication::translate("Switchboard::Config", "%1 is out of range %2..%3")
                                .arg(n)
                                .arg(min)
                                .arg(max));
    *out = n;
    return true;
}

template <auto Member, qint64 Min, qint64 Max>
bool setInt(const QString &value, Config &config, const Context &, QString *reason)
{
    using T = std::remove_cvref_t<decltype(config.*Member)>;
    static_assert(Min >= qint64(std::numeric_limits<T>::min()) &&
                  Max <= qint64(std::numeric_limits<T>::max()));
    qint64 n = 0;
    if (!parseInteger(value, Min, Max, &n, reason))
        return false;
    config.*Member = static_cast<T>(n);
    return true;
}

template <auto Member> QStringList getInt(const Config &config)
{
    return {QString::number(config.*Member)};
}

template <auto Member> bool setBool(const QString &value, Config &config, const Context &, QString *reason)
{
    const QString v = value.toLower();
    static const QStringList yes{QStringLiteral("true"), QStringLiteral("yes"), QStringLiteral("on"),
                                 QStringLiteral("1")};
    static const QStringList no{QStringLiteral("false"), QStringLiteral("no"), QStringLiteral("off"),
                                QStringLiteral("0")};
    if (yes.contains(v)) {
        config.*Member = true;
        return true;
    }
    if (no.contains(v)) {
        config.*Member = false;
        return true;
    }
    return fail(reason, QCoreApplication::translate("Switchboard::Config",
                                                    "'%1' is not a boolean (true/false, yes/no, on/off, 1/0)")
                            .arg(value));
}

bool setBoshGet(const QString &value, Config &config, const Context &, QString *reason)
{
    const QString v = value.toLower();
    if (v == QLatin1String("auto"))
        config.boshGet = BoshGet::Auto;
    else if (v == QLatin1String("on"))
        config.boshGet = BoshGet::On;
    else if (v == QLatin1String("off"))
        config.boshGet = BoshGet::Off;
    else
        return fail(
            reason,
            QCoreApplication::translate("Switchboard::Config", "'%1' is not auto, on or off").arg(value));
    return true;
}

QStringList getBoshGet(const Config &config)
{
    switch (config.boshGet) {
    case BoshGet::On:
        return {QStringLiteral("on")};
    case BoshGet::Off:
        return {QStringLiteral("off")};
    case BoshGet::Auto:
        break;
    }
    return {QStringLiteral("auto")};
}

template <auto Member> QStringList getBool(const Config &config)
{
    return {config.*Member ? QStringLiteral("true") : QStringLiteral("false")};
}

template <auto Member> QStringList getString(const Config &config)
{
    return {config.*Member};
}

bool hasBlankOrControl(const QString &text)
{
    return std::any_of(text.cbegin(), text.cend(),
                       [](QChar c) { return c.isSpace() || c.category() == QChar::Other_Control; });
}

/// An HTTP path: "/..." without blanks, query or fragment.
template <auto Member> bool setPath(const QString &value, Config &config, const Context &, QString *reason)
{
    if (!value.startsWith(QLatin1Char('/')))
        return fail(reason, QCoreApplication::translate("Switchboard::Config", "must start with '/'"));
    if (hasBlankOrControl(value) || value.contains(QLatin1Char('?')) || value.contains(QLatin1Char('#')))
        return fail(reason, QCoreApplication::translate("Switchboard::Config",
                                                        "must not contain blanks, '?' or '#'"));
    config.*Member = value;
    return true;
}

/// "[::1]" -> "::1"; anything else unchanged.
QString stripBrackets(const QString &host)
{
    if (host.size() > 2 && host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        return host.mid(1, host.size() - 2);
    return host;
}

bool isIpAddress(const QString &text)
{
    QHostAddress address;
    return address.setAddress(text);
}

bool setHost(const QString &value, Config &config, const Context &, QString *reason)
{
    const QString host = stripBrackets(value);
    if (host != QLatin1String("localhost") && !isIpAddress(host))
        return fail(reason, QCoreApplication::translate("Switchboard::Config",
                                                        "'%1' is not an IP address or 'localhost'")
                                .arg(value));
    config.host = host;
    return true;
}

/// A readable file; a relative path is taken from `context.baseDir` (the config file's folder). Empty
/// clears.
template <auto Member>
bool setFile(const QString &value, Config &config, const Context &context, QString *reason)
{
    if (value.isEmpty()) {
        (config.*Member).clear();
        return true;
    }
    const QFileInfo info(context.baseDir, value);
    if (!info.isFile() || !info.isReadable())
        return fail(reason, QCoreApplication::translate("Switchboard::Config",
                                                        "file '%1' does not exist or is not readable")
                                .arg(info.absoluteFilePath()));
    config.*Member = QDir::cleanPath(info.absoluteFilePath());
    return true;
}

/// Where draining sends new sessions: an absolute http(s):// or ws(s):// URL.
bool setDrainUrl(const QString &value, Config &config, const Context &, QString *reason)
{
    if (value.isEmpty()) {
        config.drainUrl.clear();
        return true;
    }
    const QUrl url(value, QUrl::StrictMode);
    static const QStringList schemes{QStringLiteral("http"), QStringLiteral("https"), QStringLiteral("ws"),
                                     QStringLiteral("wss")};
    if (!url.isValid() || !schemes.contains(url.scheme().toLower()) || url.host().isEmpty() ||
        hasBlankOrControl(value))
        return fail(reason, QCoreApplication::translate("Switchboard::Config",
                                                        "'%1' is not an http(s):// or ws(s):// URL")
                                .arg(value));
    config.drainUrl = value;
    return true;
}

/// The node id session ids start with (base/nodeid.h); empty: none.
bool setNodeId(const QString &value, Config &config, const Context &, QString *reason)
{
    if (!value.isEmpty() && !NodeId::isValid(value))
        return fail(reason, QCoreApplication::translate("Switchboard::Config",
                                                        "'%1' is not 1 to %2 characters of A-Z, a-z, 0-9, "
                                                        "'_' and '-'")
                                .arg(value)
                                .arg(NodeId::kMaxLength));
    config.nodeId = value;
    return true;
}

bool setDnsServer(const QString &value, Config &config, const Context &, QString *reason)
{
    if (value.isEmpty()) {
        config.dnsServer.clear();
        return true;
    }
    QHostAddress address;
    if (!address.setAddress(stripBrackets(value)))
        return fail(
            reason,
            QCoreApplication::translate("Switchboard::Config", "'%1' is not an IP address").arg(value));
    config.dnsServer = address.toString();
    return true;
}

bool setPublicUrl(const QString &value, Config &config, const Context &, QString *reason)
{
    if (value.isEmpty()) {
        config.publicUrl.clear();
        return true;
    }
    const QUrl url(value, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")) ||
        url.host().isEmpty() || url.hasQuery() || url.hasFragment())
        return fail(reason, QCoreApplication::translate(
                                "Switchboard::Config",
                                "'%1' is not an http:// or https:// URL (without query or fragment)")
                                .arg(value));
    config.publicUrl = value;
    return true;
}

bool setRequiredHost(const QString &value, Config &config, const Context &, QString *reason)
{
    for (const QChar c : value) {
        if (c.isSpace() || c == QLatin1Char('/') || c == QLatin1Char('?') || c == QLatin1Char('#'))
            return fail(reason,
                        QCoreApplication::translate("Switchboard::Config", "'%1' is not a host[:port] value")
                            .arg(value));
    }
    config.wsRequiredHost = value.toLower();
    return true;
}

/// A path that need not exist yet (the file is created at start), resolved like setFile(); empty clears.
template <auto Member>
bool setNewFile(const QString &value, Config &config, const Context &context, QString *reason)
{
    if (value.isEmpty()) {
        (config.*Member).clear();
        return true;
    }
    const QFileInfo info(context.baseDir, value);
    if (info.isDir())
        return fail(reason, QCoreApplication::translate("Switchboard::Config", "'%1' is a folder")
                                .arg(info.absoluteFilePath()));
    config.*Member = QDir::cleanPath(info.absoluteFilePath());
    return true;
}

/// rest_store: a file like setNewFile, or "off" (no session store).
bool setRestStore(const QString &value, Config &config, const Context &context, QString *reason)
{
    if (value == QLatin1String("off")) {
        config.restStore = value;
        return true;
    }
    return setNewFile<&Config::restStore>(value, config, context, reason);
}

/// RFC 8292 §2.1: the contact of a VAPID key, a mailto: or https: URI.
bool setVapidSubject(const QString &value, Config &config, const Context &, QString *reason)
{
    const QUrl url(value, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || hasBlankOrControl(value) ||
        !((scheme == QLatin1String("mailto") && !url.path().isEmpty()) ||
          (scheme == QLatin1String("https") && !url.host().isEmpty())))
        return fail(reason,
                    QCoreApplication::translate("Switchboard::Config", "'%1' is not a mailto: or https: URI")
                        .arg(value));
    config.vapidSubject = value;
    return true;
}

// --- list items ---

/// A DNS name (IDN allowed): labels of letters, digits, '-' and '_' separated by single dots.
bool checkDomainName(const QString &name, QString *reason)
{
    static const QRegularExpression pattern(QStringLiteral("^[\\w-]+(\\.[\\w-]+)*\\.?$"),
                                            QRegularExpression::UseUnicodePropertiesOption);
    if (name.isEmpty() || name.size() > 253 || !pattern.match(name).hasMatch())
        return fail(
            reason,
            QCoreApplication::translate("Switchboard::Config", "'%1' is not a domain name").arg(name));
    return true;
}

bool checkDomain(QString &item, QString *reason)
{
    item = item.toLower();
    return checkDomainName(item, reason);
}

/// A host name or IP address (IPv6 with or without brackets).
bool checkHostItem(QString &item, QString *reason)
{
    item = stripBrackets(item).toLower();
    if (isIpAddress(item))
        return true;
    return checkDomainName(item, reason);
}

/// An origin pattern: "*", "https://example.com", "https://*.example.com:8443"...
bool checkOrigin(QString &item, QString *reason)
{
    if (hasBlankOrControl(item))
        return fail(
            reason,
            QCoreApplication::translate("Switchboard::Config", "'%1' is not an origin pattern").arg(item));
    item = item.toLower();
    return true;
}

/// A QLoggingCategory rule: "category.pattern[.level]=true|false". Short forms: "=true" may be left out,
/// and a category outside "switchboard", "qt" and "default" is one of ours: "bosh.debug" is
/// "switchboard.bosh.debug=true", "*.debug=false" stays as it is.
bool checkLogRule(QString &item, QString *reason)
{
    const qsizetype eq = item.indexOf(QLatin1Char('='));
    QString pattern = (eq < 0 ? item : item.left(eq)).trimmed();
    const QString enabled = eq < 0 ? QStringLiteral("true") : item.mid(eq + 1).trimmed().toLower();
    static const QRegularExpression category(QStringLiteral("^[\\w*-]+(\\.[\\w*-]+)*$"));
    if (pattern.isEmpty() || !category.match(pattern).hasMatch() ||
        (enabled != QLatin1String("true") && enabled != QLatin1String("false")))
        return fail(reason, QCoreApplication::translate("Switchboard::Config",
                                                        "'%1' is not a logging rule (CATEGORY[=true|false])")
                                .arg(item));
    const QString head = pattern.section(QLatin1Char('.'), 0, 0);
    if (head != QLatin1String("switchboard") && head != QLatin1String("qt") &&
        head != QLatin1String("default") && !head.startsWith(QLatin1Char('*')))
        pattern.prepend(QStringLiteral("switchboard."));
    item = pattern + QLatin1Char('=') + enabled;
    return true;
}

/// A secret given in a URL query or an Authorization header: printable ASCII without blanks.
bool isPrintableToken(const QString &value)
{
    return std::all_of(value.cbegin(), value.cend(), [](QChar c) {
        return c.unicode() > 0x20 && c.unicode() < 0x7f && c != QLatin1Char('&') && c != QLatin1Char('#');
    });
}

template <auto Member> bool setToken(const QString &value, Config &config, const Context &, QString *reason)
{
    if (!isPrintableToken(value))
        return fail(reason, QCoreApplication::translate(
                                "Switchboard::Config", "must be printable ASCII without blanks, '&' or '#'"));
    config.*Member = value;
    return true;
}

/// admin_token_file: a readable file whose first line is the admin token (so the secret need not sit
/// in the configuration file or on the command line). Read once, when the configuration is loaded.
bool setAdminTokenFile(const QString &value, Config &config, const Context &context, QString *reason)
{
    if (!setFile<&Config::adminTokenFile>(value, config, context, reason))
        return false;
    if (value.isEmpty())
        return true;
    QFile file(config.adminTokenFile);
    if (!file.open(QIODevice::ReadOnly))
        return fail(reason, QCoreApplication::translate("Switchboard::Config", "cannot read '%1'")
                                .arg(config.adminTokenFile));
    const QString token = QString::fromUtf8(file.read(4096).split('\n').value(0)).trimmed();
    if (token.isEmpty() || !isPrintableToken(token))
        return fail(reason, QCoreApplication::translate("Switchboard::Config",
                                                        "its first line must be a token of printable ASCII "
                                                        "without blanks, '&' or '#'"));
    config.adminToken = token;
    return true;
}

/// An address or CIDR network of a trusted proxy: "192.0.2.7", "10.0.0.0/8", "2001:db8::/32".
bool checkAddressRange(QString &item, QString *reason)
{
    const auto range = AddressRanges::parseEntry(item);
    if (!range)
        return fail(reason, QCoreApplication::translate("Switchboard::Config",
                                                        "'%1' is not an IP address or CIDR network")
                                .arg(item));
    item = item.toLower();
    return true;
}

/// A push_allowed_hosts pattern (see HostPatterns).
bool checkPushHost(QString &item, QString *reason)
{
    if (!HostPatterns::check(item, reason))
        return false;
    item = item.toLower();
    return true;
}

bool setForwardedHeader(const QString &value, Config &config, const Context &, QString *reason)
{
    const QString v = value.toLower();
    static const QStringList names{QStringLiteral("x-forwarded-for"), QStringLiteral("forwarded"),
                                   QStringLiteral("none")};
    if (!names.contains(v))
        return fail(reason, QCoreApplication::translate("Switchboard::Config",
                                                        "'%1' is not x-forwarded-for, forwarded or none")
                                .arg(value));
    config.forwardedHeader = v;
    return true;
}

bool setWorkerAccept(const QString &value, Config &config, const Context &, QString *reason)
{
    const QString v = value.toLower();
    if (v != QLatin1String("reuseport") && v != QLatin1String("acceptor"))
        return fail(reason,
                    QCoreApplication::translate("Switchboard::Config", "'%1' is not reuseport or acceptor")
                        .arg(value));
    config.workerAccept = v;
    return true;
}

using ItemCheck = bool (*)(QString &item, QString *reason);

/// Splits a list value; `log` rules may contain blanks ("a.b = true"), so they split on ',' and ';'.
template <auto Member, ItemCheck Check, bool BlankSeparated>
bool setList(const QString &value, Config &config, const Context &, QString *reason)
{
    if (value.isEmpty()) {
        (config.*Member).clear();
        return true;
    }
    static const QRegularExpression separators(BlankSeparated ? QStringLiteral("[,\\s]+")
                                                              : QStringLiteral("[,;]"));
    QStringList result = config.*Member;
    const QStringList items = value.split(separators, Qt::SkipEmptyParts);
    for (QString item : items) {
        item = item.trimmed();
        if (item.isEmpty())
            continue;
        if (!Check(item, reason))
            return false;
        if (!result.contains(item))
            result.append(item);
    }
    config.*Member = result;
    return true;
}

template <auto Member> QStringList getList(const Config &config)
{
    return config.*Member;
}

// --- repeatable keys ---

/// One option of a route after its target: `tls=starttls|direct`, `proxy_protocol_out=none|v1|v2`.
bool setRouteOption(const QString &option, Route &route, QString *reason)
{
    const qsizetype eq = option.indexOf(QLatin1Char('='));
    const QString name = option.left(eq).toLower();
    const QString value = eq < 0 ? QString() : option.mid(eq + 1).toLower();
    if (name == u"tls" && (value == u"starttls" || value == u"direct")) {
        route.directTls = value == u"direct";
        return true;
    }
    if (name == u"proxy_protocol_out" && (value == u"none" || value == u"v1" || value == u"v2")) {
        route.proxyProtocolOut = value == u"v1"   ? ProxyProtocolVersion::V1
                                 : value == u"v2" ? ProxyProtocolVersion::V2
                                                  : ProxyProtocolVersion::None;
        return true;
    }
    return fail(reason, QCoreApplication::translate("Switchboard::Config",
                                                    "unknown route option '%1' (tls=starttls|direct, "
                                                    "proxy_protocol_out=none|v1|v2)")
                            .arg(option));
}

/// DOMAIN=HOST[:PORT] [OPTION...]; an IPv6 host goes in brackets: example.com=[::1]:5222. Options
/// follow the target, separated by blanks: `tls=direct`, `proxy_protocol_out=v1|v2`.
bool setRoute(const QString &value, Config &config, const Context &, QString *reason)
{
    if (value.isEmpty()) {
        config.routes.clear();
        return true;
    }
    const qsizetype eq = value.indexOf(QLatin1Char('='));
    if (eq < 0)
        return fail(
            reason,
            QCoreApplication::translate("Switchboard::Config", "'%1' is not DOMAIN=HOST:PORT").arg(value));
    Route route;
    route.domain = value.left(eq).trimmed().toLower();
    if (!checkDomainName(route.domain, reason))
        return false;
    static const QRegularExpression blanks(QStringLiteral("\\s+"));
    QStringList words = value.mid(eq + 1).trimmed().split(blanks, Qt::SkipEmptyParts);
    if (words.isEmpty())
        return fail(
            reason,
            QCoreApplication::translate("Switchboard::Config", "'%1' is not DOMAIN=HOST:PORT").arg(value));
    const QString target = words.takeFirst();
    for (const QString &option : std::as_const(words)) {
        if (!setRouteOption(option, route, reason))
            return false;
    }
    QString portText;
    if (target.startsWith(QLatin1Char('['))) {
        const qsizetype close = target.indexOf(QLatin1Char(']'));
        QHostAddress address;
        if (close < 0 || !address.setAddress(target.mid(1, close - 1)) ||
            address.protocol() != QAbstractSocket::IPv6Protocol)
            return fail(reason, QCoreApplication::translate("Switchboard::Config",
                                                            "'%1' is not a bracketed IPv6 address")
                                    .arg(target));
        route.host = target.mid(1, close - 1).toLower();
        const QString rest = target.mid(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(QLatin1Char(':')))
            return fail(
                reason,
                QCoreApplication::translate("Switchboard::Config", "'%1' is not [IPV6]:PORT").arg(target));
        portText = rest.mid(1);
        if (rest.isEmpty())
            portText = QString::number(route.port);
    } else {
        if (target.count(QLatin1Char(':')) > 1)
            return fail(reason,
                        QCoreApplication::translate("Switchboard::Config",
                                                    "an IPv6 address needs brackets, e.g. [::1]:5222"));
        const qsizetype colon = target.indexOf(QLatin1Char(':'));
        route.host = (colon < 0 ? target : target.left(colon)).toLower();
        portText = colon < 0 ? QString::number(route.port) : target.mid(colon + 1);
        if (route.host.isEmpty() || (!isIpAddress(route.host) && !checkDomainName(route.host, reason)))
            return fail(
                reason,
                QCoreApplication::translate("Switchboard::Config", "'%1' does not name a host").arg(target));
    }
    qint64 port = 0;
    if (!parseInteger(portText, 1, 65535, &port, reason)) {
        *reason = QCoreApplication::translate("Switchboard::Config", "port: %1").arg(*reason);
        return false;
    }
    route.port = static_cast<quint16>(port);
    for (const Route &existing : std::as_const(config.routes)) {
        if (existing.domain.compare(route.domain, Qt::CaseInsensitive) == 0)
            return fail(reason,
                        QCoreApplication::translate("Switchboard::Config", "duplicate route for domain '%1'")
                            .arg(route.domain));
    }
    config.routes.append(route);
    return true;
}

QStringList getRoutes(const Config &config)
{
    QStringList result;
    for (const Route &route : config.routes) {
        const QString host = route.host.contains(QLatin1Char(':'))
                                 ? QLatin1Char('[') + route.host + QLatin1Char(']')
                                 : route.host;
        QString text =
            route.domain + QLatin1Char('=') + host + QLatin1Char(':') + QString::number(route.port);
        if (route.directTls)
            text += QStringLiteral(" tls=direct");
        if (route.proxyProtocolOut == ProxyProtocolVersion::V1)
            text += QStringLiteral(" proxy_protocol_out=v1");
        else if (route.proxyProtocolOut == ProxyProtocolVersion::V2)
            text += QStringLiteral(" proxy_protocol_out=v2");
        result.append(text);
    }
    return result;
}

/// "Name: value", RFC 9110 §5: the name is a token; the value printable ASCII. Headers that frame the
/// message are the server's business and refused.
bool setHttpHeader(const QString &value, Config &config, const Context &, QString *reason)
{
    if (value.isEmpty()) {
        config.httpHeaders.clear();
        return true;
    }
    const qsizetype colon = value.indexOf(QLatin1Char(':'));
    if (colon < 0)
        return fail(
            reason,
            QCoreApplication::translate("Switchboard::Config", "'%1' is not 'Name: value'").arg(value));
    const QString name = value.left(colon).trimmed();
    const QString headerValue = value.mid(colon + 1).trimmed();
    static const QRegularExpression token(QStringLiteral("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"));
    if (!token.match(name).hasMatch())
        return fail(
            reason,
            QCoreApplication::translate("Switchboard::Config", "'%1' is not a header name").arg(name));
    static const QStringList reserved{QStringLiteral("content-length"),   QStringLiteral("transfer-encoding"),
                                      QStringLiteral("connection"),       QStringLiteral("upgrade"),
                                      QStringLiteral("content-encoding"), QStringLiteral("keep-alive")};
    if (reserved.contains(name.toLower()))
        return fail(
            reason,
            QCoreApplication::translate("Switchboard::Config", "header '%1' is set by the server").arg(name));
    const bool printable = std::all_of(headerValue.cbegin(), headerValue.cend(), [](QChar c) {
        return c == QLatin1Char('\t') || (c.unicode() >= 0x20 && c.unicode() < 0x7f);
    });
    if (!printable)
        return fail(reason, QCoreApplication::translate("Switchboard::Config",
                                                        "header value must be printable ASCII"));
    config.httpHeaders.append({name.toLatin1(), headerValue.toLatin1()});
    return true;
}

QStringList getHttpHeaders(const Config &config)
{
    QStringList result;
    for (const auto &[name, value] : config.httpHeaders)
        result.append(QString::fromLatin1(name) + QStringLiteral(": ") + QString::fromLatin1(value));
    return result;
}

// --- the table ---

constexpr qint64 MiB = 1024 * 1024;

const KeySpec keySpecs[] = {
    {"host", Shape::Single, &setHost, &getString<&Config::host>},
    {"port", Shape::Single, &setInt<&Config::port, 0, 65535>, &getInt<&Config::port>},
    {"path", Shape::Single, &setPath<&Config::path>, &getString<&Config::path>},
    {"max_data_held", Shape::Single, &setInt<&Config::maxDataHeld, 1024, 100 * MiB>,
     &getInt<&Config::maxDataHeld>},
    {"max_header_count", Shape::Single, &setInt<&Config::maxHeaderCount, 1, 10000>,
     &getInt<&Config::maxHeaderCount>},
    {"http_idle_timeout", Shape::Single, &setInt<&Config::httpIdleTimeout, 1, 3600>,
     &getInt<&Config::httpIdleTimeout>},
    {"http_request_timeout", Shape::Single, &setInt<&Config::httpRequestTimeout, 1, 3600>,
     &getInt<&Config::httpRequestTimeout>},
    {"compression", Shape::Single, &setBool<&Config::compression>, &getBool<&Config::compression>},
    {"compression_min_size", Shape::Single, &setInt<&Config::compressionMinSize, 0, 100 * MiB>,
     &getInt<&Config::compressionMinSize>},
    {"allowed_origins", Shape::List, &setList<&Config::allowedOrigins, &checkOrigin, true>,
     &getList<&Config::allowedOrigins>},
    {"http_headers", Shape::Repeatable, &setHttpHeader, &getHttpHeaders},
    {"max_header_size", Shape::Single, &setInt<&Config::maxHeaderSize, 256, 1 * MiB>,
     &getInt<&Config::maxHeaderSize>},
    {"max_connections", Shape::Single, &setInt<&Config::maxConnections, 1, 1000000>,
     &getInt<&Config::maxConnections>},
    {"max_connections_per_ip", Shape::Single, &setInt<&Config::maxConnectionsPerIp, 1, 1000000>,
     &getInt<&Config::maxConnectionsPerIp>},
    {"tls_cert_file", Shape::Single, &setFile<&Config::tlsCertFile>, &getString<&Config::tlsCertFile>},
    {"tls_key_file", Shape::Single, &setFile<&Config::tlsKeyFile>, &getString<&Config::tlsKeyFile>},
    {"tls_port", Shape::Single, &setInt<&Config::tlsPort, 0, 65535>, &getInt<&Config::tlsPort>},
    {"plain_listener", Shape::Single, &setBool<&Config::plainListener>, &getBool<&Config::plainListener>},
    {"trusted_proxies", Shape::List, &setList<&Config::trustedProxies, &checkAddressRange, true>,
     &getList<&Config::trustedProxies>},
    {"forwarded_header", Shape::Single, &setForwardedHeader, &getString<&Config::forwardedHeader>},
    {"proxy_protocol", Shape::Single, &setBool<&Config::proxyProtocol>, &getBool<&Config::proxyProtocol>},
    {"max_bosh_connections", Shape::Single, &setInt<&Config::maxBoshConnections, 1, 16>,
     &getInt<&Config::maxBoshConnections>},
    {"window_size", Shape::Single, &setInt<&Config::windowSize, 1, 64>, &getInt<&Config::windowSize>},
    {"default_wait", Shape::Single, &setInt<&Config::defaultWait, 1, 3600>, &getInt<&Config::defaultWait>},
    {"max_wait", Shape::Single, &setInt<&Config::maxWait, 1, 3600>, &getInt<&Config::maxWait>},
    {"default_inactivity", Shape::Single, &setInt<&Config::defaultInactivity, 1, 3600>,
     &getInt<&Config::defaultInactivity>},
    {"max_inactivity", Shape::Single, &setInt<&Config::maxInactivity, 1, 3600>,
     &getInt<&Config::maxInactivity>},
    {"max_pause", Shape::Single, &setInt<&Config::maxPause, 1, 3600>, &getInt<&Config::maxPause>},
    {"polling", Shape::Single, &setInt<&Config::polling, 0, 3600>, &getInt<&Config::polling>},
    {"bosh_coalesce_delay", Shape::Single, &setInt<&Config::boshCoalesceDelay, 0, 100>,
     &getInt<&Config::boshCoalesceDelay>},
    {"max_streams_per_session", Shape::Single, &setInt<&Config::maxStreamsPerSession, 1, 1024>,
     &getInt<&Config::maxStreamsPerSession>},
    {"max_sessions", Shape::Single, &setInt<&Config::maxSessions, 1, 1000000>, &getInt<&Config::maxSessions>},
    {"max_sessions_per_ip", Shape::Single, &setInt<&Config::maxSessionsPerIp, 1, 1000000>,
     &getInt<&Config::maxSessionsPerIp>},
    {"max_new_sessions_per_ip", Shape::Single, &setInt<&Config::maxNewSessionsPerIp, 1, 1000000>,
     &getInt<&Config::maxNewSessionsPerIp>},
    {"max_stanza_size", Shape::Single, &setInt<&Config::maxStanzaSize, 1024, 100 * MiB>,
     &getInt<&Config::maxStanzaSize>},
    {"max_xml_depth", Shape::Single, &setInt<&Config::maxXmlDepth, 4, 1000>, &getInt<&Config::maxXmlDepth>},
    {"bosh_get", Shape::Single, &setBoshGet, &getBoshGet},
    {"use_key_sequencing", Shape::Single, &setBool<&Config::useKeySequencing>,
     &getBool<&Config::useKeySequencing>},
    {"max_client_backlog", Shape::Single, &setInt<&Config::maxClientBacklog, 16384, 1024 * MiB>,
     &getInt<&Config::maxClientBacklog>},
    {"max_xmpp_buffer_size", Shape::Single, &setInt<&Config::maxXmppBufferSize, 1024, 100 * MiB>,
     &getInt<&Config::maxXmppBufferSize>},
    {"route", Shape::Repeatable, &setRoute, &getRoutes},
    {"allowed_domains", Shape::List, &setList<&Config::allowedDomains, &checkDomain, true>,
     &getList<&Config::allowedDomains>},
    {"allowed_route_hosts", Shape::List, &setList<&Config::allowedRouteHosts, &checkHostItem, true>,
     &getList<&Config::allowedRouteHosts>},
    {"no_tls_domains", Shape::List, &setList<&Config::noTlsDomains, &checkDomain, true>,
     &getList<&Config::noTlsDomains>},
    {"ca_file", Shape::Single, &setFile<&Config::caFile>, &getString<&Config::caFile>},
    {"connect_timeout", Shape::Single, &setInt<&Config::connectTimeout, 1, 600>,
     &getInt<&Config::connectTimeout>},
    {"dns_server", Shape::Single, &setDnsServer, &getString<&Config::dnsServer>},
    {"server_read_timeout", Shape::Single, &setInt<&Config::serverReadTimeout, 1, 3600>,
     &getInt<&Config::serverReadTimeout>},
    {"ws_path", Shape::Single, &setPath<&Config::wsPath>, &getString<&Config::wsPath>},
    {"ws_max_message_size", Shape::Single, &setInt<&Config::wsMaxMessageSize, 1024, 100 * MiB>,
     &getInt<&Config::wsMaxMessageSize>},
    {"ws_ping_interval", Shape::Single, &setInt<&Config::wsPingInterval, 0, 3600>,
     &getInt<&Config::wsPingInterval>},
    {"ws_idle_timeout", Shape::Single, &setInt<&Config::wsIdleTimeout, 1, 86400>,
     &getInt<&Config::wsIdleTimeout>},
    {"ws_legacy_framing", Shape::Single, &setBool<&Config::wsLegacyFraming>,
     &getBool<&Config::wsLegacyFraming>},
    {"ws_required_host", Shape::Single, &setRequiredHost, &getString<&Config::wsRequiredHost>},
    {"rest_path", Shape::Single, &setPath<&Config::restPath>, &getString<&Config::restPath>},
    {"rest_max_queue", Shape::Single, &setInt<&Config::restMaxQueue, 1, 1000000>,
     &getInt<&Config::restMaxQueue>},
    {"rest_idle_timeout", Shape::Single, &setInt<&Config::restIdleTimeout, 10, 30 * 86400>,
     &getInt<&Config::restIdleTimeout>},
    {"rest_max_sessions_per_account", Shape::Single, &setInt<&Config::restMaxSessionsPerAccount, 1, 100000>,
     &getInt<&Config::restMaxSessionsPerAccount>},
    {"rest_max_sessions_per_ip", Shape::Single, &setInt<&Config::restMaxSessionsPerIp, 1, 100000>,
     &getInt<&Config::restMaxSessionsPerIp>},
    {"rest_max_event_age", Shape::Single, &setInt<&Config::restMaxEventAge, 1, 30 * 86400>,
     &getInt<&Config::restMaxEventAge>},
    {"rest_sse_keepalive", Shape::Single, &setInt<&Config::restSseKeepAlive, 1, 3600>,
     &getInt<&Config::restSseKeepAlive>},
    {"rest_store", Shape::Single, &setRestStore, &getString<&Config::restStore>},
    {"rest_reconnect_delay", Shape::Single, &setInt<&Config::restReconnectDelay, 1, 60000>,
     &getInt<&Config::restReconnectDelay>},
    {"rest_reconnect_max_delay", Shape::Single, &setInt<&Config::restReconnectMaxDelay, 1, 3600>,
     &getInt<&Config::restReconnectMaxDelay>},
    {"public_url", Shape::Single, &setPublicUrl, &getString<&Config::publicUrl>},
    {"workers", Shape::Single, &setInt<&Config::workers, 0, 256>, &getInt<&Config::workers>},
    {"worker_accept", Shape::Single, &setWorkerAccept, &getString<&Config::workerAccept>},
    {"shutdown_timeout", Shape::Single, &setInt<&Config::shutdownTimeout, 1, 600>,
     &getInt<&Config::shutdownTimeout>},
    {"drain_url", Shape::Single, &setDrainUrl, &getString<&Config::drainUrl>},
    {"node_id", Shape::Single, &setNodeId, &getString<&Config::nodeId>},
    {"log", Shape::List, &setList<&Config::logRules, &checkLogRule, false>, &getList<&Config::logRules>},
    {"status_path", Shape::Single, &setPath<&Config::statusPath>, &getString<&Config::statusPath>},
    {"status_token", Shape::Single, &setToken<&Config::statusToken>, &getString<&Config::statusToken>},
    {"admin_token", Shape::Single, &setToken<&Config::adminToken>, &getString<&Config::adminToken>},
    {"admin_token_file", Shape::Single, &setAdminTokenFile, &getString<&Config::adminTokenFile>},
    {"traffic_capacity", Shape::Single, &setInt<&Config::trafficCapacity, 1, 10000000>,
     &getInt<&Config::trafficCapacity>},
    {"show_secrets", Shape::Single, &setBool<&Config::showSecrets>, &getBool<&Config::showSecrets>},
    {"lint", Shape::Single, &setBool<&Config::lint>, &getBool<&Config::lint>},
    {"lint_timeout", Shape::Single, &setInt<&Config::lintTimeout, 1, 3600>, &getInt<&Config::lintTimeout>},
    {"push_interval", Shape::Single, &setInt<&Config::pushInterval, 1, 86400>,
     &getInt<&Config::pushInterval>},
    {"push_max_failures", Shape::Single, &setInt<&Config::pushMaxFailures, 1, 1000>,
     &getInt<&Config::pushMaxFailures>},
    {"push_timeout", Shape::Single, &setInt<&Config::pushTimeout, 1, 300>, &getInt<&Config::pushTimeout>},
    {"push_allowed_hosts", Shape::List, &setList<&Config::pushAllowedHosts, &checkPushHost, true>,
     &getList<&Config::pushAllowedHosts>},
    {"vapid_key_file", Shape::Single, &setNewFile<&Config::vapidKeyFile>, &getString<&Config::vapidKeyFile>},
    {"vapid_subject", Shape::Single, &setVapidSubject, &getString<&Config::vapidSubject>},
};

const KeySpec *findKey(const QString &key)
{
    for (const KeySpec &spec : keySpecs) {
        if (key == QLatin1String(spec.name))
            return &spec;
    }
    return nullptr;
}

bool applyWithContext(const QString &key, const QString &value, Config &config, const Context &context,
                      QString *error)
{
    QString reason;
    const KeySpec *spec = findKey(key);
    if (!spec && context.extension && context.extension->keys.contains(key)) {
        if (context.extension->apply(key, value, &reason))
            return true;
    } else if (!spec) {
        reason = QCoreApplication::translate("Switchboard::Config", "unknown key");
        // A common slip: the command-line spelling (max-wait) in the file.
        QString fixed = key.toLower();
        fixed.replace(QLatin1Char('-'), QLatin1Char('_'));
        if (findKey(fixed))
            reason += QCoreApplication::translate("Switchboard::Config", " (did you mean '%1'?)").arg(fixed);
    } else if (spec->set(value, config, context, &reason)) {
        return true;
    }
    if (error)
        *error = QCoreApplication::translate("Switchboard::Config", "key '%1': %2").arg(key, reason);
    return false;
}

bool loadWithContext(const QByteArray &text, const QString &origin, const Context &context, Config &config,
                     QString *error)
{
    QStringDecoder decoder(QStringDecoder::Utf8);
    QString all = decoder(text);
    if (decoder.hasError()) {
        if (error)
            *error = origin + QStringLiteral(": ") +
                     QCoreApplication::translate("Switchboard::Config", "not valid UTF-8");
        return false;
    }
    if (all.startsWith(QChar(0xfeff))) // a byte order mark some editors write
        all.remove(0, 1);

    Config result = config;
    QStringList errors;
    QStringList listKeysSeen;
    const QStringList lines = all.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i).trimmed(); // also drops the '\r' of CRLF files
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const QString where = origin + QLatin1Char(':') + QString::number(i + 1) + QStringLiteral(": ");
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        const QString key = line.left(eq).trimmed();
        if (eq < 0 || key.isEmpty() || hasBlankOrControl(key)) {
            errors.append(
                where + QCoreApplication::translate("Switchboard::Config", "expected 'key = value', got '%1'")
                            .arg(line));
            continue;
        }
        // The first occurrence of a list key in a text replaces what came before (the defaults or an
        // earlier source); the following ones append.
        const KeySpec *spec = findKey(key);
        if (spec && spec->shape != Shape::Single && !listKeysSeen.contains(key)) {
            listKeysSeen.append(key);
            spec->set(QString(), result, context, nullptr);
        }
        QString keyError;
        if (!applyWithContext(key, line.mid(eq + 1).trimmed(), result, context, &keyError))
            errors.append(where + keyError);
    }
    if (!errors.isEmpty()) {
        if (error)
            *error = errors.join(QLatin1Char('\n'));
        return false;
    }
    config = result;
    return true;
}

QString withoutTrailingSlashes(QString path)
{
    while (path.size() > 1 && path.endsWith(QLatin1Char('/')))
        path.chop(1);
    return path;
}

} // namespace

QStringList Config::reachableDomains() const
{
    QStringList result;
    if (!allowedDomains.isEmpty()) {
        for (const QString &domain : allowedDomains)
            result.append(domain.toLower());
    } else {
        for (const Route &route : routes)
            result.append(route.domain.toLower());
    }
    result.removeDuplicates();
    return result;
}

std::optional<Route> Config::routeFor(const QString &domain) const
{
    for (const Route &route : routes) {
        if (route.domain.compare(domain, Qt::CaseInsensitive) == 0)
            return route;
    }
    return std::nullopt;
}

bool ConfigLoader::loadFile(const QString &fileName, Config &config, QString *error,
                            const ConfigExtension *extension)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error =
                fileName + QStringLiteral(": ") +
                QCoreApplication::translate("Switchboard::Config", "cannot read: %1").arg(file.errorString());
        return false;
    }
    const QByteArray text = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        if (error)
            *error =
                fileName + QStringLiteral(": ") +
                QCoreApplication::translate("Switchboard::Config", "cannot read: %1").arg(file.errorString());
        return false;
    }
    return loadWithContext(text, fileName, Context{QFileInfo(fileName).absoluteDir(), extension}, config,
                           error);
}

bool ConfigLoader::loadText(const QByteArray &text, const QString &origin, Config &config, QString *error,
                            const ConfigExtension *extension)
{
    return loadWithContext(text, origin, Context{QDir::current(), extension}, config, error);
}

bool ConfigLoader::apply(const QString &key, const QString &value, Config &config, QString *error,
                         const ConfigExtension *extension)
{
    return applyWithContext(key, value, config, Context{QDir::current(), extension}, error);
}

bool ConfigLoader::validate(const Config &config, QString *error)
{
    QStringList errors;
    // Limits: every value goes through the same setter a file line would (catches values set in code).
    for (const KeySpec &spec : keySpecs) {
        Config scratch;
        const QString key = QLatin1String(spec.name);
        const QStringList values = spec.get(config);
        QString keyError;
        if (spec.shape != Shape::Single)
            applyWithContext(key, QString(), scratch, Context{QDir::current()}, nullptr);
        for (const QString &value : values) {
            if (!applyWithContext(key, value, scratch, Context{QDir::current()}, &keyError)) {
                errors.append(keyError);
                break;
            }
            // An item set in code must be one item: "a b" would read back as two.
            Config single;
            applyWithContext(key, QString(), single, Context{QDir::current()}, nullptr);
            if (spec.shape == Shape::List &&
                (!applyWithContext(key, value, single, Context{QDir::current()}, nullptr) ||
                 spec.get(single).size() != 1)) {
                errors.append(
                    QCoreApplication::translate("Switchboard::Config", "key '%1': '%2' is not a single item")
                        .arg(key, value));
                break;
            }
        }
    }
    // Cross-field rules.
    if (withoutTrailingSlashes(config.path) == withoutTrailingSlashes(config.wsPath))
        errors.append(
            QCoreApplication::translate("Switchboard::Config", "keys 'path' and 'ws_path' must differ"));
    for (const QString &other : {config.path, config.wsPath, QStringLiteral("/metrics")}) {
        if (withoutTrailingSlashes(config.statusPath) == withoutTrailingSlashes(other))
            errors.append(QCoreApplication::translate(
                "Switchboard::Config", "key 'status_path' must differ from 'path', 'ws_path' and /metrics"));
    }
    for (const QString &other : {config.path, config.wsPath, config.statusPath, QStringLiteral("/metrics")}) {
        if (withoutTrailingSlashes(config.restPath) == withoutTrailingSlashes(other))
            errors.append(QCoreApplication::translate(
                "Switchboard::Config",
                "key 'rest_path' must differ from 'path', 'ws_path', 'status_path' and /metrics"));
    }
    if (config.defaultWait > config.maxWait)
        errors.append(QCoreApplication::translate("Switchboard::Config",
                                                  "key 'default_wait' (%1) must not exceed 'max_wait' (%2)")
                          .arg(config.defaultWait)
                          .arg(config.maxWait));
    if (config.defaultInactivity > config.maxInactivity)
        errors.append(
            QCoreApplication::translate("Switchboard::Config",
                                        "key 'default_inactivity' (%1) must not exceed 'max_inactivity' (%2)")
                .arg(config.defaultInactivity)
                .arg(config.maxInactivity));
    if (config.wsPingInterval != 0 && config.wsPingInterval >= config.wsIdleTimeout)
        errors.append(QCoreApplication::translate(
                          "Switchboard::Config",
                          "key 'ws_ping_interval' (%1) must be below 'ws_idle_timeout' (%2), or 0")
                          .arg(config.wsPingInterval)
                          .arg(config.wsIdleTimeout));
    if (config.tlsCertFile.isEmpty() != config.tlsKeyFile.isEmpty())
        errors.append(QCoreApplication::translate("Switchboard::Config",
                                                  "keys 'tls_cert_file' and 'tls_key_file' go together"));
    if (!config.tlsCertFile.isEmpty() && config.plainListener && config.tlsPort != 0 &&
        config.tlsPort == config.port)
        errors.append(QCoreApplication::translate(
            "Switchboard::Config", "keys 'tls_port' and 'port' must differ while 'plain_listener' is on"));
    if (config.proxyProtocol && config.trustedProxies.isEmpty())
        errors.append(QCoreApplication::translate(
            "Switchboard::Config",
            "key 'proxy_protocol' needs 'trusted_proxies' (only those may send the PROXY header)"));
    if (config.maxConnectionsPerIp > config.maxConnections)
        errors.append(QCoreApplication::translate(
                          "Switchboard::Config",
                          "key 'max_connections_per_ip' (%1) must not exceed 'max_connections' (%2)")
                          .arg(config.maxConnectionsPerIp)
                          .arg(config.maxConnections));
    if (!errors.isEmpty()) {
        if (error)
            *error = errors.join(QLatin1Char('\n'));
        return false;
    }
    return true;
}

QStringList ConfigLoader::knownKeys()
{
    QStringList keys;
    for (const KeySpec &spec : keySpecs)
        keys.append(QLatin1String(spec.name));
    return keys;
}

bool ConfigLoader::isListKey(const QString &key)
{
    const KeySpec *spec = findKey(key);
    return spec && spec->shape != Shape::Single;
}

QString configToText(const Config &config, const ConfigExtension *extension)
{
    QString text = QStringLiteral("# Switchboard configuration (see docs/CONFIGURATION.md)\n");
    for (const KeySpec &spec : keySpecs) {
        const QString key = QLatin1String(spec.name);
        const QStringList values = spec.get(config);
        if (spec.shape == Shape::Repeatable && !values.isEmpty()) {
            for (const QString &value : values)
                text += key + QStringLiteral(" = ") + value + QLatin1Char('\n');
            continue;
        }
        const QString joined = values.join(QStringLiteral(", "));
        if (joined.isEmpty())
            text += key + QStringLiteral(" =\n");
        else
            text += key + QStringLiteral(" = ") + joined + QLatin1Char('\n');
    }
    if (extension) {
        for (const QString &key : extension->keys)
            text +=
                QString(key + QStringLiteral(" = ") + extension->value(key)).trimmed() + QLatin1Char('\n');
    }
    return text;
}

} // namespace Switchboard
